import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAST_LRO, startTestEmulator } from "../../support/emulator.js";
import type { TestEmulator } from "../../support/emulator.js";
import { expectArmError, peer } from "./helpers.js";

/** docs/azure-behaviour.md#subnet-peering: subnet-level peering and IPv6-only peering. */

let t: TestEmulator;
let A: string;
let B: string;

beforeEach(async () => {
  t = await startTestEmulator();
  A = t.emu.seed.vnet({
    subscriptionId: t.subscriptionId,
    resourceGroup: "rg",
    name: "vnet1",
    addressPrefixes: ["10.1.0.0/16", "fd00:1::/48"],
    subnets: [
      { name: "Subnet1", addressPrefixes: ["10.1.1.0/24", "fd00:1:0:1::/64"] },
      { name: "Subnet3", addressPrefixes: ["10.1.3.0/24"] },
      { name: "Subnet4", addressPrefixes: ["10.1.4.0/24", "fd00:1:0:4::/64"] },
    ],
  });
  B = t.emu.seed.vnet({
    subscriptionId: t.subscriptionId,
    resourceGroup: "rg",
    name: "vnet2",
    addressPrefixes: ["10.2.0.0/16", "fd00:2::/48"],
    subnets: [
      { name: "Subnet2", addressPrefixes: ["10.2.2.0/24", "fd00:2:0:2::/64"] },
      { name: "Other", addressPrefixes: ["10.2.9.0/24"] },
    ],
  });
});
afterEach(async () => {
  expect(t.emu.internalErrors).toEqual([]);
  await t.stop();
});

describe("subnet-level peering", () => {
  it("peers only the listed subnets' prefixes, with both directions created with the lists swapped", async () => {
    await peer(t.client, "rg", "vnet1", "p12", B, {
      peerCompleteVnets: false,
      localSubnetNames: ["Subnet1"],
      remoteSubnetNames: ["Subnet2"],
    });
    const p21 = await peer(t.client, "rg", "vnet2", "p21", A, {
      peerCompleteVnets: false,
      localSubnetNames: ["Subnet2"],
      remoteSubnetNames: ["Subnet1"],
    });
    expect(p21).toMatchObject({
      peeringState: "Connected",
      peeringSyncLevel: "FullyInSync",
      peerCompleteVnets: false,
      localSubnetNames: ["Subnet2"],
      remoteSubnetNames: ["Subnet1"],
      localAddressSpace: { addressPrefixes: ["10.2.2.0/24", "fd00:2:0:2::/64"] },
      remoteAddressSpace: { addressPrefixes: ["10.1.1.0/24", "fd00:1:0:1::/64"] },
      // The *VirtualNetworkAddressSpace fields hold the peered subnets' current prefixes, as in
      // VirtualNetworkSubnetPeeringGet.json (README, "Subnet-level and IPv6-only address spaces").
      localVirtualNetworkAddressSpace: { addressPrefixes: ["10.2.2.0/24", "fd00:2:0:2::/64"] },
      remoteVirtualNetworkAddressSpace: { addressPrefixes: ["10.1.1.0/24", "fd00:1:0:1::/64"] },
    });
  });

  it("peers only the IPv6 ranges of the listed subnets with enableOnlyIPv6Peering", async () => {
    const p = await peer(t.client, "rg", "vnet1", "p12", B, {
      peerCompleteVnets: false,
      enableOnlyIPv6Peering: true,
      localSubnetNames: ["Subnet1", "Subnet4"],
      remoteSubnetNames: ["Subnet2"],
    });
    expect(p).toMatchObject({
      enableOnlyIPv6Peering: true,
      localAddressSpace: { addressPrefixes: ["fd00:1:0:1::/64", "fd00:1:0:4::/64"] },
      remoteAddressSpace: { addressPrefixes: ["fd00:2:0:2::/64"] },
    });
  });

  it("checks overlap on the peered subnets only: overlapping VNets with disjoint subnets can peer", async () => {
    const C = t.emu.seed.vnet({
      subscriptionId: t.subscriptionId,
      resourceGroup: "rg",
      name: "vnet3",
      addressPrefixes: ["10.1.0.0/16"],
      subnets: [
        { name: "Far", addressPrefixes: ["10.1.200.0/24"] },
        { name: "Near", addressPrefixes: ["10.1.3.0/24"] },
      ],
    });
    await peer(t.client, "rg", "vnet1", "p13", C, {
      peerCompleteVnets: false,
      localSubnetNames: ["Subnet1"],
      remoteSubnetNames: ["Far"],
    });
    await expectArmError(
      peer(t.client, "rg", "vnet3", "p31", A, {
        peerCompleteVnets: false,
        localSubnetNames: ["Near"],
        remoteSubnetNames: ["Subnet3"],
      }),
      400,
      "VnetAddressSpacesOverlap",
    );
  });

  it("goes LocalNotInSync when a peered remote subnet changes, and a sync keeps the stored subnet lists", async () => {
    t.emu.seed.connect(A, B, {
      nameAB: "p12",
      nameBA: "p21",
      ab: { peerCompleteVnets: false, localSubnetNames: ["Subnet1"], remoteSubnetNames: ["Subnet2"] },
    });
    t.emu.seed.setSubnets(B, [
      { name: "Subnet2", addressPrefixes: ["10.2.2.0/24", "10.2.3.0/24", "fd00:2:0:2::/64"] },
    ]);
    expect((await t.client.virtualNetworkPeerings.get("rg", "vnet1", "p12")).peeringSyncLevel).toBe(
      "LocalNotInSync",
    );
    expect((await t.client.virtualNetworkPeerings.get("rg", "vnet2", "p21")).peeringSyncLevel).toBe(
      "RemoteNotInSync",
    );
    // Like the spec's subnet-sync example: the body carries no subnet names.
    const synced = await t.client.virtualNetworkPeerings.beginCreateOrUpdateAndWait(
      "rg",
      "vnet1",
      "p12",
      { remoteVirtualNetwork: { id: B }, peerCompleteVnets: false, enableOnlyIPv6Peering: false },
      { ...FAST_LRO, syncRemoteAddressSpace: "true" },
    );
    expect(synced).toMatchObject({
      peeringSyncLevel: "FullyInSync",
      localSubnetNames: ["Subnet1"],
      remoteSubnetNames: ["Subnet2"],
      remoteAddressSpace: { addressPrefixes: ["10.2.2.0/24", "10.2.3.0/24", "fd00:2:0:2::/64"] },
    });
    expect((await t.client.virtualNetworkPeerings.get("rg", "vnet2", "p21")).peeringSyncLevel).toBe(
      "FullyInSync",
    );
  });

  it("does not make a subnet peering stale when the VNet grows without touching the peered subnets ([INFERRED])", async () => {
    t.emu.seed.connect(A, B, {
      nameAB: "p12",
      nameBA: "p21",
      ab: { peerCompleteVnets: false, localSubnetNames: ["Subnet1"], remoteSubnetNames: ["Subnet2"] },
    });
    t.emu.seed.setAddressSpace(B, ["10.2.0.0/16", "10.20.0.0/16", "fd00:2::/48"]);
    expect((await t.client.virtualNetworkPeerings.get("rg", "vnet1", "p12")).peeringSyncLevel).toBe(
      "FullyInSync",
    );
  });

  it("answers SubnetNotFoundForSubnetPeering (code chosen) for an unknown subnet name", async () => {
    await expectArmError(
      peer(t.client, "rg", "vnet1", "p12", B, {
        peerCompleteVnets: false,
        localSubnetNames: ["Subnet1"],
        remoteSubnetNames: ["Nope"],
      }),
      400,
      "SubnetNotFoundForSubnetPeering",
    );
  });

  it("answers PeeringTypeCannotBeChanged (code chosen) when a full peering is turned into a subnet peering", async () => {
    await peer(t.client, "rg", "vnet1", "p12", B);
    await expectArmError(
      peer(t.client, "rg", "vnet1", "p12", B, {
        peerCompleteVnets: false,
        localSubnetNames: ["Subnet1"],
        remoteSubnetNames: ["Subnet2"],
      }),
      400,
      "PeeringTypeCannotBeChanged",
    );
  });
});
