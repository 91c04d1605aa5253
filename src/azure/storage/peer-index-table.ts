import type { TableClient, TransactionAction } from "@azure/data-tables";
import pLimit from "p-limit";
import type { PeerIndex } from "../../app/ports.js";
import { idKey, subscriptionOf } from "../../reconcile/ids.js";
import type { PeerLinks } from "../../app/vnet-index.js";
import { isStatus, keyOf, lazyTable } from "./functions-storage.js";

type PeerEntity = {
  partitionKey: string;
  rowKey: string;
  vnetId: string;
  remoteVnetId: string;
};

/**
 * The peer index in Table Storage. Each peering V->R is two rows: `to-<R>/<V>` answers "who peers
 * with R" in one partition query (the delete-event path), `from-<V>/<R>` lets a re-read of V replace
 * exactly V's rows. Keys are hashes (ids contain '/'); the ids are kept as properties.
 */
export class TablePeerIndex implements PeerIndex {
  private readonly table: () => Promise<TableClient>;

  constructor(client: TableClient) {
    this.table = lazyTable(client);
  }

  async peersOf(vnetId: string): Promise<string[]> {
    const table = await this.table();
    const out: string[] = [];
    const rows = table.listEntities<PeerEntity>({
      queryOptions: { filter: `PartitionKey eq '${toPartition(vnetId)}'`, select: ["vnetId"] },
    });
    for await (const row of rows) out.push(row.vnetId);
    return out;
  }

  async record(vnets: readonly PeerLinks[]): Promise<void> {
    const table = await this.table();
    const limit = pLimit(8);
    await Promise.all(vnets.map((vnet) => limit(() => this.replaceRowsOf(table, vnet))));
  }

  /**
   * One scan of every `from-` row (pages of up to 1,000), then, per VNet, only the rows that changed:
   * a sweep of an unchanged estate reads the index once and writes nothing, whatever its size.
   */
  async rebuild(
    vnets: readonly PeerLinks[],
    coveredSubscriptions: readonly string[],
  ): Promise<{ removed: number }> {
    const table = await this.table();
    const known = new Map<string, Map<string, PeerEntity>>();
    const rows = table.listEntities<PeerEntity>({
      queryOptions: { filter: "PartitionKey ge 'from-' and PartitionKey lt 'from.'" },
    });
    for await (const row of rows) {
      const key = idKey(row.vnetId);
      let of = known.get(key);
      if (!of) known.set(key, (of = new Map()));
      of.set(idKey(row.remoteVnetId), row);
    }
    const limit = pLimit(8);
    await Promise.all(
      vnets.map((vnet) =>
        limit(() => this.replaceRowsOf(table, vnet, known.get(idKey(vnet.id)) ?? new Map())),
      ),
    );
    const present = new Set(vnets.map((v) => idKey(v.id)));
    const covered = new Set(coveredSubscriptions.map((s) => s.toLowerCase()));
    const stale: PeerEntity[] = [];
    for (const [key, of] of known) {
      if (present.has(key)) continue;
      for (const row of of.values()) {
        const sub = subscriptionOf(row.vnetId);
        if (sub && covered.has(sub)) stale.push(row);
      }
    }
    await Promise.all(stale.map((row) => limit(() => deletePair(table, row.vnetId, row.remoteVnetId))));
    return { removed: stale.length };
  }

  /** `existing`: the VNet's `from-` rows by remote, when the caller has read them already. */
  private async replaceRowsOf(
    table: TableClient,
    vnet: PeerLinks,
    known?: Map<string, PeerEntity>,
  ): Promise<void> {
    let existing = known;
    if (!existing) {
      existing = new Map<string, PeerEntity>();
      const rows = table.listEntities<PeerEntity>({
        queryOptions: { filter: `PartitionKey eq '${fromPartition(vnet.id)}'` },
      });
      for await (const row of rows) existing.set(idKey(row.remoteVnetId), row);
    }

    const current = new Map<string, string>();
    for (const p of vnet.peerings) current.set(idKey(p.remoteVnetId), p.remoteVnetId);

    const added = [...current.entries()].filter(([key]) => !existing.has(key)).map(([, id]) => id);
    const removed = [...existing.entries()].filter(([key]) => !current.has(key)).map(([, row]) => row);
    if (added.length === 0 && removed.length === 0) return;

    // The `from-` rows share one partition: one transaction per 100 (the batch limit).
    const fromActions: TransactionAction[] = [
      ...added.map((remote): TransactionAction => ["upsert", rowOf(vnet.id, remote, "from")]),
      ...removed.map((row): TransactionAction => [
        "delete",
        { partitionKey: row.partitionKey, rowKey: row.rowKey },
      ]),
    ];
    // Write the lookup rows first: a crash in between leaves an extra `to-` row (a cheap reconcile), never
    // a `from-` row without its `to-` row.
    await Promise.all(added.map((remote) => table.upsertEntity(rowOf(vnet.id, remote, "to"), "Replace")));
    await Promise.all(removed.map((row) => deleteRow(table, toPartition(row.remoteVnetId), keyOf(vnet.id))));
    for (let i = 0; i < fromActions.length; i += 100) {
      await table.submitTransaction(fromActions.slice(i, i + 100));
    }
  }
}

function toPartition(remoteVnetId: string): string {
  return `to-${keyOf(remoteVnetId)}`;
}

function fromPartition(vnetId: string): string {
  return `from-${keyOf(vnetId)}`;
}

function rowOf(vnetId: string, remoteVnetId: string, kind: "to" | "from"): PeerEntity {
  return kind === "to"
    ? { partitionKey: toPartition(remoteVnetId), rowKey: keyOf(vnetId), vnetId, remoteVnetId }
    : { partitionKey: fromPartition(vnetId), rowKey: keyOf(remoteVnetId), vnetId, remoteVnetId };
}

async function deletePair(table: TableClient, vnetId: string, remoteVnetId: string): Promise<void> {
  await deleteRow(table, toPartition(remoteVnetId), keyOf(vnetId));
  await deleteRow(table, fromPartition(vnetId), keyOf(remoteVnetId));
}

async function deleteRow(table: TableClient, partitionKey: string, rowKey: string): Promise<void> {
  try {
    await table.deleteEntity(partitionKey, rowKey);
  } catch (err) {
    if (!isStatus(err, 404)) throw err;
  }
}
