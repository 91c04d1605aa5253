import { randomUUID } from "node:crypto";
import type {
  ActionRecord,
  AuditStore,
  DedupeMarkers,
  FailureNotice,
  MessageQueue,
  Notifier,
  PeerIndex,
  RunRecord,
  VnetFailure,
} from "../../../src/events/ports.js";
import { actionRecordsOf, runRecordOf } from "../../../src/events/audit-records.js";
import { createRuntime, type Runtime } from "../../../src/functions/runtime.js";
import type { NetworkPort } from "../../../src/reconcile/port.js";
import type { RunReport } from "../../../src/reconcile/run-report.js";
import type { Snapshot, Vnet } from "../../../src/reconcile/types.js";

/**
 * The real runtime (settings parsed from an environment, real policy) with in-memory queues, tables
 * and notifier, so thousands of hostile inputs run in seconds. ARM is whatever port the caller gives
 * (the emulator, so its counters prove nothing was written).
 */

export class MemoryQueue<T> implements MessageQueue<T> {
  readonly sent: Array<{ message: T; delaySeconds?: number }> = [];
  async send(message: T, options: { delaySeconds?: number } = {}): Promise<void> {
    // What the Storage queue would carry: JSON only.
    this.sent.push({ message: JSON.parse(JSON.stringify(message)) as T, ...options });
  }
}

export class MemoryPeerIndex implements PeerIndex {
  readonly rows = new Map<string, Set<string>>();
  async peersOf(vnetId: string): Promise<string[]> {
    return [...(this.rows.get(vnetId.toLowerCase()) ?? [])];
  }
  async record(vnets: readonly Vnet[]): Promise<void> {
    for (const vnet of vnets)
      for (const p of vnet.peerings) {
        const key = p.remoteVnetId.toLowerCase();
        if (!this.rows.has(key)) this.rows.set(key, new Set());
        this.rows.get(key)!.add(vnet.id);
      }
  }
  async rebuild(vnets: readonly Vnet[]): Promise<{ removed: number }> {
    await this.record(vnets);
    return { removed: 0 };
  }
}

export class MemoryDedupe implements DedupeMarkers {
  async claim(): Promise<boolean> {
    return true;
  }
  async release(): Promise<void> {}
}

export class MemoryAudit implements AuditStore {
  readonly runs = new Map<string, { run: RunRecord; actions: ActionRecord[] }>();
  readonly failures: VnetFailure[] = [];
  async queueRun(run: RunRecord): Promise<void> {
    this.runs.set(run.runId, { run, actions: [] });
  }
  async putRun(run: RunRecord): Promise<void> {
    this.runs.set(run.runId, { run, actions: this.runs.get(run.runId)?.actions ?? [] });
  }
  async recordRun(report: RunReport, snapshot: Snapshot | undefined, extra: Partial<RunRecord> = {}) {
    // The same records the Table store writes, so the suite judges what production would store.
    const run = runRecordOf(report, snapshot, extra);
    const actions = actionRecordsOf(report, snapshot);
    this.runs.set(run.runId, { run, actions });
    return run;
  }
  async getRun(runId: string) {
    return this.runs.get(runId);
  }
  async listRecentRuns(n: number): Promise<RunRecord[]> {
    return [...this.runs.values()]
      .map((r) => r.run)
      .slice(-n)
      .reverse();
  }
  async recordFailure(failure: VnetFailure): Promise<void> {
    this.failures.push(failure);
  }
  async lastFailure(vnetId: string): Promise<VnetFailure | undefined> {
    return this.failures.filter((f) => f.vnetId === vnetId).at(-1);
  }
}

export class MemoryNotifier implements Notifier {
  readonly runs: RunReport[] = [];
  readonly failures: FailureNotice[] = [];
  async notifyRun(report: RunReport): Promise<void> {
    this.runs.push(report);
  }
  async notifyFailure(failure: FailureNotice): Promise<void> {
    this.failures.push(failure);
  }
}

export interface MemoryRuntime {
  rt: Runtime;
  reconcileQueue: MemoryQueue<Parameters<Runtime["reconcileQueue"]["send"]>[0]>;
  resyncQueue: MemoryQueue<Parameters<Runtime["resyncQueue"]["send"]>[0]>;
  audit: MemoryAudit;
  notifier: MemoryNotifier;
  peerIndex: MemoryPeerIndex;
}

export async function memoryRuntime(env: Record<string, string>, port: NetworkPort): Promise<MemoryRuntime> {
  const reconcileQueue = new MemoryQueue<Parameters<Runtime["reconcileQueue"]["send"]>[0]>();
  const resyncQueue = new MemoryQueue<Parameters<Runtime["resyncQueue"]["send"]>[0]>();
  const audit = new MemoryAudit();
  const notifier = new MemoryNotifier();
  const peerIndex = new MemoryPeerIndex();
  const rt = await createRuntime(
    { AzureWebJobsStorage: "UseDevelopmentStorage=true", RECONCILE_DELAY_SECONDS: "0", ...env },
    {
      overrides: {
        port,
        reconcileQueue,
        resyncQueue,
        audit,
        notifier,
        peerIndex,
        dedupe: new MemoryDedupe(),
        sleep: async () => undefined,
        newId: randomUUID,
      },
    },
  );
  return { rt, reconcileQueue, resyncQueue, audit, notifier, peerIndex };
}
