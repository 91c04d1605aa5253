import { idKey, subscriptionOf } from "../reconcile/ids.js";
import type { Policy } from "../reconcile/types.js";
import { VnetIndex, type InventoryVnet } from "./vnet-index.js";

export interface Drift {
  vnetId: string;
  /** One line per finding, for the logs. */
  reasons: string[];
  /**
   * Another drifted VNet whose reconcile also repairs everything found here: the sweep queues that
   * one alone (each reconcile reads its VNet and peers and polls its writes: one per pair, not two).
   */
  coveredBy?: string;
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
 *
 * A drifted VNet whose findings all concern one pair is marked `coveredBy` the other end of that pair
 * when that end drifted too and is queued: its reconcile reads its peers (this VNet among them, one
 * hop, through its own peering to it) and plans every pair it is part of, so both halves of the
 * pair are read fresh and repaired by one reconcile. Two reconciles of the two ends cost twice the
 * reads and polls and race each other's writes (409 AnotherOperationInProgress).
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
  /** Lower-cased ids of the remote VNets of each drifted VNet's findings. */
  const concerns = new Map<string, Set<string>>();
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
    const key = idKey(p.vnetId);
    const drift = byVnet.get(key);
    if (drift) drift.reasons.push(reason);
    else byVnet.set(key, { vnetId: p.vnetId, reasons: [reason] });
    let remotes = concerns.get(key);
    if (!remotes) concerns.set(key, (remotes = new Set()));
    remotes.add(idKey(p.remoteVnetId));
  }
  const drifts = [...byVnet.values()];
  markCovered(drifts, byVnet, concerns, index, inScope);
  return drifts;
}

/**
 * Marks the drifts another queued drift's reconcile repairs (see driftedVnets). Greedy in list order:
 * a VNet is only marked covered by one already queued (and a queued one is never marked), so every
 * finding stays in some queued reconcile's reach.
 */
function markCovered(
  drifts: Drift[],
  byVnet: ReadonlyMap<string, Drift>,
  concerns: ReadonlyMap<string, ReadonlySet<string>>,
  index: VnetIndex,
  inScope: (id: string) => boolean,
): void {
  const coverer = (vnetKey: string): Drift | undefined => {
    const remotes = concerns.get(vnetKey);
    if (remotes?.size !== 1) return undefined;
    const [remoteKey = ""] = remotes;
    const remote = byVnet.get(remoteKey);
    if (!remote || !inScope(remote.vnetId)) return undefined;
    // Its reconcile reads its peers one hop away: this VNet only if it peers with it.
    return index.peersWith(remote.vnetId, vnetKey) ? remote : undefined;
  };
  const queued = new Set<string>();
  for (const drift of drifts) {
    const key = idKey(drift.vnetId);
    const other = coverer(key);
    // A partner not queued yet comes later in the list and will find this one queued.
    if (other && queued.has(idKey(other.vnetId))) drift.coveredBy = other.vnetId;
    else queued.add(key);
  }
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
