import type { VirtualNetworkPeering } from "@azure/arm-network";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAST_LRO, startTestEmulator } from "../../support/emulator.js";
import type { TestEmulator } from "../../support/emulator.js";
import { API, createVnet, expectArmError, expectLroFailure, peer, raw, vnetIdOf } from "./helpers.js";

/** docs/azure-behaviour.md#sync-semantics: address-space changes and the sync-direction rule. */

let t: TestEmulator;
let A: string;
let B: string;

const get = (vnet: string, name: string) => t.client.virtualNetworkPeerings.get("rg", vnet, name);
const resize = (vnet: string, addressPrefixes: string[]) =>
  t.client.virtualNetworks.beginCreateOrUpdateAndWait(
    "rg",
    vnet,
    { location: "westeurope", addressSpace: { addressPrefixes } },
    FAST_LRO,
  );
/** A sync is a GET followed by a PUT of the whole peering with the query flag (docs/azure-behaviour.md#sync-is-a-put). */
async function sync(vnet: string, name: string, flag = "true"): Promise<VirtualNetworkPeering> {
  const current = await get(vnet, name);
  return t.client.virtualNetworkPeerings.beginCreateOrUpdateAndWait("rg", vnet, name, current, {
    ...FAST_LRO,
    syncRemoteAddressSpace: flag,
  });
}
const prefixes = (p: VirtualNetworkPeering) => ({
  level: p.peeringSyncLevel,
  remote: p.remoteAddressSpace?.addressPrefixes,
  remoteCurrent: p.remoteVirtualNetworkAddressSpace?.addressPrefixes,
  local: p.localAddressSpace?.addressPrefixes,
  localCurrent: p.localVirtualNetworkAddressSpace?.addressPrefixes,
});

beforeEach(async () => {
  t = await startTestEmulator();
  await createVnet(t.client, "rg", "vnet-a", ["10.1.0.0/16"]);
  await createVnet(t.client, "rg", "vnet-b", ["10.2.0.0/16"]);
  A = vnetIdOf(t.subscriptionId, "rg", "vnet-a");
  B = vnetIdOf(t.subscriptionId, "rg", "vnet-b");
  await peer(t.client, "rg", "vnet-a", "a-to-b", B);
  await peer(t.client, "rg", "vnet-b", "b-to-a", A);
});
afterEach(async () => {
  expect(t.emu.internalErrors).toEqual([]);
  await t.stop();
});

describe("address-space change and sync", () => {
  it("shows RemoteNotInSync on the resized VNet's peering and LocalNotInSync, stale vs current, on the other", async () => {
    await resize("vnet-a", ["10.1.0.0/16", "10.99.0.0/16"]);
    expect(prefixes(await get("vnet-a", "a-to-b"))).toEqual({
      level: "RemoteNotInSync",
      remote: ["10.2.0.0/16"],
      remoteCurrent: ["10.2.0.0/16"],
      // inferred (docs/azure-behaviour.md#sync-semantics): the local pair diverges on the changed VNet's own peering.
      local: ["10.1.0.0/16"],
      localCurrent: ["10.1.0.0/16", "10.99.0.0/16"],
    });
    expect(prefixes(await get("vnet-b", "b-to-a"))).toEqual({
      level: "LocalNotInSync",
      remote: ["10.1.0.0/16"],
      remoteCurrent: ["10.1.0.0/16", "10.99.0.0/16"],
      local: ["10.2.0.0/16"],
      localCurrent: ["10.2.0.0/16"],
    });
  });

  it("fixes both halves with one sync on the LocalNotInSync side", async () => {
    await resize("vnet-a", ["10.1.0.0/16", "10.99.0.0/16"]);
    const synced = await sync("vnet-b", "b-to-a");
    expect(prefixes(synced)).toMatchObject({ level: "FullyInSync", remote: ["10.1.0.0/16", "10.99.0.0/16"] });
    expect(prefixes(await get("vnet-a", "a-to-b"))).toEqual({
      level: "FullyInSync",
      remote: ["10.2.0.0/16"],
      remoteCurrent: ["10.2.0.0/16"],
      local: ["10.1.0.0/16", "10.99.0.0/16"],
      localCurrent: ["10.1.0.0/16", "10.99.0.0/16"],
    });
  });

  it("accepts a sync on the RemoteNotInSync side and changes nothing", async () => {
    await resize("vnet-a", ["10.1.0.0/16", "10.99.0.0/16"]);
    const before = prefixes(await get("vnet-b", "b-to-a"));
    const wrongSide = await sync("vnet-a", "a-to-b");
    expect(wrongSide.peeringSyncLevel).toBe("RemoteNotInSync");
    expect(prefixes(await get("vnet-a", "a-to-b")).level).toBe("RemoteNotInSync");
    expect(prefixes(await get("vnet-b", "b-to-a"))).toEqual(before);
  });

  it("does not sync on a plain re-PUT without the query flag (bicep-types-az#2621)", async () => {
    await resize("vnet-a", ["10.1.0.0/16", "10.99.0.0/16"]);
    const current = await get("vnet-b", "b-to-a");
    const put = await t.client.virtualNetworkPeerings.beginCreateOrUpdateAndWait(
      "rg",
      "vnet-b",
      "b-to-a",
      current,
      FAST_LRO,
    );
    expect(put.peeringSyncLevel).toBe("LocalNotInSync");
  });

  it("honours syncRemoteAddressSpace case-insensitively (PowerShell sends True)", async () => {
    await resize("vnet-a", ["10.1.0.0/16", "10.99.0.0/16"]);
    expect((await sync("vnet-b", "b-to-a", "True")).peeringSyncLevel).toBe("FullyInSync");
  });

  it("ignores other values of syncRemoteAddressSpace (unconfirmed; our choice)", async () => {
    await resize("vnet-a", ["10.1.0.0/16", "10.99.0.0/16"]);
    expect((await sync("vnet-b", "b-to-a", "yes")).peeringSyncLevel).toBe("LocalNotInSync");
  });

  it("shows LocalAndRemoteNotInSync on both halves when both VNets were resized, fixed by a sync on each", async () => {
    await resize("vnet-a", ["10.1.0.0/16", "10.99.0.0/16"]);
    await resize("vnet-b", ["10.2.0.0/16", "10.98.0.0/16"]);
    expect((await get("vnet-a", "a-to-b")).peeringSyncLevel).toBe("LocalAndRemoteNotInSync");
    expect((await get("vnet-b", "b-to-a")).peeringSyncLevel).toBe("LocalAndRemoteNotInSync");
    await sync("vnet-b", "b-to-a");
    expect((await get("vnet-a", "a-to-b")).peeringSyncLevel).toBe("LocalNotInSync");
    expect((await get("vnet-b", "b-to-a")).peeringSyncLevel).toBe("RemoteNotInSync");
    await sync("vnet-a", "a-to-b");
    expect((await get("vnet-a", "a-to-b")).peeringSyncLevel).toBe("FullyInSync");
    expect((await get("vnet-b", "b-to-a")).peeringSyncLevel).toBe("FullyInSync");
  });

  it("returns the synced values with provisioningState Updating in the sync PUT's own answer (docs/azure-behaviour.md#sync-semantics)", async () => {
    await resize("vnet-a", ["10.1.0.0/16", "10.99.0.0/16"]);
    const res = await raw(
      t.emu,
      "PUT",
      `${B}/virtualNetworkPeerings/b-to-a?syncRemoteAddressSpace=true&api-version=${API}`,
      {
        body: JSON.stringify({
          properties: { remoteVirtualNetwork: { id: A }, peeringSyncLevel: "LocalNotInSync" },
        }),
      },
    );
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      properties: {
        provisioningState: "Updating",
        peeringState: "Connected",
        peeringSyncLevel: "FullyInSync",
        remoteAddressSpace: { addressPrefixes: ["10.1.0.0/16", "10.99.0.0/16"] },
      },
    });
  });

  it("refuses a VNet PUT adding a prefix that overlaps a peered VNet (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet, chosen)", async () => {
    const e = await expectArmError(
      resize("vnet-a", ["10.1.0.0/16", "10.2.128.0/17"]),
      400,
      "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
    );
    expect(e.message).toContain(B);
    expect(e.message).toContain("Overlapping address prefixes: 10.2.128.0/17, 10.2.0.0/16");
    expect((await t.client.virtualNetworks.get("rg", "vnet-a")).addressSpace?.addressPrefixes).toEqual([
      "10.1.0.0/16",
    ]);
  });

  it("fails the sync operation when the pulled space overlaps another VNet already peered with this one", async () => {
    // hub = vnet-b, peered with vnet-a and vnet-c; vnet-a then grows over vnet-c's space.
    await createVnet(t.client, "rg", "vnet-c", ["10.3.0.0/16"]);
    const C = vnetIdOf(t.subscriptionId, "rg", "vnet-c");
    await peer(t.client, "rg", "vnet-b", "b-to-c", C);
    await peer(t.client, "rg", "vnet-c", "c-to-b", B);
    await resize("vnet-a", ["10.1.0.0/16", "10.3.128.0/17"]);
    await expectLroFailure(sync("vnet-b", "b-to-a"), "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet");
    const after = await get("vnet-b", "b-to-a");
    expect(after).toMatchObject({ provisioningState: "Failed", peeringSyncLevel: "LocalNotInSync" });
    expect(after.remoteAddressSpace?.addressPrefixes).toEqual(["10.1.0.0/16"]);
  });
});
