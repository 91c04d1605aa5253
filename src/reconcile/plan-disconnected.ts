// The rule for Disconnected peerings: reset and re-create the pair when allowed, else report it.
import { idKey, sameId } from "./ids.js";
import { isInScope, isManagedByNetworkManager, isOptedOut } from "./scope.js";
import type { Peering, ResetDisconnectedAction, Vnet } from "./types.js";
import type { PlanContext } from "./plan-context.js";
import { compareKeys } from "./plan-context.js";
import { planReciprocal } from "./plan-reciprocal.js";

// ---- Rule 3: Disconnected ----------------------------------------------------------------------

export function planDisconnected(ctx: PlanContext, vnet: Vnet, peering: Peering): void {
  const remote = ctx.locate(peering.remoteVnetId);
  const remoteName = ctx.label(peering.remoteVnetId, vnet);
  const remoteVnet = "vnet" in remote ? remote.vnet : undefined;
  const back = remoteVnet ? ctx.peeringsBack(remoteVnet, vnet.id)[0] : undefined;

  if (!ctx.policy.repairDisconnected) {
    const cause =
      remote.kind === "missing"
        ? `${remoteName} no longer exists`
        : back?.state === "Disconnected"
          ? `the peering back, ${back.name} on ${remoteName}, is Disconnected too`
          : `its other half on ${remoteName} was deleted (or ${remoteName} was deleted and re-created)`;
    ctx.alert(peering, vnet, "Disconnected", {
      reason: `${peering.name} on ${vnet.name} is Disconnected: ${cause}. No traffic flows between ${vnet.name} and ${remoteName}.`,
      remedy:
        back?.state === "Disconnected"
          ? // Azure refuses to re-PUT a peering whose partner is Disconnected (RemotePeeringIsDisconnected).
            `Delete ${back.name} on ${remoteName} and re-PUT ${peering.name} on ${vnet.name}, then re-create the peering back; or delete both.`
          : `Re-PUT ${peering.name} on ${vnet.name} (back to Initiated), then re-create its other half on ${remoteName}; or delete ${peering.name}. With REPAIR_DISCONNECTED=true (CLI --repair-disconnected), vnet-peering-sync does both.`,
      remoteVnetId: peering.remoteVnetId,
    });
    return;
  }

  if (remote.kind !== "writable") {
    if (remote.kind === "missing") {
      ctx.alert(peering, vnet, "PeerVnetMissing", {
        reason: `${peering.name} on ${vnet.name} is Disconnected because ${remoteName} no longer exists; there is nothing to re-connect to.`,
        remedy: `Delete ${peering.name} on ${vnet.name}, or re-create ${remoteName} (vnet-peering-sync then repairs the pair).`,
        remoteVnetId: peering.remoteVnetId,
      });
      return;
    }
    ctx.alert(peering, vnet, remote.kind === "inaccessible" ? "PeerInaccessible" : "PeerOutOfScope", {
      reason:
        `${peering.name} on ${vnet.name} is Disconnected; its other half belongs on ${remoteName}, which ` +
        `${ctx.whyNotWritable(remote)}, so vnet-peering-sync does not repair the pair.`,
      remedy: `Re-PUT ${peering.name} on ${vnet.name} and have the owner of ${remoteName} re-create the peering back to ${vnet.name}, or delete ${peering.name}.`,
      remoteVnetId: peering.remoteVnetId,
    });
    return;
  }

  const reset = (reason: string, dependsOn?: string): ResetDisconnectedAction => {
    const action: ResetDisconnectedAction = {
      kind: "resetDisconnected",
      id: `reset:${idKey(peering.id)}`,
      target: peering.id,
      vnetId: vnet.id,
      remoteVnetId: peering.remoteVnetId,
      reason,
      ...(dependsOn ? { dependsOn } : {}),
    };
    return action;
  };

  if (!back) {
    // A Disconnected peering must go back to Initiated (re-PUT) before the other half can be
    // created, or Azure answers RemotePeeringIsDisconnected (docs/azure-behaviour.md#peering-state). planReciprocal adds
    // the reset only when the reciprocal can be created too: a reset alone repairs nothing.
    planReciprocal(
      ctx,
      vnet,
      peering,
      remote.vnet,
      reset(
        `${peering.name} on ${vnet.name} is Disconnected: its other half on ${remoteName} was deleted. ` +
          `Re-PUTting it puts it back to Initiated so the other half can be created.`,
      ),
    );
    return;
  }

  if (back.state === "Disconnected") {
    // Both halves Disconnected does not happen in the documented flows; re-PUT both, in id order,
    // the second after the first (whether Azure accepts the first re-PUT while its partner is
    // Disconnected is unconfirmed: RemotePeeringIsDisconnected may answer it).
    const backFirst =
      compareKeys(back.vnetId, vnet.id) < 0 ||
      (sameId(back.vnetId, vnet.id) && compareKeys(back.id, peering.id) < 0);
    const dependsOn = backFirst && willBeReset(ctx, back) ? `reset:${idKey(back.id)}` : undefined;
    ctx.add(
      reset(
        `${peering.name} on ${vnet.name} and the peering back, ${back.name} on ${remoteName}, are both Disconnected. ` +
          `Re-PUTting both puts them back into a pair.`,
        dependsOn,
      ),
    );
    return;
  }

  ctx.add(
    reset(
      `${peering.name} on ${vnet.name} is Disconnected although ${back.name} on ${remoteName} points back (${back.state}). ` +
        `Re-PUTting it lets the two halves connect.`,
    ),
  );
}

/** Mirrors the conditions under which planDisconnected emits a reset for `peering`. */
export function willBeReset(ctx: PlanContext, peering: Peering): boolean {
  const vnet = ctx.byKey.get(idKey(peering.vnetId));
  return (
    ctx.policy.repairDisconnected &&
    vnet !== undefined &&
    isInScope(vnet.id, ctx.policy) &&
    !isOptedOut(vnet, ctx.policy) &&
    !isManagedByNetworkManager(peering) &&
    peering.provisioningState === "Succeeded" &&
    peering.state === "Disconnected" &&
    ctx.locate(peering.remoteVnetId).kind === "writable"
  );
}
