import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Emulator } from "../../emulator/index.js";
import { appCommand, appRunner, runPausingApp, type AppCommand, type AppRunner } from "../lib/app-process.js";
import { ARM_BUCKETS, LRO_SECONDS, callCounts, startArmLike, type CallCounts } from "../lib/arm-like.js";
import { resizeHub, seedHubAndSpokes, type HubEstate } from "../lib/estate.js";
import { writeLowerBoundSeconds } from "../lib/lower-bound.js";
import { measure, round } from "../lib/measure.js";
import { emptyResult, table, type ScenarioResult } from "../lib/report.js";
import { runBaseline } from "../lib/runbook.js";
import type { HubAppFigures, HubAppMessage, HubAppStart } from "./hub-app.js";

export interface HubResizeOptions {
  spokes: number;
  subscriptions: number;
  /**
   * Time scale of the engine's emulator. 1 (real time) for the headline: below it every millisecond of
   * the engine's CPU counts 1 / scale times against the emulated clock, and the ratio measures the
   * machine as much as the waiting and pacing.
   */
  engineTimeScale: number;
  /** Time scale of the baseline's emulator (same configuration otherwise): it only waits, one call at a time. */
  baselineTimeScale: number;
  /** Skip the baseline (smoke test). */
  baseline?: boolean;
}

/**
 * What the hub-resize row adds to the common figures: the engine's time scale (which figure comes
 * from which scale) and its CPU time, measured in its own process, per request the emulator counted.
 */
export type HubResizeResult = ScenarioResult & {
  engineTimeScale: number;
  appRunner: AppRunner;
  /**
   * Engine CPU (user + system) over a warm reads-only phase (the same reconcile's dry run once all is
   * in sync) / the reads the emulator counted in it.
   */
  cpuMsPerRead: number | null;
  /** The same over the resize's own read half (snapshot + plan), which also pays for the first connections. */
  cpuMsPerReadFirstHalf: number | null;
  /** Engine CPU over the write half (apply) / writes accepted: each write with its re-read and polls. */
  cpuMsPerWrite: number | null;
  /** Engine CPU over the write half / every request of it (writes, re-reads, polls, final GETs). */
  cpuMsPerWritePhaseRequest: number | null;
};

const appSource = fileURLToPath(new URL("./hub-app.ts", import.meta.url));

/**
 * Run the engine (hub-app.ts) in its own Node process against `emu`, which stays in this one, so the
 * engine's CPU time is its own. `mark` runs between the read half and the write half, and after it.
 */
function runAppProcess(
  app: AppCommand,
  emu: Emulator,
  subscriptions: string[],
  scope: string[],
  mark: () => void,
): Promise<HubAppFigures> {
  return runPausingApp<HubAppFigures, HubAppMessage, HubAppStart>(app, {
    envFlag: "VPS_HUB_APP",
    name: "the hub engine's process",
    emu,
    start: { type: "start", subscriptions, scope },
    pause: "mark",
    atPause: mark,
  });
}

const minus = (a: CallCounts, b: CallCounts): CallCounts => ({
  reads: a.reads - b.reads,
  writes: a.writes - b.writes,
  writeAttempts: a.writeAttempts - b.writeAttempts,
  throttled: a.throttled - b.throttled,
  busy: a.busy - b.busy,
  listPages: a.listPages - b.listPages,
  statusPolls: a.statusPolls - b.statusPolls,
  vnetGets: a.vnetGets - b.vnetGets,
  peeringGets: a.peeringGets - b.peeringGets,
});

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

export async function hubResize(o: HubResizeOptions, log: (s: string) => void): Promise<HubResizeResult> {
  const name = `hub-resize-${o.spokes}-spokes-${o.subscriptions}-sub${o.subscriptions > 1 ? "s" : ""}`;
  const runner = appRunner();
  const result: HubResizeResult = {
    ...emptyResult(name),
    engineTimeScale: o.engineTimeScale,
    appRunner: runner,
    cpuMsPerRead: null,
    cpuMsPerReadFirstHalf: null,
    cpuMsPerWrite: null,
    cpuMsPerWritePhaseRequest: null,
  };

  const dir = await mkdtemp(join(tmpdir(), "vps-hub-app-"));
  const emu = await startArmLike(o.engineTimeScale);
  let engineLine: [string, string | number | null][] = [];
  try {
    const command = await appCommand(runner, dir, appSource);
    const estate = seedHubAndSpokes(emu, o.spokes, o.subscriptions);
    resizeHub(emu, estate, 1);
    emu.resetCounters();
    emu.resetThrottling();
    const marks: CallCounts[] = [];
    const child = await measure(() =>
      runAppProcess(command, emu, estate.subscriptions, [estate.hubId], () => marks.push(callCounts(emu))),
    );
    const app = child.value;
    const [reading, afterWrites] = marks as [CallCounts, CallCounts];
    const counts = afterWrites;
    const writing = minus(afterWrites, reading);
    const rereading = minus(callCounts(emu), afterWrites);
    const stale = stillStale(emu, estate);
    // The engine's own clock over its two halves: its process start and the IPC pause are not in it.
    const run = {
      seconds: app.read.seconds + app.write.seconds,
      value: { failures: app.failures, retries: app.retries },
      peakRssMb: app.maxRssMb,
    };
    const cpu = (p: { cpuUserMs: number; cpuSystemMs: number }) => p.cpuUserMs + p.cpuSystemMs;
    const perRead = rereading.reads > 0 ? cpu(app.reread) / rereading.reads : null;
    const perColdRead = reading.reads > 0 ? cpu(app.read) / reading.reads : null;
    const perWrite = writing.writes > 0 ? cpu(app.write) / writing.writes : null;
    const writeRequests = writing.reads + writing.writeAttempts;
    const perWriteRequest = writeRequests > 0 ? cpu(app.write) / writeRequests : null;
    const lowerBound = writeLowerBoundSeconds(
      estate.spokesPerSubscription.values(),
      ARM_BUCKETS.writes,
      LRO_SECONDS,
    );
    const emulated = run.seconds / o.engineTimeScale;
    const starts = emu.operationStarts();
    const acceptSpread = starts.length ? (starts.at(-1)! - starts[0]!) / 1000 : 0;
    const writeSeconds = app.write.seconds / o.engineTimeScale;
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
      cpuMsPerRead: round(perRead),
      cpuMsPerReadFirstHalf: round(perColdRead),
      cpuMsPerWrite: round(perWrite),
      cpuMsPerWritePhaseRequest: round(perWriteRequest),
    });
    engineLine = [
      ["engine: wall-clock s (read half + write half)", round(run.seconds)],
      ["  of which the read half (snapshot + plan)", round(app.read.seconds)],
      ["engine: emulated s", round(emulated, 1)],
      ["lower bound, emulated s", round(lowerBound, 1)],
      ["ratio to lower bound", result.ratioToLowerBound],
      ["reads (GET, incl. LRO polls)", counts.reads],
      ["  read half: VNet GETs / list pages", `${reading.vnetGets} / ${reading.listPages}`],
      [
        "  write half: list pages / VNet GETs / peering GETs",
        `${writing.listPages} / ${writing.vnetGets} / ${writing.peeringGets}`,
      ],
      ["    (peering GETs: a write's polls; the one that sees Succeeded is its result)", "-"],
      ["  write half: operation status reads (only for a failed write)", writing.statusPolls],
      ["writes accepted over, emulated s (first to last PUT accepted)", round(acceptSpread, 1)],
      [
        "  write half less that spread, emulated s (one write + poll lag)",
        round(writeSeconds - acceptSpread, 1),
      ],
      ["writes accepted / needed", `${counts.writes} / ${o.spokes}`],
      ["write attempts (incl. refused)", counts.writeAttempts],
      ["throttled answers (429)", counts.throttled],
      ["busy answers (409)", counts.busy],
      ["engine retries", run.value.retries],
      ["failed actions / still stale", `${run.value.failures} / ${stale}`],
      [`engine process (${runner}): peak RSS MB (maxRSS)`, round(run.peakRssMb, 0)],
      ["engine CPU ms, read half (user + system)", round(cpu(app.read), 0)],
      ["engine CPU ms, write half (user + system)", round(cpu(app.write), 0)],
      [
        "engine CPU ms, warm re-read: CPU / reads",
        `${round(cpu(app.reread), 0)} / ${rereading.reads} (${rereading.listPages} pages)`,
      ],
      ["engine CPU ms per read (warm re-read)", result.cpuMsPerRead],
      ["engine CPU ms per read (read half, cold)", result.cpuMsPerReadFirstHalf],
      ["engine CPU ms per write (write half / writes)", result.cpuMsPerWrite],
      ["engine CPU ms per request of the write half", result.cpuMsPerWritePhaseRequest],
      ["bench process (emulator): peak RSS MB", round(child.peakRssMb, 0)],
    ];
  } finally {
    await emu.stop();
    await rm(dir, { recursive: true, force: true });
  }

  const baselineLines =
    o.baseline === false
      ? []
      : await runBaseline(
          o.baselineTimeScale,
          (bemu) => {
            const estate = seedHubAndSpokes(bemu, o.spokes, o.subscriptions);
            resizeHub(bemu, estate, 1);
            return estate;
          },
          result,
        );
  log(
    table(
      `${name} (engine time scale ${o.engineTimeScale}${o.engineTimeScale === 1 ? ": real time" : ": compressed"}, baseline ${o.baselineTimeScale})`,
      [...engineLine, ...baselineLines],
    ),
  );
  return result;
}
