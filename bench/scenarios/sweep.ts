import pLimit from "p-limit";
import type { DedupeMarkers, MessageQueue, PeerIndex, ReconcileMessage } from "../../src/events/ports.js";
import { sweepSubscriptions } from "../../src/events/sweep.js";
import { policyFrom } from "../../src/config.js";
import { ARM_BUCKETS, LRO_SECONDS, callCounts, productPort, startArmLike } from "../lib/arm-like.js";
import { defaultSettings, runEngine } from "../lib/engine.js";
import { driftPairs, seedPairs } from "../lib/estate.js";
import { listPagesNeeded, writeLowerBoundSeconds } from "../lib/lower-bound.js";
import { measure, round } from "../lib/measure.js";
import { emptyResult, table, type ScenarioResult } from "../lib/report.js";
import { runbook } from "../lib/runbook.js";

export interface SweepOptions {
  vnets: number;
  subscriptions: number;
  driftedPairs: number;
  engineTimeScale: number;
  baselineTimeScale: number;
  /** reconcileVnet invocations at once (the Functions host: queues batchSize 8 + newBatchThreshold 4). */
  workers: number;
}

/** In-memory stand-ins for the storage adapters: this scenario measures ARM traffic and memory. */
function memoryStores() {
  const sent: ReconcileMessage[] = [];
  const queue: MessageQueue<ReconcileMessage> = { send: async (m) => void sent.push(m) };
  const rows = new Map<string, Set<string>>();
  const peerIndex: PeerIndex = {
    peersOf: async (id) => [...(rows.get(id.toLowerCase()) ?? [])],
    record: async (vnets) => {
      for (const v of vnets)
        for (const p of v.peerings) {
          const k = p.remoteVnetId.toLowerCase();
          rows.set(k, (rows.get(k) ?? new Set()).add(v.id));
        }
    },
    rebuild: async (vnets) => {
      rows.clear();
      await peerIndex.record(vnets);
      return { removed: 0 };
    },
  };
  const claimed = new Set<string>();
  const dedupe: DedupeMarkers = {
    claim: async (id) => (claimed.has(id.toLowerCase()) ? false : (claimed.add(id.toLowerCase()), true)),
    release: async (id) => void claimed.delete(id.toLowerCase()),
  };
  return { sent, queue, peerIndex, dedupe };
}

export async function sweepScenario(o: SweepOptions, log: (s: string) => void): Promise<ScenarioResult> {
  const name = `sweep-${o.vnets}-vnets-${o.subscriptions}-subs-${o.driftedPairs * 2}-drifted`;
  const result = emptyResult(name);
  const writesNeeded = o.driftedPairs;
  const rows: [string, string | number | null][] = [];

  const emu = await startArmLike(o.engineTimeScale);
  try {
    const estate = seedPairs(emu, o.vnets, o.subscriptions);
    driftPairs(emu, estate, o.driftedPairs);
    const pagesNeeded = listPagesNeeded(estate.vnetsPerSubscription.values(), emu.options.pageSize);
    emu.resetCounters();
    emu.resetThrottling();
    const settings = defaultSettings(estate.subscriptions);
    const port = productPort(emu);
    const stores = memoryStores();
    const run = await measure(async () => {
      const swept = await sweepSubscriptions("bench-sweep", {
        port,
        policy: policyFrom(settings),
        peerIndex: stores.peerIndex,
        maxParallel: settings.MAX_PARALLEL_VNETS,
        queue: stores.queue,
        dedupe: stores.dedupe,
        now: () => new Date(),
        dedupeWindowSeconds: settings.DEDUPE_WINDOW_SECONDS,
        delaySeconds: 0,
      });
      const sweepReads = callCounts(emu).reads;
      const sweepSeconds = performance.now();
      // reconcileVnet for each queued VNet, a few at a time as the Functions host runs them.
      const limit = pLimit(o.workers);
      const runs = await Promise.all(
        stores.sent.map((m) =>
          limit(async () => {
            await stores.dedupe.release(m.vnetId);
            return runEngine(emu, estate.subscriptions, [m.vnetId], port);
          }),
        ),
      );
      return { swept, sweepReads, sweepSeconds, runs };
    });
    const counts = callCounts(emu);
    const failures = run.value.runs.reduce((n, r) => n + r.failures, 0);
    const emulated = run.seconds / o.engineTimeScale;
    const lowerBound = writeLowerBoundSeconds(
      estate.syncsPerSubscription.values(),
      ARM_BUCKETS.writes,
      LRO_SECONDS,
    );
    Object.assign(result, {
      seconds: round(run.seconds),
      emulatedSeconds: round(emulated, 1),
      lowerBoundSeconds: round(lowerBound, 1),
      ratioToLowerBound: round(emulated / lowerBound),
      reads: counts.reads,
      writes: counts.writes,
      writesNeeded,
      throttled: counts.throttled,
      busy: counts.busy,
      failures,
      peakRssMb: round(run.peakRssMb, 0),
    });
    rows.push(
      ["engine: wall-clock s (sweep + reconciles)", round(run.seconds)],
      ["engine: emulated s", round(emulated, 1)],
      ["lower bound, emulated s", round(lowerBound, 1)],
      ["ratio to lower bound", result.ratioToLowerBound],
      ["VNets listed", run.value.swept.vnetsRead],
      ["sweep reads / list pages needed", `${run.value.sweepReads} / ${pagesNeeded}`],
      ["drifted VNets found / enqueued", `${run.value.swept.drifts.length} / ${stores.sent.length}`],
      ["reads of the reconciles (incl. LRO polls)", counts.reads - run.value.sweepReads],
      ["reads total", counts.reads],
      ["writes accepted / needed", `${counts.writes} / ${writesNeeded}`],
      ["write attempts (incl. refused)", counts.writeAttempts],
      ["throttled (429) / busy (409)", `${counts.throttled} / ${counts.busy}`],
      ["failed actions", failures],
      ["peak RSS MB", round(run.peakRssMb, 0)],
    );
  } finally {
    await emu.stop();
  }

  const bemu = await startArmLike(o.baselineTimeScale);
  try {
    const estate = seedPairs(bemu, o.vnets, o.subscriptions);
    driftPairs(bemu, estate, o.driftedPairs);
    bemu.resetCounters();
    const run = await measure(() => runbook(bemu, estate.subscriptions));
    const emulated = run.seconds / o.baselineTimeScale;
    const counts = callCounts(bemu);
    result.baselineSeconds = round(emulated, 1);
    result.speedupVsBaseline = round(emulated / result.emulatedSeconds!, 1);
    rows.push(
      ["baseline (runbook): emulated s", round(emulated, 1)],
      ["baseline: wall-clock s", round(run.seconds)],
      ["baseline: reads / writes", `${counts.reads} / ${counts.writes}`],
      ["baseline: synced / failures", `${run.value.synced} / ${run.value.failures}`],
      ["speedup vs baseline", result.speedupVsBaseline],
    );
  } finally {
    await bemu.stop();
  }
  log(table(`${name} (engine time scale ${o.engineTimeScale}, baseline ${o.baselineTimeScale})`, rows));
  return result;
}
