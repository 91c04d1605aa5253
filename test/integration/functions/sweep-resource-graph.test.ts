import { afterEach, describe, expect, it } from "vitest";
import { sweep } from "../../../src/functions/sweep.js";
import { testContext } from "../../support/queue-harness.js";
import { SUB_A, SUB_B, logsOf, startStack, vnetId, seedVnets, type Stack } from "./stack.js";

/**
 * The timer sweep as deployed, choosing its inventory from SWEEP_INVENTORY: Resource Graph through
 * the runtime (same endpoint, CA and identity as the ARM port), ARM lists by default for a few
 * subscriptions. Where the VNets came from is in the log line and the audit run's summary.
 */
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function estate(env: Record<string, string> = {}): Promise<Stack> {
  stack = await startStack({ env });
  seedVnets(stack, [
    ["hub", SUB_A, "10.0.0.0/16"],
    ["spoke1", SUB_A, "10.1.0.0/16"],
    ["spoke2", SUB_B, "10.2.0.0/16"],
  ]);
  stack.emulator.emu.seed.connect(vnetId("hub"), vnetId("spoke1"));
  stack.emulator.emu.seed.peering({ vnetId: vnetId("spoke2", SUB_B), remoteVnetId: vnetId("hub") });
  return stack;
}

const queued = async (s: Stack) =>
  (await s.peek(s.rt.settings.RECONCILE_QUEUE)).map((m) => (m as { vnetId: string }).vnetId).sort();

describe("the sweep's inventory", () => {
  it("SWEEP_INVENTORY=resource-graph: one Resource Graph query, no ARM list, the same drift queued", async () => {
    const s = await estate({ SWEEP_INVENTORY: "resource-graph" });
    await sweep({}, testContext("sweep", s.logs), s.rt);
    const emu = s.emulator.emu;
    expect(emu.count({ kind: "resourceGraph" })).toBe(1);
    expect(emu.count({ kind: "virtualNetworkList" })).toBe(0);
    expect(await queued(s)).toEqual([vnetId("spoke2", SUB_B)]);
    expect(logsOf(s.logs, "SweepCompleted")[0]?.data).toMatchObject({
      vnetsRead: 3,
      inventory: { source: "resource-graph", resourceGraph: { covered: 2, notCovered: 0 } },
    });
    const [run] = await s.rt.audit.listRecentRuns(1);
    expect(run?.summary).toMatchObject({ resourceGraphSubscriptions: 2, armListedSubscriptions: 0 });
    // The peer index is rebuilt from Resource Graph's rows too.
    expect((await s.rt.peerIndex.peersOf(vnetId("hub"))).sort()).toEqual(
      [vnetId("spoke1"), vnetId("spoke2", SUB_B)].sort(),
    );
  });

  it("a Resource Graph client that cannot be built is logged, and the sweep lists through ARM", async () => {
    const s = await estate({ SWEEP_INVENTORY: "resource-graph" });
    s.rt.sweepInventory = async () => {
      throw new Error("client could not be loaded");
    };
    await sweep({}, testContext("sweep", s.logs), s.rt);
    expect(logsOf(s.logs, "ResourceGraphUnavailable")[0]?.data).toMatchObject({
      reason: "client could not be loaded",
    });
    expect(s.emulator.emu.count({ kind: "virtualNetworkList" })).toBe(2);
    expect(await queued(s)).toEqual([vnetId("spoke2", SUB_B)]);
  });

  it("by default (auto) a few subscriptions are listed through ARM, and Resource Graph is not asked", async () => {
    const s = await estate();
    await sweep({}, testContext("sweep", s.logs), s.rt);
    expect(s.emulator.emu.count({ kind: "resourceGraph" })).toBe(0);
    expect(s.emulator.emu.count({ kind: "virtualNetworkList" })).toBe(2);
    expect(await queued(s)).toEqual([vnetId("spoke2", SUB_B)]);
    expect(logsOf(s.logs, "SweepCompleted")[0]?.data).toMatchObject({ inventory: { source: "arm-lists" } });
  });
});
