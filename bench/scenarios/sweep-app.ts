import pLimit from "p-limit";
import type { DedupeMarkers, MessageQueue, PeerIndex, ReconcileMessage } from "../../src/app/ports.js";
import { sweepSubscriptions, type SweepResult } from "../../src/app/sweep.js";
import { ResourceGraphInventory } from "../../src/azure/arm/resource-graph-inventory.js";
import { emulatorCredential } from "../../src/azure/credentials.js";
import { policyFrom } from "../../src/config.js";
import { productPort } from "../lib/arm-like.js";
import { defaultSettings, runEngine } from "../lib/engine.js";
import {
  remoteEmulator,
  runWhenStarted,
  type AppReport,
  type EmulatorAddress,
} from "../lib/child-process.js";

/**
 * The product side of the sweep scenario, in its own Node process (bench/scenarios/sweep.ts forks it,
 * bundled as the deployment ships the app, or through tsx): the sweep and the reconciles it queues,
 * talking HTTPS to the emulator in the parent. What this process's RSS holds is the app's, not the
 * emulator's estate. The storage adapters are in-memory stand-ins (memoryStores), held here too.
 *
 * Protocol (IPC): parent -> `start`; child -> `swept` once the sweep has listed and enqueued;
 * parent -> `counted` once it has read its counters (so the sweep's reads are told apart from the
 * reconciles'); child -> `done` with its figures (or `error`), then exits.
 */
export interface SweepAppStart extends EmulatorAddress {
  type: "start";
  subscriptions: string[];
  /** reconcileVnet invocations at once. */
  workers: number;
  /** Where the sweep lists VNets from (default ARM lists, as the sweep scenario measures it). */
  inventory?: "resource-graph" | "arm-lists";
  /** Run the reconciles the sweep queued (default true; the tenant scenario measures the sweep alone). */
  reconcile?: boolean;
}

/** Memory of this process at one point: MB. */
export interface MemoryPoint {
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
}

/** Highest figures sampled (every 20 ms) during one phase: MB. */
export interface PhasePeak {
  rssMb: number;
  heapUsedMb: number;
}

export interface SweepAppFigures {
  /** Wall-clock s: the sweep (list + drift + enqueue), then the reconciles it queued. */
  sweepSeconds: number;
  reconcileSeconds: number;
  vnetsRead: number;
  drifts: number;
  enqueued: number;
  deduplicated: number;
  failedSubscriptions: number;
  inaccessibleSubscriptions: number;
  /** Where the VNets came from (SweepResult.inventory). */
  inventory: SweepResult["inventory"];
  reconciles: number;
  failures: number;
  /** process.resourceUsage().maxRSS: the kernel's high-water mark of this process, whole life. */
  maxRssMb: number;
  /** After the imports, before any work (what the loaded code alone costs). */
  atStart: MemoryPoint;
  /** Right after the sweep enqueued, before its result is dropped. */
  afterSweep: MemoryPoint;
  sweepPeak: PhasePeak;
  reconcilePeak: PhasePeak;
}

export type SweepAppMessage = { type: "swept" } | AppReport<SweepAppFigures>;

const MB = 2 ** 20;
const point = (): MemoryPoint => {
  const m = process.memoryUsage();
  return { rssMb: m.rss / MB, heapUsedMb: m.heapUsed / MB, externalMb: m.external / MB };
};

/** In-memory stand-ins for the storage adapters: this scenario measures ARM traffic and memory. */
export function memoryStores() {
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

/** Samples RSS and heap every 20 ms; `phase()` returns the peaks since the last call and restarts. */
function peakSampler() {
  let peak: PhasePeak = { rssMb: 0, heapUsedMb: 0 };
  const sample = () => {
    const m = point();
    peak = { rssMb: Math.max(peak.rssMb, m.rssMb), heapUsedMb: Math.max(peak.heapUsedMb, m.heapUsedMb) };
  };
  sample();
  const timer = setInterval(sample, 20);
  return {
    phase(): PhasePeak {
      sample();
      const done = peak;
      peak = { rssMb: 0, heapUsedMb: 0 };
      sample();
      return done;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * The sweep, then a reconcileVnet for each queued VNet, a few at a time as the Functions host runs
 * them. `swept` is awaited between the two (the parent reads its counters there).
 */
export async function runSweepApp(
  start: SweepAppStart,
  swept: () => Promise<void>,
): Promise<SweepAppFigures> {
  const atStart = point();
  const sampler = peakSampler();
  try {
    const emu = remoteEmulator(start);
    const settings = defaultSettings(start.subscriptions);
    const port = productPort(emu);
    const stores = memoryStores();
    const inventory =
      start.inventory === "resource-graph"
        ? new ResourceGraphInventory({
            credential: emulatorCredential,
            endpoint: start.endpoint,
            caPem: start.caPem,
            // The quota headers name emulated seconds.
            msPerSecond: 1000 * start.options.timeScale,
          })
        : undefined;
    const t0 = performance.now();
    const result = await sweepSubscriptions("bench-sweep", {
      ...(inventory ? { inventory } : {}),
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
    const sweepSeconds = (performance.now() - t0) / 1000;
    const sweepPeak = sampler.phase();
    const afterSweep = point();
    const counts = {
      vnetsRead: result.vnetsRead,
      drifts: result.drifts.length,
      enqueued: result.enqueued.length,
      deduplicated: result.deduplicated.length,
      failedSubscriptions: result.failedSubscriptions.length,
      inaccessibleSubscriptions: result.inaccessibleSubscriptions.length,
      inventory: result.inventory,
    };
    await swept();
    sampler.phase();
    const t1 = performance.now();
    const limit = pLimit(Math.max(1, start.workers));
    const runs = await Promise.all(
      (start.reconcile === false ? [] : stores.sent).map((m) =>
        limit(async () => {
          await stores.dedupe.release(m.vnetId);
          return runEngine(emu, start.subscriptions, [m.vnetId], port);
        }),
      ),
    );
    const reconcileSeconds = (performance.now() - t1) / 1000;
    const reconcilePeak = sampler.phase();
    return {
      sweepSeconds,
      reconcileSeconds,
      ...counts,
      reconciles: runs.length,
      failures: runs.reduce((n, r) => n + r.failures, 0),
      // Linux reports kilobytes.
      maxRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
      atStart,
      afterSweep,
      sweepPeak,
      reconcilePeak,
    };
  } finally {
    sampler.stop();
  }
}

// Entry point when forked: wait for `start`, run, report, exit.
if (process.send && process.env.VPS_SWEEP_APP === "1") runWhenStarted("swept", runSweepApp);
