import { idKey } from "../reconcile/ids.js";

/**
 * What the sweep needs of one peering: enough to tell "healthy" from "drifted" and to find the
 * other half. A full `Peering` (src/reconcile/types.ts) is one too.
 */
export interface InventoryPeering {
  name: string;
  remoteVnetId: string;
  state: string;
  syncLevel: string;
}

/** One VNet as an inventory streams it (a full `Vnet` is one too). */
export interface InventoryVnet {
  id: string;
  peerings: readonly InventoryPeering[];
}

/** What the peer index is rebuilt from: who peers with whom (a full `Vnet` is one too). */
export interface PeerLinks {
  id: string;
  peerings: readonly { remoteVnetId: string }[];
}

const HEALTHY = 0;
/** Edge keys pack two VNet numbers into one safe integer: up to 4 million VNets per index. */
const MAX_VNETS = 2 ** 22;

/**
 * The whole estate as the sweep needs it, compact: every VNet id interned once (numbers instead of
 * strings), one edge per peering (from, to, name, state), and nothing else. Rows are added page by
 * page as an inventory streams them and dropped by the caller right after, so memory grows with the
 * number of VNets and peerings, not with the size of what ARM or Resource Graph answered. The
 * "no peering back" test needs every subscription at once: this is what stays.
 */
export class VnetIndex {
  /** Ids as first seen (their casing kept), by number. */
  private readonly ids: string[] = [];
  private readonly numbers = new Map<string, number>();
  /** VNets read as rows (not only named as a remote), in the order first read. */
  private readonly rowOrder: number[] = [];
  /** Per VNet read: its edges (positions in the arrays below). */
  private readonly edgesOf = new Map<number, number[]>();
  private readonly edgeFrom: number[] = [];
  private readonly edgeTo: number[] = [];
  private readonly edgeName: string[] = [];
  /** 0: Connected + FullyInSync; else 1 + position in `statuses`. */
  private readonly edgeStatus: number[] = [];
  private readonly statuses: string[] = [];
  private readonly statusNumbers = new Map<string, number>();
  private reverse: Set<number> | undefined;

  static from(vnets: Iterable<InventoryVnet>): VnetIndex {
    const index = new VnetIndex();
    for (const v of vnets) index.add(v);
    return index;
  }

  /** VNets read as rows. */
  get size(): number {
    return this.rowOrder.length;
  }

  /** A VNet read again (a page repeated, a fallback list) replaces what was read of it before. */
  add(vnet: InventoryVnet): void {
    const from = this.number(vnet.id);
    // A VNet named by a peering before it was read keeps the casing of its own row, as ARM spells it.
    this.ids[from] = vnet.id;
    const previous = this.edgesOf.get(from);
    if (previous) for (const e of previous) this.edgeFrom[e] = -1;
    else this.rowOrder.push(from);
    const edges: number[] = [];
    for (const p of vnet.peerings) {
      edges.push(this.edgeFrom.length);
      this.edgeFrom.push(from);
      this.edgeTo.push(this.number(p.remoteVnetId));
      this.edgeName.push(p.name);
      this.edgeStatus.push(this.status(p.state, p.syncLevel));
    }
    this.edgesOf.set(from, edges);
    this.reverse = undefined;
  }

  has(vnetId: string): boolean {
    const n = this.numbers.get(idKey(vnetId));
    return n !== undefined && this.edgesOf.has(n);
  }

  /** Whether `vnetId` was read and has a peering whose remote is `remoteVnetId`. */
  peersWith(vnetId: string, remoteVnetId: string): boolean {
    const from = this.numbers.get(idKey(vnetId));
    const to = this.numbers.get(idKey(remoteVnetId));
    if (from === undefined || to === undefined || !this.edgesOf.has(from)) return false;
    return this.edgeKeys().has(from * MAX_VNETS + to);
  }

  /** Every VNet read, in the order first read, with its peerings (rebuilt on demand, not kept). */
  *vnets(): Generator<InventoryVnet & PeerLinks> {
    for (const n of this.rowOrder) {
      yield {
        id: this.ids[n]!,
        peerings: this.edgesOf.get(n)!.map((e) => {
          const status = this.edgeStatus[e]!;
          const [state, syncLevel] =
            status === HEALTHY ? ["Connected", "FullyInSync"] : this.statuses[status - 1]!.split("/");
          return {
            name: this.edgeName[e]!,
            remoteVnetId: this.ids[this.edgeTo[e]!]!,
            state: state!,
            syncLevel: syncLevel!,
          };
        }),
      };
    }
  }

  /**
   * Each peering of each VNet read, in order, with what the drift test asks of it: whether it is
   * healthy, whether its remote was read, and whether that remote peers back.
   */
  *peerings(): Generator<{
    vnetId: string;
    name: string;
    remoteVnetId: string;
    state: string;
    syncLevel: string;
    healthy: boolean;
    remoteRead: boolean;
    peersBack: boolean;
  }> {
    const reverse = this.edgeKeys();
    for (const n of this.rowOrder) {
      for (const e of this.edgesOf.get(n)!) {
        const to = this.edgeTo[e]!;
        const status = this.edgeStatus[e]!;
        const [state, syncLevel] =
          status === HEALTHY ? ["Connected", "FullyInSync"] : this.statuses[status - 1]!.split("/");
        yield {
          vnetId: this.ids[n]!,
          name: this.edgeName[e]!,
          remoteVnetId: this.ids[to]!,
          state: state!,
          syncLevel: syncLevel!,
          healthy: status === HEALTHY,
          remoteRead: this.edgesOf.has(to),
          peersBack: reverse.has(to * MAX_VNETS + n),
        };
      }
    }
  }

  private edgeKeys(): Set<number> {
    if (this.reverse) return this.reverse;
    const keys = new Set<number>();
    for (let e = 0; e < this.edgeFrom.length; e++) {
      const from = this.edgeFrom[e]!;
      if (from >= 0) keys.add(from * MAX_VNETS + this.edgeTo[e]!);
    }
    this.reverse = keys;
    return keys;
  }

  private number(id: string): number {
    const key = idKey(id);
    let n = this.numbers.get(key);
    if (n === undefined) {
      n = this.ids.length;
      if (n >= MAX_VNETS) throw new Error(`The sweep's index holds at most ${MAX_VNETS} VNet ids.`);
      this.ids.push(id);
      this.numbers.set(key, n);
    }
    return n;
  }

  private status(state: string, syncLevel: string): number {
    if (state === "Connected" && syncLevel === "FullyInSync") return HEALTHY;
    const text = `${state}/${syncLevel}`;
    let n = this.statusNumbers.get(text);
    if (n === undefined) {
      this.statuses.push(text);
      n = this.statuses.length;
      this.statusNumbers.set(text, n);
    }
    return n;
  }
}
