import { idKey, subscriptionOf } from "../reconcile/ids.js";
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
  const inScope = scopeTest(policy, watched);
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

/**
 * isInScope (src/reconcile/scope.ts) with the watched subscriptions in a set: the sweep asks it twice
 * per peering, and a scan of 1,000 watched subscriptions each time took a 100,000-VNet tenant's drift
 * test 6 s. Same answers (test/unit/app/sweep-index-drift.test.ts compares them).
 */
function scopeTest(policy: Pick<Policy, "scope">, watched: ReadonlySet<string>): (id: string) => boolean {
  const prefixes = policy.scope.map((s) => idKey(s).replace(/\/+$/, ""));
  return (id) => {
    const subscription = subscriptionOf(id);
    if (!subscription || !watched.has(subscription)) return false;
    if (prefixes.length === 0) return true;
    const key = idKey(id);
    return prefixes.some((prefix) => key === prefix || key.startsWith(`${prefix}/`));
  };
}

/** The VNet's name: the last segment of its id (what ARM calls it). */
function nameOf(vnetId: string): string {
  return vnetId.slice(vnetId.lastIndexOf("/") + 1);
}
