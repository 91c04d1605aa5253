import { describe, expect, it } from "vitest";
import { resizeHub, seedHubAndSpokes } from "../../../bench/lib/estate.js";
import { emptyResult } from "../../../bench/lib/report.js";
import { runBaseline } from "../../../bench/lib/runbook.js";

/** The scenarios' baseline (the runbook on an emulator of its own) at a tiny size: counts only. */
describe("bench baseline", () => {
  it("syncs every stale spoke peering one at a time and fills the result's baseline figures", async () => {
    const result = { ...emptyResult("tiny"), emulatedSeconds: 1 };
    const rows = await runBaseline(
      0.001,
      (emu) => {
        const estate = seedHubAndSpokes(emu, 4, 2);
        resizeHub(emu, estate, 1);
        return estate;
      },
      result,
    );
    const row = (label: string) => rows.find(([k]) => k === label)?.[1];
    expect(rows.map(([k]) => k)).toEqual([
      "baseline (runbook): emulated s",
      "baseline: wall-clock s",
      "baseline: reads / writes",
      "baseline: synced / failures",
      "speedup vs baseline",
    ]);
    expect(row("baseline: synced / failures")).toBe("4 / 0");
    expect(row("baseline: reads / writes")).toMatch(/ \/ 4$/);
    expect(result.baselineSeconds).toBe(row("baseline (runbook): emulated s"));
    expect(result.baselineSeconds).toBeGreaterThan(0);
    // Against the engine's 1 emulated s.
    expect(result.speedupVsBaseline).toBe(result.baselineSeconds);
  }, 60_000);
});
