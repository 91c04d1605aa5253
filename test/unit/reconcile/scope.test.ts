import { describe, expect, it } from "vitest";
import {
  isInScope,
  isManagedByNetworkManager,
  isOptedOut,
  locateVnet,
} from "../../../src/reconcile/scope.js";
import { vnetIdOf } from "../../../src/reconcile/ids.js";
import { RG, SUB_A, SUB_B, SUB_OTHER, policy, vnet } from "../../support/builders.js";

const hub = vnet("hub");

describe("isInScope", () => {
  it("accepts any VNet of a watched subscription when no narrower scope is set", () => {
    expect(isInScope(hub.id, policy())).toBe(true);
  });

  it("rejects a VNet of a subscription that is not watched", () => {
    expect(isInScope(vnet("x", { subscriptionId: SUB_OTHER }).id, policy())).toBe(false);
  });

  it("compares subscription ids case-insensitively", () => {
    expect(isInScope(hub.id.toUpperCase(), policy())).toBe(true);
  });

  it("accepts VNets under a resource-group scope and rejects look-alike group names", () => {
    const p = policy({ scope: [`/subscriptions/${SUB_A}/resourceGroups/RG-NET/`] });
    expect(isInScope(hub.id, p)).toBe(true);
    expect(isInScope(vnet("x", { resourceGroup: "rg-net2" }).id, p)).toBe(false);
  });

  it("accepts exactly the VNet named by a VNet scope", () => {
    const p = policy({ scope: [vnetIdOf({ subscriptionId: SUB_A, resourceGroup: RG, vnetName: "hub" })] });
    expect(isInScope(hub.id, p)).toBe(true);
    expect(isInScope(vnet("hub2").id, p)).toBe(false);
  });

  it("requires a watched subscription even when the scope names the VNet", () => {
    const outside = vnet("x", { subscriptionId: SUB_OTHER });
    expect(isInScope(outside.id, policy({ scope: [outside.id] }))).toBe(false);
  });

  it("accepts a subscription scope and rejects the other watched subscription", () => {
    const p = policy({ scope: [`/subscriptions/${SUB_B}`] });
    expect(isInScope(vnet("b", { subscriptionId: SUB_B }).id, p)).toBe(true);
    expect(isInScope(hub.id, p)).toBe(false);
  });
});

describe("isOptedOut", () => {
  it("matches the opt-out tag name and value case-insensitively", () => {
    expect(isOptedOut(vnet("x", { tags: { "Peering-Sync": "OFF" } }), policy())).toBe(true);
  });

  it("ignores the tag with another value", () => {
    expect(isOptedOut(vnet("x", { tags: { "peering-sync": "on" } }), policy())).toBe(false);
  });
});

describe("isManagedByNetworkManager", () => {
  it("treats peerings whose name starts with ANM_ (any case) as AVNM's", () => {
    expect(isManagedByNetworkManager({ name: "ANM_A1B2C3_vnet-hub" })).toBe(true);
    expect(isManagedByNetworkManager({ name: "anm_x" })).toBe(true);
  });

  it("leaves other names alone, even with ANM elsewhere", () => {
    expect(isManagedByNetworkManager({ name: "hub-to-ANM_spoke" })).toBe(false);
    expect(isManagedByNetworkManager({ name: "ANMspoke" })).toBe(false);
  });
});

describe("locateVnet", () => {
  const byKey = new Map([[hub.id.toLowerCase(), hub]]);
  const snap = { inaccessibleSubscriptions: [SUB_B] };

  it("finds a VNet of the snapshot that the product may write", () => {
    expect(locateVnet(hub.id.toUpperCase(), byKey, snap, policy())).toEqual({ kind: "writable", vnet: hub });
  });

  it("calls a VNet of an unreadable subscription inaccessible", () => {
    expect(locateVnet(vnet("b", { subscriptionId: SUB_B }).id, byKey, snap, policy()).kind).toBe(
      "inaccessible",
    );
  });

  it("calls a VNet outside the watched subscriptions out of scope", () => {
    expect(locateVnet(vnet("c", { subscriptionId: SUB_OTHER }).id, byKey, snap, policy()).kind).toBe(
      "outOfScope",
    );
  });

  it("calls an in-scope VNet absent from a readable subscription missing", () => {
    expect(locateVnet(vnet("gone").id, byKey, snap, policy()).kind).toBe("missing");
  });

  it("calls an opted-out VNet of the snapshot opted out", () => {
    const tagged = vnet("t", { tags: { "peering-sync": "off" } });
    const map = new Map([[tagged.id.toLowerCase(), tagged]]);
    expect(locateVnet(tagged.id, map, snap, policy()).kind).toBe("optedOut");
  });
});
