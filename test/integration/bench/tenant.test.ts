import { describe, expect, it } from "vitest";
import { graphLowerBoundSeconds, tenantScenario } from "../../../bench/scenarios/tenant.js";

/**
 * The tenant scenario of `npm run bench` at a tiny size: the app sweeps from its own process through
 * Resource Graph, then through ARM lists; counts only, no timings judged.
 */
describe("bench tenant scenario", () => {
  it("sweeps a tenant through Resource Graph and through ARM lists and finds the same drift", async () => {
    const lines: string[] = [];
    const [graph, lists] = await tenantScenario(
      { subscriptions: 12, vnetsPerSubscription: 10, driftedPairs: 3, timeScale: 0.05 },
      (s) => lines.push(s),
    );
    expect(graph).toMatchObject({
      source: "resource-graph",
      appRunner: "bundle",
      vnets: 120,
      resourceGraphQueries: 1,
      armListPages: 0,
      coveredByResourceGraph: 12,
      listedThroughArm: 0,
      drifted: 6,
      throttled: 0,
      failures: 0,
    });
    expect(lists).toMatchObject({
      source: "arm-lists",
      resourceGraphQueries: 0,
      armListPages: 12,
      listedThroughArm: 12,
      drifted: 6,
      throttled: 0,
    });
    expect(graph!.peakRssMb).toBeGreaterThan(0);
    expect(lines.join("\n")).toContain("lower bound: 1 queries at 15 per 5 s");
  }, 120_000);

  it("the quota's lower bound: 15 queries at once, then 15 per 5 s window", () => {
    expect(graphLowerBoundSeconds(15, 15, 5)).toBeCloseTo(0.05);
    expect(graphLowerBoundSeconds(16, 15, 5)).toBeCloseTo(5.05);
    expect(graphLowerBoundSeconds(100, 15, 5)).toBeCloseTo(30.05);
  });
});
