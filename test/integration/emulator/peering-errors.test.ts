import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAST_LRO, startTestEmulator } from "../../support/emulator.js";
import type { TestEmulator } from "../../support/emulator.js";
import { API, expectArmError, peer, raw, vnetIdOf } from "./helpers.js";

/** docs/azure-behaviour.md#errors: each rule answers with its status, code and message shape. */

let t: TestEmulator;
let sub: string;
const vnet = (
  name: string,
  addressPrefixes: string[],
  subnets?: Array<{ name: string; addressPrefixes: string[] }>,
) =>
  t.emu.seed.vnet({
    subscriptionId: sub,
    resourceGroup: "rg",
    name,
    addressPrefixes,
    ...(subnets ? { subnets } : {}),
  });

beforeEach(async () => {
  t = await startTestEmulator();
  sub = t.subscriptionId;
});
afterEach(async () => {
  expect(t.emu.internalErrors).toEqual([]);
  await t.stop();
});

describe("address-space overlap", () => {
  it("answers VnetAddressSpacesOverlap when the two VNets overlap", async () => {
    const a = vnet("a", ["172.16.0.0/16"]);
    const b = vnet("b", ["172.16.0.0/16"]);
    const e = await expectArmError(peer(t.client, "rg", "a", "a-to-b", b), 400, "VnetAddressSpacesOverlap");
    expect(e.message).toBe(
      `Cannot create or update peering ${a}/virtualNetworkPeerings/a-to-b. Virtual networks ${a} and ${b} cannot be peered because their address spaces overlap. Overlapping address prefixes: 172.16.0.0/16, 172.16.0.0/16`,
    );
  });

  it("detects IPv6 overlaps too", async () => {
    vnet("a", ["10.1.0.0/16", "fd00:1::/48"]);
    const b = vnet("b", ["10.2.0.0/16", "fd00:1:0:1::/64"]);
    await expectArmError(peer(t.client, "rg", "a", "a-to-b", b), 400, "VnetAddressSpacesOverlap");
  });

  it("answers VnetAddressSpaceOverlapsWithAlreadyPeeredVnet when the new peer overlaps a VNet already peered with the remote", async () => {
    const hub = vnet("hub", ["10.0.0.0/16"]);
    const s1 = vnet("s1", ["10.1.0.0/16"]);
    const s2 = vnet("s2", ["10.1.128.0/17"]);
    t.emu.seed.connect(hub, s1);
    const e = await expectArmError(
      peer(t.client, "rg", "s2", "s2-to-hub", hub),
      400,
      "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
    );
    expect(e.message).toContain(
      `Virtual networks ${s2} and ${hub} cannot be peered because address space of the first virtual network overlaps with address space of virtual network ${s1} already peered with the second virtual network. Overlapping address prefixes: 10.1.128.0/17, 10.1.0.0/16.`,
    );
    // And from the hub's side, the other way round.
    await expectArmError(
      peer(t.client, "rg", "hub", "hub-to-s2", s2),
      400,
      "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
    );
  });
});

describe("gateway transit rules", () => {
  it("answers RemoteVnetHasNoGateways for useRemoteGateways towards a VNet without a gateway, even with doNotVerifyRemoteGateways", async () => {
    const a = vnet("a", ["10.1.0.0/16"]);
    const b = vnet("b", ["10.2.0.0/16"]);
    const e = await expectArmError(
      peer(t.client, "rg", "a", "a-to-b", b, { useRemoteGateways: true, doNotVerifyRemoteGateways: true }),
      400,
      "RemoteVnetHasNoGateways",
    );
    expect(e.message).toBe(
      `Peering ${a}/virtualNetworkPeerings/a-to-b cannot have UseRemoteGateway flag set to true because remote virtual network ${b} referenced by the peering does not have any gateways.`,
    );
  });

  it("answers RemotePeeringDoesNotAllowGatewayTransit (code chosen) when the remote half has allowGatewayTransit false", async () => {
    const hub = vnet("hub", ["10.0.0.0/16"], [{ name: "GatewaySubnet", addressPrefixes: ["10.0.255.0/27"] }]);
    vnet("spoke", ["10.1.0.0/16"]);
    t.emu.seed.gateway(hub);
    await peer(t.client, "rg", "hub", "hub-to-spoke", vnetIdOf(sub, "rg", "spoke"), {
      allowGatewayTransit: false,
    });
    const e = await expectArmError(
      peer(t.client, "rg", "spoke", "spoke-to-hub", hub, { useRemoteGateways: true }),
      400,
      "RemotePeeringDoesNotAllowGatewayTransit",
    );
    expect(e.message).toBe(
      "spoke-to-hub cannot have UseRemoteGateways flag set to true, because corresponding remote peering has AllowGatewayTransit flag set to false.",
    );
  });

  it("accepts gateway transit when the hub has a gateway and allows transit, and lists remoteGateways", async () => {
    const hub = vnet("hub", ["10.0.0.0/16"], [{ name: "GatewaySubnet", addressPrefixes: ["10.0.255.0/27"] }]);
    vnet("spoke", ["10.1.0.0/16"]);
    const gw = t.emu.seed.gateway(hub);
    await peer(t.client, "rg", "hub", "hub-to-spoke", vnetIdOf(sub, "rg", "spoke"), {
      allowGatewayTransit: true,
    });
    const spoke = await peer(t.client, "rg", "spoke", "spoke-to-hub", hub, { useRemoteGateways: true });
    expect(spoke).toMatchObject({ peeringState: "Connected", useRemoteGateways: true });
    // Not in the spec, so the SDK drops it; real responses carry it (docs/azure-behaviour.md#peering-model).
    const res = await raw(
      t.emu,
      "GET",
      `${vnetIdOf(sub, "rg", "spoke")}/virtualNetworkPeerings/spoke-to-hub?api-version=${API}`,
    );
    expect(res.json()).toMatchObject({ properties: { remoteGateways: [{ id: gw }] } });
  });

  it("answers VnetHasGatewayCannotUseRemoteGateways (code chosen) when the local VNet has its own gateway", async () => {
    const hub = vnet("hub", ["10.0.0.0/16"], [{ name: "GatewaySubnet", addressPrefixes: ["10.0.255.0/27"] }]);
    const spoke = vnet(
      "spoke",
      ["10.1.0.0/16"],
      [{ name: "GatewaySubnet", addressPrefixes: ["10.1.255.0/27"] }],
    );
    t.emu.seed.gateway(hub);
    t.emu.seed.gateway(spoke);
    await expectArmError(
      peer(t.client, "rg", "spoke", "spoke-to-hub", hub, { useRemoteGateways: true }),
      400,
      "VnetHasGatewayCannotUseRemoteGateways",
    );
  });

  it("answers AnotherPeeringAlreadyUsesRemoteGateways (code chosen) for a second useRemoteGateways peering on one VNet", async () => {
    const hub1 = vnet(
      "hub1",
      ["10.0.0.0/16"],
      [{ name: "GatewaySubnet", addressPrefixes: ["10.0.255.0/27"] }],
    );
    const hub2 = vnet(
      "hub2",
      ["10.10.0.0/16"],
      [{ name: "GatewaySubnet", addressPrefixes: ["10.10.255.0/27"] }],
    );
    const spoke = vnet("spoke", ["10.1.0.0/16"]);
    t.emu.seed.gateway(hub1);
    t.emu.seed.gateway(hub2);
    t.emu.seed.connect(hub1, spoke, { ab: { allowGatewayTransit: true }, ba: { useRemoteGateways: true } });
    const e = await expectArmError(
      peer(t.client, "rg", "spoke", "spoke-to-hub2", hub2, { useRemoteGateways: true }),
      400,
      "AnotherPeeringAlreadyUsesRemoteGateways",
    );
    expect(e.message).toBe(
      `Peering spoke/spoke-to-hub2 cannot have UseRemoteGateways flag set to true, because another peering ${spoke}/virtualNetworkPeerings/spoke-to-hub1 already has UseRemoteGateways flag set to true.`,
    );
  });

  it("serves a minimal virtualNetworkGateways resource whose presence is what the rules see", async () => {
    const hub = vnet("hub", ["10.0.0.0/16"], [{ name: "GatewaySubnet", addressPrefixes: ["10.0.255.0/27"] }]);
    const gw = await t.client.virtualNetworkGateways.beginCreateOrUpdateAndWait(
      "rg",
      "hub-gw",
      {
        location: "westeurope",
        ipConfigurations: [{ name: "default", subnet: { id: `${hub}/subnets/GatewaySubnet` } }],
      },
      FAST_LRO,
    );
    expect(gw).toMatchObject({ name: "hub-gw", provisioningState: "Succeeded", gatewayType: "Vpn" });
    expect(gw.ipConfigurations?.[0]?.subnet?.id).toBe(`${hub}/subnets/GatewaySubnet`);
    vnet("spoke", ["10.1.0.0/16"]);
    await peer(t.client, "rg", "hub", "hub-to-spoke", vnetIdOf(sub, "rg", "spoke"), {
      allowGatewayTransit: true,
    });
    await peer(t.client, "rg", "spoke", "spoke-to-hub", hub, { useRemoteGateways: true });
    await expectArmError(
      t.client.virtualNetworks.beginDeleteAndWait("rg", "hub", FAST_LRO),
      400,
      "InUseSubnetCannotBeDeleted",
    );
    await t.client.virtualNetworkGateways.beginDeleteAndWait("rg", "hub-gw", FAST_LRO);
    await expectArmError(t.client.virtualNetworkGateways.get("rg", "hub-gw"), 404, "ResourceNotFound");
    // Now the spoke's useRemoteGateways can no longer be (re)written.
    await expectArmError(
      peer(t.client, "rg", "spoke", "spoke-to-hub", hub, { useRemoteGateways: true }),
      400,
      "RemoteVnetHasNoGateways",
    );
  });
});

describe("references and provisioning", () => {
  it("answers InvalidGlobalResourceReference when the remote VNet does not exist", async () => {
    const a = vnet("a", ["10.1.0.0/16"]);
    const missing = vnetIdOf(sub, "rg", "nope");
    const e = await expectArmError(
      peer(t.client, "rg", "a", "a-to-nope", missing),
      400,
      "InvalidGlobalResourceReference",
    );
    expect(e.message).toBe(
      `Resource ${missing} referenced by resource ${a}/virtualNetworkPeerings/a-to-nope was not found. Please make sure that the referenced resource exists.`,
    );
  });

  it("answers ReferencedResourceNotProvisioned while the remote VNet is Updating", async () => {
    const a = vnet("a", ["10.1.0.0/16"]);
    const b = vnet("b", ["10.2.0.0/16"]);
    t.emu.seed.setProvisioningState(b, "Updating", "PutSubnetOperation");
    const e = await expectArmError(
      peer(t.client, "rg", "a", "a-to-b", b),
      400,
      "ReferencedResourceNotProvisioned",
    );
    expect(e.message).toBe(
      `Cannot proceed with operation because resource ${b} used by resource ${a}/virtualNetworkPeerings/a-to-b is not in Succeeded state. Resource is in Updating state and the last operation that updated/is updating the resource is PutSubnetOperation.`,
    );
  });

  it("answers ReferencedResourceNotProvisioned while the peering's own VNet is Updating (Azure-Samples/azuresandbox#25)", async () => {
    const a = vnet("a", ["10.1.0.0/16"]);
    const b = vnet("b", ["10.2.0.0/16"]);
    t.emu.seed.setProvisioningState(a, "Updating", "PutSubnetOperation");
    const e = await expectArmError(
      peer(t.client, "rg", "a", "a-to-b", b),
      400,
      "ReferencedResourceNotProvisioned",
    );
    expect(e.message).toBe(
      `Cannot proceed with operation because resource ${a} used by resource ${a}/virtualNetworkPeerings/a-to-b is not in Succeeded state. Resource is in Updating state and the last operation that updated/is updating the resource is PutSubnetOperation.`,
    );
    expect(t.emu.seed.getPeering(`${a}/virtualNetworkPeerings/a-to-b`)).toBeUndefined();
  });

  it("answers ReferencedResourceNotProvisioned while a PUT of the remote VNet is still running", async () => {
    await t.stop();
    t = await startTestEmulator({ emulator: { lroDurationSeconds: 0.3 } });
    sub = t.subscriptionId;
    vnet("a", ["10.1.0.0/16"]);
    const b = vnet("b", ["10.2.0.0/16"]);
    const put = await raw(t.emu, "PUT", `${b}?api-version=${API}`, {
      body: JSON.stringify({
        location: "westeurope",
        properties: { addressSpace: { addressPrefixes: ["10.2.0.0/16", "10.20.0.0/16"] } },
      }),
    });
    expect(put.status).toBe(200);
    const e = await expectArmError(
      peer(t.client, "rg", "a", "a-to-b", b),
      400,
      "ReferencedResourceNotProvisioned",
    );
    expect(e.message).toContain(
      "Resource is in Updating state and the last operation that updated/is updating the resource is PutVirtualNetworkOperation.",
    );
  });

  it("answers 404 ResourceNotFound for a missing VNet (from ARM, x-ms-failure-cause: gateway)", async () => {
    const e = await expectArmError(t.client.virtualNetworks.get("rg", "nope"), 404, "ResourceNotFound");
    expect(e.message).toBe(
      "The Resource 'Microsoft.Network/virtualNetworks/nope' under resource group 'rg' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
    );
    const res = await raw(t.emu, "GET", `${vnetIdOf(sub, "rg", "nope")}?api-version=${API}`);
    expect(res.headers["x-ms-failure-cause"]).toBe("gateway");
    await expectArmError(t.client.virtualNetworkPeerings.get("rg", "nope", "p"), 404, "ResourceNotFound");
  });

  it("answers 404 NotFound with details [] for a missing peering (docs/azure-behaviour.md#errors)", async () => {
    const a = vnet("a", ["10.1.0.0/16"]);
    await expectArmError(t.client.virtualNetworkPeerings.get("rg", "a", "nope"), 404, "NotFound");
    const res = await raw(t.emu, "GET", `${a}/virtualNetworkPeerings/nope?api-version=${API}`);
    expect(res.json()).toEqual({
      error: {
        code: "NotFound",
        message: `Resource ${a}/virtualNetworkPeerings/nope not found.`,
        details: [],
      },
    });
  });

  it("answers a DELETE of something already gone with 204", async () => {
    const a = vnet("a", ["10.1.0.0/16"]);
    expect((await raw(t.emu, "DELETE", `${a}/virtualNetworkPeerings/nope?api-version=${API}`)).status).toBe(
      204,
    );
    expect((await raw(t.emu, "DELETE", `${vnetIdOf(sub, "rg", "gone")}?api-version=${API}`)).status).toBe(
      204,
    );
    await t.client.virtualNetworkPeerings.beginDeleteAndWait("rg", "a", "nope", FAST_LRO);
  });
});

describe("inaccessible subscriptions", () => {
  const external = "99999999-9999-4999-8999-999999999999";

  it("answers 403 AuthorizationFailed, with the real message shape, to every call into it", async () => {
    const ext = t.emu.seed.vnet({
      subscriptionId: external,
      resourceGroup: "rg-ext",
      name: "partner",
      addressPrefixes: ["172.16.0.0/16"],
    });
    t.emu.seed.setSubscriptionAccessible(external, false);
    const client = t.clientFor(external);
    const e = await expectArmError(
      client.virtualNetworks.get("rg-ext", "partner"),
      403,
      "AuthorizationFailed",
    );
    const p = t.emu.options.principal;
    expect(e.message).toBe(
      `The client '${p.clientId}' with object id '${p.objectId}' does not have authorization to perform action 'Microsoft.Network/virtualNetworks/read' over scope '${ext}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
    const listing = (async () => {
      for await (const _ of client.virtualNetworks.listAll()) void _;
    })();
    await expectArmError(listing, 403, "AuthorizationFailed");
    const put = expectArmError(
      peer(client, "rg-ext", "partner", "x", vnetIdOf(sub, "rg", "a")),
      403,
      "AuthorizationFailed",
    );
    expect((await put).message).toContain("'Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write'");
  });

  it("answers 403 LinkedAuthorizationFailed (chosen) to a peering PUT whose remote VNet is in it", async () => {
    const a = vnet("a", ["10.1.0.0/16"]);
    const ext = t.emu.seed.vnet({
      subscriptionId: external,
      resourceGroup: "rg-ext",
      name: "partner",
      addressPrefixes: ["172.16.0.0/16"],
    });
    t.emu.seed.setSubscriptionAccessible(external, false);
    const e = await expectArmError(
      peer(t.client, "rg", "a", "a-to-partner", ext),
      403,
      "LinkedAuthorizationFailed",
    );
    expect(e.message).toContain(`on the linked scope(s) '${ext}'`);
    expect(e.message).toContain(`on scope '${a}/virtualNetworkPeerings/a-to-partner'`);
  });

  it("still shows our side of a pair with an external VNet (seeded), Connected", async () => {
    const a = vnet("a", ["10.1.0.0/16"]);
    const ext = t.emu.seed.vnet({
      subscriptionId: external,
      resourceGroup: "rg-ext",
      name: "partner",
      addressPrefixes: ["172.16.0.0/16"],
    });
    t.emu.seed.connect(a, ext);
    t.emu.seed.setSubscriptionAccessible(external, false);
    const ours = await t.client.virtualNetworkPeerings.get("rg", "a", "a-to-partner");
    expect(ours).toMatchObject({
      peeringState: "Connected",
      peeringSyncLevel: "FullyInSync",
      remoteVirtualNetwork: { id: ext },
    });
  });
});
