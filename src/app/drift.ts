import { subscriptionOf } from "../reconcile/ids.js";
import { isInScope } from "../reconcile/scope.js";
import type { Policy } from "../reconcile/types.js";
import { VnetIndex, type InventoryVnet } from "./vnet-index.js";

export interface Drift {
  vnetId: string;
  /** One line per finding, for the logs. */
  reasons: string[];
}

/**
 * The sweep's test, pure: a VNet has drifted when one of its peerings is not Connected + FullyInSync,
 * or a peering's remote VNet in a watched (and readable) subscription has no peering back. Such a
 * VNet is worth one reconcile (which looks at both halves of each of its pairs) when the pair touches
 * the scope: a reconcile may only write on VNets in scope.
 *
 * Takes the VNets read (full or compact rows) or the sweep's compact index of them; the same
 * findings either way. A remote "no longer exists" only says it was not in what was read: the
 * reconcile that follows reads ARM before it writes anything.
 */
export function driftedVnets(
  vnets: readonly InventoryVnet[] | VnetIndex,
  policy: Pick<Policy, "watchedSubscriptions" | "scope">,
  inaccessibleSubscriptions: readonly string[] = [],
): Drift[] {
  const index = vnets instanceof VnetIndex ? vnets : VnetIndex.from(vnets);
  const watched = new Set(policy.watchedSubscriptions.map((s) => s.toLowerCase()));
  const unreadable = new Set(inaccessibleSubscriptions.map((s) => s.toLowerCase()));
  const inScope = (id: string) => isInScope(id, policy as Policy);
  const byVnet = new Map<string, Drift>();
  for (const p of index.peerings()) {
    if (!inScope(p.vnetId) && !inScope(p.remoteVnetId)) continue;
    let reason: string | undefined;
    if (!p.healthy) {
      reason = `${p.name} is ${p.state}/${p.syncLevel}`;
    } else {
      const remoteSubscription = subscriptionOf(p.remoteVnetId);
      if (!remoteSubscription || !watched.has(remoteSubscription) || unreadable.has(remoteSubscription))
        continue;
      if (!p.remoteRead) reason = `${p.name}: the remote VNet no longer exists`;
      else if (!p.peersBack) reason = `${p.name}: ${nameOf(p.remoteVnetId)} has no peering back`;
    }
    if (reason === undefined) continue;
    const drift = byVnet.get(p.vnetId);
    if (drift) drift.reasons.push(reason);
    else byVnet.set(p.vnetId, { vnetId: p.vnetId, reasons: [reason] });
  }
  return [...byVnet.values()];
}

/** The VNet's name: the last segment of its id (what ARM calls it). */
function nameOf(vnetId: string): string {
  return vnetId.slice(vnetId.lastIndexOf("/") + 1);
}
