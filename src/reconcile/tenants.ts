/**
 * Peerings across Entra tenants (docs/cross-tenant.md). Pure: what the ARM port learnt about tenants
 * (which tenant each subscription is in, which tenants gave the application a token, which VNets it
 * may peer with) turns writes that Azure would refuse into precise alerts, and sharpens the alerts
 * about peers the run could not read or may not write.
 *
 * A write whose peering lives in one tenant and points at a VNet in another needs the application's
 * token for both tenants and `Microsoft.Network/virtualNetworks/peer/action` on the remote VNet
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/authenticate-multi-tenant,
 * https://learn.microsoft.com/azure/virtual-network/create-peering-different-subscriptions).
 */
import { idKey, parseVnetId, subscriptionOf } from "./ids.js";
import type { Action, AlertOnlyAction, Plan, Policy, Vnet } from "./types.js";

export interface TenantAccess {
  /** The multi-tenant application's client id. */
  appClientId: string;
  /** The tenant the application and the managed identity live in. */
  homeTenantId: string;
  /** Tenants the settings allow (CROSS_TENANT_ALLOWED_TENANTS). */
  allowedTenants: string[];
  /** Entra ID sign-in origin of the cloud, for the admin consent link. */
  authorityHost: string;
  /** Lower-case subscription id to lower-case tenant id, for every subscription whose tenant is known. */
  tenantOfSubscription: Record<string, string>;
  /** Allowed tenants that refused the application a token (no admin consent there). */
  notConsented: string[];
  /** Lower-case VNet ids in another tenant on which the application lacks `virtualNetworks/peer/action`. */
  peerDenied: string[];
  /** Lower-case VNet ids in another tenant on which it lacks `virtualNetworkPeerings/write`. */
  writeDenied: string[];
}

/** Why a cross-tenant write cannot be made: what blocks it, and the one step that unblocks it. */
interface Blocked {
  why: string;
  /** For a tenant that blocks: the same as a clause about that tenant ("which ..."). */
  which?: string;
  remedy: string;
}

export function tenantOf(access: TenantAccess, vnetId: string): string | undefined {
  const sub = subscriptionOf(vnetId);
  return sub ? access.tenantOfSubscription[sub] : undefined;
}

function name(vnetId: string): string {
  return parseVnetId(vnetId)?.vnetName ?? vnetId;
}

export function consentUrl(access: TenantAccess, tenantId: string): string {
  const host = access.authorityHost.replace(/\/+$/, "");
  return `${host}/${tenantId}/adminconsent?client_id=${access.appClientId}`;
}

/** Whether the application can use tenant `t` at all; undefined when it can. */
function tenantBlocked(access: TenantAccess, t: string): Blocked | undefined {
  const app = access.appClientId;
  if (t !== access.homeTenantId && !access.allowedTenants.includes(t))
    return {
      why: `tenant ${t} is not in CROSS_TENANT_ALLOWED_TENANTS`,
      which: "which is not in CROSS_TENANT_ALLOWED_TENANTS",
      remedy:
        `If tenant ${t} is a partner you peer with: have its admin consent to application ${app} ` +
        `(${consentUrl(access, t)}) and add ${t} to CROSS_TENANT_ALLOWED_TENANTS (docs/cross-tenant.md).`,
    };
  if (access.notConsented.includes(t))
    return {
      why: `tenant ${t} has not consented to application ${app}`,
      which: `which has not consented to application ${app}`,
      remedy:
        `An admin of tenant ${t} must grant admin consent to application ${app}: open ${consentUrl(access, t)} ` +
        `(or, signed in to that tenant, run: az ad sp create --id ${app}) (docs/cross-tenant.md).`,
    };
  return undefined;
}

function roleRemedy(access: TenantAccess, vnetId: string, tenant: string): string {
  return (
    `An admin of tenant ${tenant} must give application ${access.appClientId} Network Contributor (or a role with ` +
    `Microsoft.Network/virtualNetworks/peer/action and virtualNetworkPeerings/write) on ${name(vnetId)}: ` +
    `az role assignment create --assignee ${access.appClientId} --role "Network Contributor" --scope ${vnetId}`
  );
}

/** What would make Azure refuse a write on `localVnetId` naming `remoteVnetId`, across tenants. */
export function crossTenantBlocker(
  access: TenantAccess,
  localVnetId: string,
  remoteVnetId: string,
): Blocked | undefined {
  const localTenant = tenantOf(access, localVnetId);
  const remoteTenant = tenantOf(access, remoteVnetId);
  if (!localTenant || !remoteTenant || localTenant === remoteTenant) return undefined;
  for (const t of [remoteTenant, localTenant]) {
    const blocked = tenantBlocked(access, t);
    if (blocked) return blocked;
  }
  if (access.writeDenied.includes(idKey(localVnetId)))
    return {
      why: `application ${access.appClientId} may not write peerings on ${name(localVnetId)} (tenant ${localTenant})`,
      remedy: roleRemedy(access, localVnetId, localTenant),
    };
  if (access.peerDenied.includes(idKey(remoteVnetId)))
    return {
      why: `application ${access.appClientId} lacks Microsoft.Network/virtualNetworks/peer/action on ${name(remoteVnetId)} (tenant ${remoteTenant})`,
      remedy: roleRemedy(access, remoteVnetId, remoteTenant),
    };
  return undefined;
}

function writeEnds(action: Action): [string, string] | undefined {
  switch (action.kind) {
    case "sync":
    case "resetDisconnected":
      return [action.vnetId, action.remoteVnetId];
    case "createReciprocal":
      return [action.vnetId, action.body.remoteVnetId];
    default:
      return undefined;
  }
}

/** Each planned write in a few words; the planned reason already names the peering and its VNet. */
const WHAT: Record<"sync" | "resetDisconnected" | "createReciprocal", string> = {
  sync: "sync it",
  resetDisconnected: "reset it",
  createReciprocal: "create the peering back",
};

/**
 * The plan with every write Azure would refuse across tenants replaced by an alert (and every write
 * that depends on one), and the alerts about unread or unwatched peers in other tenants made precise.
 */
export function applyTenantAccess(plan: Plan, access: TenantAccess, policy: Policy): Plan {
  const blockedIds = new Map<string, Blocked>();
  for (const action of plan.actions) {
    const ends = writeEnds(action);
    if (!ends) continue;
    const blocked = crossTenantBlocker(access, ends[0], ends[1]);
    if (blocked) blockedIds.set(action.id, blocked);
  }
  // A write that waits for a blocked one cannot happen either (a reciprocal after its reset).
  let grew = true;
  while (grew) {
    grew = false;
    for (const action of plan.actions)
      if (action.dependsOn && blockedIds.has(action.dependsOn) && !blockedIds.has(action.id)) {
        blockedIds.set(action.id, blockedIds.get(action.dependsOn)!);
        grew = true;
      }
  }
  const watched = new Set(policy.watchedSubscriptions.map((s) => s.toLowerCase()));
  const actions = plan.actions.map((action): Action => {
    const blocked = blockedIds.get(action.id);
    if (blocked && action.kind !== "alertOnly" && action.kind !== "skip") {
      const ends = writeEnds(action)!;
      const alert: AlertOnlyAction = {
        kind: "alertOnly",
        id: `alert:CrossTenantAccess:${idKey(action.target)}`,
        target: action.target,
        vnetId: action.vnetId,
        problem: "CrossTenantAccess",
        // The planned reason first (it names the peering and both VNets), then why it cannot be done:
        // read aloud, each name comes once.
        reason:
          `${action.reason} vnet-peering-sync cannot ${WHAT[action.kind]}: ${name(ends[0])} and ${name(ends[1])} ` +
          `are in different tenants and ${blocked.why}, so Azure would refuse the write ` +
          `(LinkedAuthorizationFailed). Nothing was written.`,
        remedy: blocked.remedy,
        remoteVnetId: ends[1],
      };
      return alert;
    }
    if (action.kind === "alertOnly" && action.remoteVnetId)
      return sharpen(action, action.remoteVnetId, access, watched);
    return action;
  });
  return { actions };
}

/** A remedy sentence continued after "Or:": its first letter lower-cased. */
function asClause(remedy: string): string {
  return remedy.charAt(0).toLowerCase() + remedy.slice(1);
}

/** A PeerInaccessible or PeerOutOfScope alert about a VNet in another tenant says which access is missing. */
function sharpen(
  alert: AlertOnlyAction,
  remoteVnetId: string,
  access: TenantAccess,
  watched: ReadonlySet<string>,
): AlertOnlyAction {
  if (alert.problem !== "PeerInaccessible" && alert.problem !== "PeerOutOfScope") return alert;
  const local = tenantOf(access, alert.vnetId);
  const remote = tenantOf(access, remoteVnetId);
  if (!local || !remote || local === remote) return alert;
  // Once is enough: a plan may pass through here twice (the CLI's page after a run).
  if (alert.reason.includes(`another tenant (${remote})`) || alert.reason.includes(`is in tenant ${remote}`))
    return alert;
  const sub = subscriptionOf(remoteVnetId) ?? "";
  const blocked = tenantBlocked(access, remote);
  if (blocked)
    return {
      ...alert,
      reason: `${alert.reason} ${name(remoteVnetId)} is in tenant ${remote}, ${blocked.which ?? `and ${blocked.why}`}.`,
      remedy: `${blocked.remedy} Or: ${asClause(alert.remedy)}`,
    };
  if (!watched.has(sub))
    return {
      ...alert,
      reason: `${alert.reason} ${name(remoteVnetId)} is in tenant ${remote}, which allows application ${access.appClientId}, but its subscription ${sub} is not watched.`,
      remedy:
        `To let vnet-peering-sync write there, add ${sub} to WATCHED_SUBSCRIPTIONS (an explicit opt-in: consent alone ` +
        `never makes a partner's subscription writable). Or: ${asClause(alert.remedy)}`,
    };
  if (alert.problem === "PeerInaccessible")
    return {
      ...alert,
      reason: `${alert.reason} ${name(remoteVnetId)} is in tenant ${remote}; application ${access.appClientId} has a token there but no read access to subscription ${sub}.`,
      remedy: roleRemedy(access, remoteVnetId, remote),
    };
  return alert;
}

/**
 * What to ask the port: every VNet the snapshot knows of (their tenants), and the two ends of every
 * write the plan makes (their permissions: a converged estate costs no permission read).
 */
export function tenantQuestion(
  snapshot: { vnets: Vnet[] },
  planned: Plan,
): [string[], Array<[string, string]>] {
  const ids = new Map<string, string>();
  for (const v of snapshot.vnets) {
    ids.set(idKey(v.id), v.id);
    for (const p of v.peerings) ids.set(idKey(p.remoteVnetId), p.remoteVnetId);
  }
  const pairs = planned.actions.map(writeEnds).filter((ends): ends is [string, string] => ends !== undefined);
  return [[...ids.values()], pairs];
}

/**
 * A plan of `snapshot` as a cross-tenant port sees it: writes Azure would refuse turned into alerts,
 * and each subscription's tenant (the status page groups by it). Without such a port, unchanged.
 */
export async function withTenantAccess(
  // Structural, not NetworkPort: port.ts names TenantAccess, and modules here import in one direction.
  port: { tenantAccess?(vnetIds: string[], peers: Array<[string, string]>): Promise<TenantAccess> },
  snapshot: { vnets: Vnet[] },
  planned: Plan,
  policy: Policy,
): Promise<{ plan: Plan; tenantOfSubscription?: Record<string, string> }> {
  if (!port.tenantAccess) return { plan: planned };
  const access = await port.tenantAccess(...tenantQuestion(snapshot, planned));
  return {
    plan: applyTenantAccess(planned, access, policy),
    tenantOfSubscription: access.tenantOfSubscription,
  };
}
