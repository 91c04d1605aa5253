import { describe, expect, it } from "vitest";
import { plan } from "../../../src/reconcile/plan.js";
import type { Action, CreateReciprocalAction, Peering, Vnet } from "../../../src/reconcile/types.js";
import {
  SUB_B,
  SUB_OTHER,
  connectedPair,
  peering,
  policy,
  snapshot,
  subnet,
  vnet,
  type PeeringOptions,
} from "../../support/builders.js";

/** A one-sided peering from -> to (Initiated; Azure reports RemoteNotInSync for it, docs/azure-behaviour.md#sync-semantics). */
function oneSided(from: Vnet, to: Vnet, options: PeeringOptions = {}): Peering {
  return peering(from, to, { state: "Initiated", syncLevel: "RemoteNotInSync", ...options });
}

const creates = (actions: Action[]) =>
  actions.filter((a): a is CreateReciprocalAction => a.kind === "createReciprocal");

describe("plan: missing reciprocal", () => {
  it("creates the missing half on the remote VNet, mirroring the existing one", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
    const spoke = vnet("spoke1", { addressPrefixes: ["10.1.0.0/16"] });
    const hubToSpoke = oneSided(hub, spoke, {
      settings: {
        allowVirtualNetworkAccess: false,
        allowForwardedTraffic: true,
        remoteBgpCommunity: "12076:20002",
        doNotVerifyRemoteGateways: true,
      },
    });

    const actions = plan(snapshot([hub, spoke]), policy()).actions;

    const target = `${spoke.id}/virtualNetworkPeerings/spoke1-to-hub`;
    expect(actions).toEqual([
      {
        kind: "createReciprocal",
        id: `create:${target.toLowerCase()}`,
        target,
        vnetId: spoke.id,
        name: "spoke1-to-hub",
        mirrorOf: hubToSpoke.id,
        body: {
          remoteVnetId: hub.id,
          settings: {
            allowVirtualNetworkAccess: false,
            allowForwardedTraffic: true,
            allowGatewayTransit: false,
            useRemoteGateways: false,
            doNotVerifyRemoteGateways: false,
            peerCompleteVnets: true,
            enableOnlyIPv6Peering: false,
            localSubnetNames: [],
            remoteSubnetNames: [],
          },
        },
        reason:
          "hub-to-spoke1 on hub is Initiated: spoke1 has no peering back. Creating spoke1-to-hub on spoke1 (mirroring its settings) connects the pair.",
      },
    ]);
  });

  it("names the reciprocal from the template and avoids names already used on that VNet", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"], resourceGroup: "rg-hub" });
    const spoke = vnet("spoke1", { addressPrefixes: ["10.1.0.0/16"], resourceGroup: "rg-spoke" });
    oneSided(hub, spoke);
    peering(spoke, vnet("x", { addressPrefixes: ["10.7.0.0/16"] }), { name: "rg-spoke_SPOKE1_rg-hub_hub" });

    const [action] = creates(
      plan(
        snapshot([hub, spoke]),
        policy({ reciprocalNameTemplate: "{localRg} {localVnet} {remoteRg} {remoteVnet}" }),
      ).actions,
    );

    expect(action?.name).toBe("rg-spoke-spoke1-rg-hub-hub");
    const [again] = creates(
      plan(
        snapshot([hub, spoke]),
        policy({ reciprocalNameTemplate: "{localRg}_{localVnet}_{remoteRg}_{remoteVnet}" }),
      ).actions,
    );
    expect(again?.name).toBe("rg-spoke_spoke1_rg-hub_hub-2");
    expect(again?.target).toBe(`${spoke.id}/virtualNetworkPeerings/rg-spoke_spoke1_rg-hub_hub-2`);
  });

  it("gives two reciprocals planned on the same VNet different names when the template collides", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"] });
    oneSided(a, hub);
    oneSided(b, hub);

    const names = creates(
      plan(snapshot([hub, a, b]), policy({ reciprocalNameTemplate: "to-spoke" })).actions,
    ).map((c) => c.name);

    expect(names).toEqual(["to-spoke", "to-spoke-2"]);
  });

  it("does nothing when the remote VNet already has a peering back", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"] });
    oneSided(a, b);
    peering(b, a, { state: "Initiated", syncLevel: "RemoteNotInSync" });

    expect(creates(plan(snapshot([a, b]), policy()).actions)).toEqual([]);
  });

  it("reports a remote VNet outside the watched subscriptions instead of creating there", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"], subscriptionId: SUB_OTHER });
    const ab = oneSided(a, b);

    const actions = plan(snapshot([a]), policy()).actions;

    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      kind: "alertOnly",
      problem: "PeerOutOfScope",
      target: ab.id,
      vnetId: a.id,
      remoteVnetId: b.id,
    });
    expect(actions[0]!.reason).toContain(`b (subscription ${SUB_OTHER}) has no peering back to a`);
    expect((actions[0] as { remedy: string }).remedy).toContain(
      "must create the peering back to a (mirroring a-to-b)",
    );
  });

  it("reports a remote VNet outside policy.scope instead of creating there", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"], resourceGroup: "rg-other" });
    oneSided(a, b);

    const actions = plan(snapshot([a, b]), policy({ scope: [a.id] })).actions;

    expect(
      actions.map((x) => [x.kind, (x as { problem?: string }).problem ?? (x as { skip?: string }).skip]),
    ).toEqual([
      ["alertOnly", "PeerOutOfScope"],
      ["skip", "OutsideWatchedScope"],
    ]);
  });

  it("reports an opted-out remote VNet instead of creating there", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"], tags: { "Peering-Sync": "Off" } });
    oneSided(a, b);

    const actions = plan(snapshot([a, b]), policy()).actions;

    expect(actions.map((x) => x.kind)).toEqual(["alertOnly", "skip"]);
    expect(actions[0]).toMatchObject({ problem: "PeerOutOfScope" });
  });

  it("reports a remote VNet in an unreadable subscription as inaccessible", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"], subscriptionId: SUB_B });
    oneSided(a, b);

    const actions = plan(snapshot([a], [SUB_B]), policy()).actions;

    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: "alertOnly", problem: "PeerInaccessible" });
    expect((actions[0] as { remedy: string }).remedy).toContain(
      `Grant vnet-peering-sync access to subscription ${SUB_B}`,
    );
  });

  it("reports a remote VNet that no longer exists", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"] });
    oneSided(a, b);

    const actions = plan(snapshot([a]), policy()).actions;

    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: "alertOnly", problem: "PeerVnetMissing", remoteVnetId: b.id });
  });

  describe("overlaps", () => {
    it("reports overlapping address spaces of the two VNets, naming the prefixes", () => {
      const a = vnet("a", { addressPrefixes: ["10.1.0.0/16", "172.16.0.0/16"] });
      const b = vnet("b", { addressPrefixes: ["172.16.4.0/24"] });
      const ab = oneSided(a, b);

      const actions = plan(snapshot([a, b]), policy()).actions;

      expect(actions).toHaveLength(1);
      expect(actions[0]).toMatchObject({
        kind: "alertOnly",
        problem: "AddressSpaceOverlap",
        target: ab.id,
        overlappingPrefixes: [["172.16.0.0/16", "172.16.4.0/24"]],
      });
      expect(actions[0]!.reason).toBe(
        "a-to-b on a is Initiated and the peering back from b cannot be created: " +
          "a and b overlap (172.16.0.0/16 with 172.16.4.0/24), so Azure would refuse the peering.",
      );
    });

    it("reports the existing VNet overlapping a VNet already peered with the remote one", () => {
      const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
      const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
      const c = vnet("c", { addressPrefixes: ["10.1.128.0/17"] });
      oneSided(a, hub);
      connectedPair(hub, c);

      const actions = plan(snapshot([a, hub, c]), policy()).actions;

      expect(creates(actions)).toEqual([]);
      expect(actions[0]).toMatchObject({
        problem: "AddressSpaceOverlap",
        overlappingPrefixes: [["10.1.0.0/16", "10.1.128.0/17"]],
      });
      expect(actions[0]!.reason).toContain(
        "a's 10.1.0.0/16 overlaps 10.1.128.0/17 of c, already peered with hub through hub-to-c",
      );
    });

    it("compares only the peered subnets for subnet-level peering", () => {
      const a = vnet("a", {
        addressPrefixes: ["10.0.0.0/16"],
        subnets: [subnet("app", "10.0.1.0/24"), subnet("db", "10.0.2.0/24")],
      });
      const b = vnet("b", {
        addressPrefixes: ["10.0.0.0/8"],
        subnets: [subnet("web", "10.200.1.0/24"), subnet("clash", "10.0.2.0/24")],
      });
      const settings = { peerCompleteVnets: false, localSubnetNames: ["app"], remoteSubnetNames: ["web"] };
      oneSided(a, b, { settings });

      expect(creates(plan(snapshot([a, b]), policy()).actions)).toHaveLength(1);

      a.peerings[0]!.settings.localSubnetNames = ["db"];
      b.peerings.length = 0;
      a.peerings[0]!.settings.remoteSubnetNames = ["clash"];
      const actions = plan(snapshot([a, b]), policy()).actions;
      expect(actions).toHaveLength(1);
      expect(actions[0]).toMatchObject({
        problem: "AddressSpaceOverlap",
        overlappingPrefixes: [["10.0.2.0/24", "10.0.2.0/24"]],
      });
    });
  });

  describe("subnet-level and IPv6-only peering", () => {
    it("swaps the subnet lists and keeps IPv6-only", () => {
      const a = vnet("a", {
        addressPrefixes: ["10.1.0.0/16", "fd00:1::/48"],
        subnets: [
          subnet("app", "10.1.1.0/24", "fd00:1:0:1::/64"),
          subnet("db", "10.1.2.0/24", "fd00:1:0:2::/64"),
        ],
      });
      const b = vnet("b", {
        addressPrefixes: ["10.2.0.0/16", "fd00:2::/48"],
        subnets: [subnet("web", "10.2.1.0/24", "fd00:2:0:1::/64")],
      });
      oneSided(a, b, {
        settings: {
          peerCompleteVnets: false,
          enableOnlyIPv6Peering: true,
          localSubnetNames: ["app", "db"],
          remoteSubnetNames: ["web"],
        },
      });

      const [create] = creates(plan(snapshot([a, b]), policy()).actions);

      expect(create?.body.settings).toMatchObject({
        peerCompleteVnets: false,
        enableOnlyIPv6Peering: true,
        localSubnetNames: ["web"],
        remoteSubnetNames: ["app", "db"],
      });
      expect(create?.body.localAddressSpace).toBeUndefined();
      // The reason says what kind of peering it creates, not only that it mirrors one.
      expect(create?.reason).toContain("Subnet-level, like a-to-b: web on b with app, db on a.");
      expect(create?.reason).toContain("IPv6 only, like a-to-b.");
    });

    it("ignores overlapping IPv4 ranges when only IPv6 is peered", () => {
      const a = vnet("a", {
        addressPrefixes: ["10.0.0.0/16", "fd00:1::/48"],
        subnets: [subnet("app", "10.0.1.0/24", "fd00:1::/64")],
      });
      const b = vnet("b", {
        addressPrefixes: ["10.0.0.0/16", "fd00:2::/48"],
        subnets: [subnet("web", "10.0.1.0/24", "fd00:2::/64")],
      });
      oneSided(a, b, {
        settings: {
          peerCompleteVnets: false,
          enableOnlyIPv6Peering: true,
          localSubnetNames: ["app"],
          remoteSubnetNames: ["web"],
        },
      });

      expect(plan(snapshot([a, b]), policy()).actions.map((x) => x.kind)).toEqual(["createReciprocal"]);
    });

    it("mirrors the prefixes of address-space-scoped peering", () => {
      const a = vnet("a", { addressPrefixes: ["10.1.0.0/16", "10.11.0.0/16"] });
      const b = vnet("b", { addressPrefixes: ["10.2.0.0/16", "10.22.0.0/16"] });
      oneSided(a, b, {
        settings: { peerCompleteVnets: false },
        localAddressSpace: ["10.11.0.0/16"],
        remoteAddressSpace: ["10.22.0.0/16"],
      });

      const [create] = creates(plan(snapshot([a, b]), policy()).actions);

      expect(create?.body).toMatchObject({
        localAddressSpace: ["10.22.0.0/16"],
        remoteAddressSpace: ["10.11.0.0/16"],
      });
    });

    it("reports subnet names that do not exist on either VNet", () => {
      const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"], subnets: [subnet("app", "10.1.1.0/24")] });
      const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"], subnets: [subnet("web", "10.2.1.0/24")] });
      oneSided(a, b, {
        settings: {
          peerCompleteVnets: false,
          localSubnetNames: ["App", "gone"],
          remoteSubnetNames: ["nope"],
        },
      });

      const actions = plan(snapshot([a, b]), policy()).actions;

      expect(actions).toHaveLength(1);
      expect(actions[0]).toMatchObject({ kind: "alertOnly", problem: "SubnetMissing" });
      expect(actions[0]!.reason).toContain("a-to-b peers subnets that do not exist: gone on a, nope on b");
    });
  });

  describe("gateways", () => {
    function hubOffersTransit(opts: { hubGateway?: boolean; spokeGateway?: boolean } = {}) {
      const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"], hasGateway: opts.hubGateway ?? true });
      const spoke = vnet("spoke", {
        addressPrefixes: ["10.1.0.0/16"],
        hasGateway: opts.spokeGateway ?? false,
      });
      oneSided(hub, spoke, { settings: { allowGatewayTransit: true } });
      return { hub, spoke };
    }

    it("lets the new spoke use the hub's gateway when the policy asks and every rule allows", () => {
      const { hub, spoke } = hubOffersTransit();

      const [create] = creates(
        plan(snapshot([hub, spoke]), policy({ useRemoteGatewaysOnReciprocal: true })).actions,
      );

      expect(create?.body.settings).toMatchObject({ useRemoteGateways: true, allowGatewayTransit: false });
      expect(create?.reason).toContain("Gateways: spoke uses hub's gateway.");
    });

    it("leaves useRemoteGateways off when the policy does not ask for it, and says so", () => {
      const { hub, spoke } = hubOffersTransit();

      const [create] = creates(
        plan(snapshot([hub, spoke]), policy({ useRemoteGatewaysOnReciprocal: false })).actions,
      );

      expect(create?.body.settings.useRemoteGateways).toBe(false);
      expect(create?.reason).toContain(
        "useRemoteGatewaysOnReciprocal is off, so spoke will not use hub's gateway",
      );
    });

    it("leaves useRemoteGateways off when the hub has no gateway", () => {
      const { hub, spoke } = hubOffersTransit({ hubGateway: false });

      const [create] = creates(
        plan(snapshot([hub, spoke]), policy({ useRemoteGatewaysOnReciprocal: true })).actions,
      );

      expect(create?.body.settings.useRemoteGateways).toBe(false);
      expect(create?.reason).toContain("hub offers gateway transit but has no gateway");
    });

    it("leaves useRemoteGateways off when the spoke has its own gateway", () => {
      const { hub, spoke } = hubOffersTransit({ spokeGateway: true });

      const [create] = creates(
        plan(snapshot([hub, spoke]), policy({ useRemoteGatewaysOnReciprocal: true })).actions,
      );

      expect(create?.body.settings.useRemoteGateways).toBe(false);
      expect(create?.reason).toContain("spoke has its own gateway");
    });

    it("leaves useRemoteGateways off when another peering of the spoke already uses remote gateways", () => {
      const { hub, spoke } = hubOffersTransit();
      const hub2 = vnet("hub2", { addressPrefixes: ["10.100.0.0/16"], hasGateway: true });
      connectedPair(spoke, hub2, {
        ab: { settings: { useRemoteGateways: true } },
        ba: { settings: { allowGatewayTransit: true } },
      });

      const [create] = creates(
        plan(snapshot([hub, spoke, hub2]), policy({ useRemoteGatewaysOnReciprocal: true })).actions,
      );

      expect(create?.body.settings.useRemoteGateways).toBe(false);
      expect(create?.reason).toContain("spoke already uses remote gateways through spoke-to-hub2");
    });

    it("offers gateway transit on the new half when the existing half uses remote gateways", () => {
      const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"], hasGateway: true });
      const spoke = vnet("spoke", { addressPrefixes: ["10.1.0.0/16"] });
      oneSided(spoke, hub, { settings: { useRemoteGateways: true } });

      const [create] = creates(plan(snapshot([hub, spoke]), policy()).actions);

      expect(create?.vnetId).toBe(hub.id);
      expect(create?.body.settings).toMatchObject({ allowGatewayTransit: true, useRemoteGateways: false });
    });

    it("reports instead of creating when the existing half uses remote gateways but the other VNet has none", () => {
      const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"], hasGateway: false });
      const spoke = vnet("spoke", { addressPrefixes: ["10.1.0.0/16"] });
      const spokeToHub = oneSided(spoke, hub, { settings: { useRemoteGateways: true } });

      const actions = plan(snapshot([hub, spoke]), policy()).actions;

      expect(actions).toHaveLength(1);
      expect(actions[0]).toMatchObject({
        kind: "alertOnly",
        problem: "GatewayRuleViolation",
        target: spokeToHub.id,
      });
      expect(actions[0]!.reason).toContain(
        "hub has no gateway to offer: Azure refuses the pair (RemoteVnetHasNoGateways)",
      );
    });

    it("reports instead of creating when the existing half uses remote gateways from a VNet with its own gateway", () => {
      const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"], hasGateway: true });
      const spoke = vnet("spoke", { addressPrefixes: ["10.1.0.0/16"], hasGateway: true });
      oneSided(spoke, hub, { settings: { useRemoteGateways: true } });

      const actions = plan(snapshot([hub, spoke]), policy()).actions;

      expect(actions.map((x) => (x as { problem?: string }).problem)).toEqual(["GatewayRuleViolation"]);
      expect(actions[0]!.reason).toContain("spoke has a gateway of its own");
    });
  });
});
