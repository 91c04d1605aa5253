import { afterEach, describe, expect, it } from "vitest";
import { ArmNetworkPort } from "../../../src/azure/arm/arm-network-port.js";
import { emulatorCredential } from "../../../src/azure/credentials.js";
import type { SharedOptions } from "../../../src/azure/arm/request-budget.js";
import { startEmulator, type Emulator } from "../../../emulator/index.js";
import { seedHubWithSpokes, vnetIn } from "../../support/hub-estate.js";

/**
 * Several app instances (each its own port, so its own request budget) against one emulator whose
 * buckets are per subscription, as ARM's are per subscription and principal: every instance spends
 * the same bucket. Pacing each as ARM's only client, together they ask for several times what ARM
 * refills; learning from the levels ARM reports, they stay within it. Small buckets, so that the
 * refill binds within a test's time.
 */
const SUB = "00000000-0000-4000-8000-0000000000d2";
const vnetId = vnetIn(SUB);
const READS = { burst: 50, perSecond: 25 };
const WRITES = { burst: 10, perSecond: 20 };
const INSTANCES = 6;
const CONCURRENCY = 8;
const READS_EACH = 30;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function run(
  shared: false | SharedOptions,
): Promise<{ sent: number; throttled: number; failed: number }> {
  emu = await startEmulator({
    timeScale: 1,
    requestLatencySeconds: 0.005,
    throttle: { enabled: true, reads: READS, writes: WRITES, deletes: WRITES },
  });
  seedHubWithSpokes(emu, SUB, 10);
  emu.resetCounters();
  emu.resetThrottling();
  const e = emu;
  const ports = Array.from(
    { length: INSTANCES },
    () =>
      new ArmNetworkPort({
        credential: emulatorCredential,
        endpoint: e.endpoint,
        caPem: e.caPem,
        coalesceReads: false,
        requestBudget: { reads: READS, writes: WRITES, deletes: WRITES, shared },
      }),
  );
  let failed = 0;
  await Promise.all(
    ports.flatMap((port) =>
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        for (let i = w; i < READS_EACH; i += CONCURRENCY)
          await port.getVnet(vnetId(`s${(i % 10) + 1}`)).catch(() => failed++);
      }),
    ),
  );
  return { sent: e.count({ method: "GET" }), throttled: e.count({ status: 429 }), failed };
}

describe("app instances sharing one subscription's bucket", () => {
  it("learning from the levels ARM reports, they draw a fraction of the 429s they draw paced as its only client, and nothing fails", async () => {
    // Both in one test and compared with each other: how quickly an instance hears of the others
    // depends on how busy the machine is, and so does the count of 429s of either run.
    const solo = await run(false);
    await emu?.stop();
    const shared = await run({});
    expect(solo.throttled).toBeGreaterThan(0.1 * solo.sent);
    expect(shared.failed).toBe(0);
    expect(shared.sent - shared.throttled).toBe(INSTANCES * READS_EACH);
    expect(shared.throttled).toBeLessThanOrEqual(solo.throttled / 4);
  });
});
