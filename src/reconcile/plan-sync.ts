// The rule for Connected peerings: sync a stale address space, or say why it cannot be.
import { prefixesNotIn } from "./cidr.js";
import { idKey } from "./ids.js";
import type { VnetLocation } from "./scope.js";
import { isSubnetPeering } from "./spaces.js";
import type { Peering, Vnet } from "./types.js";
import type { PlanContext } from "./plan-context.js";
import { hasLocalNotInSync, hasRemoteNotInSync, joinOverlaps, list } from "./plan-context.js";

// ---- Rule 1: sync ----------------------------------------------------------------------------

export function planConnected(ctx: PlanContext, vnet: Vnet, peering: Peering): void {
  const remote = ctx.locate(peering.remoteVnetId);
  // Sync every peering whose level contains LocalNotInSync: it is the stale side; syncing the
  // RemoteNotInSync side succeeds and changes nothing (docs/azure-behaviour.md#sync-semantics).
  if (hasLocalNotInSync(peering.syncLevel)) planSync(ctx, vnet, peering, remote);
  if (hasRemoteNotInSync(peering.syncLevel)) reportStalePartner(ctx, vnet, peering, remote);
}

export function planSync(ctx: PlanContext, vnet: Vnet, peering: Peering, remote: VnetLocation): void {
  const remoteVnet = "vnet" in remote ? remote.vnet : undefined;
  const remoteName = ctx.label(peering.remoteVnetId, vnet);
  // The decision is the syncLevel Azure reports; the prefixes only explain it and guard overlaps.
  const incoming = ctx.remotePeeredPrefixes(peering, remoteVnet);

  // What the sync pulls in must not overlap this VNet nor what it already peers with others,
  // or Azure refuses it (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet, docs/azure-behaviour.md#errors).
  const clashes = joinOverlaps(
    ctx.ownOverlaps(incoming, vnet, peering),
    ctx.peerOverlaps(incoming, vnet, peering.remoteVnetId),
  );
  if (clashes.pairs.length > 0) {
    ctx.alert(peering, vnet, "AddressSpaceOverlap", {
      reason:
        `${remoteName} now has ${list(incoming)}, which overlaps ${clashes.text}; ` +
        `Azure would refuse to sync ${peering.name} on ${vnet.name} (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet).`,
      remedy: `Change the address space of ${remoteName} (or of the VNet it collides with) so the ranges no longer overlap, then sync ${peering.name} on ${vnet.name}.`,
      remoteVnetId: peering.remoteVnetId,
      overlappingPrefixes: clashes.pairs,
    });
    return;
  }

  const gained = prefixesNotIn(incoming, peering.remoteAddressSpace);
  const dropped = prefixesNotIn(peering.remoteAddressSpace, incoming);
  const change = [
    gained.length > 0 ? `gained ${list(gained)}` : "",
    dropped.length > 0 ? `dropped ${list(dropped)}` : "",
  ]
    .filter(Boolean)
    .join(" and ");
  const what = isSubnetPeering(peering.settings)
    ? `the current prefixes of the peered subnets of ${remoteName}`
    : `${remoteName}'s current address space`;
  const reason =
    incoming.length > 0 && change.length > 0
      ? `${remoteName} ${change}; ${peering.name} on ${vnet.name} still peers only ${list(peering.remoteAddressSpace)}. ` +
        `Syncing it pulls in ${what} (${list(incoming)}).`
      : `Azure reports ${peering.name} on ${vnet.name} as ${peering.syncLevel}: ${remoteName} changed its address space since the last sync. ` +
        `Syncing it pulls in ${what}${incoming.length > 0 ? ` (${list(incoming)})` : ""}.`;
  ctx.add({
    kind: "sync",
    id: `sync:${idKey(peering.id)}`,
    target: peering.id,
    vnetId: vnet.id,
    remoteVnetId: peering.remoteVnetId,
    reason,
    before: {
      syncLevel: peering.syncLevel,
      remoteAddressSpace: [...peering.remoteAddressSpace],
      remoteVirtualNetworkAddressSpace: [...peering.remoteVirtualNetworkAddressSpace],
    },
    pulls: incoming,
  });
}

/**
 * This VNet's space changed and the partner half is stale. When the partner's VNet is writable its
 * own LocalNotInSync gets synced when that VNet is planned; otherwise its owner must do it.
 */
export function reportStalePartner(
  ctx: PlanContext,
  vnet: Vnet,
  peering: Peering,
  remote: VnetLocation,
): void {
  if (remote.kind === "writable") return;
  const remoteName = ctx.label(peering.remoteVnetId, vnet);
  if (remote.kind === "missing") {
    ctx.alert(peering, vnet, "PeerVnetMissing", {
      reason: `${peering.name} on ${vnet.name} is Connected to ${remoteName}, but ${remoteName} was not found in its subscription.`,
      remedy: `Check whether ${remoteName} was deleted; if so, delete ${peering.name} on ${vnet.name}.`,
      remoteVnetId: peering.remoteVnetId,
    });
    return;
  }
  const back =
    remote.kind !== "inaccessible" && remote.vnet ? ctx.peeringsBack(remote.vnet, vnet.id)[0] : undefined;
  // The VNet over there is named once per sentence: unread, its peering back has no name to give.
  const backOnRemote = back
    ? `${back.name} on ${remoteName}`
    : `the peering on ${remoteName} that points at ${vnet.name}`;
  ctx.alert(peering, vnet, remote.kind === "inaccessible" ? "PeerInaccessible" : "PeerOutOfScope", {
    reason:
      `${vnet.name} changed its address space (now ${list(vnet.addressPrefixes)}), so ${backOnRemote} still peers the old range. ` +
      `vnet-peering-sync does not sync it: the remote VNet ${ctx.whyNotWritable(remote)}.`,
    remedy: back
      ? `The owner of ${remoteName} must sync its peering ${back.name} (az network vnet peering sync).`
      : `The owner of ${remoteName} must sync its peering to ${vnet.name} (az network vnet peering sync).`,
    remoteVnetId: peering.remoteVnetId,
  });
}
