import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_FRESH_READ_MS } from "../../../src/reconcile/run.js";
import { startEngine, type EngineHarness } from "../../support/engine.js";
import { seedHubWithSpokes, vnetIn } from "../../support/hub-estate.js";

const SUB = "00000000-0000-4000-8000-0000000000c1";
const vnetId = vnetIn(SUB);
const watched = { watchedSubscriptions: [SUB] };

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A hub and two spokes; the hub grew, so each spoke's peering to it must sync. */
async function resizedHub(): Promise<EngineHarness> {
  const engine = await startEngine({ throttle: false });
  seedHubWithSpokes(engine.emu, SUB, 2, { resized: true });
  engine.emu.resetCounters();
  return engine;
}

const peeringGets = (e: EngineHarness) => e.emu.count({ method: "GET", kind: "virtualNetworkPeering" });
const vnetGets = (e: EngineHarness) => e.emu.count({ method: "GET", kind: "virtualNetwork" });

/** A clock that moves on by `stepMs` each time it is read. */
function movingClock(stepMs: number): () => Date {
  let t = Date.parse("2026-11-22T10:00:00Z");
  return () => new Date((t += stepMs));
}

describe("the re-read before a write", () => {
  it("is the plan's own read while that is fresh: no second GET of the target", async () => {
    h = await resizedHub();
    const outcome = await h.run(watched, { scope: [vnetId("s1")] }, { freshReadMs: DEFAULT_FRESH_READ_MS });
    expect(outcome.report.results.map((r) => r.result.status)).toEqual(["succeeded"]);
    expect(h.writes()).toBe(1);
    // The snapshot: s1 and its peer, the hub. No re-read of s1's peering before the PUT; the
    // one peering GET left is the SDK's final GET after the write's operation succeeded.
    expect(vnetGets(h)).toBe(2);
    expect(peeringGets(h)).toBe(1);
  });

  it("is a GET of the peering when the run is not told its reads stay fresh (as before)", async () => {
    h = await resizedHub();
    await h.run(watched, { scope: [vnetId("s1")] });
    expect(h.writes()).toBe(1);
    expect(peeringGets(h)).toBe(2);
  });

  it("is a GET of the peering once the plan's read is older than the bound", async () => {
    h = await resizedHub();
    // Every look at the clock is 1 s later: by the write, the read is more than 1 ms old.
    await h.run(watched, { scope: [vnetId("s1")] }, { freshReadMs: 1, now: movingClock(1000) });
    expect(h.writes()).toBe(1);
    expect(peeringGets(h)).toBe(2);
  });

  it("reads ARM again on a retry: the first attempt's write may have left anything behind", async () => {
    h = await resizedHub();
    h.emu.injectFault({
      method: "PUT",
      path: /virtualNetworkPeerings/,
      count: 1,
      fault: { type: "status", status: 409, code: "AnotherOperationInProgress" },
    });
    const outcome = await h.run(watched, { scope: [vnetId("s1")] }, { freshReadMs: DEFAULT_FRESH_READ_MS });
    expect(outcome.report.results.map((r) => r.result.status)).toEqual(["succeeded"]);
    expect(h.emu.count({ method: "PUT" })).toBe(2);
    // The retry's re-read, and the final GET of the write that went through.
    expect(peeringGets(h)).toBe(2);
  });

  it("sees a change made after a stale read, and does not write on what it read before", async () => {
    h = await resizedHub();
    const engine = h;
    const s1 = engine.emu.seed.getVnet(vnetId("s1")) as {
      properties: { virtualNetworkPeerings: { id: string }[] };
    };
    const target = s1.properties.virtualNetworkPeerings[0]!.id;
    let t = Date.parse("2026-11-22T10:00:00Z");
    let deleted = false;
    // Once both VNets are read (the snapshot), the next look at the clock is the write's freshness
    // check: someone deletes the peering just then, and the read is 10 s old by that clock.
    const now = () => {
      if (!deleted && vnetGets(engine) >= 2) {
        deleted = true;
        engine.emu.seed.deletePeering(target);
      }
      return new Date((t += 10_000));
    };
    const outcome = await h.run(
      watched,
      { scope: [vnetId("s1")] },
      { freshReadMs: DEFAULT_FRESH_READ_MS, now },
    );
    expect(deleted).toBe(true);
    expect(outcome.report.results.map((r) => r.result)).toEqual([
      { status: "skipped", why: "the peering no longer exists" },
    ]);
    expect(h.writes()).toBe(0);
  });
});
