import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { driftedVnets, type Drift } from "../../../src/app/drift.js";
import { VnetIndex, type InventoryVnet } from "../../../src/app/vnet-index.js";
import { idKey, subscriptionOf } from "../../../src/reconcile/ids.js";
import { isInScope } from "../../../src/reconcile/scope.js";
import type { Policy, Vnet } from "../../../src/reconcile/types.js";
import { RG, SUB_A, SUB_B, SUB_OTHER, connectedPair, peering, policy, vnet } from "../../support/builders.js";

/**
 * The sweep now streams VNets into a compact index instead of holding every VNet it read. These
 * prove it finds exactly what the test over full VNets found: the oracle below is that test as it
 * was, over full `Vnet` objects.
 */
function oracle(vnets: readonly Vnet[], p: Policy, unreadableSubs: readonly string[]): Drift[] {
  const byKey = new Map(vnets.map((v) => [idKey(v.id), v]));
  const watched = new Set(p.watchedSubscriptions.map((s) => s.toLowerCase()));
  const unreadable = new Set(unreadableSubs.map((s) => s.toLowerCase()));
  const drifts: Drift[] = [];
  for (const v of vnets) {
    const reasons: string[] = [];
    for (const peer of v.peerings) {
      if (!isInScope(v.id, p) && !isInScope(peer.remoteVnetId, p)) continue;
      if (peer.state !== "Connected" || peer.syncLevel !== "FullyInSync") {
        reasons.push(`${peer.name} is ${peer.state}/${peer.syncLevel}`);
        continue;
      }
      const sub = subscriptionOf(peer.remoteVnetId);
      if (!sub || !watched.has(sub) || unreadable.has(sub)) continue;
      const remote = byKey.get(idKey(peer.remoteVnetId));
      if (!remote) reasons.push(`${peer.name}: the remote VNet no longer exists`);
      else if (!remote.peerings.some((q) => idKey(q.remoteVnetId) === idKey(v.id)))
        reasons.push(`${peer.name}: ${remote.name} has no peering back`);
    }
    if (reasons.length > 0) drifts.push({ vnetId: v.id, reasons });
  }
  return drifts;
}

/** What Resource Graph's rows carry of a VNet: its id and, per peering, name, remote, state, level. */
function compact(v: Vnet): InventoryVnet {
  return {
    id: v.id,
    peerings: v.peerings.map((p) => ({
      name: p.name,
      remoteVnetId: p.remoteVnetId,
      state: p.state,
      syncLevel: p.syncLevel,
    })),
  };
}

const SUBS = [SUB_A, SUB_B, SUB_OTHER];
const STATES = ["Connected", "Initiated", "Disconnected"] as const;
const LEVELS = ["FullyInSync", "LocalNotInSync", "RemoteNotInSync"] as const;

/** Random estates: VNets over three subscriptions (one unwatched), random peerings between them. */
const estate = fc
  .record({
    vnets: fc.array(fc.tuple(fc.constantFrom(...SUBS), fc.boolean()), { minLength: 1, maxLength: 12 }),
    links: fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat(),
        fc.constantFrom(...STATES),
        fc.constantFrom(...LEVELS),
        fc.boolean(), // casing of the remote id as written
      ),
      { maxLength: 30 },
    ),
    listed: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
    unreadable: fc.subarray(SUBS),
    scoped: fc.constantFrom("none", "subscription", "resource group", "vnet"),
  })
  .map(({ vnets: specs, links, listed, unreadable, scoped }) => {
    const vnets = specs.map(([subscriptionId, upper], i) => {
      const v = vnet(`v${i}`, { subscriptionId });
      return upper ? { ...v, id: v.id.replace("/resourceGroups/", "/RESOURCEGROUPS/") } : v;
    });
    for (const [a, b, state, syncLevel, shout] of links) {
      const from = vnets[a % vnets.length]!;
      const to = vnets[b % vnets.length]!;
      if (from === to || from.peerings.some((p) => idKey(p.remoteVnetId) === idKey(to.id))) continue;
      const p = peering(from, to, { state, syncLevel });
      if (shout) p.remoteVnetId = p.remoteVnetId.toUpperCase();
    }
    // Some VNets were not read (deleted, or in a page that never came).
    const read = vnets.filter((_, i) => listed[i] !== false || i === 0);
    const scopes: Record<typeof scoped, string[]> = {
      none: [],
      subscription: [`/subscriptions/${SUB_B}`],
      // Casing and a trailing slash as a person may write them.
      "resource group": [`/SUBSCRIPTIONS/${SUB_A}/resourceGroups/${RG.toUpperCase()}/`],
      vnet: [vnets[vnets.length - 1]!.id.toUpperCase(), `/subscriptions/${SUB_OTHER}`],
    };
    const p = policy({ scope: scopes[scoped] });
    return { read, unreadable, policy: p };
  });

describe("the sweep's compact index finds the same drift as full VNets", () => {
  it("for random estates, read as full VNets or as compact rows, in any scope (property)", () => {
    fc.assert(
      fc.property(estate, ({ read, unreadable, policy: p }) => {
        const expected = oracle(read, p, unreadable);
        const fromFull = driftedVnets(read, p, unreadable);
        // The findings are the oracle's; which drift another one's reconcile covers is the same
        // from either source (its own rules: test/unit/app/targets-and-drift.test.ts).
        expect(fromFull.map(({ vnetId, reasons }) => ({ vnetId, reasons }))).toEqual(expected);
        expect(driftedVnets(VnetIndex.from(read.map(compact)), p, unreadable)).toEqual(fromFull);
      }),
      { numRuns: 300 },
    );
  });

  it("a VNet read twice (a repeated page, a fallback list) counts as its last read", () => {
    const hub = vnet("hub");
    const spoke = vnet("spoke", { subscriptionId: SUB_B });
    peering(hub, spoke);
    const stale = compact(hub);
    connectedPair(vnet("x"), vnet("y"));
    const fixedSpoke = { ...spoke, peerings: [] as Vnet["peerings"] };
    peering(fixedSpoke, hub);
    const index = new VnetIndex();
    index.add(stale);
    index.add(compact(spoke));
    expect(driftedVnets(index, policy()).map((d) => d.reasons)).toEqual([
      ["hub-to-spoke: spoke has no peering back"],
    ]);
    index.add(compact(fixedSpoke));
    expect(index.size).toBe(2);
    expect(driftedVnets(index, policy())).toEqual([]);
  });

  it("gives back every VNet read with its peerings, for the peer index", () => {
    const hub = vnet("hub");
    const spoke = vnet("spoke");
    peering(hub, spoke, { state: "Initiated" });
    const index = VnetIndex.from([compact(hub), compact(spoke)]);
    expect([...index.vnets()]).toEqual([compact(hub), compact(spoke)]);
    expect(index.has(hub.id.toUpperCase())).toBe(true);
    expect(index.has(vnet("gone").id)).toBe(false);
  });
});
