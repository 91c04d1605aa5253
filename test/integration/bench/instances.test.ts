import { describe, expect, it } from "vitest";
import { instancesScenario } from "../../../bench/scenarios/instances.js";

/**
 * The instances scenario's harness works: two app processes share one emulator and its queue, the
 * budget both ways; counts only (no timings).
 */
describe("bench: app instances sharing ARM's buckets", () => {
  it("drains the queue across the instances and writes exactly the syncs needed, both budgets", async () => {
    const lines: string[] = [];
    const results = await instancesScenario(
      {
        subscriptions: 4,
        vnets: 40,
        driftedPairs: 4,
        hot: 8,
        instances: [2],
        timeScalePerInstance: 0.01,
        workers: 3,
      },
      (s) => lines.push(s),
    );
    expect(results.map((r) => [r.instances, r.budget])).toEqual([
      [2, "solo"],
      [2, "shared"],
    ]);
    for (const r of results) {
      expect(r.writes).toBe(4);
      expect(r.writesNeeded).toBe(4);
      // One reconcile per drifted pair: the sweep queues one end, whose reconcile repairs both.
      expect(r.reconciles).toBe(4);
      expect(r.failures).toBe(0);
      expect(r.throttledReads + r.throttledWrites).toBe(r.throttled);
    }
    expect(lines.join("\n")).toContain("2 instances, budget shared");
  }, 120_000);
});
