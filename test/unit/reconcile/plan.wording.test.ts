import { describe, expect, it } from "vitest";
import { plan } from "../../../src/reconcile/plan.js";
import {
  SUB_A,
  SUB_B,
  SUB_OTHER,
  connectedPair,
  policy,
  resize,
  snapshot,
  vnet,
} from "../../support/builders.js";

describe("plan: wording of reasons", () => {
  it("names an in-scope VNet of another watched subscription by its name alone", () => {
    const hub = vnet("hub", { subscriptionId: SUB_A, addressPrefixes: ["10.0.0.0/16"] });
    const spoke = vnet("spoke", { subscriptionId: SUB_B, addressPrefixes: ["10.1.0.0/16"] });
    connectedPair(hub, spoke);
    resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], [hub, spoke]);

    const [sync] = plan(snapshot([hub, spoke]), policy()).actions;

    expect(sync?.reason).toMatch(/^hub gained 10\.9\.0\.0\/16;/);
    expect(sync?.reason).not.toContain("subscription");
  });

  it("qualifies a VNet name with its subscription when two VNets share the name", () => {
    const hub = vnet("hub", { subscriptionId: SUB_A, addressPrefixes: ["10.0.0.0/16"] });
    const twin = vnet("hub", { subscriptionId: SUB_B, addressPrefixes: ["10.1.0.0/16"] });
    connectedPair(twin, hub);
    resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], [hub, twin]);

    const [sync] = plan(snapshot([hub, twin]), policy()).actions;

    expect(sync?.reason).toContain(`hub (subscription ${SUB_A.toLowerCase()}) gained 10.9.0.0/16`);
  });

  it("says where a VNet outside the watched scope lives, since its owner must act", () => {
    const hub = vnet("hub", { subscriptionId: SUB_A, addressPrefixes: ["10.0.0.0/16"] });
    const outside = vnet("partner", { subscriptionId: SUB_OTHER, addressPrefixes: ["10.1.0.0/16"] });
    connectedPair(hub, outside);
    resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], [hub, outside]);

    const alert = plan(snapshot([hub, outside]), policy()).actions.find((a) => a.kind === "alertOnly");

    expect(alert?.reason).toContain(`partner (subscription ${SUB_OTHER.toLowerCase()})`);
  });
});
