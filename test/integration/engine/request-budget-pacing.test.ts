import { afterEach, describe, expect, it } from "vitest";
import { ArmNetworkPort } from "../../../src/azure/arm/arm-network-port.js";
import { emulatorCredential } from "../../../src/azure/credentials.js";
import type { RequestBudget } from "../../../src/azure/arm/request-budget.js";
import { reconcile } from "../../../src/reconcile/run.js";
import { startEmulator, type Emulator } from "../../../emulator/index.js";
import { BASE_POLICY } from "../../support/engine.js";
import { seedHubWithSpokes, vnetIn } from "../../support/hub-estate.js";

/**
 * The adapter's request budget spends the same buckets the emulator throttles with (small ones here,
 * so that a burst runs out in a test's time). Pacing itself with ARM's own bucket, the adapter should
 * never be answered 429 when it is the only client of the subscription. The burst is what gave 429s:
 * its requests each open a TLS connection and reach the emulator late and all together.
 */
const SUB = "00000000-0000-4000-8000-0000000000d1";
const vnetId = vnetIn(SUB);

const READS = { burst: 20, perSecond: 50 };
const WRITES = { burst: 10, perSecond: 20 };
const BUDGET: RequestBudget = { reads: READS, writes: WRITES, deletes: WRITES };

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function start(extra: { lroDurationSeconds?: number } = {}): Promise<Emulator> {
  emu = await startEmulator({
    timeScale: 1,
    requestLatencySeconds: 0.005,
    lroRetryAfterSeconds: 0,
    ...extra,
    throttle: { enabled: true, reads: READS, writes: WRITES, deletes: WRITES },
  });
  return emu;
}

function portOn(e: Emulator): ArmNetworkPort {
  return new ArmNetworkPort({
    credential: emulatorCredential,
    endpoint: e.endpoint,
    caPem: e.caPem,
    pollIntervalMs: 20,
    requestBudget: BUDGET,
  });
}

describe("the request budget paces requests to the emulator's bucket", () => {
  it("many concurrent reads, far past the burst: none answered 429, each sent once", async () => {
    const e = await start();
    seedHubWithSpokes(e, SUB, 30);
    e.resetCounters();
    e.resetThrottling();
    const port = portOn(e);

    const reads = Array.from({ length: 300 }, (_, i) =>
      i % 2 === 0
        ? port.getVnet(vnetId(`s${(i % 30) + 1}`))
        : port.getPeering(`${vnetId("hub")}/virtualNetworkPeerings/hub-to-s${(i % 30) + 1}`),
    );
    const answers = await Promise.all(reads);

    expect(answers.every((a) => a !== undefined)).toBe(true);
    expect(e.count({ status: 429 })).toBe(0);
    expect(e.count({ method: "GET" })).toBe(300);
  });

  it("a hub resize (reads, PUTs and their polls): none answered 429", async () => {
    const e = await start({ lroDurationSeconds: 0.2 });
    seedHubWithSpokes(e, SUB, 40, { resized: true });
    e.resetCounters();
    e.resetThrottling();

    const outcome = await reconcile(
      { trigger: "cli", correlationId: "budget", scope: [vnetId("hub")], dryRun: false },
      {
        port: portOn(e),
        policy: { ...BASE_POLICY, watchedSubscriptions: [SUB] },
        now: () => new Date("2026-11-22T10:00:00Z"),
        newRunId: () => "run-1",
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        maxParallelVnets: 100,
        maxAttempts: 5,
      },
    );

    const results = outcome.report.results;
    expect(results.filter((r) => r.result.status === "failed")).toEqual([]);
    expect(results.filter((r) => r.result.status === "succeeded").length).toBeGreaterThanOrEqual(40);
    expect(e.count({ status: 429 })).toBe(0);
  });
});
