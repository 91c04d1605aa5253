import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Emulator } from "../../emulator/index.js";
import { appCommand, appRunner, runPausingApp, type AppCommand, type AppRunner } from "../lib/app-process.js";
import { ARM_BUCKETS, LRO_SECONDS, callCounts, startArmLike } from "../lib/arm-like.js";
import { driftPairs, seedPairs } from "../lib/estate.js";
import { listPagesNeeded, writeLowerBoundSeconds } from "../lib/lower-bound.js";
import { measure, round } from "../lib/measure.js";
import { emptyResult, table, type ScenarioResult } from "../lib/report.js";
import { runBaseline } from "../lib/runbook.js";
import type { PhasePeak, SweepAppFigures, SweepAppMessage, SweepAppStart } from "./sweep-app.js";

export interface SweepOptions {
  vnets: number;
  subscriptions: number;
  driftedPairs: number;
  engineTimeScale: number;
  baselineTimeScale: number;
  /** reconcileVnet invocations at once (the Functions host: queues batchSize 8 + newBatchThreshold 4). */
  workers: number;
  /** Skip the baseline (smoke test). */
  baseline?: boolean;
}

/**
 * `peakRssMb` is the app's process alone (its maxRSS), the figure the target is about; the emulator
 * holding the estate runs in this process and is reported apart.
 */
export type SweepResult = ScenarioResult & {
  /** How the app's process ran: the shipped-like bundle or the sources through tsx. */
  appRunner: AppRunner;
  /** Peak RSS of this process (the emulator and its estate) while the app ran. */
  emulatorPeakRssMb: number | null;
  /** Reads the emulator counted until the sweep had enqueued, and the list pages the estate needs. */
  sweepReads: number | null;
  listPagesNeeded: number | null;
};

export const sweepAppSource = fileURLToPath(new URL("./sweep-app.ts", import.meta.url));

/**
 * Run the product side (sweep-app.ts) in its own Node process against `emu`, which stays in this
 * one: the app's memory is measured without the emulator's estate. `swept` runs when the sweep has
 * enqueued and before the reconciles start.
 */
export function runAppProcess(
  app: AppCommand,
  emu: Emulator,
  subscriptions: string[],
  workers: number,
  swept: () => void,
  extra: Pick<SweepAppStart, "inventory" | "reconcile"> = {},
): Promise<SweepAppFigures> {
  return runPausingApp<SweepAppFigures, SweepAppMessage, SweepAppStart>(app, {
    envFlag: "VPS_SWEEP_APP",
    name: "the sweep's app process",
    emu,
    start: { type: "start", subscriptions, workers, ...extra },
    pause: "swept",
    atPause: swept,
  });
}

export async function sweepScenario(o: SweepOptions, log: (s: string) => void): Promise<SweepResult> {
  const name = `sweep-${o.vnets}-vnets-${o.subscriptions}-subs-${o.driftedPairs * 2}-drifted`;
  const runner = appRunner();
  const result: SweepResult = {
    ...emptyResult(name),
    appRunner: runner,
    emulatorPeakRssMb: null,
    sweepReads: null,
    listPagesNeeded: null,
  };
  const writesNeeded = o.driftedPairs;
  const rows: [string, string | number | null][] = [];

  const dir = await mkdtemp(join(tmpdir(), "vps-sweep-app-"));
  const emu = await startArmLike(o.engineTimeScale);
  try {
    const command = await appCommand(runner, dir, sweepAppSource);
    const estate = seedPairs(emu, o.vnets, o.subscriptions);
    driftPairs(emu, estate, o.driftedPairs);
    const pagesNeeded = listPagesNeeded(estate.vnetsPerSubscription.values(), emu.options.pageSize);
    emu.resetCounters();
    emu.resetThrottling();
    let sweepReads = 0;
    let afterSweep = callCounts(emu);
    // The whole run as this process sees it: the app's process start, its sweep and reconciles. This
    // process's RSS is the emulator's (and the estate it holds), not the app's.
    const run = await measure(() =>
      runAppProcess(command, emu, estate.subscriptions, o.workers, () => {
        afterSweep = callCounts(emu);
        sweepReads = afterSweep.reads;
      }),
    );
    const app = run.value;
    const counts = callCounts(emu);
    // The app's own clock (sweep, then reconciles): its process start and imports are not the sweep's.
    const seconds = app.sweepSeconds + app.reconcileSeconds;
    const emulated = seconds / o.engineTimeScale;
    const lowerBound = writeLowerBoundSeconds(
      estate.syncsPerSubscription.values(),
      ARM_BUCKETS.writes,
      LRO_SECONDS,
    );
    Object.assign(result, {
      seconds: round(seconds),
      emulatedSeconds: round(emulated, 1),
      lowerBoundSeconds: round(lowerBound, 1),
      ratioToLowerBound: round(emulated / lowerBound),
      reads: counts.reads,
      writes: counts.writes,
      writesNeeded,
      throttled: counts.throttled,
      busy: counts.busy,
      failures: app.failures,
      // The app's process alone (the target), not the emulator's.
      peakRssMb: round(app.maxRssMb, 0),
      emulatorPeakRssMb: round(run.peakRssMb, 0),
      sweepReads,
      listPagesNeeded: pagesNeeded,
    });
    const mem = (p: { rssMb: number; heapUsedMb: number; externalMb: number }) =>
      `${round(p.rssMb, 0)} / ${round(p.heapUsedMb, 0)} / ${round(p.externalMb, 0)}`;
    const peak = (p: PhasePeak) => `${round(p.rssMb, 0)} / ${round(p.heapUsedMb, 0)}`;
    rows.push(
      ["engine: wall-clock s (sweep + reconciles)", round(seconds)],
      ["  of which the sweep (list, drift, enqueue)", round(app.sweepSeconds)],
      ["engine: emulated s", round(emulated, 1)],
      ["lower bound, emulated s", round(lowerBound, 1)],
      ["ratio to lower bound", result.ratioToLowerBound],
      ["VNets listed", app.vnetsRead],
      ["sweep reads / list pages needed", `${sweepReads} / ${pagesNeeded}`],
      ["drifted VNets found / enqueued", `${app.drifts} / ${app.enqueued}`],
      [
        "subscriptions failed / inaccessible",
        `${app.failedSubscriptions} / ${app.inaccessibleSubscriptions}`,
      ],
      ["reads of the reconciles (incl. LRO polls)", counts.reads - sweepReads],
      [
        "  VNet GETs / list pages / peering GETs / operation status reads",
        [
          counts.vnetGets - afterSweep.vnetGets,
          counts.listPages - afterSweep.listPages,
          counts.peeringGets - afterSweep.peeringGets,
          counts.statusPolls - afterSweep.statusPolls,
        ].join(" / "),
      ],
      [
        "  (peering GETs: a write's polls, the last one its result; operation reads: failed writes only)",
        null,
      ],
      ["reads total", counts.reads],
      ["writes accepted / needed", `${counts.writes} / ${writesNeeded}`],
      ["write attempts (incl. refused)", counts.writeAttempts],
      ["throttled (429) / busy (409)", `${counts.throttled} / ${counts.busy}`],
      ["failed actions", app.failures],
      [`app process (${runner}): peak RSS MB (maxRSS)`, round(app.maxRssMb, 0)],
      ["app process: RSS / heap / external MB at start", mem(app.atStart)],
      ["app process: sweep: peak RSS / peak heap MB", peak(app.sweepPeak)],
      ["app process: RSS / heap / external MB after sweep", mem(app.afterSweep)],
      ["app process: reconciles: peak RSS / peak heap MB", peak(app.reconcilePeak)],
      ["bench process (emulator + its estate): peak RSS MB", round(run.peakRssMb, 0)],
    );
  } finally {
    await emu.stop();
    await rm(dir, { recursive: true, force: true });
  }

  if (o.baseline !== false)
    rows.push(
      ...(await runBaseline(
        o.baselineTimeScale,
        (bemu) => {
          const estate = seedPairs(bemu, o.vnets, o.subscriptions);
          driftPairs(bemu, estate, o.driftedPairs);
          return estate;
        },
        result,
      )),
    );
  log(table(`${name} (engine time scale ${o.engineTimeScale}, baseline ${o.baselineTimeScale})`, rows));
  return result;
}
