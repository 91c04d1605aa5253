import { randomUUID } from "node:crypto";
import type { FailureNotice, MessageQueue, Notifier } from "../../../src/app/ports.js";
import { createRuntime, type Runtime } from "../../../src/functions/runtime.js";
import type { NetworkPort } from "../../../src/reconcile/port.js";
import type { RunReport } from "../../../src/reconcile/run-report.js";
import { MemoryAudit, MemoryDedupe, MemoryPeerIndex } from "../../support/memory-ports.js";

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
