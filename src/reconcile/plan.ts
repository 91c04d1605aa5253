/**
 * plan(snapshot, policy): what should be written to bring every peering in scope back to health, and
 * what a human must look at. Pure: no I/O, no clock. Deterministic: VNets and peerings are visited in
 * the order of their lower-cased ids, so the same topology gives the same plan whatever the input
 * order. The Azure behaviour behind each rule: docs/azure-behaviour.md#sync-semantics, #peering-state, #errors and #subnet-peering.
 */
import { isInScope, isManagedByNetworkManager, isOptedOut } from "./scope.js";
import type { Peering, Plan, Policy, Snapshot, Vnet } from "./types.js";
import { hasLocalNotInSync, PlanContext } from "./plan-context.js";
import { planConnected } from "./plan-sync.js";
import { planInitiated } from "./plan-reciprocal.js";
import { planDisconnected } from "./plan-disconnected.js";

export { hasLocalNotInSync, hasRemoteNotInSync } from "./plan-context.js";

export function plan(snapshot: Snapshot, policy: Policy): Plan {
  return new Planner(snapshot, policy).run();
}

class Planner extends PlanContext {
  run(): Plan {
    for (const vnet of this.vnets) {
      if (!isInScope(vnet.id, this.policy)) {
        this.skip(
          vnet.id,
          vnet.id,
          "OutsideWatchedScope",
          `${vnet.name} (subscription ${vnet.subscriptionId}, resource group ${vnet.resourceGroup}) is outside the watched scope; it is read for context only and never written.`,
        );
        continue;
      }
      if (isOptedOut(vnet, this.policy)) {
        const { name, value } = this.policy.optOutTag;
        this.skip(
          vnet.id,
          vnet.id,
          "OptOutTag",
          `${vnet.name} is tagged ${name}=${value}: its owner switched vnet-peering-sync off for it, so none of its peerings are written.`,
        );
        continue;
      }
      for (const peering of vnet.peerings) this.planPeering(vnet, peering);
    }
    return { actions: this.actions };
  }

  planPeering(vnet: Vnet, peering: Peering): void {
    if (isManagedByNetworkManager(peering)) {
      const stale = hasLocalNotInSync(peering.syncLevel)
        ? ` It shows ${peering.syncLevel}: Azure Virtual Network Manager or the peering's owner must sync it.`
        : "";
      this.skip(
        peering.id,
        vnet.id,
        "ManagedByVirtualNetworkManager",
        `${peering.name} on ${vnet.name} looks managed by Azure Virtual Network Manager (name starts with ANM_), which owns its lifecycle.${stale}`,
      );
      return;
    }
    // A write is in flight on it: the event of its completion (or the next sweep) brings it back.
    if (peering.provisioningState === "Updating" || peering.provisioningState === "Deleting") return;
    if (peering.provisioningState === "Failed") {
      this.alert(peering, vnet, "ProvisioningFailed", {
        reason: `The last operation on ${peering.name} on ${vnet.name} (to ${this.label(peering.remoteVnetId, vnet)}) failed; vnet-peering-sync does not write on a failed peering.`,
        remedy: `Look up the failed operation in the Activity Log of ${vnet.name}, fix its cause, then re-apply or delete and re-create ${peering.name}.`,
        remoteVnetId: peering.remoteVnetId,
      });
      return;
    }
    switch (peering.state) {
      case "Connected":
        return planConnected(this, vnet, peering);
      case "Initiated":
        return planInitiated(this, vnet, peering);
      case "Disconnected":
        return planDisconnected(this, vnet, peering);
    }
  }
}
