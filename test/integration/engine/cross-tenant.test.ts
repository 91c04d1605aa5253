import { afterEach, describe, expect, it } from "vitest";
import type { ReconcileOutcome } from "../../../src/reconcile/run.js";
import type { AlertOnlyAction } from "../../../src/reconcile/types.js";
import {
  APP,
  crossTenantEstate,
  type Estate,
  hub,
  spoke,
  SPOKES,
  SUB_A,
  SUB_B,
  TENANT_A,
  TENANT_B,
} from "../../support/cross-tenant-estate.js";

/**
 * A hub in tenant A and spokes in tenant B, both subscriptions watched, the multi-tenant application
 * consented in B and Network Contributor on the VNets: the product converges across tenants with the
 * fewest writes, and every write into the other tenant carries exactly one auxiliary token, for that
 * tenant (docs/cross-tenant.md). Without consent or role the same changes end in precise alerts and
 * no write. The emulator checks every token's tenant and audience (emulator/tenants.ts), and the
 * port signs in with the real ClientAssertionCredential at the emulator's token endpoint.
 */

let current: Estate | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

async function estate(options?: Parameters<typeof crossTenantEstate>[0]): Promise<Estate> {
  current = await crossTenantEstate(options);
  return current;
}

const writesIn = (o: ReconcileOutcome) =>
  o.report.results.filter((r) => r.action.kind !== "alertOnly" && r.action.kind !== "skip");
const alertsIn = (o: ReconcileOutcome) =>
  o.report.results.map((r) => r.action).filter((a): a is AlertOnlyAction => a.kind === "alertOnly");

describe("hub in tenant A, spokes in tenant B", () => {
  it("syncs every spoke's peering when the hub grows, each write with tenant A's auxiliary token only", async () => {
    const h = await estate();
    h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.200.0.0/16"]);
    h.reset();
    const out = await h.run();
    expect(writesIn(out).map((r) => [r.action.kind, r.result.status])).toEqual(
      Array.from({ length: SPOKES }, () => ["sync", "succeeded"]),
    );
    expect(h.writes()).toBe(SPOKES);
    const aux = h.auxiliaryByWrite();
    expect(aux).toHaveLength(SPOKES);
    for (const a of aux) {
      expect(a.path.toLowerCase()).toContain(`/subscriptions/${SUB_B}/`);
      expect(a.tenants).toEqual([TENANT_A]);
    }
    // Reads and polls never carry a partner tenant's token.
    expect(h.emu.tenancy.auxiliaryHeadersSeen.filter((s) => s.method !== "PUT")).toEqual([]);
    h.reset();
    await h.run();
    expect(h.writes()).toBe(0);
    // Converged: one list per watched subscription and nothing else; tenants are cached, and no
    // permission is read when nothing is to be written.
    expect(h.emu.count({ method: "GET" })).toBe(2);
  });

  it("syncs the hub's peering when a spoke grows, with tenant B's auxiliary token", async () => {
    const h = await estate();
    h.emu.seed.setAddressSpace(spoke(2), ["10.1.2.0/24", "10.2.2.0/24"]);
    h.reset();
    const out = await h.run();
    expect(writesIn(out).map((r) => [r.action.kind, r.action.target])).toEqual([
      ["sync", `${hub}/virtualNetworkPeerings/hub-to-s2`],
    ]);
    expect(h.auxiliaryByWrite()).toEqual([
      { method: "PUT", path: `${hub}/virtualNetworkPeerings/hub-to-s2`, tenants: [TENANT_B] },
    ]);
  });

  it("creates the missing half in tenant B (watched) with tenant A's auxiliary token", async () => {
    const h = await estate();
    h.emu.seed.deletePeering(`${spoke(1)}/virtualNetworkPeerings/s1-to-hub`);
    h.emu.seed.peering({ vnetId: hub, remoteVnetId: spoke(1), name: "hub-to-s1" });
    h.reset();
    const out = await h.run({ repairDisconnected: true });
    expect(writesIn(out).map((r) => [r.action.kind, r.action.target, r.result.status])).toEqual([
      ["createReciprocal", `${spoke(1)}/virtualNetworkPeerings/s1-to-hub`, "succeeded"],
    ]);
    expect(h.writes()).toBe(1);
    expect(h.auxiliaryByWrite()).toEqual([
      { method: "PUT", path: `${spoke(1)}/virtualNetworkPeerings/s1-to-hub`, tenants: [TENANT_A] },
    ]);
    h.reset();
    await h.run({ repairDisconnected: true });
    expect(h.writes()).toBe(0);
  });

  it("creates the missing half in tenant A (the hub) with tenant B's auxiliary token", async () => {
    const h = await estate();
    h.emu.seed.deletePeering(`${hub}/virtualNetworkPeerings/hub-to-s2`);
    h.emu.seed.peering({ vnetId: spoke(2), remoteVnetId: hub, name: "s2-to-hub" });
    h.reset();
    const out = await h.run({ repairDisconnected: true });
    expect(writesIn(out).map((r) => [r.action.kind, r.action.target, r.result.status])).toEqual([
      ["createReciprocal", `${hub}/virtualNetworkPeerings/hub-to-s2`, "succeeded"],
    ]);
    expect(h.auxiliaryByWrite()).toEqual([
      { method: "PUT", path: `${hub}/virtualNetworkPeerings/hub-to-s2`, tenants: [TENANT_B] },
    ]);
  });

  it("repairs a deleted half (hub side Disconnected) with two writes, each with the other tenant's token", async () => {
    const h = await estate();
    h.emu.seed.deletePeering(`${spoke(3)}/virtualNetworkPeerings/s3-to-hub`);
    h.reset();
    const out = await h.run({ repairDisconnected: true });
    expect(writesIn(out).map((r) => [r.action.kind, r.result.status])).toEqual([
      ["resetDisconnected", "succeeded"],
      ["createReciprocal", "succeeded"],
    ]);
    expect(h.writes()).toBe(2);
    expect(h.auxiliaryByWrite().map((a) => a.tenants)).toEqual([[TENANT_B], [TENANT_A]]);
    h.reset();
    await h.run({ repairDisconnected: true });
    expect(h.writes()).toBe(0);
  });
});

describe("hub in tenant A, spokes in tenant B, access missing", () => {
  it("without consent in tenant B: no write, and the alert names the admin consent step", async () => {
    const h = await estate({ consentB: false });
    h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.200.0.0/16"]);
    h.reset();
    const out = await h.run();
    expect(h.writes()).toBe(0);
    expect(writesIn(out)).toEqual([]);
    const alerts = alertsIn(out);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      expect(a.reason).toContain(`tenant ${TENANT_B}`);
      expect(a.reason).toContain(`has not consented to application ${APP}`);
      expect(a.remedy).toContain(`/${TENANT_B}/adminconsent?client_id=${APP}`);
    }
  });

  it("with tenant B not allowed in the settings: no write, and the alert names the setting", async () => {
    const h = await estate({ allowB: false });
    h.emu.seed.setAddressSpace(spoke(1), ["10.1.1.0/24", "10.2.1.0/24"]);
    h.reset();
    const out = await h.run();
    expect(h.writes()).toBe(0);
    expect(alertsIn(out).some((a) => a.remedy.includes("CROSS_TENANT_ALLOWED_TENANTS"))).toBe(true);
  });

  it("with tenant B consented but its subscription not watched: no write there, the alert names the opt-in", async () => {
    const h = await estate({ watchB: false });
    h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.200.0.0/16"]);
    h.reset();
    const out = await h.run();
    expect(h.writes()).toBe(0);
    const alerts = alertsIn(out);
    expect(alerts).toHaveLength(SPOKES);
    for (const a of alerts) {
      expect(a.problem).toBe("PeerOutOfScope");
      expect(a.reason).toContain(
        `is in tenant ${TENANT_B}, which allows application ${APP}, but its subscription ${SUB_B} is not watched`,
      );
      expect(a.remedy).toContain(`add ${SUB_B} to WATCHED_SUBSCRIPTIONS`);
    }
  });

  it("with only Reader on the spokes: the sync becomes an alert naming the role assignment command", async () => {
    const h = await estate({ roleOnSpokes: "Reader" });
    h.emu.seed.setAddressSpace(hub, ["10.0.0.0/16", "10.200.0.0/16"]);
    h.reset();
    const out = await h.run();
    expect(h.writes()).toBe(0);
    const alerts = alertsIn(out).filter((a) => a.problem === "CrossTenantAccess");
    expect(alerts).toHaveLength(SPOKES);
    for (const a of alerts) {
      expect(a.remedy).toMatch(
        new RegExp(
          `az role assignment create --assignee ${APP} --role "Network Contributor" --scope ${spoke(1).slice(0, -1)}\\d`,
        ),
      );
    }
  });

  it("with no peer/action on the hub for the reciprocal: no write, the alert names the hub", async () => {
    const h = await estate();
    h.emu.tenancy.removeRoles(APP, `/subscriptions/${SUB_A}`);
    h.emu.tenancy.assignRole(APP, `/subscriptions/${SUB_A}`, "Reader");
    h.emu.seed.deletePeering(`${spoke(1)}/virtualNetworkPeerings/s1-to-hub`);
    h.emu.seed.peering({ vnetId: hub, remoteVnetId: spoke(1), name: "hub-to-s1" });
    h.reset();
    const out = await h.run({ repairDisconnected: true });
    expect(h.writes()).toBe(0);
    const alert = alertsIn(out).find((a) => a.problem === "CrossTenantAccess");
    expect(alert?.reason).toContain("lacks Microsoft.Network/virtualNetworks/peer/action on hub");
    expect(alert?.remedy).toContain(`--scope ${hub}`);
  });
});
