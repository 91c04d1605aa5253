import type { Emulator } from "../../emulator/index.js";
import { ARM_BUCKETS, LRO_SECONDS, callCounts, startArmLike } from "../lib/arm-like.js";
import { runEngine } from "../lib/engine.js";
import { resizeHub, seedHubAndSpokes, type HubEstate } from "../lib/estate.js";
import { writeLowerBoundSeconds } from "../lib/lower-bound.js";
import { measure, round } from "../lib/measure.js";
import { emptyResult, table, type ScenarioResult } from "../lib/report.js";
import { runbook } from "../lib/runbook.js";

export interface HubResizeOptions {
  spokes: number;
  subscriptions: number;
  /** Time scale of the engine's emulator: large enough that our own CPU stays small next to ARM's limits. */
  engineTimeScale: number;
  /** Time scale of the baseline's emulator (same configuration otherwise): it only waits, one call at a time. */
  baselineTimeScale: number;
  /** Skip the baseline (smoke test). */
  baseline?: boolean;
}

/** Spoke peerings still needing a sync after a run (read from the emulator's state, no HTTP). */
function stillStale(emu: Emulator, estate: HubEstate): number {
  let stale = 0;
  for (const id of estate.spokeIds) {
    const vnet = emu.seed.getVnet(id) as {
      properties: { virtualNetworkPeerings: { properties: { peeringSyncLevel: string } }[] };
    };
    for (const p of vnet.properties.virtualNetworkPeerings)
      if (p.properties.peeringSyncLevel !== "FullyInSync") stale++;
  }
  return stale;
}

export async function hubResize(o: HubResizeOptions, log: (s: string) => void): Promise<ScenarioResult> {
  const name = `hub-resize-${o.spokes}-spokes-${o.subscriptions}-sub${o.subscriptions > 1 ? "s" : ""}`;
  const result = emptyResult(name);

  const emu = await startArmLike(o.engineTimeScale);
  let engineLine: [string, string | number | null][] = [];
  try {
    const estate = seedHubAndSpokes(emu, o.spokes, o.subscriptions);
    resizeHub(emu, estate, 1);
    emu.resetCounters();
    emu.resetThrottling();
    const run = await measure(() => runEngine(emu, estate.subscriptions, [estate.hubId]));
    const counts = callCounts(emu);
    const stale = stillStale(emu, estate);
    const lowerBound = writeLowerBoundSeconds(
      estate.spokesPerSubscription.values(),
      ARM_BUCKETS.writes,
      LRO_SECONDS,
    );
    const emulated = run.seconds / o.engineTimeScale;
    Object.assign(result, {
      seconds: round(run.seconds),
      emulatedSeconds: round(emulated, 1),
      lowerBoundSeconds: round(lowerBound, 1),
      ratioToLowerBound: round(emulated / lowerBound),
      reads: counts.reads,
      writes: counts.writes,
      writesNeeded: o.spokes,
      throttled: counts.throttled,
      busy: counts.busy,
      failures: run.value.failures + stale,
      peakRssMb: round(run.peakRssMb, 0),
    });
    engineLine = [
      ["engine: wall-clock s", round(run.seconds)],
      ["engine: emulated s", round(emulated, 1)],
      ["lower bound, emulated s", round(lowerBound, 1)],
      ["ratio to lower bound", result.ratioToLowerBound],
      ["reads (GET, incl. LRO polls)", counts.reads],
      ["  of which list pages", counts.listPages],
      ["  of which status polls", counts.statusPolls],
      ["writes accepted / needed", `${counts.writes} / ${o.spokes}`],
      ["write attempts (incl. refused)", counts.writeAttempts],
      ["throttled answers (429)", counts.throttled],
      ["busy answers (409)", counts.busy],
      ["engine retries", run.value.retries],
      ["failed actions / still stale", `${run.value.failures} / ${stale}`],
      ["peak RSS MB", round(run.peakRssMb, 0)],
    ];
  } finally {
    await emu.stop();
  }

  let baselineLines: [string, string | number | null][] = [];
  if (o.baseline !== false) {
    const bemu = await startArmLike(o.baselineTimeScale);
    try {
      const estate = seedHubAndSpokes(bemu, o.spokes, o.subscriptions);
      resizeHub(bemu, estate, 1);
      bemu.resetCounters();
      const run = await measure(() => runbook(bemu, estate.subscriptions));
      const emulated = run.seconds / o.baselineTimeScale;
      const counts = callCounts(bemu);
      result.baselineSeconds = round(emulated, 1);
      result.speedupVsBaseline = round(emulated / result.emulatedSeconds!, 1);
      baselineLines = [
        ["baseline (runbook): emulated s", round(emulated, 1)],
        ["baseline: wall-clock s", round(run.seconds)],
        ["baseline: reads / writes", `${counts.reads} / ${counts.writes}`],
        ["baseline: synced / failures", `${run.value.synced} / ${run.value.failures}`],
        ["speedup vs baseline", result.speedupVsBaseline],
      ];
    } finally {
      await bemu.stop();
    }
  }
  log(
    table(`${name} (engine time scale ${o.engineTimeScale}, baseline ${o.baselineTimeScale})`, [
      ...engineLine,
      ...baselineLines,
    ]),
  );
  return result;
}
