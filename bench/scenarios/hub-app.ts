import { policyFrom } from "../../src/config.js";
import { finishRun, prepareRun, type ReconcileRequest } from "../../src/reconcile/run.js";
import { productPort, scaledSleep } from "../lib/arm-like.js";
import { defaultSettings, freshReadMs } from "../lib/engine.js";
import {
  remoteEmulator,
  runWhenStarted,
  type AppReport,
  type EmulatorAddress,
} from "../lib/child-process.js";

/**
 * The engine side of the hub-resize scenario, in its own Node process (bench/scenarios/hub-resize.ts
 * forks it, bundled as the deployment ships the app): one reconcile of the hub, as reconcileVnet runs
 * it, talking HTTPS to the emulator in the parent. Its CPU time is then the engine's alone (the
 * emulator answering 1,500 requests would otherwise count in it).
 *
 * The reconcile runs in its two halves, as src/reconcile/run.ts's reconcile chains them: `prepareRun`
 * (read the snapshot, plan), then `finishRun` (apply the plan, report). A third phase,
 * not timed as part of the resize, reads the same again (a dry run once everything is in sync): the
 * CPU of reads in a warm process, where the first half also pays for the first connections and the
 * first run of the code. Between phases the child stops until the parent has read the emulator's
 * counters, so each phase's CPU time is divided by its own requests.
 *
 * Protocol (IPC): parent -> `start`; child -> `mark` after the read half and after the write half;
 * parent -> `counted` each time; child -> `done` with its figures (or `error`), then exits.
 */
export interface HubAppStart extends EmulatorAddress {
  type: "start";
  subscriptions: string[];
  scope: string[];
}

/** process.cpuUsage() over one half, ms (user + system) and wall-clock s. */
export interface PhaseCost {
  seconds: number;
  cpuUserMs: number;
  cpuSystemMs: number;
}

export interface HubAppFigures {
  read: PhaseCost;
  write: PhaseCost;
  /** The dry run after the writes: reads only, warm. */
  reread: PhaseCost;
  actions: number;
  failures: number;
  succeeded: number;
  retries: number;
  maxRssMb: number;
}

export type HubAppMessage = { type: "mark" } | AppReport<HubAppFigures>;

async function phase<T>(fn: () => Promise<T>): Promise<{ value: T; cost: PhaseCost }> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  return { value, cost: { seconds, cpuUserMs: used.user / 1000, cpuSystemMs: used.system / 1000 } };
}

export async function runHubApp(start: HubAppStart, mark: () => Promise<void>): Promise<HubAppFigures> {
  const emu = remoteEmulator(start);
  const settings = defaultSettings(start.subscriptions);
  const policy = policyFrom(settings);
  const port = productPort(emu);
  const sleep = scaledSleep(start.options.timeScale);
  let runs = 0;
  let retries = 0;
  const deps = {
    port,
    policy,
    now: () => new Date(),
    newRunId: () => `bench-${++runs}`,
    sleep,
    maxParallelVnets: settings.MAX_PARALLEL_VNETS,
    maxAttempts: settings.MAX_ATTEMPTS,
    freshReadMs: freshReadMs(start.options.timeScale),
    onEvent: (e: { type: string }) => {
      if (e.type === "retry") retries++;
    },
  };
  const request: ReconcileRequest = {
    trigger: "event",
    correlationId: "bench",
    scope: start.scope,
    dryRun: false,
  };
  const read = await phase(() => prepareRun(request, deps));
  await mark();
  const write = await phase(() => finishRun(read.value, request, deps));
  await mark();
  const reread = await phase(() => prepareRun(request, deps));
  const results = write.value.report.results;
  return {
    read: read.cost,
    write: write.cost,
    reread: reread.cost,
    actions: results.length,
    failures: results.filter((r) => r.result.status === "failed").length,
    succeeded: results.filter((r) => r.result.status === "succeeded").length,
    retries,
    // Linux reports kilobytes.
    maxRssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
  };
}

// Entry point when forked: wait for `start`, run, report, exit.
if (process.send && process.env.VPS_HUB_APP === "1") runWhenStarted("mark", runHubApp);
