import { idKey, subscriptionOf } from "../reconcile/ids.js";
import { isInScope } from "../reconcile/scope.js";
import type { Policy, Vnet } from "../reconcile/types.js";

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
 */
export function driftedVnets(
  vnets: readonly Vnet[],
  policy: Pick<Policy, "watchedSubscriptions" | "scope">,
  inaccessibleSubscriptions: readonly string[] = [],
): Drift[] {
  const byKey = new Map(vnets.map((v) => [idKey(v.id), v]));
  const watched = new Set(policy.watchedSubscriptions.map((s) => s.toLowerCase()));
  const unreadable = new Set(inaccessibleSubscriptions.map((s) => s.toLowerCase()));
  const inScope = (id: string) => isInScope(id, policy as Policy);
  const drifts: Drift[] = [];
  for (const vnet of vnets) {
    const reasons: string[] = [];
    for (const peering of vnet.peerings) {
      if (!inScope(vnet.id) && !inScope(peering.remoteVnetId)) continue;
      if (peering.state !== "Connected" || peering.syncLevel !== "FullyInSync") {
        reasons.push(`${peering.name} is ${peering.state}/${peering.syncLevel}`);
        continue;
      }
      const remoteSubscription = subscriptionOf(peering.remoteVnetId);
      if (!remoteSubscription || !watched.has(remoteSubscription) || unreadable.has(remoteSubscription))
        continue;
      const remote = byKey.get(idKey(peering.remoteVnetId));
      if (!remote) {
        reasons.push(`${peering.name}: the remote VNet no longer exists`);
      } else if (!remote.peerings.some((p) => idKey(p.remoteVnetId) === idKey(vnet.id))) {
        reasons.push(`${peering.name}: ${remote.name} has no peering back`);
      }
    }
    if (reasons.length > 0) drifts.push({ vnetId: vnet.id, reasons });
  }
  return drifts;
}
