import { describe, expect, it } from "vitest";
import { plan } from "../../../src/reconcile/plan.js";
import {
  SUB_A,
  SUB_OTHER,
  connectedPair,
  peering,
  policy,
  resize,
  snapshot,
  vnet,
} from "../../support/builders.js";

describe("plan: skips", () => {
  it("skips an opted-out VNet once, whatever state its peerings are in", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"], tags: { "peering-sync": "off" } });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"] });
    const c = vnet("c", { addressPrefixes: ["10.3.0.0/16"] });
    connectedPair(a, b);
    peering(a, c, { state: "Disconnected" });
    resize(b, ["10.2.0.0/16", "10.22.0.0/16"], [a, b, c]);

    const actions = plan(snapshot([a, b, c]), policy({ repairDisconnected: true })).actions;

    expect(actions.filter((x) => x.vnetId === a.id)).toEqual([
      {
        kind: "skip",
        id: `skip:OptOutTag:${a.id.toLowerCase()}`,
        target: a.id,
        vnetId: a.id,
        skip: "OptOutTag",
        reason:
          "a is tagged peering-sync=off: its owner switched vnet-peering-sync off for it, so none of its peerings are written.",
      },
    ]);
  });

  it("honours a custom opt-out tag", () => {
    const a = vnet("a", { tags: { Managed: "manual" } });
    const actions = plan(snapshot([a]), policy({ optOutTag: { name: "managed", value: "MANUAL" } })).actions;
    expect(actions.map((x) => x.kind === "skip" && x.skip)).toEqual(["OptOutTag"]);
  });

  it("skips peerings managed by Azure Virtual Network Manager, saying when one is stale", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
    const spoke = vnet("spoke", { addressPrefixes: ["10.1.0.0/16"] });
    const [hubToSpoke, spokeToHub] = connectedPair(hub, spoke, {
      ab: { name: "ANM_123_hub" },
      ba: { name: "anm_456_spoke" },
    });
    resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], [hub, spoke]);

    const actions = plan(snapshot([hub, spoke]), policy()).actions;

    expect(actions.map((x) => [x.kind, x.kind === "skip" && x.skip, x.target])).toEqual([
      ["skip", "ManagedByVirtualNetworkManager", hubToSpoke.id],
      ["skip", "ManagedByVirtualNetworkManager", spokeToHub.id],
    ]);
    expect(actions[1]!.reason).toContain("It shows LocalNotInSync");
  });

  it("skips VNets of the snapshot outside the watched subscriptions", () => {
    const outside = vnet("x", { subscriptionId: SUB_OTHER });
    const inside = vnet("y");
    connectedPair(outside, inside);
    resize(inside, ["10.200.0.0/16"], [outside, inside]);

    const actions = plan(snapshot([outside, inside]), policy()).actions;

    expect(
      actions.filter((x) => x.vnetId === outside.id).map((x) => [x.kind, x.kind === "skip" && x.skip]),
    ).toEqual([["skip", "OutsideWatchedScope"]]);
    expect(actions.some((x) => x.kind === "sync" && x.vnetId === outside.id)).toBe(false);
  });

  it("skips VNets of a watched subscription outside policy.scope", () => {
    const inRg = vnet("in", { resourceGroup: "rg-a" });
    const outRg = vnet("out", { resourceGroup: "rg-b" });

    const actions = plan(
      snapshot([inRg, outRg]),
      policy({ scope: [`/subscriptions/${SUB_A}/resourceGroups/rg-a`] }),
    ).actions;

    expect(actions.map((x) => [x.kind === "skip" && x.skip, x.target])).toEqual([
      ["OutsideWatchedScope", outRg.id],
    ]);
  });
});
