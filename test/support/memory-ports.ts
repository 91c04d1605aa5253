import { actionRecordsOf, runRecordOf } from "../../src/app/audit-records.js";
import type {
  ActionRecord,
  AuditStore,
  DedupeMarkers,
  PeerIndex,
  RunRecord,
  VnetFailure,
} from "../../src/app/ports.js";
import { idKey, subscriptionOf } from "../../src/reconcile/ids.js";
import type { PeerLinks } from "../../src/app/vnet-index.js";
import type { RunReport } from "../../src/reconcile/run-report.js";
import type { Snapshot } from "../../src/reconcile/types.js";

/**
 * In-memory twins of the Table Storage adapters in src/azure/. Tests that run thousands of inputs use
 * them instead of Azurite; test/unit/app/*-contract.ts runs one contract against each twin and its
 * adapter, so what these do is what production does. Resource ids compare case-insensitively, as ARM's
 * do (docs/azure-behaviour.md#resource-ids).
 */

/** Per VNet read, its peerings' remotes: `record` replaces a VNet's rows, like the `from-` partition. */
export class MemoryPeerIndex implements PeerIndex {
  private readonly byVnet = new Map<string, { vnetId: string; remotes: Set<string> }>();

  async peersOf(vnetId: string): Promise<string[]> {
    const key = idKey(vnetId);
    return [...this.byVnet.values()].filter((v) => v.remotes.has(key)).map((v) => v.vnetId);
  }

  async record(vnets: readonly PeerLinks[]): Promise<void> {
    for (const vnet of vnets) {
      const known = this.byVnet.get(idKey(vnet.id));
      const remotes = new Set(vnet.peerings.map((p) => idKey(p.remoteVnetId)));
      // The table keeps the casing of the row written first; so does the twin.
      this.byVnet.set(idKey(vnet.id), { vnetId: known?.vnetId ?? vnet.id, remotes });
    }
  }

  async rebuild(
    vnets: readonly PeerLinks[],
    coveredSubscriptions: readonly string[],
  ): Promise<{ removed: number }> {
    await this.record(vnets);
    const present = new Set(vnets.map((v) => idKey(v.id)));
    const covered = new Set(coveredSubscriptions.map((s) => s.toLowerCase()));
    let removed = 0;
    for (const [key, { vnetId, remotes }] of this.byVnet) {
      const sub = subscriptionOf(vnetId);
      if (present.has(key) || !sub || !covered.has(sub)) continue;
      removed += remotes.size;
      this.byVnet.delete(key);
    }
    return { removed };
  }
}

/** One marker per VNet with the time it was claimed; a marker older than the window is taken over. */
export class MemoryDedupe implements DedupeMarkers {
  private readonly claimedAt = new Map<string, number>();

  async claim(vnetId: string, now: Date, windowSeconds: number): Promise<boolean> {
    const at = this.claimedAt.get(idKey(vnetId));
    if (at !== undefined && now.getTime() - at < windowSeconds * 1000) return false;
    this.claimedAt.set(idKey(vnetId), now.getTime());
    return true;
  }

  async release(vnetId: string): Promise<void> {
    this.claimedAt.delete(idKey(vnetId));
  }
}

/** The audit: runs newest first by the time they were first recorded, the last failure per VNet. */
export class MemoryAudit implements AuditStore {
  readonly runs = new Map<string, { run: RunRecord; actions: ActionRecord[]; order: string }>();
  readonly failures = new Map<string, VnetFailure>();

  async queueRun(run: RunRecord): Promise<void> {
    await this.putRun(run);
  }

  async putRun(run: RunRecord): Promise<void> {
    const known = this.runs.get(run.runId);
    this.runs.set(run.runId, { run, actions: known?.actions ?? [], order: known?.order ?? orderOf(run) });
  }

  async recordRun(report: RunReport, snapshot: Snapshot | undefined, extra: Partial<RunRecord> = {}) {
    // The same records the Table store writes, keeping what the queued record knew.
    const previous = this.runs.get(report.runId);
    const run = runRecordOf(report, snapshot, {
      ...(previous?.run.queuedAt ? { queuedAt: previous.run.queuedAt } : {}),
      ...(previous?.run.repairDisconnected !== undefined
        ? { repairDisconnected: previous.run.repairDisconnected }
        : {}),
      ...extra,
    });
    const actions = actionRecordsOf(report, snapshot);
    this.runs.set(run.runId, { run, actions, order: previous?.order ?? orderOf(run) });
    return run;
  }

  async getRun(runId: string) {
    const known = this.runs.get(runId);
    return known && { run: known.run, actions: known.actions };
  }

  async listRecentRuns(n: number): Promise<RunRecord[]> {
    return [...this.runs.values()]
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
      .slice(0, Math.max(0, n))
      .map((r) => r.run);
  }

  async recordFailure(failure: VnetFailure): Promise<void> {
    this.failures.set(idKey(failure.vnetId), failure);
  }

  async lastFailure(vnetId: string): Promise<VnetFailure | undefined> {
    return this.failures.get(idKey(vnetId));
  }
}

/** Newest first: the time of the run's first record, inverted, then its id (the table's row key). */
function orderOf(run: RunRecord): string {
  const at = Date.parse(run.queuedAt ?? run.startedAt ?? run.finishedAt ?? "") || 0;
  return `${String(9_999_999_999_999 - at).padStart(13, "0")}-${run.runId}`;
}
