/**
 * Which VNets the product may touch, which ones their owners switched off, and which peerings belong
 * to Azure Virtual Network Manager. Resource ids compare case-insensitively (ids.ts).
 */
import { idKey, subscriptionOf } from "./ids.js";
import type { Peering, Policy, Snapshot, Vnet } from "./types.js";

/**
 * In scope = in one of the watched subscriptions AND, when `policy.scope` is not empty, at or under
 * one of its ids (a subscription, resource group or VNet id).
 */
export function isInScope(vnetId: string, policy: Policy): boolean {
  const subscription = subscriptionOf(vnetId);
  if (!subscription || !policy.watchedSubscriptions.some((s) => s.toLowerCase() === subscription))
    return false;
  if (policy.scope.length === 0) return true;
  const key = idKey(vnetId);
  return policy.scope.some((scopeId) => {
    const prefix = idKey(scopeId).replace(/\/+$/, "");
    return key === prefix || key.startsWith(`${prefix}/`);
  });
}

/** The VNet carries the opt-out tag; tag name and value are compared case-insensitively. */
export function isOptedOut(vnet: Pick<Vnet, "tags">, policy: Policy): boolean {
  const name = policy.optOutTag.name.toLowerCase();
  const value = policy.optOutTag.value.toLowerCase();
  return Object.entries(vnet.tags).some(([k, v]) => k.toLowerCase() === name && v.toLowerCase() === value);
}

/**
 * HEURISTIC, UNCONFIRMED (docs/azure-behaviour.md#avnm): no peering
 * property marks an AVNM peering; Microsoft docs only say AVNM hub-and-spoke peerings have "ANM" in
 * their name, and the `ANM_` prefix comes from a synthetic sample. A user may also name a peering
 * `ANM_...` (then we leave it alone, which is the safe mistake). The authoritative check would be
 * listNetworkManagerEffectiveConnectivityConfigurations on the VNet, which the snapshot does not carry.
 */
export function isManagedByNetworkManager(peering: Pick<Peering, "name">): boolean {
  return /^anm_/i.test(peering.name);
}

/** Where a VNet referenced by a peering stands, seen from the planner. */
export type VnetLocation =
  /** In the snapshot, in scope, not opted out: the product may write on it. */
  | { kind: "writable"; vnet: Vnet }
  /** In the snapshot and in scope, but its owner set the opt-out tag. */
  | { kind: "optedOut"; vnet: Vnet }
  /** Outside the watched subscriptions or outside `policy.scope` (in the snapshot or not). */
  | { kind: "outOfScope"; vnet?: Vnet }
  /** Its subscription could not be read. */
  | { kind: "inaccessible" }
  /** In scope and its subscription was read, but the VNet is not there: deleted. */
  | { kind: "missing" };

/**
 * Classifies a VNet id against the snapshot. The snapshot is taken as complete for every watched,
 * readable subscription: an in-scope VNet absent from it is treated as deleted.
 */
export function locateVnet(
  vnetId: string,
  vnetsByKey: ReadonlyMap<string, Vnet>,
  snapshot: Pick<Snapshot, "inaccessibleSubscriptions">,
  policy: Policy,
): VnetLocation {
  const vnet = vnetsByKey.get(idKey(vnetId));
  if (vnet) {
    if (!isInScope(vnet.id, policy)) return { kind: "outOfScope", vnet };
    if (isOptedOut(vnet, policy)) return { kind: "optedOut", vnet };
    return { kind: "writable", vnet };
  }
  const subscription = subscriptionOf(vnetId);
  if (subscription && snapshot.inaccessibleSubscriptions.some((s) => s.toLowerCase() === subscription)) {
    return { kind: "inaccessible" };
  }
  if (!isInScope(vnetId, policy)) return { kind: "outOfScope" };
  return { kind: "missing" };
}
