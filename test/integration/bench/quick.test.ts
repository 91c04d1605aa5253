import { describe, expect, it } from "vitest";
import { hubResize } from "../../../bench/scenarios/hub-resize.js";

/** The bench harness itself works: a tiny hub resize, structure and write counts only (no timings). */
describe("bench harness", () => {
  it("runs a small hub resize and writes exactly the syncs it needs", async () => {
    const lines: string[] = [];
    const result = await hubResize(
      { spokes: 6, subscriptions: 2, engineTimeScale: 0.01, baselineTimeScale: 0.001, baseline: false },
      (s) => lines.push(s),
    );
    expect(Object.keys(result).sort()).toEqual(
      [
        "name",
        "seconds",
        "emulatedSeconds",
        "baselineSeconds",
        "speedupVsBaseline",
        "lowerBoundSeconds",
        "ratioToLowerBound",
        "reads",
        "writes",
        "writesNeeded",
        "throttled",
        "busy",
        "failures",
        "peakRssMb",
        "engineTimeScale",
        "appRunner",
        "cpuMsPerRead",
        "cpuMsPerReadFirstHalf",
        "cpuMsPerWrite",
        "cpuMsPerWritePhaseRequest",
      ].sort(),
    );
    expect(result.writesNeeded).toBe(6);
    expect(result.writes).toBe(result.writesNeeded);
    expect(result.failures).toBe(0);
    expect(result.lowerBoundSeconds).toBe(15);
    expect(lines.join("\n")).toContain("writes accepted / needed");
    // The engine ran in its own process: its CPU time is measured there, per request the emulator counted.
    expect(result.engineTimeScale).toBe(0.01);
    expect(result.cpuMsPerWrite).toBeGreaterThan(0);
    expect(result.cpuMsPerRead).toBeGreaterThan(0);
  }, 60_000);
});
