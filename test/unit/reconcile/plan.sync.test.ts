import { describe, expect, it } from "vitest";
import { plan } from "../../../src/reconcile/plan.js";
import type { Action } from "../../../src/reconcile/types.js";
import { SUB_B, SUB_OTHER, connectedPair, policy, resize, snapshot, vnet } from "../../support/builders.js";

const ofKind = <K extends Action["kind"]>(actions: Action[], kind: K) =>
  actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);

function hubAndSpokes(count: number) {
  const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
  const spokes = Array.from({ length: count }, (_, i) =>
    vnet(`spoke${i + 1}`, { addressPrefixes: [`10.${i + 1}.0.0/16`] }),
  );
  const pairs = spokes.map((s) => connectedPair(hub, s));
  return { hub, spokes, pairs, all: [hub, ...spokes] };
}

describe("plan: sync", () => {
  it("plans nothing for healthy peerings", () => {
    const { all } = hubAndSpokes(3);
    expect(plan(snapshot(all), policy()).actions).toEqual([]);
  });

  it("syncs the peering on each spoke, not the hub's, when the hub is resized", () => {
    const { hub, all, pairs } = hubAndSpokes(3);
    resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], all);

    const actions = plan(snapshot(all), policy()).actions;

    expect(actions.map((a) => a.kind)).toEqual(["sync", "sync", "sync"]);
    expect(actions.map((a) => a.target)).toEqual(pairs.map(([, spokeToHub]) => spokeToHub.id));
  });

  it("fills the sync action with the target, both VNets and the peering as it was", () => {
    const { hub, spokes, all, pairs } = hubAndSpokes(1);
    resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], all);
    const spokeToHub = pairs[0]![1];

    const [action] = plan(snapshot(all), policy()).actions;

    expect(action).toEqual({
      kind: "sync",
      id: `sync:${spokeToHub.id.toLowerCase()}`,
      target: spokeToHub.id,
      vnetId: spokes[0]!.id,
      remoteVnetId: hub.id,
      reason:
        "hub gained 10.9.0.0/16; spoke1-to-hub on spoke1 still peers only 10.0.0.0/16. " +
        "Syncing it pulls in hub's current address space (10.0.0.0/16, 10.9.0.0/16).",
      before: {
        syncLevel: "LocalNotInSync",
        remoteAddressSpace: ["10.0.0.0/16"],
        remoteVirtualNetworkAddressSpace: ["10.0.0.0/16", "10.9.0.0/16"],
      },
      pulls: ["10.0.0.0/16", "10.9.0.0/16"],
    });
  });

  it("syncs the hub's peering to a resized spoke", () => {
    const { hub, spokes, all, pairs } = hubAndSpokes(2);
    resize(spokes[1]!, ["10.2.0.0/16", "10.20.0.0/16"], all);

    const actions = plan(snapshot(all), policy()).actions;

    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      kind: "sync",
      target: pairs[1]![0].id,
      vnetId: hub.id,
      remoteVnetId: spokes[1]!.id,
    });
  });

  it("names a dropped range in the reason", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16", "10.99.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"] });
    connectedPair(a, b);
    resize(a, ["10.1.0.0/16"], [a, b]);

    const [action] = plan(snapshot([a, b]), policy()).actions;

    expect(action?.reason).toContain(
      "a dropped 10.99.0.0/16; b-to-a on b still peers only 10.1.0.0/16, 10.99.0.0/16",
    );
  });

  it("syncs both halves when both VNets were resized", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"] });
    const [ab, ba] = connectedPair(a, b);
    resize(a, ["10.1.0.0/16", "10.11.0.0/16"], [a, b]);
    resize(b, ["10.2.0.0/16", "10.22.0.0/16"], [a, b]);
    expect([ab.syncLevel, ba.syncLevel]).toEqual(["LocalAndRemoteNotInSync", "LocalAndRemoteNotInSync"]);

    const actions = plan(snapshot([a, b]), policy()).actions;

    expect(actions.map((x) => [x.kind, x.target])).toEqual([
      ["sync", ab.id],
      ["sync", ba.id],
    ]);
  });

  it("plans nothing for a RemoteNotInSync half whose partner is in scope", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"] });
    connectedPair(a, b);
    resize(a, ["10.1.0.0/16", "10.11.0.0/16"], [a, b]);

    const [ab, ba] = [a.peerings[0]!, b.peerings[0]!];
    expect(ab.syncLevel).toBe("RemoteNotInSync");

    const actions = plan(snapshot([a, b]), policy()).actions;

    expect(actions.map((x) => [x.kind, x.target])).toEqual([["sync", ba.id]]);
  });

  it("asks the owner of an out-of-scope partner to sync it, naming the peering and VNet", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"], subscriptionId: SUB_OTHER });
    const [ab] = connectedPair(a, b);
    resize(a, ["10.1.0.0/16", "10.11.0.0/16"], [a, b]);

    const actions = plan(snapshot([a, b]), policy()).actions;

    const alerts = ofKind(actions, "alertOnly");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      problem: "PeerOutOfScope",
      target: ab.id,
      vnetId: a.id,
      remoteVnetId: b.id,
    });
    expect(alerts[0]!.reason).toContain("a changed its address space (now 10.1.0.0/16, 10.11.0.0/16)");
    expect(alerts[0]!.remedy).toBe(
      `The owner of b (subscription ${SUB_OTHER}) must sync its peering b-to-a (az network vnet peering sync).`,
    );
    expect(ofKind(actions, "sync")).toEqual([]);
    expect(ofKind(actions, "skip").map((s) => [s.skip, s.target])).toEqual([["OutsideWatchedScope", b.id]]);
  });

  it("asks for the partner's sync when the partner's VNet is opted out", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"], tags: { "peering-sync": "off" } });
    const [ab] = connectedPair(a, b);
    resize(a, ["10.1.0.0/16", "10.11.0.0/16"], [a, b]);

    const actions = plan(snapshot([a, b]), policy()).actions;

    expect(actions.map((x) => [x.kind, x.target])).toEqual([
      ["alertOnly", ab.id],
      ["skip", b.id],
    ]);
    expect(ofKind(actions, "alertOnly")[0]).toMatchObject({ problem: "PeerOutOfScope" });
    expect(ofKind(actions, "alertOnly")[0]!.reason).toContain("is opted out (tag peering-sync=off)");
  });

  it("reports an unreadable partner as inaccessible", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"], subscriptionId: SUB_B });
    const [ab] = connectedPair(a, b);
    resize(a, ["10.1.0.0/16", "10.11.0.0/16"], [a, b]);

    const actions = plan(snapshot([a], [SUB_B]), policy()).actions;

    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: "alertOnly", problem: "PeerInaccessible", target: ab.id });
    expect(actions[0]!.reason).toContain(`the peering on b (subscription ${SUB_B}) that points at a`);
  });

  it("still syncs our stale half when the partner is out of scope, and asks for theirs", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"], subscriptionId: SUB_OTHER });
    const [ab] = connectedPair(a, b);
    resize(a, ["10.1.0.0/16", "10.11.0.0/16"], [a, b]);
    resize(b, ["10.2.0.0/16", "10.22.0.0/16"], [a, b]);

    const actions = plan(snapshot([a, b]), policy()).actions;

    expect(actions.filter((x) => x.target === ab.id).map((x) => x.kind)).toEqual(["sync", "alertOnly"]);
  });

  it("refuses to sync a range that overlaps a VNet already peered, naming prefixes and VNets", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
    const spoke1 = vnet("spoke1", { addressPrefixes: ["10.1.0.0/16"] });
    const other = vnet("other", { addressPrefixes: ["10.50.0.0/16"] });
    const [, spokeToHub] = connectedPair(hub, spoke1);
    connectedPair(spoke1, other);
    resize(hub, ["10.0.0.0/16", "10.50.0.0/24"], [hub, spoke1, other]);

    const actions = plan(snapshot([hub, spoke1, other]), policy()).actions;

    const onSpoke = actions.filter((x) => x.target === spokeToHub.id);
    expect(onSpoke).toHaveLength(1);
    expect(onSpoke[0]).toMatchObject({
      kind: "alertOnly",
      problem: "AddressSpaceOverlap",
      vnetId: spoke1.id,
      overlappingPrefixes: [["10.50.0.0/24", "10.50.0.0/16"]],
    });
    expect(onSpoke[0]!.reason).toBe(
      "hub now has 10.0.0.0/16, 10.50.0.0/24, which overlaps 10.50.0.0/16 of other, already peered with spoke1 through spoke1-to-other; " +
        "Azure would refuse to sync spoke1-to-hub on spoke1 (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet).",
    );
    expect((onSpoke[0] as { remedy: string }).remedy).toContain("then sync spoke1-to-hub on spoke1");
  });

  it("refuses to sync a range that overlaps the syncing VNet itself", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"] });
    const [, ba] = connectedPair(a, b);
    resize(a, ["10.1.0.0/16", "10.2.128.0/17"], [a, b]);

    const actions = plan(snapshot([a, b]), policy()).actions;

    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: "alertOnly", problem: "AddressSpaceOverlap", target: ba.id });
    expect(actions[0]!.reason).toContain("b's own 10.2.0.0/16");
  });

  it("uses the peering's view of the remote space when the remote VNet was not read", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"], subscriptionId: SUB_OTHER });
    const [ab] = connectedPair(a, b);
    connectedPair(a, vnet("c", { addressPrefixes: ["10.30.0.0/16"] }));
    ab.syncLevel = "LocalNotInSync";
    ab.remoteVirtualNetworkAddressSpace = ["10.2.0.0/16", "10.30.1.0/24"];

    const [action] = plan(snapshot([a]), policy()).actions;

    expect(action).toMatchObject({ kind: "alertOnly", problem: "AddressSpaceOverlap", target: ab.id });
    expect(action!.reason).toContain(`b (subscription ${SUB_OTHER}) now has 10.2.0.0/16, 10.30.1.0/24`);
  });

  it("syncs a peering whose remote VNet is in an unwatched subscription (only our side is written)", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"], subscriptionId: SUB_OTHER });
    const [ab] = connectedPair(a, b);
    resize(b, ["10.2.0.0/16", "10.22.0.0/16"], [a, b]);

    const actions = plan(snapshot([a]), policy()).actions;

    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: "sync", target: ab.id, vnetId: a.id });
  });

  it("plans nothing for a peering with an operation in flight", () => {
    const { hub, all, pairs } = hubAndSpokes(1);
    resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], all);
    pairs[0]![1].provisioningState = "Updating";

    expect(plan(snapshot(all), policy()).actions).toEqual([]);
  });

  it("reports a failed peering instead of writing on it", () => {
    const { hub, all, pairs } = hubAndSpokes(1);
    resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], all);
    pairs[0]![1].provisioningState = "Failed";

    const actions = plan(snapshot(all), policy()).actions;

    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      kind: "alertOnly",
      problem: "ProvisioningFailed",
      target: pairs[0]![1].id,
    });
  });

  it("still plans writes as themselves in report-only mode", () => {
    const { hub, all } = hubAndSpokes(2);
    resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], all);

    expect(plan(snapshot(all), policy({ reportOnly: true }))).toEqual(plan(snapshot(all), policy()));
    expect(plan(snapshot(all), policy({ reportOnly: true })).actions.map((a) => a.kind)).toEqual([
      "sync",
      "sync",
    ]);
  });
});
