import { describe, expect, it } from "vitest";
import { applyTenantAccess, type TenantAccess } from "../../../src/reconcile/tenants.js";
import type { Action, Plan, Policy } from "../../../src/reconcile/types.js";
import { BASE_POLICY } from "../../support/builders.js";

/**
 * applyTenantAccess (pure): a write across tenants that Azure would refuse becomes a CrossTenantAccess
 * alert naming the one missing step, a write waiting on it goes with it, same-tenant writes are
 * untouched, and running it twice changes nothing more.
 */
const A = "aaaaaaaa-0000-4000-8000-00000000000a";
const B = "bbbbbbbb-0000-4000-8000-00000000000b";
const SUB_A = "00000000-0000-4000-8000-0000000000a1";
const SUB_B = "00000000-0000-4000-8000-0000000000b1";
const APP = "11111111-0000-4000-8000-000000000a99";
const vnet = (sub: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${name}`;
const hub = vnet(SUB_A, "hub");
const spoke = vnet(SUB_B, "spoke");
const hub2 = vnet(SUB_A, "hub2");

const policy: Policy = { ...BASE_POLICY, watchedSubscriptions: [SUB_A, SUB_B], repairDisconnected: true };

function access(overrides: Partial<TenantAccess> = {}): TenantAccess {
  return {
    appClientId: APP,
    homeTenantId: A,
    allowedTenants: [B],
    authorityHost: "https://login.microsoftonline.com",
    tenantOfSubscription: { [SUB_A]: A, [SUB_B]: B },
    notConsented: [],
    peerDenied: [],
    writeDenied: [],
    ...overrides,
  };
}

const reset: Action = {
  kind: "resetDisconnected",
  id: "reset:1",
  target: `${hub}/virtualNetworkPeerings/hub-to-spoke`,
  vnetId: hub,
  remoteVnetId: spoke,
  reason: "Disconnected.",
};
const reciprocal: Action = {
  kind: "createReciprocal",
  id: "create:1",
  target: `${spoke}/virtualNetworkPeerings/spoke-to-hub`,
  vnetId: spoke,
  name: "spoke-to-hub",
  mirrorOf: `${hub}/virtualNetworkPeerings/hub-to-spoke`,
  body: {
    remoteVnetId: hub,
    settings: {
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: false,
      allowGatewayTransit: false,
      useRemoteGateways: false,
      doNotVerifyRemoteGateways: false,
      peerCompleteVnets: true,
      enableOnlyIPv6Peering: false,
      localSubnetNames: [],
      remoteSubnetNames: [],
    },
  },
  dependsOn: "reset:1",
  reason: "Missing half.",
};
const sameTenantSync: Action = {
  kind: "sync",
  id: "sync:1",
  target: `${hub2}/virtualNetworkPeerings/hub2-to-hub`,
  vnetId: hub2,
  remoteVnetId: hub,
  reason: "Stale.",
  before: { syncLevel: "LocalNotInSync", remoteAddressSpace: [], remoteVirtualNetworkAddressSpace: [] },
};
const plan: Plan = { actions: [reset, reciprocal, sameTenantSync] };

describe("applyTenantAccess", () => {
  it("leaves a plan alone when every tenant and role is in place", () => {
    expect(applyTenantAccess(plan, access(), policy)).toEqual(plan);
  });

  it("turns the blocked write and the one waiting on it into alerts; the same-tenant sync stays", () => {
    const out = applyTenantAccess(plan, access({ peerDenied: [spoke.toLowerCase()] }), policy);
    expect(out.actions.map((a) => a.kind)).toEqual(["alertOnly", "alertOnly", "sync"]);
    const [first] = out.actions;
    expect(first).toMatchObject({ problem: "CrossTenantAccess", remoteVnetId: spoke });
    expect(first!.kind === "alertOnly" && first!.remedy).toContain(
      `az role assignment create --assignee ${APP} --role "Network Contributor" --scope ${spoke}`,
    );
  });

  it("says what was planned, then why it cannot happen, naming each VNet and peering once", () => {
    const crossSync: Action = {
      kind: "sync",
      id: "sync:x",
      target: `${hub}/virtualNetworkPeerings/hub-to-spoke`,
      vnetId: hub,
      remoteVnetId: spoke,
      reason:
        "spoke gained 10.2.0.0/16; hub-to-spoke on hub still peers only 10.1.0.0/16. Syncing it pulls in spoke's current address space (10.1.0.0/16, 10.2.0.0/16).",
      before: { syncLevel: "LocalNotInSync", remoteAddressSpace: [], remoteVirtualNetworkAddressSpace: [] },
    };
    const out = applyTenantAccess({ actions: [crossSync] }, access({ notConsented: [B] }), policy);
    const alert = out.actions[0]!;
    expect(alert.kind).toBe("alertOnly");
    expect(alert.reason).toBe(
      `${crossSync.reason} vnet-peering-sync cannot sync it: hub and spoke are in different tenants and tenant ${B} ` +
        `has not consented to application ${APP}, so Azure would refuse the write (LinkedAuthorizationFailed). ` +
        "Nothing was written.",
    );
    expect(alert.reason.match(/hub-to-spoke on hub/g)).toHaveLength(1);
  });

  it("names the consent link when the tenant has not consented", () => {
    const out = applyTenantAccess(plan, access({ notConsented: [B] }), policy);
    const alert = out.actions[0]!;
    expect(alert.kind === "alertOnly" && alert.remedy).toContain(
      `https://login.microsoftonline.com/${B}/adminconsent?client_id=${APP}`,
    );
  });

  it("sharpens an alert about an unreadable peer in another tenant once, however often it runs", () => {
    const unreadable: Plan = {
      actions: [
        {
          kind: "alertOnly",
          id: "alert:PeerInaccessible:x",
          target: `${hub}/virtualNetworkPeerings/hub-to-spoke`,
          vnetId: hub,
          problem: "PeerInaccessible",
          remoteVnetId: spoke,
          reason: "spoke cannot be read.",
          remedy: "Grant access.",
        },
      ],
    };
    const once = applyTenantAccess(unreadable, access({ allowedTenants: [] }), policy);
    const twice = applyTenantAccess(once, access({ allowedTenants: [] }), policy);
    expect(twice).toEqual(once);
    const alert = once.actions[0]!;
    expect(alert.kind === "alertOnly" && alert.remedy).toContain("CROSS_TENANT_ALLOWED_TENANTS");
    // Read aloud: the tenant named once in the reason, and the fallback remedy joined as a clause.
    expect(alert.reason).toBe(
      `spoke cannot be read. spoke is in tenant ${B}, which is not in CROSS_TENANT_ALLOWED_TENANTS.`,
    );
    expect(alert.kind === "alertOnly" && alert.remedy).toMatch(/ Or: grant access\.$/);
  });
});
