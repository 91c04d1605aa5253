import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../../emulator/index.js";
import { startTestEmulator } from "../../support/emulator.js";
import type { TestEmulator } from "../../support/emulator.js";
import { expectArmError, peer, raw } from "./helpers.js";

const DEMO = fileURLToPath(new URL("../../fixtures/topologies/emulator-conformance.json", import.meta.url));
const WATCHED = "11111111-1111-4111-8111-111111111111";
const EXTERNAL = "99999999-9999-4999-8999-999999999999";

let t: TestEmulator;
afterEach(async () => {
  expect(t.emu.internalErrors).toEqual([]);
  await t.stop();
});

describe("topology files", () => {
  it("loads the demo hub-and-spoke with every situation the product must handle", async () => {
    t = await startTestEmulator({ subscriptionId: WATCHED, emulator: { topology: DEMO } });
    const levels = new Map<string, string>();
    for await (const v of t.client.virtualNetworks.listAll())
      for (const p of v.virtualNetworkPeerings ?? [])
        levels.set(p.name!, `${p.peeringState}/${p.peeringSyncLevel}`);
    expect(Object.fromEntries(levels)).toEqual({
      // resized hub: the hub's side is RemoteNotInSync, each spoke's side LocalNotInSync
      "hub-to-spoke-app": "Connected/RemoteNotInSync",
      "spoke-app-to-hub": "Connected/LocalNotInSync",
      // hub and spoke both resized
      "hub-to-spoke-data": "Connected/LocalAndRemoteNotInSync",
      "spoke-data-to-hub": "Connected/LocalAndRemoteNotInSync",
      // one-sided
      "hub-to-spoke-web": "Initiated/RemoteNotInSync",
      // lost its other half after the hub was resized: a Disconnected peering keeps its last level
      "hub-to-spoke-legacy": "Disconnected/RemoteNotInSync",
      "spoke-overlap-to-hub": "Initiated/RemoteNotInSync",
      // subnet-level peering: the hub's peered subnet did not change ([INFERRED] rule)
      "hub-to-spoke-subnet": "Connected/FullyInSync",
      "spoke-subnet-to-hub": "Connected/FullyInSync",
      // external peer: only our half is visible
      "hub-to-partner": "Connected/RemoteNotInSync",
    });
    const spokeApp = await t.client.virtualNetworkPeerings.get("rg-spokes", "spoke-app", "spoke-app-to-hub");
    expect(spokeApp).toMatchObject({ useRemoteGateways: true, allowForwardedTraffic: true });
    // Derived from the hub's bgpCommunities, with West Europe's regional community, as in
    // VirtualNetworkPeeringGet.json.
    expect(spokeApp.remoteBgpCommunities).toEqual({
      virtualNetworkCommunity: "12076:20000",
      regionalCommunity: "12076:50002",
    });
    await expectArmError(
      t.clientFor(EXTERNAL).virtualNetworks.get("rg-partner", "partner"),
      403,
      "AuthorizationFailed",
    );
    // The reciprocal of the overlapping spoke cannot be created.
    const overlap = `/subscriptions/${WATCHED}/resourceGroups/rg-spokes/providers/Microsoft.Network/virtualNetworks/spoke-overlap`;
    await expectArmError(
      peer(t.client, "rg-hub", "hub", "hub-to-spoke-overlap", overlap),
      400,
      "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
    );
  });

  it("returns the ids it created and rejects invalid documents with the offending path", async () => {
    t = await startTestEmulator();
    const loaded = await t.emu.loadTopology({
      subscriptions: [
        {
          id: "s1",
          resourceGroups: [
            {
              name: "rg",
              vnets: [
                { name: "a", addressPrefixes: ["10.1.0.0/16"] },
                { name: "b", addressPrefixes: ["10.2.0.0/16"] },
              ],
            },
          ],
        },
      ],
      peerings: [{ from: "a", to: "rg/b", name: "ab", reverse: { name: "ba" } }],
    });
    expect(loaded.vnets.a).toBe(
      "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/a",
    );
    expect(Object.keys(loaded.peerings)).toEqual(["ab", "ba"]);
    expect(t.emu.seed.getPeering(loaded.peerings.ab!)).toMatchObject({
      properties: { peeringState: "Connected" },
    });
    await expect(
      t.emu.loadTopology({
        subscriptions: [{ id: "s1", resourceGroups: [{ name: "rg", vnets: [{ name: "x" }] }] }],
      } as never),
    ).rejects.toThrow(/invalid topology: subscriptions\.0\.resourceGroups\.0\.vnets\.0\.addressPrefixes/);
    await expect(
      t.emu.loadTopology({ subscriptions: [], peerings: [{ from: "nope", to: "a" }] }),
    ).rejects.toThrow(/'nope' matches no VNet/);
  });

  it("loads a topology over HTTP into a running emulator", async () => {
    t = await startTestEmulator();
    const res = await raw(t.emu, "POST", "/_emulator/topology", {
      auth: false,
      body: JSON.stringify({
        subscriptions: [
          {
            id: t.subscriptionId,
            resourceGroups: [{ name: "rg", vnets: [{ name: "v", addressPrefixes: ["10.0.0.0/16"] }] }],
          },
        ],
      }),
    });
    expect(res.status).toBe(204);
    expect((await t.client.virtualNetworks.get("rg", "v")).name).toBe("v");
  });

  it("seeds state directly: resize, tags, subnets, gateways, peerings, deletes", async () => {
    const emu = await startEmulator();
    try {
      const a = emu.seed.vnet({
        subscriptionId: "s",
        resourceGroup: "rg",
        name: "a",
        addressPrefixes: ["10.1.0.0/16"],
        tags: { x: "1" },
      });
      const b = emu.seed.vnet({
        subscriptionId: "s",
        resourceGroup: "rg",
        name: "b",
        addressPrefixes: ["10.2.0.0/16"],
      });
      const [ab, ba] = emu.seed.connect(a, b);
      emu.seed.setAddressSpace(a, ["10.1.0.0/16", "10.11.0.0/16"]);
      expect(emu.seed.getPeering(ba)).toMatchObject({ properties: { peeringSyncLevel: "LocalNotInSync" } });
      emu.seed.setTags(a, { x: "2" });
      emu.seed.addSubnet(a, { name: "GatewaySubnet", addressPrefixes: ["10.1.255.0/27"] });
      const gw = emu.seed.gateway(a);
      expect(emu.seed.getVnet(a)).toMatchObject({
        tags: { x: "2" },
        properties: {
          subnets: [{ properties: { ipConfigurations: [{ id: `${gw}/ipConfigurations/default` }] } }],
        },
      });
      emu.seed.deletePeering(ab);
      expect(emu.seed.getPeering(ba)).toMatchObject({ properties: { peeringState: "Disconnected" } });
      emu.seed.deleteVnet(b);
      expect(emu.seed.getVnet(b)).toBeUndefined();
      emu.seed.deleteGateway(gw);
      expect(emu.counters().total).toBe(0);
    } finally {
      await emu.stop();
    }
    t = await startTestEmulator();
  });
});
