import { cpus, totalmem } from "node:os";
import type { ScenarioResult } from "./lib/report.js";
import { coldStart } from "./scenarios/cold-start.js";
import { eventStorm } from "./scenarios/event-storm.js";
import { hubResize } from "./scenarios/hub-resize.js";
import { instancesScenario } from "./scenarios/instances.js";
import { statusPageScenario } from "./scenarios/status-page.js";
import { sweepScenario } from "./scenarios/sweep.js";
import { tenantScenario } from "./scenarios/tenant.js";

/**
 * npm run bench [-- --quick] [-- --only status,hub,storm,sweep,tenant,instances,cold]
 * Tables for people on stdout; the LAST line is one JSON object: {"scenarios": [...]}.
 * Sizes and time scales: bench/README.md.
 */
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyAt = args.findIndex((a) => a.startsWith("--only"));
const onlyValue =
  onlyAt < 0 ? undefined : args[onlyAt]!.includes("=") ? args[onlyAt]!.split("=")[1] : args[onlyAt + 1];
const only = onlyValue ? new Set(onlyValue.split(",")) : undefined;
const wanted = (s: string) => !only || only.has(s);
const log = (s: string) => console.log(s);

/**
 * The larger scenarios' engines run at 1/10 of real time, baselines at 1/100. The hub resize, the
 * headline, runs its engine in real time in the full run (bench/README.md: at 0.1 every ms of the
 * engine's CPU weighs 10 emulated ms); --quick keeps it compressed, and its table and JSON say so.
 */
const ENGINE_SCALE = quick ? 0.05 : 0.1;
const HUB_ENGINE_SCALE = quick ? ENGINE_SCALE : 1;
const BASELINE_SCALE = quick ? 0.002 : 0.01;

log(
  `vnet-peering-sync bench (${quick ? "quick" : "full"}): node ${process.version}, ${cpus().length} CPUs, ` +
    `${Math.round(totalmem() / 2 ** 30)} GB; figures in emulated seconds unless marked wall-clock`,
);
const started = performance.now();
const scenarios: ScenarioResult[] = [];
// First: its cold figure is the first run of the page's code in this process.
if (wanted("status")) {
  scenarios.push(await statusPageScenario({ spokes: quick ? 100 : 500, warmRequests: quick ? 3 : 9 }, log));
}
if (wanted("hub")) {
  for (const subscriptions of [1, 10])
    scenarios.push(
      await hubResize(
        {
          spokes: quick ? 40 : 500,
          subscriptions,
          engineTimeScale: HUB_ENGINE_SCALE,
          baselineTimeScale: BASELINE_SCALE,
        },
        log,
      ),
    );
}
if (wanted("storm")) {
  scenarios.push(
    await eventStorm(
      quick
        ? { vnets: 40, events: 200, subscriptions: 2, engineTimeScale: ENGINE_SCALE, workers: 12 }
        : { vnets: 300, events: 2000, subscriptions: 2, engineTimeScale: ENGINE_SCALE, workers: 12 },
      log,
    ),
  );
}
if (wanted("sweep")) {
  scenarios.push(
    await sweepScenario(
      quick
        ? {
            vnets: 1000,
            subscriptions: 10,
            driftedPairs: 10,
            engineTimeScale: ENGINE_SCALE,
            baselineTimeScale: BASELINE_SCALE,
            workers: 12,
          }
        : {
            vnets: 10_000,
            subscriptions: 50,
            driftedPairs: 100,
            engineTimeScale: ENGINE_SCALE,
            baselineTimeScale: BASELINE_SCALE,
            workers: 12,
          },
      log,
    ),
  );
}
if (wanted("tenant")) {
  // Real time (scale 1): Resource Graph's quota in real seconds and the app's CPU at its real weight.
  scenarios.push(
    ...(await tenantScenario(
      quick
        ? { subscriptions: 200, vnetsPerSubscription: 25, driftedPairs: 25, timeScale: 1 }
        : { subscriptions: 1000, vnetsPerSubscription: 100, driftedPairs: 500, timeScale: 1 },
      log,
    )),
  );
}
if (wanted("instances")) {
  // Many app processes share the 2 cores: the clock slows with their number, so that their CPU
  // does not stand in for ARM's limits (bench/README.md, "Instances"); 0.025 per instance.
  const perInstance = Number(process.env.BENCH_INSTANCES_SCALE ?? 0.025);
  const sizes = quick
    ? { subscriptions: 10, vnets: 1000, driftedPairs: 100, instances: [1, 4] }
    : { subscriptions: 50, vnets: 10_000, driftedPairs: 1000, instances: [1, 4, 16] };
  // BENCH_INSTANCES_DRIFT=spread or hot runs one variant; BENCH_INSTANCES=16 one size.
  const drift = process.env.BENCH_INSTANCES_DRIFT;
  const counts = process.env.BENCH_INSTANCES?.split(",").map(Number) ?? sizes.instances;
  for (const hot of quick ? [sizes.driftedPairs * 2] : [0, sizes.driftedPairs * 2])
    if (!drift || drift === (hot > 0 ? "hot" : "spread"))
      scenarios.push(
        ...(await instancesScenario(
          { ...sizes, instances: counts, hot, timeScalePerInstance: perInstance, workers: 12 },
          log,
        )),
      );
}
if (wanted("cold")) scenarios.push(...(await coldStart({ runs: quick ? 3 : 7 }, log)));
log(`\n(total wall-clock ${Math.round((performance.now() - started) / 1000)} s)`);
console.log(JSON.stringify({ scenarios }));
