import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultResourceGraphOptions } from "../../emulator/index.js";
import { appCommand, appRunner, type AppRunner } from "../lib/app-process.js";
import { REQUEST_SECONDS, callCounts, startArmLike } from "../lib/arm-like.js";
import { driftPairs, seedPairs } from "../lib/estate.js";
import { listPagesNeeded } from "../lib/lower-bound.js";
import { measure, round } from "../lib/measure.js";
import { emptyResult, table, type ScenarioResult } from "../lib/report.js";
import { runAppProcess, sweepAppSource } from "./sweep.js";

export interface TenantOptions {
  subscriptions: number;
  vnetsPerSubscription: number;
  /** Pairs resized (both VNets of each drift): 1% of the VNets is vnets / 200 pairs. */
  driftedPairs: number;
  /** 1: the quotas in real seconds and the app's CPU at its real weight. */
  timeScale: number;
}

/** One line of the JSON object per source, with what the comparison needs. */
export type TenantResult = ScenarioResult & {
  source: "resource-graph" | "arm-lists";
  appRunner: AppRunner;
  vnets: number;
  subscriptions: number;
  /** Requests the sweep sent, by kind, as the emulator counted them. */
  resourceGraphQueries: number;
  armListPages: number;
  /** Subscriptions Resource Graph covered, and those listed through ARM. */
  coveredByResourceGraph: number | null;
  listedThroughArm: number | null;
  drifted: number;
  /** Wall-clock s of the sweep alone (the app's own clock). */
  sweepWallSeconds: number | null;
  emulatorPeakRssMb: number | null;
};

/** Rows per Resource Graph page and subscriptions per query (docs/azure-behaviour.md#resource-graph). */
const PAGE_ROWS = 1000;
const SUBSCRIPTIONS_PER_QUERY = 1000;

/**
 * What Resource Graph's quota allows for `queries` queries sent one after another: the first
 * `quota` at once, then `quota` per window, plus one answer's latency.
 */
export function graphLowerBoundSeconds(queries: number, quota: number, windowSeconds: number): number {
  return Math.max(0, Math.ceil(queries / quota) - 1) * windowSeconds + REQUEST_SECONDS;
}

/**
 * A tenant of `subscriptions` subscriptions x `vnetsPerSubscription` VNets, peered in pairs across
 * subscriptions, 1% drifted; swept twice by the app in its own process (bundled as shipped, as the
 * sweep scenario runs it): through Resource Graph, then through ARM lists. Only the sweep (list,
 * index, drift, enqueue) is measured; the reconciles it queues are the sweep scenario's subject.
 */
export async function tenantScenario(o: TenantOptions, log: (s: string) => void): Promise<TenantResult[]> {
  const vnets = o.subscriptions * o.vnetsPerSubscription;
  const runner = appRunner();
  const dir = await mkdtemp(join(tmpdir(), "vps-tenant-app-"));
  const emu = await startArmLike(o.timeScale);
  const out: TenantResult[] = [];
  try {
    const command = await appCommand(runner, dir, sweepAppSource);
    const seeded = await measure(async () => {
      const estate = seedPairs(emu, vnets, o.subscriptions);
      driftPairs(emu, estate, o.driftedPairs);
      return estate;
    });
    const estate = seeded.value;
    const quota = defaultResourceGraphOptions();
    const queriesNeeded = Math.ceil(o.subscriptions / SUBSCRIPTIONS_PER_QUERY) * Math.ceil(vnets / PAGE_ROWS);
    const pagesNeeded = listPagesNeeded(estate.vnetsPerSubscription.values(), emu.options.pageSize);
    for (const source of ["resource-graph", "arm-lists"] as const) {
      emu.resetCounters();
      emu.resetThrottling();
      const run = await measure(() =>
        runAppProcess(command, emu, estate.subscriptions, 1, () => undefined, {
          inventory: source,
          reconcile: false,
        }),
      );
      const app = run.value;
      const counts = callCounts(emu);
      const emulated = app.sweepSeconds / o.timeScale;
      // ARM lists: each subscription's pages come from its own read bucket (250 at once): the quota
      // allows all of them at once, one page's latency after another within a subscription.
      const lowerBound =
        source === "resource-graph"
          ? graphLowerBoundSeconds(queriesNeeded, quota.quota, quota.windowSeconds)
          : Math.ceil(Math.max(...estate.vnetsPerSubscription.values()) / emu.options.pageSize) *
            REQUEST_SECONDS;
      const graphQueries = emu.count({ kind: "resourceGraph" });
      const result: TenantResult = {
        ...emptyResult(`tenant-${o.subscriptions}-subs-${vnets}-vnets-${source}`),
        source,
        appRunner: runner,
        vnets,
        subscriptions: o.subscriptions,
        seconds: round(app.sweepSeconds),
        emulatedSeconds: round(emulated, 1),
        lowerBoundSeconds: round(lowerBound, 2),
        ratioToLowerBound: round(emulated / lowerBound),
        reads: counts.reads + graphQueries,
        writes: counts.writes,
        writesNeeded: 0,
        throttled: counts.throttled,
        busy: counts.busy,
        failures: app.failedSubscriptions,
        peakRssMb: round(app.maxRssMb, 0),
        resourceGraphQueries: graphQueries,
        armListPages: counts.listPages,
        coveredByResourceGraph: app.inventory.resourceGraph?.covered ?? null,
        listedThroughArm: app.inventory.armLists.subscriptions,
        drifted: app.drifts,
        sweepWallSeconds: round(app.sweepSeconds),
        emulatorPeakRssMb: round(run.peakRssMb, 0),
      };
      out.push(result);
      const peak = app.sweepPeak;
      log(
        table(`${result.name} (time scale ${o.timeScale}, app ${runner})`, [
          ["VNets / subscriptions", `${vnets} / ${o.subscriptions}`],
          ["seeding the emulator: wall-clock s", round(seeded.seconds)],
          ["sweep: wall-clock s", round(app.sweepSeconds)],
          ["sweep: emulated s", round(emulated, 1)],
          [
            source === "resource-graph"
              ? `lower bound: ${queriesNeeded} queries at ${quota.quota} per ${quota.windowSeconds} s, emulated s`
              : "lower bound: pages per subscription x latency (own read buckets), emulated s",
            round(lowerBound, 2),
          ],
          ["ratio to lower bound", result.ratioToLowerBound],
          [
            "Resource Graph queries / needed",
            `${graphQueries} / ${source === "resource-graph" ? queriesNeeded : 0}`,
          ],
          ["ARM list pages / pages needed for all", `${counts.listPages} / ${pagesNeeded}`],
          [
            "subscriptions: Resource Graph / ARM lists",
            `${result.coveredByResourceGraph ?? "-"} / ${result.listedThroughArm}`,
          ],
          ["VNets read / drifted VNets found", `${app.vnetsRead} / ${app.drifts}`],
          ["429 answers", counts.throttled],
          [
            "subscriptions failed / inaccessible",
            `${app.failedSubscriptions} / ${app.inaccessibleSubscriptions}`,
          ],
          ["app process: peak RSS MB (maxRSS)", round(app.maxRssMb, 0)],
          [
            "app process: RSS at start / sweep peak RSS / peak heap MB",
            `${round(app.atStart.rssMb, 0)} / ${round(peak.rssMb, 0)} / ${round(peak.heapUsedMb, 0)}`,
          ],
          ["bench process (emulator + estate): peak RSS MB", round(run.peakRssMb, 0)],
        ]),
      );
    }
  } finally {
    await emu.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
