import { afterEach, describe, expect, it } from "vitest";
import type { EmittedEvent } from "../../../emulator/index.js";
import { onNetworkEvent } from "../../../src/functions/on-network-event.js";
import { sweep } from "../../../src/functions/sweep.js";
import { FAST_LRO } from "../../support/emulator.js";
import { testContext } from "../../support/queue-harness.js";
import { SUB_A, SUB_B, logsOf, startStack, vnetId, type Stack } from "./stack.js";

/**
 * End to end without a Functions host: the emulator's Event Grid events go to onNetworkEvent, real
 * queue messages go through Azurite, the harness hands them to reconcileVnet, and our own writes'
 * events come back in too, until nothing is left to do.
 */

const HUB = vnetId("hub");
const SPOKE1 = vnetId("spoke1");
const SPOKE2 = vnetId("spoke2", SUB_B);
const SPOKE3 = vnetId("spoke3");
const SPOKE4 = vnetId("spoke4", SUB_B);

/** What the scenario needs: 2 syncs (spoke1, spoke2 -> hub), 1 reciprocal (hub -> spoke3), 1 reset + 1 reciprocal (hub <-> spoke4). */
const NEEDED_WRITES = 5;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

type Delivery = (events: EmittedEvent[]) => EmittedEvent[];

async function scenario(deliver: Delivery, schema: "EventGrid" | "CloudEvents") {
  const s = await startStack({ env: { REPAIR_DISCONNECTED: "true" }, emulator: { events: { schema } } });
  stack = s;
  const { emu } = s.emulator;
  for (const [name, sub, prefix] of [
    ["hub", SUB_A, "10.0.0.0/16"],
    ["spoke1", SUB_A, "10.1.0.0/16"],
    ["spoke2", SUB_B, "10.2.0.0/16"],
    ["spoke3", SUB_A, "10.3.0.0/16"],
    ["spoke4", SUB_B, "10.4.0.0/16"],
  ] as const) {
    emu.seed.vnet({ subscriptionId: sub, resourceGroup: "rg-net", name, addressPrefixes: [prefix] });
  }
  emu.seed.connect(HUB, SPOKE1);
  emu.seed.connect(HUB, SPOKE2);
  emu.seed.connect(HUB, SPOKE4);
  // The first sweep builds the peer index (and finds nothing to do).
  await sweep({}, testContext("sweep", s.logs), s.rt);
  expect(await s.reconcileHarness.pending()).toBe(0);

  const inbox: EmittedEvent[] = [];
  emu.onEvent((e) => inbox.push(e));

  // People change things, through ARM.
  const clientA = s.emulator.clientFor(SUB_A);
  const clientB = s.emulator.clientFor(SUB_B);
  const hub = await clientA.virtualNetworks.get("rg-net", "hub");
  hub.addressSpace!.addressPrefixes!.push("10.100.0.0/16");
  await clientA.virtualNetworks.beginCreateOrUpdateAndWait("rg-net", "hub", hub, FAST_LRO);
  await clientA.virtualNetworkPeerings.beginCreateOrUpdateAndWait(
    "rg-net",
    "spoke3",
    "spoke3-to-hub",
    { remoteVirtualNetwork: { id: HUB }, allowVirtualNetworkAccess: true },
    FAST_LRO,
  );
  await clientB.virtualNetworkPeerings.beginDeleteAndWait("rg-net", "spoke4", "spoke4-to-hub", FAST_LRO);
  await emu.settleEvents();
  const peopleEvents = inbox.splice(0);
  expect(peopleEvents.length).toBeGreaterThanOrEqual(3);
  emu.resetCounters();

  // Event Grid delivers (maybe twice, maybe out of order); our own writes raise events that come back.
  let delivered = 0;
  const pump = async (events: EmittedEvent[]) => {
    for (const event of events) {
      delivered++;
      await onNetworkEvent(event, testContext("onNetworkEvent", s.logs), s.rt);
    }
  };
  await pump(deliver(peopleEvents));
  await s.reconcileHarness.drain(60_000, async () => {
    await emu.settleEvents();
    await pump(inbox.splice(0));
  });

  return { s, delivered, ownEvents: delivered - deliver(peopleEvents).length };
}

async function expectConverged(s: Stack): Promise<void> {
  const vnets = [...(await s.rt.port.listVnets(SUB_A)), ...(await s.rt.port.listVnets(SUB_B))];
  const byId = new Map(vnets.map((v) => [v.id.toLowerCase(), v]));
  const pairs: string[] = [];
  for (const v of vnets) {
    for (const p of v.peerings) {
      expect(`${p.name}: ${p.state}/${p.syncLevel}`).toBe(`${p.name}: Connected/FullyInSync`);
      const back = byId
        .get(p.remoteVnetId.toLowerCase())
        ?.peerings.find((q) => q.remoteVnetId.toLowerCase() === v.id.toLowerCase());
      expect(back, `${p.name} has a peering back`).toBeDefined();
      pairs.push(`${v.name}->${byId.get(p.remoteVnetId.toLowerCase())?.name}`);
    }
  }
  expect(pairs.sort()).toEqual(
    [
      "hub->spoke1",
      "hub->spoke2",
      "hub->spoke3",
      "hub->spoke4",
      "spoke1->hub",
      "spoke2->hub",
      "spoke3->hub",
      "spoke4->hub",
    ].sort(),
  );
}

const writesOf = (s: Stack) =>
  s.emulator.emu.count({ method: "PUT" }) + s.emulator.emu.count({ method: "DELETE" });

/** Deterministic shuffle (no flaky orders): a fixed LCG. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("end to end: events -> queue -> reconcile, converged", () => {
  it.each(["EventGrid", "CloudEvents"] as const)(
    "converges with the writes that were needed (%s schema)",
    async (schema) => {
      const { s, ownEvents } = await scenario((events) => events, schema);
      await expectConverged(s);
      expect(writesOf(s)).toBe(NEEDED_WRITES);
      // Our writes raised events too; they ended as cheap no-ops, not a loop.
      expect(ownEvents).toBe(NEEDED_WRITES);
      const runs = logsOf(s.logs, "ReconcileRun").map((l) => l.data?.writes as number);
      expect(runs.reduce((a, b) => a + b, 0)).toBe(NEEDED_WRITES);
      expect(runs.at(-1)).toBe(0);
      expect(await s.reconcileHarness.pending()).toBe(0);
    },
  );

  it("ends in the same state with the same writes when events are duplicated and reordered", async () => {
    const { s } = await scenario(
      (events) => shuffled([...events, ...events, ...events], 7).reverse(),
      "EventGrid",
    );
    await expectConverged(s);
    expect(writesOf(s)).toBe(NEEDED_WRITES);
    expect(s.emulator.emu.internalErrors).toEqual([]);
  });

  it("our own writes' events cost reads only: replaying all of them after convergence writes nothing", async () => {
    const { s } = await scenario((events) => events, "EventGrid");
    const own: EmittedEvent[] = [];
    s.emulator.emu.onEvent((e) => own.push(e));
    s.emulator.emu.resetCounters();
    // Replay every VNet and peering the app wrote as if Event Grid delivered them again, one per VNet.
    for (const vnet of [HUB, SPOKE1, SPOKE2, SPOKE3, SPOKE4]) await s.rt.dedupe.release(vnet);
    const ids = [HUB, SPOKE1, SPOKE2, SPOKE3, SPOKE4];
    for (const id of ids) {
      await onNetworkEvent(
        {
          id: crypto.randomUUID(),
          subject: id,
          eventType: "Microsoft.Resources.ResourceWriteSuccess",
          eventTime: new Date().toISOString(),
          dataVersion: "2",
          metadataVersion: "1",
          topic: `/subscriptions/${id.split("/")[2]}`,
          data: {
            operationName: "Microsoft.Network/virtualNetworks/write",
            resourceUri: id,
            status: "Succeeded",
          },
        },
        testContext("onNetworkEvent", s.logs),
        s.rt,
      );
    }
    expect(await s.reconcileHarness.pending()).toBeGreaterThan(0);
    await s.reconcileHarness.drain();
    expect(writesOf(s)).toBe(0);
    expect(own).toEqual([]);
  });
});
