import { describe, expect, it } from "vitest";
import { statusPageScenario } from "../../../bench/scenarios/status-page.js";

/**
 * The status-page scenario of `npm run bench` at a tiny size: it drives the real handler against the
 * emulator and Azurite, and reports the figures the bench README quotes (timings are not judged here).
 */
describe("bench status-page scenario", () => {
  it("serves the page through the handler, reads ARM and the audit, writes nothing", async () => {
    const lines: string[] = [];
    const result = await statusPageScenario({ spokes: 30, warmRequests: 2 }, (s) => lines.push(s));
    expect(result).toMatchObject({
      name: "status-page-30-spokes",
      // Figures that do not apply to a page read are null.
      emulatedSeconds: null,
      baselineSeconds: null,
      speedupVsBaseline: null,
      lowerBoundSeconds: null,
      ratioToLowerBound: null,
      writesNeeded: null,
      writes: 0,
      throttled: 0,
      busy: 0,
      failures: 0,
      vnets: 31,
    });
    // Four watched subscriptions, one list page each at this size.
    expect(result.reads).toBe(4);
    // One-sided (i % 25 == 3), Disconnected (7) and grown spokes (1): each is a problem on the page.
    expect(result.problems).toBeGreaterThanOrEqual(3);
    for (const key of [
      "coldSeconds",
      "warmMedianSeconds",
      "armReadMs",
      "auditReadMs",
      "planMs",
      "modelMs",
      "renderMs",
    ] as const) {
      expect(result[key], key).toBeGreaterThan(0);
    }
    expect(result.seconds).toBe(result.warmMedianSeconds);
    expect(result.htmlKiB).toBeGreaterThan(10);
    const text = lines.join("\n");
    expect(text).toContain("audit read (15 runs, ");
    expect(text).toContain("target: under 1000 ms of server time");
  }, 60_000);
});
