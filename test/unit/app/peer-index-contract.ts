import { describe, expect, it } from "vitest";
import type { PeerIndex } from "../../../src/app/ports.js";
import type { Vnet } from "../../../src/reconcile/types.js";
import { SUB_A, SUB_B, peering, vnet } from "../../support/builders.js";

/**
 * One contract for every PeerIndex: the in-memory twin (unit) and the Table Storage adapter on Azurite
 * (integration) must answer "who peers with this VNet" the same way, after records and rebuilds.
 */

/** `name` peering to each of `remotes` (one-sided is enough: the index records what a VNet holds). */
function peered(name: string, remotes: Vnet[], subscriptionId = SUB_A): Vnet {
  const v = vnet(name, { subscriptionId });
  for (const remote of remotes) peering(v, remote);
  return v;
}

const sorted = (ids: string[]) => [...ids].sort();

export function peerIndexContract(name: string, makeIndex: () => Promise<PeerIndex>): void {
  describe(`PeerIndex contract: ${name}`, () => {
    it("knows nobody peers with a VNet it never saw", async () => {
      const index = await makeIndex();
      expect(await index.peersOf(vnet("hub").id)).toEqual([]);
    });

    it("answers every VNet whose peering points at the one asked for", async () => {
      const index = await makeIndex();
      const hub = vnet("hub");
      const other = vnet("other");
      const spoke1 = peered("spoke1", [hub]);
      const spoke2 = peered("spoke2", [hub, other]);
      await index.record([spoke1, spoke2]);
      expect(sorted(await index.peersOf(hub.id))).toEqual(sorted([spoke1.id, spoke2.id]));
      expect(await index.peersOf(other.id)).toEqual([spoke2.id]);
    });

    it("matches ids case-insensitively, as ARM does", async () => {
      const index = await makeIndex();
      const hub = vnet("hub");
      const spoke = peered("spoke", [hub]);
      await index.record([spoke]);
      expect(await index.peersOf(hub.id.toUpperCase())).toEqual([spoke.id]);
    });

    it("replaces exactly the rows of a VNet read again", async () => {
      const index = await makeIndex();
      const hub = vnet("hub");
      const other = vnet("other");
      await index.record([peered("spoke", [hub]), peered("keep", [hub])]);
      // spoke was read again: its peering to the hub is gone, a new one to `other` exists.
      await index.record([peered("spoke", [other])]);
      expect(await index.peersOf(hub.id)).toEqual([vnet("keep").id]);
      expect(await index.peersOf(other.id)).toEqual([vnet("spoke").id]);
    });

    it("forgets a VNet read again with no peerings", async () => {
      const index = await makeIndex();
      const hub = vnet("hub");
      await index.record([peered("spoke", [hub])]);
      await index.record([vnet("spoke")]);
      expect(await index.peersOf(hub.id)).toEqual([]);
    });

    it("records a VNet read twice unchanged once", async () => {
      const index = await makeIndex();
      const hub = vnet("hub");
      await index.record([peered("spoke", [hub])]);
      await index.record([peered("spoke", [hub])]);
      expect(await index.peersOf(hub.id)).toEqual([vnet("spoke").id]);
    });

    it("on rebuild drops the VNets gone from the subscriptions read, and counts their rows", async () => {
      const index = await makeIndex();
      const hub = vnet("hub");
      const other = vnet("other");
      await index.record([peered("gone", [hub, other]), peered("stays", [hub])]);
      const { removed } = await index.rebuild([peered("stays", [hub])], [SUB_A]);
      expect(removed).toBe(2);
      expect(await index.peersOf(hub.id)).toEqual([vnet("stays").id]);
      expect(await index.peersOf(other.id)).toEqual([]);
    });

    it("on rebuild keeps the VNets of subscriptions it could not read", async () => {
      const index = await makeIndex();
      const hub = vnet("hub");
      const elsewhere = peered("elsewhere", [hub], SUB_B);
      await index.record([elsewhere]);
      const { removed } = await index.rebuild([], [SUB_A]);
      expect(removed).toBe(0);
      expect(await index.peersOf(hub.id)).toEqual([elsewhere.id]);
    });

    it("on rebuild records what it was given", async () => {
      const index = await makeIndex();
      const hub = vnet("hub");
      const spoke = peered("spoke", [hub]);
      expect(await index.rebuild([spoke], [SUB_A])).toEqual({ removed: 0 });
      expect(await index.peersOf(hub.id)).toEqual([spoke.id]);
    });
  });
}
