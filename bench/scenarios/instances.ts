import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Emulator } from "../../emulator/index.js";
import type { ReconcileMessage } from "../../src/app/ports.js";
import { appCommand, appRunner, emulatorAddress, forkApp, type AppCommand } from "../lib/app-process.js";
import { ARM_BUCKETS, LRO_SECONDS, callCounts, startArmLike } from "../lib/arm-like.js";
import { seedPairs, slash24, subscriptionOfId, type PairEstate } from "../lib/estate.js";
import { writeLowerBoundSeconds } from "../lib/lower-bound.js";
import { round } from "../lib/measure.js";
import { emptyResult, table, type ScenarioResult } from "../lib/report.js";
import type { InstanceFigures, InstanceMessage, InstanceStart, ParentMessage } from "./instances-app.js";

/**
 * The app scaled out: `instances` app processes against one emulator configured like ARM, whose
 * buckets are per subscription (every instance uses the same principal, as in production). Each
 * process is one app instance with its own ARM port and request budget (instances-app.ts). Instance
 * 0 runs the sweep (the timer trigger is a singleton) and enqueues; the queue is this process's, served
 * over IPC (a stand-in for the storage queue: no visibility timeouts, no poison messages); every
 * instance takes messages `workers` at once, the Functions host's queue concurrency.
 * Each size runs twice: the budget as ARM's only client (`solo`, the budget before) and learning from
 * ARM's reported levels (`shared`, the default).
 */
export interface InstancesOptions {
  subscriptions: number;
  vnets: number;
  driftedPairs: number;
  /**
   * Where the drift is: 0 spreads it over every subscription; n > 0 puts n VNets (the drifted ones
   * among them) in two subscriptions, the rest over the others (seedEstate).
   */
  hot: number;
  instances: number[];
  /** The emulator's time scale is this times the number of instances. */
  timeScalePerInstance: number;
  /** reconcileVnet invocations at once per instance (host.json: batchSize 8 + newBatchThreshold 4). */
  workers: number;
}

export type InstancesResult = ScenarioResult & {
  instances: number;
  budget: "solo" | "shared";
  requests: number;
  throttledReads: number;
  throttledWrites: number;
  throttledShare: number;
  reconciles: number;
  /** The lower bound's two parts: ARM's write buckets, and the instances' queue concurrency. */
  writeBoundSeconds: number | null;
  concurrencyBoundSeconds: number | null;
  /** Invocations that threw and were retried from the queue. */
  thrown: number;
};

const VISIBILITY_SECONDS = 30;

/**
 * Which budgets run, in which order: BENCH_INSTANCES_BUDGETS=shared,solo swaps them, to tell a
 * machine whose load changed between the two runs from a difference of the budgets.
 */
function budgetOrder(): ("solo" | "shared")[] {
  const wanted = (process.env.BENCH_INSTANCES_BUDGETS ?? "solo,shared").split(",");
  return wanted.filter((b): b is "solo" | "shared" => b === "solo" || b === "shared");
}

const appSource = fileURLToPath(new URL("./instances-app.ts", import.meta.url));

/**
 * `vnets` VNets in pairs over `subscriptionCount` subscriptions, as seedPairs lays them out, except
 * that with `hot` > 0 the first `hot` VNets (pairs across two subscriptions) are in subscriptions 0
 * and 1 and the rest spread over the others: then drifting the first pairs concentrates the drift
 * there (the resized VNets in subscription 0, the syncs they need in 1).
 */
export function seedEstate(emu: Emulator, vnets: number, subscriptionCount: number, hot: number): PairEstate {
  if (hot <= 0) return seedPairs(emu, vnets, subscriptionCount);
  if (subscriptionCount < 3 || hot % 2 !== 0 || hot > vnets)
    throw new Error("a hot pair of subscriptions needs 3 subscriptions or more and an even count");
  return seedPairs(emu, vnets, subscriptionCount, (i, subscriptions) => ({
    subscriptionId:
      i < hot ? subscriptions[i % 2]! : subscriptions[2 + ((i - hot) % (subscriptionCount - 2))]!,
    resourceGroup: `rg-${String(Math.floor(i / 100)).padStart(3, "0")}`,
  }));
}

/**
 * Resizes one VNet of each of the first `pairs` pairs: with seedPairs' layout (VNet i in subscription
 * i mod count) they are spread over every subscription, the syncs they need over half of them; with
 * `hot` (seedEstate) they are all in the two hot subscriptions. (driftPairs, which the sweep scenario
 * uses, steps through the pairs, and with 50 subscriptions and a step of 5 lands in 10 of them.)
 */
export function driftIn(emu: Emulator, estate: PairEstate, pairs: number, hot: number): void {
  if (hot > 0 && pairs * 2 > hot) throw new Error(`${pairs} pairs do not fit in ${hot} hot VNets`);
  for (let k = 0; k < pairs; k++) {
    const a = estate.vnetIds[2 * k]!;
    const b = estate.vnetIds[2 * k + 1]!;
    emu.seed.setAddressSpace(a, [slash24(2 * k), `172.${16 + (k >> 8)}.${k & 255}.0/24`]);
    estate.resized.push(a);
    estate.drifted.push(a, b);
    const subB = subscriptionOfId(b);
    estate.syncsPerSubscription.set(subB, (estate.syncsPerSubscription.get(subB) ?? 0) + 1);
  }
}

interface RunFigures {
  seconds: number;
  sweepSeconds: number;
  drifts: number;
  instances: InstanceFigures[];
  /** Why invocations threw, and how often. */
  errors: Map<string, number>;
}

/** Fork the instances, run the sweep and drain the queue; resolves with their figures. */
async function runInstances(
  command: AppCommand,
  emu: Emulator,
  subscriptions: string[],
  o: InstancesOptions,
  count: number,
  shared: boolean,
): Promise<RunFigures> {
  const children: ChildProcess[] = [];
  const queue: ReconcileMessage[] = [];
  const parked: { child: ChildProcess; worker: number }[] = [];
  let swept = false;
  /** Messages of failed invocations waiting to be visible again. */
  let pending = 0;
  const errors = new Map<string, number>();
  let drifts = 0;
  let started = 0;
  const give = (child: ChildProcess, worker: number, message: ReconcileMessage | null) =>
    child.send({ type: "message", worker, message } satisfies ParentMessage);
  const serveParked = () => {
    while (parked.length > 0 && (queue.length > 0 || (swept && pending === 0))) {
      const p = parked.shift()!;
      give(p.child, p.worker, queue.shift() ?? null);
    }
  };
  try {
    const ready: Promise<void>[] = [];
    const done: Promise<InstanceFigures>[] = [];
    for (let index = 0; index < count; index++) {
      let isReady: () => void = () => undefined;
      const start: InstanceStart = {
        type: "start",
        index,
        ...emulatorAddress(emu),
        subscriptions,
        workers: o.workers,
        shared,
        sweeper: index === 0,
      };
      const app = forkApp<InstanceFigures, InstanceMessage>(command, {
        envFlag: "VPS_INSTANCE_APP",
        name: `instance ${index}`,
        start,
        onMessage: (m) => {
          if (m.type === "ready") isReady();
          else if (m.type === "enqueue") {
            queue.push(...m.messages);
            serveParked();
          } else if (m.type === "swept") {
            swept = true;
            drifts = m.drifts;
            serveParked();
          } else if (m.type === "pull") {
            parked.push({ child: app.child, worker: m.worker });
            serveParked();
          } else if (m.type === "retry") {
            // host.json: visibilityTimeout 30 s before a failed message is seen again.
            pending++;
            // One line per kind of error, not per subscription it names.
            const kind = m.error.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, "<id>").slice(0, 160);
            errors.set(kind, (errors.get(kind) ?? 0) + 1);
            setTimeout(
              () => {
                pending--;
                queue.push(m.message);
                serveParked();
              },
              VISIBILITY_SECONDS * 1000 * emu.options.timeScale,
            );
          }
        },
      });
      children.push(app.child);
      // An instance that ends before it is ready fails the run rather than leaving it waiting.
      ready.push(
        new Promise((resolve, reject) => {
          isReady = resolve;
          app.figures.then(() => reject(new Error(`instance ${index} ended before it was ready`)), reject);
        }),
      );
      done.push(app.figures);
    }
    await Promise.all(ready);
    emu.resetCounters();
    emu.resetThrottling();
    const t0 = performance.now();
    started = t0;
    for (const child of children) child.send({ type: "go" } satisfies ParentMessage);
    const figures = await Promise.all(done);
    const seconds = (performance.now() - started) / 1000;
    const sweepSeconds = figures.find((f) => f.sweepSeconds !== null)?.sweepSeconds ?? 0;
    return { seconds, sweepSeconds, drifts, instances: figures, errors };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
}

export async function instancesScenario(
  o: InstancesOptions,
  log: (s: string) => void,
): Promise<InstancesResult[]> {
  const where =
    o.hot > 0 ? `in 2 subs of ${o.hot / 2} VNets each` : `spread over all ${o.subscriptions} subs`;
  const base = `instances-${o.vnets}-vnets-${o.subscriptions}-subs-${o.driftedPairs * 2}-drifted-${o.hot > 0 ? "in-2-subs" : "spread"}`;
  const dir = await mkdtemp(join(tmpdir(), "vps-instances-"));
  const results: InstancesResult[] = [];
  const rows: [string, string | number | null][] = [];
  try {
    const app = await appCommand(appRunner(), dir, appSource);
    for (const count of o.instances)
      for (const budget of budgetOrder()) {
        const timeScale = o.timeScalePerInstance * count;
        const emu = await startArmLike(timeScale);
        try {
          const estate = seedEstate(emu, o.vnets, o.subscriptions, o.hot);
          driftIn(emu, estate, o.driftedPairs, o.hot);
          const run = await runInstances(app, emu, estate.subscriptions, o, count, budget === "shared");
          const counts = callCounts(emu);
          const requests = emu.count();
          const throttledReads = emu.count({ status: 429, method: "GET" });
          const throttledWrites = counts.throttled - throttledReads;
          const emulated = run.seconds / timeScale;
          const writeBound = writeLowerBoundSeconds(
            estate.syncsPerSubscription.values(),
            ARM_BUCKETS.writes,
            LRO_SECONDS,
          );
          // A reconcile holds its invocation until its write is done (LRO_SECONDS at least), and an
          // instance runs `workers` at once: the writes cannot finish sooner than this either.
          const concurrencyBound = (o.driftedPairs * LRO_SECONDS) / (count * o.workers);
          const lowerBound = Math.max(writeBound, concurrencyBound);
          const sum = (f: (i: InstanceFigures) => number) => run.instances.reduce((n, i) => n + f(i), 0);
          const result: InstancesResult = {
            ...emptyResult(`${base}-${count}-instances-${budget}`),
            seconds: round(run.seconds),
            emulatedSeconds: round(emulated, 1),
            lowerBoundSeconds: round(lowerBound, 1),
            ratioToLowerBound: round(emulated / lowerBound),
            reads: counts.reads,
            writes: counts.writes,
            writesNeeded: o.driftedPairs,
            throttled: counts.throttled,
            busy: counts.busy,
            failures: sum((i) => i.failures),
            instances: count,
            budget,
            requests,
            throttledReads,
            throttledWrites,
            throttledShare: round((100 * counts.throttled) / Math.max(1, requests), 2) ?? 0,
            reconciles: sum((i) => i.reconciles),
            thrown: sum((i) => i.thrown),
            writeBoundSeconds: round(writeBound, 1),
            concurrencyBoundSeconds: round(concurrencyBound, 1),
          };
          for (const [error, n] of run.errors)
            log(`  ${count} ${budget}: ${n} x thrown: ${error.slice(0, 160)}`);
          results.push(result);
          rows.push([
            `${String(count).padStart(2)} instances, budget ${budget.padEnd(6)}`,
            [
              `${round(emulated, 1)} s (${result.ratioToLowerBound}x of ${round(lowerBound, 1)}: ` +
                `write buckets ${round(writeBound, 1)}, concurrency ${round(concurrencyBound, 1)})`,
              `sweep ${round(run.sweepSeconds / timeScale, 1)} s`,
              `time scale ${round(timeScale, 3)}`,
              `requests ${requests}`,
              `429 reads/writes ${throttledReads}/${throttledWrites} (${result.throttledShare}%)`,
              `409 ${counts.busy}`,
              `writes ${counts.writes}/${o.driftedPairs}`,
              `drifted ${run.drifts}, reconciles ${result.reconciles}`,
              `failures ${result.failures}`,
              `invocations thrown ${result.thrown}`,
            ].join(", "),
          ]);
        } finally {
          await emu.stop();
        }
      }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  log(
    table(
      `${o.vnets} VNets, ${o.subscriptions} subs, ${o.driftedPairs * 2} drifted ${where}; ` +
        `${o.workers} reconciles per instance; time scale ${o.timeScalePerInstance} per instance`,
      rows,
    ),
  );
  return results;
}
