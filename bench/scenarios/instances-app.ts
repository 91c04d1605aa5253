import type { MessageQueue, ReconcileMessage } from "../../src/app/ports.js";
import { sweepSubscriptions } from "../../src/app/sweep.js";
import { policyFrom } from "../../src/config.js";
import { productPort } from "../lib/arm-like.js";
import { defaultSettings, runEngine } from "../lib/engine.js";
import {
  remoteEmulator,
  reportAndExit,
  toParent,
  type AppReport,
  type EmulatorAddress,
} from "../lib/child-process.js";
import { memoryStores } from "./sweep-app.js";

/**
 * One app instance of the instances scenario (bench/scenarios/instances.ts forks several): its own
 * ARM port, so its own request budget, as each Flex Consumption instance has. Instance 0 also runs
 * the sweep (the timer trigger is a singleton) and sends what it enqueues to the parent; every
 * instance takes reconcile messages from the parent's queue, `workers` at once (the Functions host's
 * queue concurrency), until the parent says the queue is drained.
 *
 * Protocol (IPC): parent -> `start`; child -> `ready`; parent -> `go`; the sweeper -> `enqueue`
 * (a batch of messages) and `swept`; each worker -> `pull`, parent -> `message` (one, or none once the
 * sweep is over and the queue is empty); child -> `done` with its figures (or `error`), then exits.
 */
export interface InstanceStart extends EmulatorAddress {
  type: "start";
  index: number;
  subscriptions: string[];
  workers: number;
  /** The budget learns from ARM's reported levels (the default) or paces as ARM's only client. */
  shared: boolean;
  sweeper: boolean;
}

export interface InstanceFigures {
  index: number;
  reconciles: number;
  failures: number;
  retries: number;
  /** Invocations that threw (the message went back to the queue). */
  thrown: number;
  /** The sweep's wall-clock s, on the sweeper. */
  sweepSeconds: number | null;
}

export type InstanceMessage =
  | { type: "ready" }
  | { type: "enqueue"; messages: ReconcileMessage[] }
  | { type: "swept"; vnetsRead: number; drifts: number; failedSubscriptions: number }
  | { type: "pull"; worker: number }
  /** The invocation threw: the host returns the message to the queue after its visibility timeout. */
  | { type: "retry"; message: ReconcileMessage; error: string }
  | AppReport<InstanceFigures>;

export type ParentMessage =
  InstanceStart | { type: "go" } | { type: "message"; worker: number; message: ReconcileMessage | null };

const send = (m: InstanceMessage) => toParent(m);

const pulls = new Map<number, (m: ReconcileMessage | null) => void>();
let go: (() => void) | undefined;

async function run(start: InstanceStart): Promise<InstanceFigures> {
  const emu = remoteEmulator(start);
  const port = productPort(emu, start.shared ? {} : { shared: false });
  const figures: InstanceFigures = {
    index: start.index,
    reconciles: 0,
    failures: 0,
    retries: 0,
    thrown: 0,
    sweepSeconds: null,
  };
  const started = new Promise<void>((resolve) => (go = resolve));
  await send({ type: "ready" });
  await started;
  if (start.sweeper) {
    const settings = defaultSettings(start.subscriptions);
    const stores = memoryStores();
    const queue: MessageQueue<ReconcileMessage> = {
      send: async (m) => send({ type: "enqueue", messages: [m] }),
    };
    const t0 = performance.now();
    const result = await sweepSubscriptions("bench-instances", {
      port,
      policy: policyFrom(settings),
      peerIndex: stores.peerIndex,
      maxParallel: settings.MAX_PARALLEL_VNETS,
      queue,
      dedupe: stores.dedupe,
      now: () => new Date(),
      dedupeWindowSeconds: settings.DEDUPE_WINDOW_SECONDS,
      delaySeconds: 0,
    });
    figures.sweepSeconds = (performance.now() - t0) / 1000;
    await send({
      type: "swept",
      vnetsRead: result.vnetsRead,
      drifts: result.drifts.length,
      failedSubscriptions: result.failedSubscriptions.length,
    });
  }
  const pull = (worker: number) =>
    new Promise<ReconcileMessage | null>((resolve) => {
      pulls.set(worker, resolve);
      void send({ type: "pull", worker });
    });
  await Promise.all(
    Array.from({ length: Math.max(1, start.workers) }, async (_, worker) => {
      for (let m = await pull(worker); m !== null; m = await pull(worker)) {
        try {
          const r = await runEngine(emu, start.subscriptions, [m.vnetId], port);
          figures.reconciles++;
          figures.failures += r.failures;
          figures.retries += r.retries;
        } catch (err) {
          figures.thrown++;
          await send({ type: "retry", message: m, error: err instanceof Error ? err.message : String(err) });
        }
      }
    }),
  );
  return figures;
}

// Entry point when forked.
if (process.send && process.env.VPS_INSTANCE_APP === "1") {
  process.on("message", (m: ParentMessage) => {
    if (m.type === "go") go?.();
    else if (m.type === "message") {
      const resolve = pulls.get(m.worker);
      pulls.delete(m.worker);
      resolve?.(m.message);
    } else reportAndExit(run(m), send);
  });
}
