import { afterEach, describe, expect, it } from "vitest";
import { LIST_PEERS_THRESHOLD } from "../../../src/reconcile/run.js";
import { startEngine, type EngineHarness } from "../../support/engine.js";
import { seedHubWithSpokes, vnetIn } from "../../support/hub-estate.js";

const SUB = "00000000-0000-4000-8000-0000000000b1";
const vnetId = vnetIn(SUB);

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function hubWith(spokes: number): Promise<EngineHarness> {
  const engine = await startEngine({ throttle: false });
  seedHubWithSpokes(engine.emu, SUB, spokes, { resized: true });
  engine.emu.resetCounters();
  return engine;
}

describe("reading a VNet's peers", () => {
  it("lists the subscription once when a scope has many peers there, instead of a GET per peer", async () => {
    h = await hubWith(LIST_PEERS_THRESHOLD + 5);
    const outcome = await h.run({ watchedSubscriptions: [SUB] }, { scope: [vnetId("hub")] });
    expect(h.emu.count({ method: "GET", kind: "virtualNetworkList" })).toBe(1);
    expect(h.emu.count({ method: "GET", kind: "virtualNetwork" })).toBe(1);
    expect(outcome.report.results.filter((r) => r.result.status === "succeeded")).toHaveLength(
      LIST_PEERS_THRESHOLD + 5,
    );
    expect(h.writes()).toBe(LIST_PEERS_THRESHOLD + 5);
  });

  it("reads a few peers one by one", async () => {
    h = await hubWith(3);
    await h.run({ watchedSubscriptions: [SUB] }, { scope: [vnetId("hub")] });
    expect(h.emu.count({ method: "GET", kind: "virtualNetworkList" })).toBe(0);
    expect(h.emu.count({ method: "GET", kind: "virtualNetwork" })).toBe(4);
    expect(h.writes()).toBe(3);
  });

  it("re-reads the targets of many writes at once with one list, not a GET each, and still converges", async () => {
    const spokes = LIST_PEERS_THRESHOLD + 5;
    h = await hubWith(spokes);
    const outcome = await h.run(
      { watchedSubscriptions: [SUB] },
      { scope: [vnetId("hub")] },
      { maxParallelVnets: spokes },
    );
    expect(outcome.report.results.filter((r) => r.result.status === "succeeded")).toHaveLength(spokes);
    // One list for the snapshot, one that answered every re-read before a write.
    expect(h.emu.count({ method: "GET", kind: "virtualNetworkList" })).toBe(2);
    // The only peering GETs left are the SDK's final GET after each write's operation succeeded.
    expect(h.emu.count({ method: "GET", kind: "virtualNetworkPeering" })).toBe(spokes);
    expect(h.writes()).toBe(spokes);
    const again = await h.run({ watchedSubscriptions: [SUB] }, { scope: [vnetId("hub")] });
    expect(again.plan.actions.filter((a) => a.kind === "sync")).toEqual([]);
  });
});
