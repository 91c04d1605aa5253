import type { Emulator } from "../../emulator/index.js";
import { parseSettings, policyFrom, type Settings } from "../../src/config.js";
import type { NetworkPort } from "../../src/reconcile/port.js";
import { DEFAULT_FRESH_READ_MS, reconcile, type ReconcileOutcome } from "../../src/reconcile/run.js";
import { productPort, scaledSleep } from "./arm-like.js";

/** The product's settings as deployed with defaults: nothing tuned for the benchmark. */
export function defaultSettings(subscriptions: string[], extra: Record<string, string> = {}): Settings {
  return parseSettings({ WATCHED_SUBSCRIPTIONS: subscriptions.join(","), ...extra });
}

export interface EngineRun {
  outcome: ReconcileOutcome;
  failures: number;
  succeeded: number;
  retries: number;
}

/** The production freshness of a plan's own read (emulated seconds) in scaled wall-clock ms. */
export const freshReadMs = (timeScale: number): number => DEFAULT_FRESH_READ_MS * timeScale;

/** One reconcile, as reconcileVnet / `cli apply --scope` run it, with the default settings. */
export async function runEngine(
  emu: Emulator,
  subscriptions: string[],
  scope: string[],
  port: NetworkPort = productPort(emu),
): Promise<EngineRun> {
  const settings = defaultSettings(subscriptions);
  let retries = 0;
  let runs = 0;
  const outcome = await reconcile(
    { trigger: "event", correlationId: "bench", scope, dryRun: false },
    {
      port,
      policy: policyFrom(settings),
      now: () => new Date(),
      newRunId: () => `bench-${++runs}`,
      sleep: scaledSleep(emu.options.timeScale),
      maxParallelVnets: settings.MAX_PARALLEL_VNETS,
      maxAttempts: settings.MAX_ATTEMPTS,
      // As production sets it (src/config.ts engineLimits), in emulated time: `now` is the wall clock.
      freshReadMs: freshReadMs(emu.options.timeScale),
      onEvent: (e) => {
        if (e.type === "retry") retries++;
      },
    },
  );
  const results = outcome.report.results;
  return {
    outcome,
    failures: results.filter((r) => r.result.status === "failed").length,
    succeeded: results.filter((r) => r.result.status === "succeeded").length,
    retries,
  };
}
