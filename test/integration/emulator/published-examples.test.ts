import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toPeering, toSdkPeering } from "../../../src/azure/arm/arm-network-port.js";
import { bodyOf } from "../../../src/reconcile/body.js";
import { startTestEmulator, type TestEmulator } from "../../support/emulator.js";
import { API, peer, raw } from "./helpers.js";

/**
 * Conformance with Microsoft's published examples in the REST API spec,
 * https://github.com/Azure/azure-rest-api-specs/tree/main/specification/network/resource-manager/Microsoft.Network/stable/2025-07-01/examples
 * (and the 2024-05-01 folder where named): one case per field the emulator used to render otherwise.
 */

let t: TestEmulator;
let vnet1: string;
let vnet2: string;

beforeEach(async () => {
  t = await startTestEmulator();
  // The shapes of the examples: vnet1 and vnet2 in peerTest, dual-stack, with Subnet1 and Subnet2.
  vnet1 = t.emu.seed.vnet({
    subscriptionId: t.subscriptionId,
    resourceGroup: "peerTest",
    name: "vnet1",
    location: "eastus",
    addressPrefixes: ["212.0.0.0/16", "2002:2002::/48"],
    subnets: [
      { name: "Subnet1", addressPrefixes: ["212.0.0.0/24", "2002:2002::/64"] },
      { name: "Other1", addressPrefixes: ["212.0.9.0/24"] },
    ],
  });
  vnet2 = t.emu.seed.vnet({
    subscriptionId: t.subscriptionId,
    resourceGroup: "peerTest",
    name: "vnet2",
    location: "eastus",
    addressPrefixes: ["12.0.0.0/8", "2001:2001::/48"],
    subnets: [
      { name: "Subnet2", addressPrefixes: ["12.0.0.0/24", "2001:2001::/64"] },
      { name: "Other2", addressPrefixes: ["12.9.0.0/24", "2001:2001:0:9::/64"] },
    ],
    bgpCommunity: "12076:20002",
  });
});
afterEach(async () => {
  expect(t.emu.internalErrors).toEqual([]);
  await t.stop();
});

describe("published examples: subnet-level and IPv6-only peering address spaces", () => {
  it("VirtualNetworkV6SubnetPeeringGet.json: every address-space field holds only the peered subnets' IPv6 prefixes", async () => {
    const p = await peer(t.client, "peerTest", "vnet1", "peer", vnet2, {
      peerCompleteVnets: false,
      enableOnlyIPv6Peering: true,
      localSubnetNames: ["Subnet1"],
      remoteSubnetNames: ["Subnet2"],
    });
    expect(p).toMatchObject({
      enableOnlyIPv6Peering: true,
      remoteAddressSpace: { addressPrefixes: ["2001:2001::/64"] },
      localAddressSpace: { addressPrefixes: ["2002:2002::/64"] },
      localVirtualNetworkAddressSpace: { addressPrefixes: ["2002:2002::/64"] },
      remoteVirtualNetworkAddressSpace: { addressPrefixes: ["2001:2001::/64"] },
    });
  });

  it("VirtualNetworkSubnetPeeringGet.json: the *VirtualNetworkAddressSpace fields hold the peered subnets' prefixes, both families", async () => {
    const p = await peer(t.client, "peerTest", "vnet1", "peer", vnet2, {
      peerCompleteVnets: false,
      localSubnetNames: ["Subnet1"],
      remoteSubnetNames: ["Subnet2"],
    });
    expect(p).toMatchObject({
      remoteAddressSpace: { addressPrefixes: ["12.0.0.0/24", "2001:2001::/64"] },
      localAddressSpace: { addressPrefixes: ["212.0.0.0/24", "2002:2002::/64"] },
      localVirtualNetworkAddressSpace: { addressPrefixes: ["212.0.0.0/24", "2002:2002::/64"] },
      remoteVirtualNetworkAddressSpace: { addressPrefixes: ["12.0.0.0/24", "2001:2001::/64"] },
    });
  });

  it("VirtualNetworkPeeringGet.json: a whole-VNet peering still shows the remote VNet's whole space", async () => {
    const p = await peer(t.client, "peerTest", "vnet1", "peer", vnet2);
    expect(p.remoteVirtualNetworkAddressSpace).toEqual({ addressPrefixes: ["12.0.0.0/8", "2001:2001::/48"] });
    expect(p.remoteAddressSpace).toEqual({ addressPrefixes: ["12.0.0.0/8", "2001:2001::/48"] });
  });
});

describe("published examples: BGP communities", () => {
  it("VirtualNetworkPeeringGet.json: remoteBgpCommunities is derived from the remote VNet's bgpCommunities, with its regional community", async () => {
    const p = await peer(t.client, "peerTest", "vnet1", "peer", vnet2);
    expect(p.remoteBgpCommunities).toEqual({
      virtualNetworkCommunity: "12076:20002",
      regionalCommunity: "12076:50004",
    });
  });

  it("ignores a remoteBgpCommunities a PUT sends: the field is Azure's, not the caller's", async () => {
    const p = await peer(t.client, "peerTest", "vnet2", "peer", vnet1, {
      remoteBgpCommunities: { virtualNetworkCommunity: "12076:29999" },
    });
    // vnet1 has no bgpCommunities, so there is nothing to derive.
    expect(p.remoteBgpCommunities).toBeUndefined();
  });

  it("VirtualNetworkCreateWithBgpCommunities.json (2024-05-01): a VNet's regionalCommunity is filled from its region, and a client's value for it ignored", async () => {
    const path = `/subscriptions/${t.subscriptionId}/resourceGroups/peerTest/providers/Microsoft.Network/virtualNetworks/test-vnet?api-version=${API}`;
    const put = await raw(t.emu, "PUT", path, {
      body: JSON.stringify({
        location: "eastus",
        properties: {
          addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
          subnets: [{ name: "test-1", properties: { addressPrefix: "10.0.0.0/24" } }],
          bgpCommunities: { virtualNetworkCommunity: "12076:20000", regionalCommunity: "65000:1" },
        },
      }),
    });
    expect([200, 201]).toContain(put.status);
    const got = await t.client.virtualNetworks.get("peerTest", "test-vnet");
    expect(got.bgpCommunities).toEqual({
      virtualNetworkCommunity: "12076:20000",
      regionalCommunity: "12076:50004",
    });
    // And the seeded vnet2 in the same region, as its peers see it.
    expect((await t.client.virtualNetworks.get("peerTest", "vnet2")).bgpCommunities).toEqual({
      virtualNetworkCommunity: "12076:20002",
      regionalCommunity: "12076:50004",
    });
  });
});

describe("a sync PUT of an example-shaped peering", () => {
  it("sends back none of the read-only fields ARM fills (regionalCommunity, states, guid, etag), and ARM accepts it", async () => {
    t.emu.seed.connect(vnet1, vnet2, { nameAB: "peer", nameBA: "back" });
    t.emu.seed.setAddressSpace(vnet2, ["12.0.0.0/8", "2001:2001::/48", "13.0.0.0/16"]);
    const bodies: string[] = [];
    const capture: PipelinePolicy = {
      name: "captureBodies",
      sendRequest: async (request, next) => {
        if (request.method === "PUT" && typeof request.body === "string") bodies.push(request.body);
        return next(request);
      },
    };
    const client = t.clientFor(t.subscriptionId, {
      additionalPolicies: [{ policy: capture, position: "perCall" }],
    });
    const before = await client.virtualNetworkPeerings.get("peerTest", "vnet1", "peer");
    expect(before.remoteBgpCommunities).toEqual({
      virtualNetworkCommunity: "12076:20002",
      regionalCommunity: "12076:50004",
    });

    const synced = await client.virtualNetworkPeerings.beginCreateOrUpdateAndWait(
      "peerTest",
      "vnet1",
      "peer",
      toSdkPeering(bodyOf(toPeering(before, vnet1))),
      { syncRemoteAddressSpace: "true", updateIntervalInMs: 1 },
    );

    expect(synced.peeringSyncLevel).toBe("FullyInSync");
    expect(bodies).toHaveLength(1);
    const sent = JSON.parse(bodies[0]!) as { properties: Record<string, unknown> };
    expect(JSON.stringify(sent)).not.toContain("regionalCommunity");
    for (const field of [
      "provisioningState",
      "peeringState",
      "peeringSyncLevel",
      "resourceGuid",
      "remoteVirtualNetworkAddressSpace",
      "localVirtualNetworkAddressSpace",
    ])
      expect(sent.properties, field).not.toHaveProperty(field);
    expect(sent).not.toHaveProperty("etag");
  });
});
