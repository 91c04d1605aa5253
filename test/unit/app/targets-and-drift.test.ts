import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { driftedVnets } from "../../../src/app/drift.js";
import { reconcileTargets } from "../../../src/app/targets.js";
import { SUB_B, SUB_OTHER, connectedPair, peering, policy, resize, vnet } from "../../support/builders.js";

describe("reconcile targets of a change", () => {
  const hub = vnet("hub");
  const spoke1 = vnet("spoke1");
  const spoke2 = vnet("spoke2", { subscriptionId: SUB_B });

  it("looks at the changed VNet and every VNet indexed as peering with it", () => {
    const targets = reconcileTargets(
      { operation: "vnetWrite", vnetId: hub.id },
      [spoke1.id, spoke2.id],
      policy(),
    );
    expect(targets).toEqual([hub.id, spoke1.id, spoke2.id]);
  });

  it("does not look at a deleted VNet, only at the partners it left Disconnected", () => {
    const targets = reconcileTargets(
      { operation: "vnetDelete", vnetId: hub.id },
      [spoke1.id, spoke2.id],
      policy(),
    );
    expect(targets).toEqual([spoke1.id, spoke2.id]);
  });

  it("names each VNet once whatever the casing, and only VNets in scope", () => {
    const outside = vnet("ext", { subscriptionId: SUB_OTHER });
    const targets = reconcileTargets(
      { operation: "peeringDelete", vnetId: hub.id },
      [spoke1.id.toUpperCase(), spoke1.id, outside.id, hub.id.toLowerCase()],
      policy(),
    );
    expect(targets).toEqual([hub.id, spoke1.id.toUpperCase()]);
  });

  it("respects a narrower SYNC_SCOPE", () => {
    const targets = reconcileTargets({ operation: "peeringWrite", vnetId: hub.id }, [spoke2.id], {
      ...policy(),
      scope: [`/subscriptions/${SUB_B}`],
    });
    expect(targets).toEqual([spoke2.id]);
  });

  it("never returns a VNet outside the watched subscriptions (property)", () => {
    const ids = [hub.id, spoke1.id, spoke2.id, vnet("x", { subscriptionId: SUB_OTHER }).id];
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.constantFrom("vnetWrite", "vnetDelete", "peeringWrite", "peeringDelete" as const),
        fc.array(fc.constantFrom(...ids)),
        (vnetId, operation, peers) => {
          const out = reconcileTargets({ operation, vnetId }, peers, policy());
          expect(out.every((id) => !id.includes(SUB_OTHER))).toBe(true);
          expect(new Set(out.map((id) => id.toLowerCase())).size).toBe(out.length);
        },
      ),
    );
  });
});

describe("drift, as the sweep sees it", () => {
  it("finds nothing on a healthy topology", () => {
    const hub = vnet("hub");
    const spoke = vnet("spoke", { subscriptionId: SUB_B });
    connectedPair(hub, spoke);
    expect(driftedVnets([hub, spoke], policy())).toEqual([]);
  });

  it("finds the VNet whose peering is LocalNotInSync after its peer grew", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
    const spoke = vnet("spoke", { addressPrefixes: ["10.1.0.0/16"] });
    connectedPair(hub, spoke);
    resize(hub, ["10.0.0.0/16", "10.2.0.0/16"], [hub, spoke]);
    expect(driftedVnets([hub, spoke], policy()).map((d) => d.vnetId)).toEqual([hub.id, spoke.id]);
  });

  it("finds a one-sided peering and the missing way back", () => {
    const hub = vnet("hub");
    const spoke = vnet("spoke");
    peering(spoke, hub, { state: "Initiated" });
    const drifts = driftedVnets([hub, spoke], policy());
    expect(drifts).toEqual([{ vnetId: spoke.id, reasons: ["spoke-to-hub is Initiated/FullyInSync"] }]);
  });

  it("finds a Connected peering whose remote has no peering back (a stale listing between two reads)", () => {
    const hub = vnet("hub");
    const spoke = vnet("spoke");
    peering(hub, spoke);
    expect(driftedVnets([hub, spoke], policy())).toEqual([
      { vnetId: hub.id, reasons: ["hub-to-spoke: spoke has no peering back"] },
    ]);
  });

  it("does not judge the way back in a subscription it could not read", () => {
    const hub = vnet("hub");
    const ext = vnet("ext", { subscriptionId: SUB_B });
    peering(hub, ext);
    expect(driftedVnets([hub], policy(), [SUB_B])).toEqual([]);
    expect(driftedVnets([hub], policy()).map((d) => d.vnetId)).toEqual([hub.id]);
  });

  it("ignores pairs that lie wholly outside SYNC_SCOPE", () => {
    const a = vnet("a");
    const b = vnet("b");
    peering(a, b, { state: "Initiated" });
    const narrow = policy({ scope: [`/subscriptions/${SUB_B}`] });
    expect(driftedVnets([a, b], narrow)).toEqual([]);
  });

  it("queues one reconcile per drifted pair: the other end is covered by it", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
    const spoke = vnet("spoke", { addressPrefixes: ["10.1.0.0/16"] });
    connectedPair(hub, spoke);
    resize(hub, ["10.0.0.0/16", "10.2.0.0/16"], [hub, spoke]);
    const drifts = driftedVnets([hub, spoke], policy());
    expect(drifts.map((d) => [d.vnetId, d.coveredBy])).toEqual([
      [hub.id, undefined],
      [spoke.id, hub.id],
    ]);
  });

  it("queues a VNet whose findings reach beyond the one pair another reconcile repairs", () => {
    // The hub's reconcile reads the hub's peers; a finding of spoke1 about spoke2 is out of its reach.
    const hub = vnet("hub");
    const spoke1 = vnet("spoke1");
    const spoke2 = vnet("spoke2");
    peering(hub, spoke1, { syncLevel: "LocalNotInSync" });
    peering(spoke1, hub, { syncLevel: "RemoteNotInSync" });
    peering(spoke1, spoke2, { state: "Disconnected" });
    const drifts = driftedVnets([hub, spoke1, spoke2], policy());
    expect(drifts.map((d) => [d.vnetId, d.coveredBy])).toEqual([
      [hub.id, undefined],
      [spoke1.id, undefined],
    ]);
  });

  it("does not count on a partner's reconcile that would not read this VNet (no peering to it)", () => {
    const hub = vnet("hub");
    const spoke = vnet("spoke");
    // The hub's half towards the spoke is gone; the hub drifted for another pair.
    peering(spoke, hub, { state: "Disconnected" });
    const other = vnet("other");
    peering(hub, other, { syncLevel: "LocalNotInSync" });
    peering(other, hub, { syncLevel: "RemoteNotInSync" });
    const drifts = driftedVnets([hub, other, spoke], policy());
    const coveredBy = Object.fromEntries(drifts.map((d) => [d.vnetId, d.coveredBy]));
    expect(coveredBy).toEqual({ [hub.id]: undefined, [other.id]: hub.id, [spoke.id]: undefined });
  });

  it("leaves every finding in reach of some queued VNet (property)", () => {
    const names = ["a", "b", "c", "d", "e"];
    const states = ["ok", "LocalNotInSync", "Disconnected", "missing"] as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(4), fc.nat(4), fc.constantFrom(...states)), { maxLength: 12 }),
        (edges) => {
          const vnets = names.map((n) => vnet(n));
          const seen = new Set<string>();
          for (const [i, j, state] of edges) {
            if (i === j || seen.has(`${i}-${j}`) || state === "missing") continue;
            seen.add(`${i}-${j}`);
            peering(vnets[i]!, vnets[j]!, {
              ...(state === "LocalNotInSync" ? { syncLevel: "LocalNotInSync" } : {}),
              ...(state === "Disconnected" ? { state: "Disconnected" } : {}),
            });
          }
          const drifts = driftedVnets(vnets, policy());
          const queued = new Set(drifts.filter((d) => !d.coveredBy).map((d) => d.vnetId));
          const byId = new Map(vnets.map((v) => [v.id, v]));
          for (const d of drifts) {
            if (!d.coveredBy) continue;
            // Covered only by a queued VNet that peers with it (so its reconcile reads this one)...
            expect(queued.has(d.coveredBy)).toBe(true);
            expect(byId.get(d.coveredBy)!.peerings.some((p) => p.remoteVnetId === d.vnetId)).toBe(true);
            // ...and only when every finding of this one concerns that pair.
            const own = byId.get(d.vnetId)!;
            const flagged = own.peerings.filter(
              (p) =>
                p.state !== "Connected" ||
                p.syncLevel !== "FullyInSync" ||
                !byId.get(p.remoteVnetId)?.peerings.some((q) => q.remoteVnetId === own.id),
            );
            expect(flagged.every((p) => p.remoteVnetId === d.coveredBy)).toBe(true);
          }
        },
      ),
    );
  });
});
