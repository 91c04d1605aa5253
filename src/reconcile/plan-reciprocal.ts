// The rule for Initiated peerings: create the missing peering back, or say what blocks it.
import { findOverlaps } from "./cidr.js";
import { idKey, peeringIdOf, subscriptionOf } from "./ids.js";
import { decideGateways, mirrorBody } from "./mirror.js";
import { reciprocalName } from "./naming.js";
import { isSubnetPeering, unknownSubnets } from "./spaces.js";
import type { CreateReciprocalAction, Peering, ResetDisconnectedAction, Vnet } from "./types.js";
import type { PlanContext } from "./plan-context.js";
import { type Blocker, list, pairs, unique } from "./plan-context.js";

// ---- Rule 2: missing reciprocal ----------------------------------------------------------------

export function planInitiated(ctx: PlanContext, vnet: Vnet, peering: Peering): void {
  const remote = ctx.locate(peering.remoteVnetId);
  const remoteName = ctx.label(peering.remoteVnetId, vnet);
  if (remote.kind === "writable") {
    // A peering back exists: not a missing reciprocal; its own state decides (e.g. rule 3).
    if (ctx.peeringsBack(remote.vnet, vnet.id).length > 0) return;
    planReciprocal(ctx, vnet, peering, remote.vnet);
    return;
  }
  if (remote.kind === "missing") {
    ctx.alert(peering, vnet, "PeerVnetMissing", {
      reason: `${peering.name} on ${vnet.name} points at ${remoteName}, which does not exist (subscription ${subscriptionOf(peering.remoteVnetId) ?? "unknown"} was read and it is not there).`,
      remedy: `Delete ${peering.name} on ${vnet.name}, or re-create ${remoteName}; vnet-peering-sync then creates the peering back.`,
      remoteVnetId: peering.remoteVnetId,
    });
    return;
  }
  const back =
    remote.kind !== "inaccessible" && remote.vnet ? ctx.peeringsBack(remote.vnet, vnet.id)[0] : undefined;
  if (back && back.state !== "Disconnected") return;
  const problem = remote.kind === "inaccessible" ? "PeerInaccessible" : "PeerOutOfScope";
  if (back) {
    ctx.alert(peering, vnet, problem, {
      reason:
        `${peering.name} on ${vnet.name} is Initiated and the peering back, ${back.name} on ${remoteName}, is Disconnected. ` +
        `vnet-peering-sync does not repair it: the remote VNet ${ctx.whyNotWritable(remote)}.`,
      remedy: `The owner of ${remoteName} must re-PUT ${back.name} (or delete and re-create it) so the pair connects.`,
      remoteVnetId: peering.remoteVnetId,
    });
    return;
  }
  ctx.alert(peering, vnet, problem, {
    reason:
      `${peering.name} on ${vnet.name} is Initiated: ${remoteName} has no peering back to ${vnet.name}. ` +
      `vnet-peering-sync does not create one: the remote VNet ${ctx.whyNotWritable(remote)}.`,
    remedy:
      remote.kind === "inaccessible"
        ? `Grant vnet-peering-sync access to subscription ${subscriptionOf(peering.remoteVnetId) ?? ""}, or have the owner of ${remoteName} create the peering back to ${vnet.name} (mirroring ${peering.name}).`
        : `The owner of ${remoteName} must create the peering back to ${vnet.name} (mirroring ${peering.name}), or delete ${peering.name}.`,
    remoteVnetId: peering.remoteVnetId,
  });
}

/**
 * Plans the missing half on `remoteVnet`, or reports what would make Azure refuse it. `after` = a
 * reset of `peering` that must come first (rule 3): added here, and only when nothing blocks.
 */
export function planReciprocal(
  ctx: PlanContext,
  vnet: Vnet,
  peering: Peering,
  remoteVnet: Vnet,
  after?: ResetDisconnectedAction,
): void {
  const gateways = decideGateways({
    existing: peering,
    existingVnet: vnet,
    newVnet: remoteVnet,
    useRemoteGatewaysOnReciprocal: ctx.policy.useRemoteGatewaysOnReciprocal,
  });
  const blockers = reciprocalBlockers(ctx, vnet, peering, remoteVnet, gateways.violations);
  const remoteName = ctx.label(remoteVnet.id, vnet);
  if (blockers.length > 0) {
    const context = after
      ? `${peering.name} on ${vnet.name} is Disconnected and its other half on ${remoteName} cannot be re-created`
      : `${peering.name} on ${vnet.name} is Initiated and the peering back from ${remoteName} cannot be created`;
    for (const b of blockers) {
      ctx.alert(peering, vnet, b.problem, {
        reason: `${context}: ${b.detail}.`,
        remedy: b.remedy,
        remoteVnetId: remoteVnet.id,
        ...(b.overlappingPrefixes ? { overlappingPrefixes: b.overlappingPrefixes } : {}),
      });
    }
    return;
  }

  const name = reciprocalName(
    ctx.policy.reciprocalNameTemplate,
    {
      localVnet: remoteVnet.name,
      remoteVnet: vnet.name,
      localRg: remoteVnet.resourceGroup,
      remoteRg: vnet.resourceGroup,
    },
    [...remoteVnet.peerings.map((p) => p.name), ...(ctx.plannedNames.get(idKey(remoteVnet.id)) ?? [])],
  );
  ctx.plannedNames.set(idKey(remoteVnet.id), [...(ctx.plannedNames.get(idKey(remoteVnet.id)) ?? []), name]);
  const target = peeringIdOf(remoteVnet.id, name);
  const body = mirrorBody(peering, gateways);
  const why = after
    ? `${peering.name} on ${vnet.name} lost its other half; once it is reset, creating ${name} on ${remoteName} (mirroring its settings) connects the pair.`
    : `${peering.name} on ${vnet.name} is Initiated: ${remoteName} has no peering back. Creating ${name} on ${remoteName} (mirroring its settings) connects the pair.`;
  const { settings } = body;
  const subnets = (names: string[]) => (names.length > 0 ? names.join(", ") : "no subnet named");
  const scopeText = settings.peerCompleteVnets
    ? ""
    : settings.localSubnetNames.length + settings.remoteSubnetNames.length > 0
      ? ` Subnet-level, like ${peering.name}: ${subnets(settings.localSubnetNames)} on ${remoteName} with ${subnets(settings.remoteSubnetNames)} on ${vnet.name}.`
      : ` Scoped to address spaces, like ${peering.name}.`;
  const ipv6Text = settings.enableOnlyIPv6Peering ? ` IPv6 only, like ${peering.name}.` : "";
  const gatewayText = [
    body.settings.allowGatewayTransit
      ? `${remoteName} offers gateway transit because ${peering.name} uses remote gateways`
      : "",
    body.settings.useRemoteGateways ? `${remoteName} uses ${vnet.name}'s gateway` : "",
    ...gateways.notes,
  ].filter(Boolean);
  const action: CreateReciprocalAction = {
    kind: "createReciprocal",
    id: `create:${idKey(target)}`,
    target,
    vnetId: remoteVnet.id,
    name,
    body,
    mirrorOf: peering.id,
    reason: `${why}${scopeText}${ipv6Text}${gatewayText.length > 0 ? ` Gateways: ${gatewayText.join("; ")}.` : ""}`,
    ...(after ? { dependsOn: after.id } : {}),
  };
  if (after) ctx.add(after);
  ctx.add(action);
}

/** Everything Azure would refuse when the reciprocal of `peering` is created on `remoteVnet`. */
export function reciprocalBlockers(
  ctx: PlanContext,
  vnet: Vnet,
  peering: Peering,
  remoteVnet: Vnet,
  gatewayViolations: string[],
): Blocker[] {
  const blockers: Blocker[] = [];
  const s = peering.settings;
  const remoteName = ctx.label(remoteVnet.id, vnet);

  if (isSubnetPeering(s)) {
    const missingLocal = unknownSubnets(vnet, s.localSubnetNames);
    const missingRemote = unknownSubnets(remoteVnet, s.remoteSubnetNames);
    const missing = [
      ...missingLocal.map((n) => `${n} on ${vnet.name}`),
      ...missingRemote.map((n) => `${n} on ${remoteName}`),
    ];
    if (missing.length > 0) {
      blockers.push({
        problem: "SubnetMissing",
        detail: `${peering.name} peers subnets that do not exist: ${list(missing)}`,
        remedy: `Fix the subnet lists of ${peering.name} on ${vnet.name} (or re-create the subnets); vnet-peering-sync then creates the peering back.`,
      });
    }
  }

  const localSpace = ctx.localPeeredPrefixes(peering, vnet);
  const remoteSpace = ctx.remotePeeredPrefixes(peering, remoteVnet);
  const direct = findOverlaps(localSpace, remoteSpace);
  // Azure checks both ends against the VNets each one already peers with (docs/azure-behaviour.md#errors).
  const withRemotePeers = ctx.peerOverlaps(localSpace, remoteVnet, vnet.id);
  const withLocalPeers = ctx.peerOverlaps(remoteSpace, vnet, remoteVnet.id);
  const texts = [
    direct.length > 0 ? `${vnet.name} and ${remoteName} overlap (${pairs(direct)})` : "",
    withRemotePeers.pairs.length > 0
      ? `${vnet.name}'s ${list(unique(withRemotePeers.pairs.map((p) => p[0])))} overlaps ${withRemotePeers.text}`
      : "",
    withLocalPeers.pairs.length > 0
      ? `${remoteName}'s ${list(unique(withLocalPeers.pairs.map((p) => p[0])))} overlaps ${withLocalPeers.text}`
      : "",
  ].filter(Boolean);
  if (texts.length > 0) {
    blockers.push({
      problem: "AddressSpaceOverlap",
      detail: `${texts.join("; ")}, so Azure would refuse the peering`,
      remedy: `Re-address one of the VNets so the ranges no longer overlap (or delete ${peering.name} on ${vnet.name} if the pair is not wanted).`,
      overlappingPrefixes: [...direct, ...withRemotePeers.pairs, ...withLocalPeers.pairs],
    });
  }

  if (gatewayViolations.length > 0) {
    blockers.push({
      problem: "GatewayRuleViolation",
      detail: gatewayViolations.join("; "),
      remedy: `Deploy a gateway where the pair expects one, or turn off useRemoteGateways on ${peering.name} on ${vnet.name}; vnet-peering-sync then creates the peering back.`,
    });
  }
  return blockers;
}
