import { describe, expect, it } from "vitest";
import { sweepScenario } from "../../../bench/scenarios/sweep.js";

/**
 * The sweep scenario of `npm run bench` at a tiny size: the app (sweep + reconciles) runs in its own
 * process against the emulator in this one; counts only, no timings judged.
 */
describe("bench sweep scenario", () => {
  it("sweeps from a separate process, reads only the list pages, writes exactly the syncs it needs", async () => {
    const lines: string[] = [];
    const result = await sweepScenario(
      {
        vnets: 40,
        subscriptions: 2,
        driftedPairs: 2,
        engineTimeScale: 0.01,
        baselineTimeScale: 0.001,
        workers: 4,
        baseline: false,
      },
      (s) => lines.push(s),
    );
    expect(result).toMatchObject({
      name: "sweep-40-vnets-2-subs-4-drifted",
      appRunner: "bundle",
      writesNeeded: 2,
      writes: 2,
      failures: 0,
      throttled: 0,
      // One page of 20 VNets per subscription.
      sweepReads: 2,
      listPagesNeeded: 2,
      baselineSeconds: null,
    });
    // The figures come from the app's process, not this one's.
    expect(result.peakRssMb).toBeGreaterThan(0);
    expect(result.emulatorPeakRssMb).toBeGreaterThan(0);
    expect(result.reads).toBeGreaterThan(result.sweepReads!);
    const text = lines.join("\n");
    // One reconcile per drifted pair: it reads both ends fresh and repairs the pair.
    expect(text).toMatch(/drifted VNets found \/ enqueued\s+4 \/ 2/);
    expect(text).toContain("app process (bundle): peak RSS MB (maxRSS)");
  }, 60_000);
});
