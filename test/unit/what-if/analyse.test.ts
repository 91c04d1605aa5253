import { describe, expect, it } from "vitest";
import { analyseWhatIf } from "../../../src/what-if/index.js";
import type { Policy, Snapshot, Vnet } from "../../../src/reconcile/types.js";
import { BASE_POLICY, connectedPair, subnet, SUB_A, vnet } from "../../support/builders.js";

/** The pure analysis on hand-built topologies: the cases the emulator cannot stage. */

const policy: Policy = { ...BASE_POLICY, watchedSubscriptions: [SUB_A] };
const snap = (...vnets: Vnet[]): Snapshot => ({ vnets, inaccessibleSubscriptions: [] });

describe("analyseWhatIf", () => {
  it("accepts IPv6 prefixes however they are written, and refuses host bits", () => {
    const a = vnet("a", { addressPrefixes: ["10.0.0.0/16"] });
    const ok = analyseWhatIf({
      snapshot: snap(a),
      policy,
      changes: [{ vnetId: a.id, addressPrefixes: ["10.0.0.0/16", "2001:0db8:0000::/48"] }],
    });
    expect(ok.refused).toEqual([]);
    const bad = analyseWhatIf({
      snapshot: snap(a),
      policy,
      changes: [{ vnetId: a.id, addressPrefixes: ["10.0.0.0/16", "2001:db8::1/48"] }],
    });
    expect(bad.refused.map((r) => [r.code, r.message])).toEqual([
      [
        "InvalidCIDRNotation",
        "2001:db8::1/48 has host bits set: for its length the prefix is 2001:db8::/48.",
      ],
    ]);
  });

  it("two VNets changed together are checked against each other's new space", () => {
    const a = vnet("a", { addressPrefixes: ["10.0.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.1.0.0/16"] });
    connectedPair(a, b);
    const answer = analyseWhatIf({
      snapshot: snap(a, b),
      policy,
      changes: [
        { vnetId: a.id, addressPrefixes: ["10.0.0.0/16", "10.9.0.0/16"] },
        { vnetId: b.id, addressPrefixes: ["10.1.0.0/16", "10.9.128.0/17"] },
      ],
    });
    expect(answer.refused.map((r) => [r.code, r.vnetId, r.otherVnetId])).toEqual([
      ["VnetAddressSpaceOverlapsWithAlreadyPeeredVnet", a.id, b.id],
      ["VnetAddressSpaceOverlapsWithAlreadyPeeredVnet", b.id, a.id],
    ]);
  });

  it("a peering not yet Connected needs no sync; a Disconnected peer is not an overlap", () => {
    const a = vnet("a", { addressPrefixes: ["10.0.0.0/16"], subnets: [subnet("s", "10.0.1.0/24")] });
    const b = vnet("b", { addressPrefixes: ["10.1.0.0/16"] });
    const c = vnet("c", { addressPrefixes: ["10.2.0.0/16"] });
    connectedPair(a, b, { ba: { state: "Initiated", syncLevel: "RemoteNotInSync" } });
    connectedPair(a, c, { ab: { state: "Disconnected" }, ba: { state: "Disconnected" } });
    const answer = analyseWhatIf({
      snapshot: snap(a, b, c),
      policy,
      changes: [{ vnetId: a.id, addressPrefixes: ["10.0.0.0/16", "10.2.128.0/17"] }],
    });
    expect(answer.followUp).toEqual([]);
    expect(answer.refused).toEqual([]);
    expect(answer.verdict).toBe("nothing");
  });

  it("the lower bound grows past ARM's write burst", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
    const spokes = Array.from({ length: 250 }, (_, i) =>
      vnet(`s${i}`, { addressPrefixes: [`10.${1 + Math.floor(i / 250)}.${i}.0/24`] }),
    );
    for (const s of spokes) connectedPair(hub, s);
    const answer = analyseWhatIf({
      snapshot: snap(hub, ...spokes),
      policy,
      changes: [{ vnetId: hub.id, addressPrefixes: ["10.0.0.0/16", "10.100.0.0/16"] }],
    });
    expect(answer.estimate).toEqual({
      productWrites: 250,
      writesPerSubscription: { [SUB_A]: 250 },
      lowerBoundSeconds: (250 - 200) / 10 + 15,
    });
  });
});
