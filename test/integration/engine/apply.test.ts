import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apply } from "../../../src/reconcile/apply.js";
import type { Peering, Plan, Vnet } from "../../../src/reconcile/types.js";
import { startEngine, type EngineHarness } from "../../support/engine.js";

const SUB_HUB = "11111111-0000-4000-8000-000000000001";
const SUB_SPOKES = "22222222-0000-4000-8000-000000000002";
const SUB_FOREIGN = "99999999-0000-4000-8000-000000000009";
const watched = { watchedSubscriptions: [SUB_HUB, SUB_SPOKES] };

let h: EngineHarness;
beforeEach(async () => {
  h = await startEngine({ throttle: false });
});
afterEach(async () => {
  expect(h.emu.internalErrors).toEqual([]);
  await h.stop();
});

function hubAndSpokes(count: number) {
  const hub = h.emu.seed.vnet({
    subscriptionId: SUB_HUB,
    resourceGroup: "rg-hub",
    name: "hub",
    addressPrefixes: ["10.0.0.0/16"],
    subnets: [{ name: "GatewaySubnet", addressPrefixes: ["10.0.255.0/27"] }],
  });
  h.emu.seed.gateway(hub);
  const spokes = Array.from({ length: count }, (_, i) =>
    h.emu.seed.vnet({
      subscriptionId: SUB_SPOKES,
      resourceGroup: "rg-spokes",
      name: `spoke${i + 1}`,
      addressPrefixes: [`10.${i + 1}.0.0/16`],
    }),
  );
  const pairs = spokes.map((spoke) =>
    h.emu.seed.connect(hub, spoke, {
      ab: { allowGatewayTransit: true, allowForwardedTraffic: true },
      ba: { useRemoteGateways: true, allowForwardedTraffic: false },
    }),
  );
  return { hub, spokes, pairs };
}

async function everyPeering(): Promise<Map<string, Peering>> {
  const all = new Map<string, Peering>();
  for (const sub of [SUB_HUB, SUB_SPOKES]) {
    for (const vnet of await h.port.listVnets(sub))
      for (const p of vnet.peerings) all.set(p.id.toLowerCase(), p);
  }
  return all;
}

/** Applies a plan made earlier, after the test changed the estate behind its back. */
function applyLater(plan: Plan) {
  return apply(plan, {
    port: h.port,
    sleep: async () => {},
    maxParallelVnets: 2,
    maxAttempts: 3,
    reportOnly: false,
  });
}

async function vnet(id: string): Promise<Vnet> {
  const v = await h.port.getVnet(id);
  if (!v) throw new Error(`no VNet ${id}`);
  return v;
}

describe("apply through the real SDK against the emulator", () => {
  it("syncs each spoke's peering once after the hub gains a prefix, keeping every user setting", async () => {
    const { hub, pairs } = hubAndSpokes(5);
    h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.100.0.0/16"]);
    const before = await everyPeering();

    const { report } = await h.run(watched);

    expect(report.results.map((r) => [r.action.kind, r.result.status])).toEqual(
      pairs.map(() => ["sync", "succeeded"]),
    );
    expect(h.writes()).toBe(5);
    for (const [, spokeToHub] of pairs) expect(h.emu.writeCount(spokeToHub)).toBe(1);
    const after = await everyPeering();
    for (const [id, p] of after) {
      expect(p.state, id).toBe("Connected");
      expect(p.syncLevel, id).toBe("FullyInSync");
      expect(p.settings, id).toEqual(before.get(id)!.settings);
    }
    for (const [, spokeToHub] of pairs) {
      expect(after.get(spokeToHub.toLowerCase())!.remoteAddressSpace).toEqual([
        "10.0.0.0/16",
        "10.100.0.0/16",
      ]);
    }
  });

  it("writes nothing when applied a second time", async () => {
    const { hub } = hubAndSpokes(3);
    h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.100.0.0/16"]);
    await h.run(watched);
    h.emu.resetCounters();

    const { plan } = await h.run(watched);

    expect(plan.actions).toEqual([]);
    expect(h.writes()).toBe(0);
  });

  it("creates the missing reciprocal with mirrored settings and connects the pair", async () => {
    const { hub } = hubAndSpokes(0);
    const spoke = h.emu.seed.vnet({
      subscriptionId: SUB_SPOKES,
      resourceGroup: "rg-spokes",
      name: "lonely",
      addressPrefixes: ["10.50.0.0/16"],
    });
    h.emu.seed.peering({
      vnetId: spoke,
      remoteVnetId: hub,
      name: "lonely-to-hub",
      settings: { useRemoteGateways: true, allowForwardedTraffic: true, allowVirtualNetworkAccess: false },
    });

    const { report } = await h.run(watched);

    expect(report.results).toHaveLength(1);
    expect(report.results[0]!.result.status).toBe("succeeded");
    const created = (await vnet(hub)).peerings.find((p) => p.name === "hub-to-lonely");
    expect(created).toMatchObject({
      state: "Connected",
      syncLevel: "FullyInSync",
      settings: {
        allowGatewayTransit: true,
        useRemoteGateways: false,
        allowForwardedTraffic: true,
        allowVirtualNetworkAccess: false,
      },
    });
    expect((await vnet(spoke)).peerings[0]).toMatchObject({ state: "Connected", syncLevel: "FullyInSync" });
  });

  it("reports a Disconnected peering and writes nothing unless repair is enabled", async () => {
    const { hub, spokes, pairs } = hubAndSpokes(1);
    h.emu.seed.deletePeering(pairs[0]![1]);

    const reported = await h.run(watched);
    expect(reported.plan.actions.map((a) => a.kind)).toEqual(["alertOnly"]);
    expect(h.writes()).toBe(0);

    const repaired = await h.run(watched, { repairDisconnected: true });
    expect(repaired.report.results.map((r) => [r.action.kind, r.result.status])).toEqual([
      ["resetDisconnected", "succeeded"],
      ["createReciprocal", "succeeded"],
    ]);
    expect((await vnet(hub)).peerings[0]).toMatchObject({ state: "Connected", syncLevel: "FullyInSync" });
    const back = (await vnet(spokes[0]!)).peerings[0]!;
    expect(back).toMatchObject({ name: "spoke1-to-hub", state: "Connected" });
    // The recreated half mirrors the hub side: gateway transit offered there means none used here,
    // unless the setting asks for it.
    expect(back.settings).toMatchObject({ useRemoteGateways: false, allowForwardedTraffic: true });
  });

  it("writes nothing at all in report-only mode", async () => {
    const { hub } = hubAndSpokes(2);
    h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.100.0.0/16"]);

    const { report } = await h.run({ ...watched, reportOnly: true });

    expect(report.results.every((r) => r.result.status === "skipped")).toBe(true);
    expect(h.writes()).toBe(0);
  });

  it("reconciles a resized hub from a VNet-scoped run by writing on its peers", async () => {
    const { hub, pairs } = hubAndSpokes(3);
    h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.100.0.0/16"]);

    const { report } = await h.run(watched, { scope: [hub], trigger: "event" });

    expect(report.results.map((r) => r.action.target).sort()).toEqual(pairs.map(([, back]) => back).sort());
    expect(h.emu.count({ method: "GET", kind: "virtualNetworkList" })).toBe(0);
  });

  it("retries a busy VNet after backing off and succeeds with one effective write", async () => {
    const { hub, pairs } = hubAndSpokes(1);
    h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.100.0.0/16"]);
    h.emu.injectFault({
      method: "PUT",
      path: /virtualNetworkPeerings/i,
      count: 2,
      fault: { type: "status", status: 409, code: "AnotherOperationInProgress" },
    });

    const { report } = await h.run(watched);

    expect(report.results[0]!.result.status).toBe("succeeded");
    expect(h.events.filter((e) => e.type === "retry")).toHaveLength(2);
    expect(h.sleeps).toHaveLength(2);
    expect(h.emu.writeCount(pairs[0]![1])).toBe(3);
    expect(h.emu.count({ method: "PUT", status: 200 })).toBe(1);
  });

  it("reports a terminal failure without retrying and leaves the peering as it was", async () => {
    const { hub, pairs } = hubAndSpokes(1);
    h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.100.0.0/16"]);
    h.emu.injectFault({
      method: "PUT",
      path: /virtualNetworkPeerings/i,
      count: 1,
      fault: { type: "status", status: 400, code: "SomethingTerminal", message: "no" },
    });
    const before = (await everyPeering()).get(pairs[0]![1].toLowerCase());

    const { report } = await h.run(watched);

    expect(report.results[0]!.result).toEqual({
      status: "failed",
      error: { code: "SomethingTerminal", message: "no", retryable: false },
    });
    expect(h.sleeps).toEqual([]);
    expect((await everyPeering()).get(pairs[0]![1].toLowerCase())).toEqual(before);
  });

  it("skips a sync whose peering was fixed between plan and apply, without writing", async () => {
    const { hub, pairs } = hubAndSpokes(1);
    h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.100.0.0/16"]);
    const dry = await h.run(watched, { dryRun: true });
    expect(dry.plan.actions).toHaveLength(1);
    // Someone syncs it by hand meanwhile (the same PUT the portal sends).
    const current = (await everyPeering()).get(pairs[0]![1].toLowerCase())!;
    await h.port.putPeering(
      current.vnetId,
      current.name,
      { remoteVnetId: current.remoteVnetId, settings: current.settings },
      { syncRemoteAddressSpace: true },
    );
    h.emu.resetCounters();

    const report = await applyLater(dry.plan);

    expect(report.results[0]!.result).toMatchObject({ status: "skipped" });
    expect(report.writes).toBe(0);
    expect(h.writes()).toBe(0);
  });

  it.each(["Updating", "Failed"] as const)(
    "skips a sync whose peering turned %s between plan and apply, without writing",
    async (state) => {
      const { hub, pairs } = hubAndSpokes(1);
      h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.100.0.0/16"]);
      const dry = await h.run(watched, { dryRun: true });
      expect(dry.plan.actions.map((a) => a.kind)).toEqual(["sync"]);
      h.emu.seed.setPeeringProvisioningState(pairs[0]![1], state);
      h.emu.resetCounters();

      const report = await applyLater(dry.plan);

      expect(report.results[0]!.result).toMatchObject({ status: "skipped" });
      expect(JSON.stringify(report.results[0]!.result)).toContain(
        state === "Failed" ? "person" : "in flight",
      );
      expect(h.writes()).toBe(0);
    },
  );

  it("skips the reset of a Disconnected peering that failed to provision since the plan", async () => {
    const { pairs } = hubAndSpokes(1);
    const [hubToSpoke, spokeToHub] = pairs[0]!;
    h.emu.seed.deletePeering(spokeToHub);
    const dry = await h.run({ ...watched, repairDisconnected: true }, { dryRun: true });
    expect(dry.plan.actions.map((a) => a.kind)).toContain("resetDisconnected");
    h.emu.seed.setPeeringProvisioningState(hubToSpoke, "Failed");
    h.emu.resetCounters();

    const report = await applyLater(dry.plan);

    const reset = report.results.find((r) => r.action.kind === "resetDisconnected")!;
    expect(reset.result).toMatchObject({ status: "skipped" });
    expect(h.writes()).toBe(0);
  });

  it("never writes on a VNet outside the watched subscriptions and says who must act", async () => {
    const { hub } = hubAndSpokes(1);
    const foreign = h.emu.seed.vnet({
      subscriptionId: SUB_FOREIGN,
      resourceGroup: "rg-x",
      name: "foreign",
      addressPrefixes: ["10.60.0.0/16"],
    });
    const [, foreignToHub] = h.emu.seed.connect(hub, foreign);
    h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.100.0.0/16"]);

    const { report } = await h.run(watched);

    expect(h.emu.writeCount(foreignToHub)).toBe(0);
    const alert = report.results.find((r) => r.action.kind === "alertOnly")!.action;
    expect(alert).toMatchObject({ problem: "PeerOutOfScope" });
    // The foreign VNet is never read, so the alert names it with its subscription for its owner.
    expect(alert.reason).toContain(`foreign (subscription ${SUB_FOREIGN})`);
    expect(alert.kind === "alertOnly" && alert.remedy).toMatch(/owner of foreign .* must sync its peering/);
  });

  it("reports a peer in a subscription that answers 403 instead of failing the run", async () => {
    const { hub } = hubAndSpokes(0);
    const partner = h.emu.seed.vnet({
      subscriptionId: SUB_FOREIGN,
      resourceGroup: "rg-x",
      name: "partner",
      addressPrefixes: ["172.16.0.0/16"],
    });
    h.emu.seed.peering({ vnetId: hub, remoteVnetId: partner, name: "hub-to-partner" });
    h.emu.seed.setSubscriptionAccessible(SUB_FOREIGN, false);

    const { report, snapshot } = await h.run({ watchedSubscriptions: [SUB_HUB, SUB_FOREIGN] });

    expect(snapshot.inaccessibleSubscriptions).toEqual([SUB_FOREIGN]);
    expect(report.results.map((r) => r.action)).toMatchObject([
      { kind: "alertOnly", problem: "PeerInaccessible" },
    ]);
    expect(h.writes()).toBe(0);
  });
});
