import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.js";
import { startArmLike } from "../../../bench/lib/arm-like.js";
import { seedPairs, subscriptionIds, subscriptionOfId } from "../../../bench/lib/estate.js";
import { driftIn, seedEstate } from "../../../bench/scenarios/instances.js";

/**
 * Where the benchmark estates put their VNets: the figures of bench/README.md were measured on these
 * layouts (which subscription holds which VNet decides whose buckets a sync spends).
 */
const rgOf = (id: string) => id.split("/")[4];
const peersOf = (emu: Emulator, id: string) =>
  (
    emu.seed.getVnet(id) as {
      properties: { virtualNetworkPeerings: { properties: { remoteVirtualNetwork: { id: string } } }[] };
    }
  ).properties.virtualNetworkPeerings.map((p) => p.properties.remoteVirtualNetwork.id);

describe("bench estates", () => {
  let emu: Emulator | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  it("seedPairs: round-robin over the subscriptions, 50 VNets of a subscription per resource group, pairs peered", async () => {
    emu = await startArmLike(1);
    const subs = subscriptionIds(3);
    const estate = seedPairs(emu, 301, 3);
    expect(estate.vnetIds.map(subscriptionOfId).slice(0, 4)).toEqual([subs[0], subs[1], subs[2], subs[0]]);
    expect([149, 150, 300].map((i) => rgOf(estate.vnetIds[i]!))).toEqual(["rg-000", "rg-001", "rg-002"]);
    expect(Object.fromEntries(estate.vnetsPerSubscription)).toEqual({
      [subs[0]!]: 101,
      [subs[1]!]: 100,
      [subs[2]!]: 100,
    });
    expect(peersOf(emu, estate.vnetIds[2]!)).toEqual([estate.vnetIds[3]]);
    // The odd one out has no partner.
    expect(peersOf(emu, estate.vnetIds[300]!)).toEqual([]);
  });

  it("seedEstate with hot VNets: those alternate over subscriptions 0 and 1, the rest round-robin over the others, resource groups of 100", async () => {
    emu = await startArmLike(1);
    const subs = subscriptionIds(4);
    const estate = seedEstate(emu, 220, 4, 8);
    expect(estate.vnetIds.slice(0, 10).map(subscriptionOfId)).toEqual([
      ...[0, 1, 0, 1, 0, 1, 0, 1].map((s) => subs[s]),
      subs[2],
      subs[3],
    ]);
    expect([99, 100, 219].map((i) => rgOf(estate.vnetIds[i]!))).toEqual(["rg-000", "rg-001", "rg-002"]);
    expect(Object.fromEntries(estate.vnetsPerSubscription)).toEqual({
      [subs[0]!]: 4,
      [subs[1]!]: 4,
      [subs[2]!]: 106,
      [subs[3]!]: 106,
    });
    expect(peersOf(emu, estate.vnetIds[0]!)).toEqual([estate.vnetIds[1]]);
    driftIn(emu, estate, 4, 8);
    expect(Object.fromEntries(estate.syncsPerSubscription)).toEqual({ [subs[1]!]: 4 });
  });

  it("seedEstate without hot VNets is seedPairs' layout; a hot pair needs three subscriptions", async () => {
    emu = await startArmLike(1);
    expect(seedEstate(emu, 10, 3, 0).vnetIds.map(rgOf)).toEqual(Array(10).fill("rg-000"));
    expect(() => seedEstate(emu!, 10, 2, 4)).toThrow(/3 subscriptions or more/);
  });
});
