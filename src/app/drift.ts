import { idKey, subscriptionOf } from "../reconcile/ids.js";
import { isInScope } from "../reconcile/scope.js";
import type { Policy, Vnet } from "../reconcile/types.js";

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
 * A drifted VNet whose findings all concern one pair is marked `coveredBy` the other end of that pair
 * when that end drifted too and is queued: its reconcile reads its peers (this VNet among them, one
 * hop, through its own peering to it) and plans every pair it is part of, so both halves of the
 * pair are read fresh and repaired by one reconcile. Two reconciles of the two ends cost twice the
 * reads and polls and race each other's writes (409 AnotherOperationInProgress).
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
  /** Lower-cased ids of the remote VNets of each drifted VNet's findings. */
  const concerns = new Map<string, Set<string>>();
  for (const vnet of vnets) {
    const reasons: string[] = [];
    const remotes = new Set<string>();
    for (const peering of vnet.peerings) {
      if (!inScope(vnet.id) && !inScope(peering.remoteVnetId)) continue;
      if (peering.state !== "Connected" || peering.syncLevel !== "FullyInSync") {
        reasons.push(`${peering.name} is ${peering.state}/${peering.syncLevel}`);
        remotes.add(idKey(peering.remoteVnetId));
        continue;
      }
      const remoteSubscription = subscriptionOf(peering.remoteVnetId);
      if (!remoteSubscription || !watched.has(remoteSubscription) || unreadable.has(remoteSubscription))
        continue;
      const remote = byKey.get(idKey(peering.remoteVnetId));
      if (!remote) {
        reasons.push(`${peering.name}: the remote VNet no longer exists`);
        remotes.add(idKey(peering.remoteVnetId));
      } else if (!remote.peerings.some((p) => idKey(p.remoteVnetId) === idKey(vnet.id))) {
        reasons.push(`${peering.name}: ${remote.name} has no peering back`);
        remotes.add(idKey(peering.remoteVnetId));
      }
    }
    if (reasons.length > 0) {
      drifts.push({ vnetId: vnet.id, reasons });
      concerns.set(idKey(vnet.id), remotes);
    }
  }
  markCovered(drifts, concerns, byKey, inScope);
  return drifts;
}

/**
 * Marks the drifts another queued drift's reconcile repairs (see driftedVnets). Greedy in list order:
 * a VNet is only marked covered by one already queued (and a queued one is never marked), so every
 * finding stays in some queued reconcile's reach.
 */
function markCovered(
  drifts: Drift[],
  concerns: Map<string, Set<string>>,
  byKey: Map<string, Vnet>,
  inScope: (id: string) => boolean,
): void {
  const coverer = (vnetKey: string): Vnet | undefined => {
    const remotes = concerns.get(vnetKey);
    if (remotes?.size !== 1) return undefined;
    const [remoteKey = ""] = remotes;
    const remote = byKey.get(remoteKey);
    if (!remote || !concerns.has(remoteKey) || !inScope(remote.id)) return undefined;
    // Its reconcile reads its peers one hop away: this VNet only if it peers with it.
    return remote.peerings.some((p) => idKey(p.remoteVnetId) === vnetKey) ? remote : undefined;
  };
  const queued = new Set<string>();
  for (const drift of drifts) {
    const key = idKey(drift.vnetId);
    const other = coverer(key);
    // A partner not queued yet comes later in the list and will find this one queued.
    if (other && queued.has(idKey(other.id))) drift.coveredBy = other.id;
    else queued.add(key);
  }
}
