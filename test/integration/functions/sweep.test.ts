import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sweep } from "../../../src/functions/sweep.js";
import { testContext } from "../../support/queue-harness.js";
import { SUB_A, SUB_B, logsOf, startStack, vnetId, seedVnets, type Stack } from "./stack.js";

const HUB = vnetId("hub");
const SPOKE1 = vnetId("spoke1");
const SPOKE2 = vnetId("spoke2", SUB_B);
const LONELY = vnetId("lonely");

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
  const seed = stack.emulator.emu.seed;
  seedVnets(stack, [
    ["hub", SUB_A, "10.0.0.0/16"],
    ["spoke1", SUB_A, "10.1.0.0/16"],
    ["spoke2", SUB_B, "10.2.0.0/16"],
    ["lonely", SUB_A, "10.9.0.0/16"],
  ]);
  seed.connect(HUB, SPOKE1);
  seed.connect(HUB, SPOKE2);
});
afterEach(async () => {
  await stack?.stop();
});

const queued = async () =>
  (await stack.peek(stack.rt.settings.RECONCILE_QUEUE)).map((m) => (m as { vnetId: string }).vnetId).sort();

describe("sweep", () => {
  it("queues nothing on a healthy estate and indexes every peering", async () => {
    await sweep({}, testContext("sweep", stack.logs), stack.rt);
    expect(await queued()).toEqual([]);
    expect((await stack.rt.peerIndex.peersOf(HUB)).sort()).toEqual([SPOKE1, SPOKE2].sort());
    expect(logsOf(stack.logs, "SweepCompleted")[0]?.data).toMatchObject({ vnetsRead: 4, enqueued: 0 });
    // It only reads.
    expect(stack.emulator.emu.count({ method: "PUT" }) + stack.emulator.emu.count({ method: "DELETE" })).toBe(
      0,
    );
  });

  it("queues the VNets that drifted without any event: a Disconnected partner after a VNet vanished", async () => {
    await sweep({}, testContext("sweep", stack.logs), stack.rt);
    // No event reaches anyone when a partner's VNet disappears: only the sweep can notice.
    stack.emulator.emu.seed.deleteVnet(SPOKE2);
    stack.emulator.emu.seed.setAddressSpace(SPOKE1, ["10.1.0.0/16", "10.11.0.0/16"]);

    await sweep({}, testContext("sweep", stack.logs), stack.rt);

    // Both drifted; the hub's reconcile reads spoke1 (its peer) and repairs their pair: one queued.
    expect(await queued()).toEqual([HUB]);
    const completed = logsOf(stack.logs, "SweepCompleted")[1]?.data;
    expect(completed).toMatchObject({ vnetsRead: 3, enqueued: 1, indexRowsRemoved: 1 });
    expect((completed as { drifted: unknown[] }).drifted).toEqual(
      expect.arrayContaining([expect.objectContaining({ vnetId: SPOKE1, coveredBy: HUB })]),
    );
    // The deleted VNet's own index rows are gone; its partner's row pointing at it stays until it changes.
    expect(await stack.rt.peerIndex.peersOf(HUB)).toEqual([SPOKE1]);
  });

  it("records and alerts an inaccessible subscription, and still sweeps the others", async () => {
    stack.emulator.emu.seed.setSubscriptionAccessible(SUB_B, false);
    stack.emulator.emu.seed.peering({ vnetId: LONELY, remoteVnetId: HUB });

    await sweep({}, testContext("sweep", stack.logs), stack.rt);

    expect(await queued()).toEqual([LONELY]);
    expect(logsOf(stack.logs, "SubscriptionInaccessible").map((l) => l.data?.subscriptionId)).toEqual([
      SUB_B,
    ]);
    const [run] = await stack.rt.audit.listRecentRuns(1);
    expect(run).toMatchObject({ trigger: "sweep", status: "succeeded", inaccessibleSubscriptions: [SUB_B] });
    expect(stack.digests).toHaveLength(1);
    expect(JSON.stringify(stack.digests[0])).toContain("SubscriptionInaccessible");
  });

  it("a subscription whose list names a foreign nextLink is not planned on: unreadable, logged and alerted with that origin", async () => {
    // More VNets than the emulator's page (100): SUB_A's list takes two pages, and the first names a
    // foreign origin for the second.
    seedVnets(
      stack,
      Array.from(
        { length: 100 },
        (_, i) => [`filler${i}`, SUB_A, `10.${100 + (i % 100)}.${i}.0/24`] as const,
      ),
    );
    await sweep({}, testContext("sweep", stack.logs), stack.rt);
    stack.emulator.emu.seed.deleteVnet(SPOKE1);
    const foreign = "https://127.0.0.2:9";
    stack.emulator.emu.injectFault({
      method: "GET",
      path: `/subscriptions/${SUB_A}/providers/Microsoft.Network/virtualNetworks$`,
      fault: { type: "linkBase", baseUrl: foreign },
    });

    await sweep({}, testContext("sweep", stack.logs), stack.rt);

    // HUB's peering to the deleted SPOKE1 would be a drift, but nothing of SUB_A is planned on.
    expect(await queued()).toEqual([]);
    const unreadable = logsOf(stack.logs, "SubscriptionUnreadable").map((l) => l.data);
    expect(unreadable).toEqual([expect.objectContaining({ subscriptionId: SUB_A, code: "ForeignOrigin" })]);
    expect(String(unreadable[0]?.message)).toContain(foreign);
    const [run] = await stack.rt.audit.listRecentRuns(1);
    expect(run).toMatchObject({ trigger: "sweep", status: "failed", error: { code: "ForeignOrigin" } });
    expect(stack.digests.map((d) => JSON.stringify(d)).join()).toContain(foreign);
  });

  it("does not queue a VNet twice when a reconcile for it is already waiting", async () => {
    stack.emulator.emu.seed.peering({ vnetId: LONELY, remoteVnetId: HUB });
    await sweep({}, testContext("sweep", stack.logs), stack.rt);
    await sweep({}, testContext("sweep", stack.logs), stack.rt);
    expect(await queued()).toEqual([LONELY]);
    expect(logsOf(stack.logs, "SweepCompleted")[1]?.data).toMatchObject({ enqueued: 0, deduplicated: 1 });
  });
});
