import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAST_LRO, startTestEmulator } from "../../support/emulator.js";
import type { TestEmulator } from "../../support/emulator.js";
import { API, createVnet, expectArmError, peer, raw, vnetIdOf, seedVnet } from "./helpers.js";

let t: TestEmulator;
let A: string;
let B: string;

beforeEach(async () => {
  t = await startTestEmulator();
  await createVnet(t.client, "rg", "vnet-a", ["10.1.0.0/16"]);
  await createVnet(t.client, "rg", "vnet-b", ["10.2.0.0/16"]);
  A = vnetIdOf(t.subscriptionId, "rg", "vnet-a");
  B = vnetIdOf(t.subscriptionId, "rg", "vnet-b");
});
afterEach(async () => {
  expect(t.emu.internalErrors).toEqual([]);
  await t.stop();
});

describe("peering state machine (docs/azure-behaviour.md#peering-state)", () => {
  it("leaves a one-sided peering Initiated and RemoteNotInSync, as the real PUT response shows", async () => {
    const ab = await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    expect(ab).toMatchObject({
      name: "a-to-b",
      peeringState: "Initiated",
      peeringSyncLevel: "RemoteNotInSync",
      provisioningState: "Succeeded",
      remoteAddressSpace: { addressPrefixes: ["10.2.0.0/16"] },
      remoteVirtualNetworkAddressSpace: { addressPrefixes: ["10.2.0.0/16"] },
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: false,
      allowGatewayTransit: false,
      useRemoteGateways: false,
      doNotVerifyRemoteGateways: false,
      peerCompleteVnets: true,
    });
    expect(ab.etag).toMatch(/^W\/"[0-9a-f-]{36}"$/);
    expect(ab.resourceGuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("connects both halves, FullyInSync with a shared resourceGuid, once the reverse exists", async () => {
    const ab = await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    const ba = await peer(t.client, "rg", "vnet-b", "b-to-a", A);
    const abAfter = await t.client.virtualNetworkPeerings.get("rg", "vnet-a", "a-to-b");
    expect(ba).toMatchObject({ peeringState: "Connected", peeringSyncLevel: "FullyInSync" });
    expect(abAfter).toMatchObject({ peeringState: "Connected", peeringSyncLevel: "FullyInSync" });
    expect(ba.resourceGuid).toBe(ab.resourceGuid);
    expect(abAfter.resourceGuid).toBe(ab.resourceGuid);
  });

  it("answers the raw JSON shape of the recorded responses (id, name, etag, type, properties)", async () => {
    await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    const res = await raw(t.emu, "GET", `${A}/virtualNetworkPeerings/a-to-b?api-version=${API}`);
    const body = res.json() as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["name", "id", "etag", "properties", "type"]);
    expect(body.type).toBe("Microsoft.Network/virtualNetworks/virtualNetworkPeerings");
    expect(res.headers.etag).toBe(body.etag);
    expect(body.properties).toMatchObject({
      provisioningState: "Succeeded",
      peeringState: "Initiated",
      peeringSyncLevel: "RemoteNotInSync",
      remoteVirtualNetwork: { id: B },
      localAddressSpace: { addressPrefixes: ["10.1.0.0/16"] },
      localVirtualNetworkAddressSpace: { addressPrefixes: ["10.1.0.0/16"] },
      routeServiceVips: {},
    });
  });

  it("embeds full peerings and subnets in the VNet, as the real service does", async () => {
    await t.client.virtualNetworks.beginCreateOrUpdateAndWait(
      "rg",
      "vnet-a",
      {
        location: "westeurope",
        addressSpace: { addressPrefixes: ["10.1.0.0/16"] },
        subnets: [{ name: "app", addressPrefix: "10.1.1.0/24" }],
      },
      FAST_LRO,
    );
    await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    const vnet = await t.client.virtualNetworks.get("rg", "vnet-a");
    expect(vnet.subnets?.map((s) => [s.name, s.addressPrefix, s.id])).toEqual([
      ["app", "10.1.1.0/24", `${A}/subnets/app`],
    ]);
    expect(vnet.virtualNetworkPeerings?.[0]).toMatchObject({
      id: `${A}/virtualNetworkPeerings/a-to-b`,
      peeringState: "Initiated",
      remoteVirtualNetwork: { id: B },
    });
  });

  it("makes the partner Disconnected when one half is deleted", async () => {
    await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    await peer(t.client, "rg", "vnet-b", "b-to-a", A);
    await t.client.virtualNetworkPeerings.beginDeleteAndWait("rg", "vnet-b", "b-to-a", FAST_LRO);
    await expectArmError(t.client.virtualNetworkPeerings.get("rg", "vnet-b", "b-to-a"), 404, "NotFound");
    const ab = await t.client.virtualNetworkPeerings.get("rg", "vnet-a", "a-to-b");
    expect(ab.peeringState).toBe("Disconnected");
    // docs/azure-behaviour.md#peering-state: the level of a Disconnected peering is unconfirmed; the emulator keeps the last one.
    expect(ab.peeringSyncLevel).toBe("FullyInSync");
  });

  it("answers RemotePeeringIsDisconnected when the other half is re-created against a Disconnected peering", async () => {
    await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    await peer(t.client, "rg", "vnet-b", "b-to-a", A);
    await t.client.virtualNetworkPeerings.beginDeleteAndWait("rg", "vnet-b", "b-to-a", FAST_LRO);
    const e = await expectArmError(
      peer(t.client, "rg", "vnet-b", "b-to-a", A),
      400,
      "RemotePeeringIsDisconnected",
    );
    expect(e.message).toBe(
      `Cannot create or update peering ${B}/virtualNetworkPeerings/b-to-a because remote peering ${A}/virtualNetworkPeerings/a-to-b referencing parent virtual network ${A} is in Disconnected state. Update or re-create the remote peering to get it back to Initiated state. Peering gets Disconnected when remote vnet or remote peering is deleted and re-created.`,
    );
  });

  it("puts a re-PUT Disconnected peering back to Initiated, after which the pair can connect again", async () => {
    await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    await peer(t.client, "rg", "vnet-b", "b-to-a", A);
    await t.client.virtualNetworkPeerings.beginDeleteAndWait("rg", "vnet-b", "b-to-a", FAST_LRO);
    const reset = await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    expect(reset).toMatchObject({ peeringState: "Initiated", peeringSyncLevel: "RemoteNotInSync" });
    const ba = await peer(t.client, "rg", "vnet-b", "b-to-a", A);
    expect(ba.peeringState).toBe("Connected");
    expect((await t.client.virtualNetworkPeerings.get("rg", "vnet-a", "a-to-b")).peeringState).toBe(
      "Connected",
    );
  });

  it("disconnects every partner when a VNet is deleted", async () => {
    await createVnet(t.client, "rg", "vnet-c", ["10.3.0.0/16"]);
    const C = vnetIdOf(t.subscriptionId, "rg", "vnet-c");
    await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    await peer(t.client, "rg", "vnet-b", "b-to-a", A);
    await peer(t.client, "rg", "vnet-c", "c-to-a", A);
    await peer(t.client, "rg", "vnet-a", "a-to-c", C);
    await t.client.virtualNetworks.beginDeleteAndWait("rg", "vnet-a", FAST_LRO);
    await expectArmError(t.client.virtualNetworks.get("rg", "vnet-a"), 404, "ResourceNotFound");
    expect((await t.client.virtualNetworkPeerings.get("rg", "vnet-b", "b-to-a")).peeringState).toBe(
      "Disconnected",
    );
    expect((await t.client.virtualNetworkPeerings.get("rg", "vnet-c", "c-to-a")).peeringState).toBe(
      "Disconnected",
    );
  });

  it("ignores computed and read-only fields a client sends back in the PUT body", async () => {
    await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    const ba = await peer(t.client, "rg", "vnet-b", "b-to-a", A, {
      peeringState: "Disconnected",
      peeringSyncLevel: "LocalAndRemoteNotInSync",
      remoteAddressSpace: { addressPrefixes: ["192.168.0.0/16"] },
      remoteVirtualNetworkAddressSpace: { addressPrefixes: ["192.168.0.0/16"] },
      localAddressSpace: { addressPrefixes: ["172.16.0.0/12"] },
    });
    expect(ba).toMatchObject({
      peeringState: "Connected",
      peeringSyncLevel: "FullyInSync",
      remoteAddressSpace: { addressPrefixes: ["10.1.0.0/16"] },
      localAddressSpace: { addressPrefixes: ["10.2.0.0/16"] },
    });
    const res = await raw(t.emu, "PUT", `${B}/virtualNetworkPeerings/b-to-a?api-version=${API}`, {
      body: JSON.stringify({
        id: B,
        name: "ignored",
        type: "ignored",
        etag: 'W/"x"',
        properties: { remoteVirtualNetwork: { id: A }, provisioningState: "Failed", resourceGuid: "nope" },
      }),
    });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      name: "b-to-a",
      properties: { provisioningState: "Updating", resourceGuid: ba.resourceGuid },
    });
  });

  it("lets a PUT replace the user's settings: an omitted flag falls back to its default", async () => {
    await peer(t.client, "rg", "vnet-a", "a-to-b", B, {
      allowForwardedTraffic: true,
      allowVirtualNetworkAccess: false,
    });
    const replaced = await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    expect(replaced).toMatchObject({ allowForwardedTraffic: false, allowVirtualNetworkAccess: true });
  });

  it("keeps existing peerings when a VNet PUT carries no virtualNetworkPeerings", async () => {
    await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    await peer(t.client, "rg", "vnet-b", "b-to-a", A);
    const res = await raw(t.emu, "PUT", `${A}?api-version=${API}`, {
      body: JSON.stringify({
        location: "westeurope",
        properties: { addressSpace: { addressPrefixes: ["10.1.0.0/16"] } },
      }),
    });
    expect(res.status).toBe(200);
    const vnet = await t.client.virtualNetworks.get("rg", "vnet-a");
    expect(vnet.virtualNetworkPeerings?.map((p) => [p.name, p.peeringState])).toEqual([
      ["a-to-b", "Connected"],
    ]);
  });

  it("answers AnotherPeeringAlreadyReferencesRemoteVnet for a second peering to the same remote VNet", async () => {
    await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    const e = await expectArmError(
      peer(t.client, "rg", "vnet-a", "a-to-b-again", B),
      400,
      "AnotherPeeringAlreadyReferencesRemoteVnet",
    );
    expect(e.message).toContain("Cannot add another peering referencing the same remote virtual network.");
  });

  it("answers ChangingRemoteVirtualNetworkNotAllowed when an existing peering is pointed elsewhere", async () => {
    await createVnet(t.client, "rg", "vnet-c", ["10.3.0.0/16"]);
    await peer(t.client, "rg", "vnet-a", "a-to-b", B);
    await expectArmError(
      peer(t.client, "rg", "vnet-a", "a-to-b", vnetIdOf(t.subscriptionId, "rg", "vnet-c")),
      400,
      "ChangingRemoteVirtualNetworkNotAllowed",
    );
  });

  it("lists peerings with nextLink paging", async () => {
    await t.stop();
    t = await startTestEmulator({ emulator: { pageSize: 2 } });
    const hub = seedVnet(t, "hub", "10.0.0.0/16");
    for (let i = 1; i <= 5; i++) {
      const spoke = t.emu.seed.vnet({
        subscriptionId: t.subscriptionId,
        resourceGroup: "rg",
        name: `s${i}`,
        addressPrefixes: [`10.${i}.0.0/16`],
      });
      t.emu.seed.peering({ vnetId: hub, remoteVnetId: spoke });
    }
    const names: string[] = [];
    for await (const p of t.client.virtualNetworkPeerings.list("rg", "hub")) names.push(p.name!);
    expect(names).toEqual(["hub-to-s1", "hub-to-s2", "hub-to-s3", "hub-to-s4", "hub-to-s5"]);
    const first = await raw(t.emu, "GET", `${hub}/virtualNetworkPeerings?api-version=${API}`);
    const body = first.json() as { value: unknown[]; nextLink: string };
    expect(body.value).toHaveLength(2);
    expect(body.nextLink).toMatch(new RegExp(`^${t.emu.endpoint}/.*api-version=${API}.*skipToken=2`, "i"));
  });
});
