import { idKey } from "../reconcile/ids.js";
import { isInScope } from "../reconcile/scope.js";
import type { Policy } from "../reconcile/types.js";
import type { NetworkChange } from "./resource-event.js";

/**
 * Which VNets to reconcile after a change to VNet X: X itself (unless X was deleted) and every VNet the
 * peer index says peers with X. A delete leaves X's partners Disconnected and raises no event on them
 * (docs/azure-behaviour.md#event-grid-events: no event when a peering turns Disconnected because its partner's VNet was deleted), so the
 * index is the only way to find them without calling ARM. Only VNets in scope are returned.
 */
export function reconcileTargets(
  change: Pick<NetworkChange, "operation" | "vnetId">,
  indexedPeers: readonly string[],
  policy: Pick<Policy, "watchedSubscriptions" | "scope">,
): string[] {
  const candidates = change.operation === "vnetDelete" ? [...indexedPeers] : [change.vnetId, ...indexedPeers];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of candidates) {
    const key = idKey(id);
    if (seen.has(key)) continue;
    seen.add(key);
    if (change.operation === "vnetDelete" && key === idKey(change.vnetId)) continue;
    if (isInScope(id, policy as Policy)) out.push(id);
  }
  return out;
}
