import { describe, expect, it } from "vitest";
import { plan } from "../../../src/reconcile/plan.js";
import {
  SUB_A,
  SUB_B,
  SUB_OTHER,
  connectedPair,
  peering,
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

  describe("a stale partner outside the watched scope", () => {
    const partnerLabel = `partner (subscription ${SUB_OTHER.toLowerCase()})`;
    const occurrences = (text: string, part: string) => text.split(part).length - 1;

    it("names the partner VNet once in the remedy when its peering back was not read", () => {
      const hub = vnet("hub", { subscriptionId: SUB_A, addressPrefixes: ["10.0.0.0/16"] });
      const outside = vnet("partner", { subscriptionId: SUB_OTHER, addressPrefixes: ["10.1.0.0/16"] });
      connectedPair(hub, outside);
      resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], [hub, outside]);

      // Only the hub is read: the partner's VNet (and so its peering back) is unknown.
      const alert = plan(snapshot([hub]), policy()).actions.find((a) => a.kind === "alertOnly");

      expect(alert?.kind === "alertOnly" && alert.remedy).toBe(
        `The owner of ${partnerLabel} must sync its peering to hub (az network vnet peering sync).`,
      );
      expect(alert?.reason).toBe(
        `hub changed its address space (now 10.0.0.0/16, 10.9.0.0/16), so the peering on ${partnerLabel} that points at hub still peers the old range. ` +
          "vnet-peering-sync does not sync it: the remote VNet is outside the watched scope.",
      );
    });

    it("names the peering back when it was read, and the partner VNet once", () => {
      const hub = vnet("hub", { subscriptionId: SUB_A, addressPrefixes: ["10.0.0.0/16"] });
      const outside = vnet("partner", { subscriptionId: SUB_OTHER, addressPrefixes: ["10.1.0.0/16"] });
      connectedPair(hub, outside);
      resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], [hub, outside]);

      const alert = plan(snapshot([hub, outside]), policy()).actions.find((a) => a.kind === "alertOnly");

      expect(alert?.kind === "alertOnly" && alert.remedy).toBe(
        `The owner of ${partnerLabel} must sync its peering partner-to-hub (az network vnet peering sync).`,
      );
      expect(occurrences(alert?.reason ?? "", partnerLabel)).toBe(1);
      expect(alert?.reason).toContain(`so partner-to-hub on ${partnerLabel} still peers the old range`);
    });
  });

  it("never names the same qualified VNet twice in one remedy, whatever the alert", () => {
    // Every alert a foreign or inaccessible partner can raise: stale partner (read and unread),
    // Initiated without a peering back, Disconnected.
    const cases: { vnets: () => ReturnType<typeof vnet>[]; inaccessible?: string[] }[] = [];
    for (const sub of [SUB_OTHER, SUB_B]) {
      const inaccessible = sub === SUB_B ? [SUB_B.toLowerCase()] : [];
      const make =
        (setup: (hub: ReturnType<typeof vnet>, far: ReturnType<typeof vnet>) => void, readFar: boolean) =>
        () => {
          const hub = vnet("hub", { subscriptionId: SUB_A, addressPrefixes: ["10.0.0.0/16"] });
          const far = vnet("partner", { subscriptionId: sub, addressPrefixes: ["10.1.0.0/16"] });
          setup(hub, far);
          return readFar && sub === SUB_OTHER ? [hub, far] : [hub];
        };
      const stale = (hub: ReturnType<typeof vnet>, far: ReturnType<typeof vnet>) => {
        connectedPair(hub, far);
        resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], [hub, far]);
      };
      const initiated = (hub: ReturnType<typeof vnet>, far: ReturnType<typeof vnet>) => {
        peering(hub, far, { state: "Initiated", syncLevel: "RemoteNotInSync" });
      };
      const disconnected = (hub: ReturnType<typeof vnet>, far: ReturnType<typeof vnet>) => {
        peering(hub, far, { state: "Disconnected" });
      };
      for (const setup of [stale, initiated, disconnected])
        for (const readFar of [true, false]) cases.push({ vnets: make(setup, readFar), inaccessible });
    }
    let alerts = 0;
    for (const c of cases) {
      for (const repairDisconnected of [false, true]) {
        for (const action of plan(snapshot(c.vnets(), c.inaccessible), policy({ repairDisconnected }))
          .actions) {
          if (action.kind !== "alertOnly") continue;
          alerts++;
          for (const label of [
            `partner (subscription ${SUB_OTHER.toLowerCase()})`,
            `partner (subscription ${SUB_B.toLowerCase()})`,
          ]) {
            expect(action.remedy.split(label).length - 1, action.remedy).toBeLessThanOrEqual(1);
          }
          expect(action.remedy, action.remedy).not.toMatch(/\b(\S+) of \1\b/);
        }
      }
    }
    expect(alerts).toBeGreaterThanOrEqual(cases.length);
  });
});
