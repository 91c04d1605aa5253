/**
 * plan(snapshot, policy): what should be written to bring every peering in scope back to health, and
 * what a human must look at. Pure: no I/O, no clock. Deterministic: VNets and peerings are visited in
 * the order of their lower-cased ids, so the same topology gives the same plan whatever the input
 * order. The Azure behaviour behind each rule: docs/azure-behaviour.md#sync-semantics, #peering-state, #errors and #subnet-peering.
 */
import { findOverlaps, isIPv6Prefix, prefixesNotIn } from "./cidr.js";
import { idKey, parseVnetId, peeringIdOf, sameId, subscriptionOf } from "./ids.js";
import { decideGateways, mirrorBody } from "./mirror.js";
import { reciprocalName } from "./naming.js";
import { isInScope, isManagedByNetworkManager, isOptedOut, locateVnet, type VnetLocation } from "./scope.js";
import { isSubnetPeering, peeredPrefixes, unknownSubnets } from "./spaces.js";
import type {
  Action,
  AlertOnlyAction,
  CreateReciprocalAction,
  Peering,
  Plan,
  Policy,
  ProblemCode,
  ResetDisconnectedAction,
  SkipCode,
  Snapshot,
  SyncLevel,
  Vnet,
} from "./types.js";

export function plan(snapshot: Snapshot, policy: Policy): Plan {
  return new Planner(snapshot, policy).run();
}

/** Both halves of the sync level: `Local` means this peering is stale, `Remote` means its partner is. */
export function hasLocalNotInSync(level: SyncLevel): boolean {
  return level === "LocalNotInSync" || level === "LocalAndRemoteNotInSync";
}

export function hasRemoteNotInSync(level: SyncLevel): boolean {
  return level === "RemoteNotInSync" || level === "LocalAndRemoteNotInSync";
}

/** A problem found before writing a reciprocal: reported instead of the write. */
interface Blocker {
  problem: ProblemCode;
  detail: string;
  remedy: string;
  overlappingPrefixes?: Array<[string, string]>;
}

interface Overlaps {
  pairs: Array<[string, string]>;
  /** Names what the prefixes collide with, for a reason. */
  text: string;
}

type NotWritable = Exclude<VnetLocation, { kind: "writable" }>;

class Planner {
  private readonly vnets: Vnet[];
  private readonly byKey = new Map<string, Vnet>();
  private readonly actions: Action[] = [];
  private readonly actionIds = new Set<string>();
  private readonly writtenPeerings = new Set<string>();
  /** Names of reciprocals planned in this run, per VNet key: later names must not collide with them. */
  private readonly plannedNames = new Map<string, string[]>();
  /** How many distinct VNets (in the snapshot or referenced by a peering) carry each name. */
  private readonly namesSeen = new Map<string, number>();

  constructor(
    private readonly snapshot: Snapshot,
    private readonly policy: Policy,
  ) {
    // Sorted copies: the plan must not depend on the order ARM listed things in.
    const sorted = [...snapshot.vnets].sort((a, b) => compareKeys(a.id, b.id));
    for (const vnet of sorted) {
      if (this.byKey.has(idKey(vnet.id))) continue;
      const copy = { ...vnet, peerings: [...vnet.peerings].sort((a, b) => compareKeys(a.id, b.id)) };
      this.byKey.set(idKey(vnet.id), copy);
    }
    this.vnets = [...this.byKey.values()];
    const named = new Set([
      ...this.vnets.map((v) => idKey(v.id)),
      ...this.vnets.flatMap((v) => v.peerings.map((p) => idKey(p.remoteVnetId))),
    ]);
    for (const id of named) {
      const name = (parseVnetId(id)?.vnetName ?? id).toLowerCase();
      this.namesSeen.set(name, (this.namesSeen.get(name) ?? 0) + 1);
    }
  }

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

  private planPeering(vnet: Vnet, peering: Peering): void {
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
        return this.planConnected(vnet, peering);
      case "Initiated":
        return this.planInitiated(vnet, peering);
      case "Disconnected":
        return this.planDisconnected(vnet, peering);
    }
  }

  // ---- Rule 1: sync ----------------------------------------------------------------------------

  private planConnected(vnet: Vnet, peering: Peering): void {
    const remote = this.locate(peering.remoteVnetId);
    // Sync every peering whose level contains LocalNotInSync: it is the stale side; syncing the
    // RemoteNotInSync side succeeds and changes nothing (docs/azure-behaviour.md#sync-semantics).
    if (hasLocalNotInSync(peering.syncLevel)) this.planSync(vnet, peering, remote);
    if (hasRemoteNotInSync(peering.syncLevel)) this.reportStalePartner(vnet, peering, remote);
  }

  private planSync(vnet: Vnet, peering: Peering, remote: VnetLocation): void {
    const remoteVnet = "vnet" in remote ? remote.vnet : undefined;
    const remoteName = this.label(peering.remoteVnetId, vnet);
    // The decision is the syncLevel Azure reports; the prefixes only explain it and guard overlaps.
    const incoming = this.remotePeeredPrefixes(peering, remoteVnet);

    // What the sync pulls in must not overlap this VNet nor what it already peers with others,
    // or Azure refuses it (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet, docs/azure-behaviour.md#errors).
    const clashes = joinOverlaps(
      this.ownOverlaps(incoming, vnet, peering),
      this.peerOverlaps(incoming, vnet, peering.remoteVnetId),
    );
    if (clashes.pairs.length > 0) {
      this.alert(peering, vnet, "AddressSpaceOverlap", {
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
    this.add({
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
  private reportStalePartner(vnet: Vnet, peering: Peering, remote: VnetLocation): void {
    if (remote.kind === "writable") return;
    const remoteName = this.label(peering.remoteVnetId, vnet);
    if (remote.kind === "missing") {
      this.alert(peering, vnet, "PeerVnetMissing", {
        reason: `${peering.name} on ${vnet.name} is Connected to ${remoteName}, but ${remoteName} was not found in its subscription.`,
        remedy: `Check whether ${remoteName} was deleted; if so, delete ${peering.name} on ${vnet.name}.`,
        remoteVnetId: peering.remoteVnetId,
      });
      return;
    }
    const back =
      remote.kind !== "inaccessible" && remote.vnet ? this.peeringsBack(remote.vnet, vnet.id)[0] : undefined;
    // The VNet over there is named once per sentence: unread, its peering back has no name to give.
    const backOnRemote = back
      ? `${back.name} on ${remoteName}`
      : `the peering on ${remoteName} that points at ${vnet.name}`;
    this.alert(peering, vnet, remote.kind === "inaccessible" ? "PeerInaccessible" : "PeerOutOfScope", {
      reason:
        `${vnet.name} changed its address space (now ${list(vnet.addressPrefixes)}), so ${backOnRemote} still peers the old range; ` +
        `${remoteName} ${this.whyNotWritable(remote)}, so vnet-peering-sync does not sync it.`,
      remedy: back
        ? `The owner of ${remoteName} must sync its peering ${back.name} (az network vnet peering sync).`
        : `The owner of ${remoteName} must sync its peering to ${vnet.name} (az network vnet peering sync).`,
      remoteVnetId: peering.remoteVnetId,
    });
  }

  // ---- Rule 2: missing reciprocal ----------------------------------------------------------------

  private planInitiated(vnet: Vnet, peering: Peering): void {
    const remote = this.locate(peering.remoteVnetId);
    const remoteName = this.label(peering.remoteVnetId, vnet);
    if (remote.kind === "writable") {
      // A peering back exists: not a missing reciprocal; its own state decides (e.g. rule 3).
      if (this.peeringsBack(remote.vnet, vnet.id).length > 0) return;
      this.planReciprocal(vnet, peering, remote.vnet);
      return;
    }
    if (remote.kind === "missing") {
      this.alert(peering, vnet, "PeerVnetMissing", {
        reason: `${peering.name} on ${vnet.name} points at ${remoteName}, which does not exist (subscription ${subscriptionOf(peering.remoteVnetId) ?? "unknown"} was read and it is not there).`,
        remedy: `Delete ${peering.name} on ${vnet.name}, or re-create ${remoteName}; vnet-peering-sync then creates the peering back.`,
        remoteVnetId: peering.remoteVnetId,
      });
      return;
    }
    const back =
      remote.kind !== "inaccessible" && remote.vnet ? this.peeringsBack(remote.vnet, vnet.id)[0] : undefined;
    if (back && back.state !== "Disconnected") return;
    const problem = remote.kind === "inaccessible" ? "PeerInaccessible" : "PeerOutOfScope";
    if (back) {
      this.alert(peering, vnet, problem, {
        reason:
          `${peering.name} on ${vnet.name} is Initiated and the peering back, ${back.name} on ${remoteName}, is Disconnected; ` +
          `${remoteName} ${this.whyNotWritable(remote)}, so vnet-peering-sync does not repair it.`,
        remedy: `The owner of ${remoteName} must re-PUT ${back.name} (or delete and re-create it) so the pair connects.`,
        remoteVnetId: peering.remoteVnetId,
      });
      return;
    }
    this.alert(peering, vnet, problem, {
      reason:
        `${peering.name} on ${vnet.name} is Initiated: ${remoteName} has no peering back to ${vnet.name}, and ${remoteName} ` +
        `${this.whyNotWritable(remote)}, so vnet-peering-sync does not create it.`,
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
  private planReciprocal(
    vnet: Vnet,
    peering: Peering,
    remoteVnet: Vnet,
    after?: ResetDisconnectedAction,
  ): void {
    const gateways = decideGateways({
      existing: peering,
      existingVnet: vnet,
      newVnet: remoteVnet,
      useRemoteGatewaysOnReciprocal: this.policy.useRemoteGatewaysOnReciprocal,
    });
    const blockers = this.reciprocalBlockers(vnet, peering, remoteVnet, gateways.violations);
    const remoteName = this.label(remoteVnet.id, vnet);
    if (blockers.length > 0) {
      const context = after
        ? `${peering.name} on ${vnet.name} is Disconnected and its other half on ${remoteName} cannot be re-created`
        : `${peering.name} on ${vnet.name} is Initiated and the peering back from ${remoteName} cannot be created`;
      for (const b of blockers) {
        this.alert(peering, vnet, b.problem, {
          reason: `${context}: ${b.detail}.`,
          remedy: b.remedy,
          remoteVnetId: remoteVnet.id,
          ...(b.overlappingPrefixes ? { overlappingPrefixes: b.overlappingPrefixes } : {}),
        });
      }
      return;
    }

    const name = reciprocalName(
      this.policy.reciprocalNameTemplate,
      {
        localVnet: remoteVnet.name,
        remoteVnet: vnet.name,
        localRg: remoteVnet.resourceGroup,
        remoteRg: vnet.resourceGroup,
      },
      [...remoteVnet.peerings.map((p) => p.name), ...(this.plannedNames.get(idKey(remoteVnet.id)) ?? [])],
    );
    this.plannedNames.set(idKey(remoteVnet.id), [
      ...(this.plannedNames.get(idKey(remoteVnet.id)) ?? []),
      name,
    ]);
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
    if (after) this.add(after);
    this.add(action);
  }

  /** Everything Azure would refuse when the reciprocal of `peering` is created on `remoteVnet`. */
  private reciprocalBlockers(
    vnet: Vnet,
    peering: Peering,
    remoteVnet: Vnet,
    gatewayViolations: string[],
  ): Blocker[] {
    const blockers: Blocker[] = [];
    const s = peering.settings;
    const remoteName = this.label(remoteVnet.id, vnet);

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

    const localSpace = this.localPeeredPrefixes(peering, vnet);
    const remoteSpace = this.remotePeeredPrefixes(peering, remoteVnet);
    const direct = findOverlaps(localSpace, remoteSpace);
    // Azure checks both ends against the VNets each one already peers with (docs/azure-behaviour.md#errors).
    const withRemotePeers = this.peerOverlaps(localSpace, remoteVnet, vnet.id);
    const withLocalPeers = this.peerOverlaps(remoteSpace, vnet, remoteVnet.id);
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

  // ---- Rule 3: Disconnected ----------------------------------------------------------------------

  private planDisconnected(vnet: Vnet, peering: Peering): void {
    const remote = this.locate(peering.remoteVnetId);
    const remoteName = this.label(peering.remoteVnetId, vnet);
    const remoteVnet = "vnet" in remote ? remote.vnet : undefined;
    const back = remoteVnet ? this.peeringsBack(remoteVnet, vnet.id)[0] : undefined;

    if (!this.policy.repairDisconnected) {
      const cause =
        remote.kind === "missing"
          ? `${remoteName} no longer exists`
          : back?.state === "Disconnected"
            ? `the peering back, ${back.name} on ${remoteName}, is Disconnected too`
            : `its other half on ${remoteName} was deleted (or ${remoteName} was deleted and re-created)`;
      this.alert(peering, vnet, "Disconnected", {
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
        this.alert(peering, vnet, "PeerVnetMissing", {
          reason: `${peering.name} on ${vnet.name} is Disconnected because ${remoteName} no longer exists; there is nothing to re-connect to.`,
          remedy: `Delete ${peering.name} on ${vnet.name}, or re-create ${remoteName} (vnet-peering-sync then repairs the pair).`,
          remoteVnetId: peering.remoteVnetId,
        });
        return;
      }
      this.alert(peering, vnet, remote.kind === "inaccessible" ? "PeerInaccessible" : "PeerOutOfScope", {
        reason:
          `${peering.name} on ${vnet.name} is Disconnected; its other half belongs on ${remoteName}, which ` +
          `${this.whyNotWritable(remote)}, so vnet-peering-sync does not repair the pair.`,
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
      this.planReciprocal(
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
      const dependsOn = backFirst && this.willBeReset(back) ? `reset:${idKey(back.id)}` : undefined;
      this.add(
        reset(
          `${peering.name} on ${vnet.name} and the peering back, ${back.name} on ${remoteName}, are both Disconnected. ` +
            `Re-PUTting both puts them back into a pair.`,
          dependsOn,
        ),
      );
      return;
    }

    this.add(
      reset(
        `${peering.name} on ${vnet.name} is Disconnected although ${back.name} on ${remoteName} points back (${back.state}). ` +
          `Re-PUTting it lets the two halves connect.`,
      ),
    );
  }

  /** Mirrors the conditions under which planDisconnected emits a reset for `peering`. */
  private willBeReset(peering: Peering): boolean {
    const vnet = this.byKey.get(idKey(peering.vnetId));
    return (
      this.policy.repairDisconnected &&
      vnet !== undefined &&
      isInScope(vnet.id, this.policy) &&
      !isOptedOut(vnet, this.policy) &&
      !isManagedByNetworkManager(peering) &&
      peering.provisioningState === "Succeeded" &&
      peering.state === "Disconnected" &&
      this.locate(peering.remoteVnetId).kind === "writable"
    );
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private locate(vnetId: string): VnetLocation {
    return locateVnet(vnetId, this.byKey, this.snapshot, this.policy);
  }

  private peeringsBack(remoteVnet: Vnet, toVnetId: string): Peering[] {
    return remoteVnet.peerings.filter((p) => sameId(p.remoteVnetId, toVnetId));
  }

  /** What the peering connects on its own VNet: whole space, listed subnets, or the scoped prefixes. */
  private localPeeredPrefixes(peering: Peering, vnet: Vnet): string[] {
    const s = peering.settings;
    if (!s.peerCompleteVnets && !isSubnetPeering(s)) return [...peering.localAddressSpace];
    return peeredPrefixes(vnet, s.peerCompleteVnets ? [] : s.localSubnetNames, s);
  }

  /**
   * What the peering connects (or would connect after a sync) on the remote VNet: from the remote VNet
   * when it was read, else from the peering's view of it. For subnet-level peering with an unread
   * remote VNet it is unknown (empty): no precondition can be checked.
   */
  private remotePeeredPrefixes(peering: Peering, remoteVnet: Vnet | undefined): string[] {
    const s = peering.settings;
    if (!s.peerCompleteVnets && !isSubnetPeering(s)) return [...peering.remoteAddressSpace];
    if (remoteVnet) return peeredPrefixes(remoteVnet, s.peerCompleteVnets ? [] : s.remoteSubnetNames, s);
    if (!s.peerCompleteVnets) return [];
    // Like with like: an IPv6-only peering carries only the IPv6 part of the remote space.
    const space = [...peering.remoteVirtualNetworkAddressSpace];
    return s.enableOnlyIPv6Peering ? space.filter(isIPv6Prefix) : space;
  }

  /** Overlaps of `prefixes` with what `own` (a peering on `vnet`) connects of `vnet` itself. */
  private ownOverlaps(prefixes: string[], vnet: Vnet, own: Peering): Overlaps {
    const found = findOverlaps(prefixes, this.localPeeredPrefixes(own, vnet));
    return {
      pairs: found,
      text: found.length > 0 ? `${vnet.name}'s own ${list(unique(found.map((p) => p[1])))}` : "",
    };
  }

  /**
   * Overlaps of `prefixes` with the space `vnet` already peers with other VNets (peerings to
   * `exceptVnetId`, the other end of the pair in question, ignored; Disconnected ones too: their
   * partner is gone).
   */
  private peerOverlaps(prefixes: string[], vnet: Vnet, exceptVnetId: string): Overlaps {
    const found: Array<[string, string]> = [];
    const texts: string[] = [];
    for (const other of vnet.peerings) {
      if (other.state === "Disconnected" || sameId(other.remoteVnetId, exceptVnetId)) continue;
      const hits = findOverlaps(prefixes, other.remoteAddressSpace);
      if (hits.length === 0) continue;
      found.push(...hits);
      texts.push(
        `${list(unique(hits.map((p) => p[1])))} of ${this.label(other.remoteVnetId, vnet)}, already peered with ${vnet.name} through ${other.name}`,
      );
    }
    return { pairs: found, text: texts.join(" and ") };
  }

  private whyNotWritable(remote: NotWritable): string {
    switch (remote.kind) {
      case "optedOut":
        return `is opted out (tag ${this.policy.optOutTag.name}=${this.policy.optOutTag.value})`;
      case "outOfScope":
        return "is outside the watched scope";
      case "inaccessible":
        return "is in a subscription vnet-peering-sync cannot read";
      case "missing":
        return "no longer exists";
    }
  }

  /** A VNet's name; with its subscription when it differs from `from`'s. */
  /**
   * What people call a VNet: its name, qualified with its subscription only where the name alone is
   * ambiguous or the VNet is outside what this run may write, so reasons stay readable.
   */
  private label(vnetId: string, from?: Vnet): string {
    const name = this.byKey.get(idKey(vnetId))?.name ?? parseVnetId(vnetId)?.vnetName ?? vnetId;
    const sub = subscriptionOf(vnetId);
    const ambiguous =
      (this.namesSeen.get(name.toLowerCase()) ?? 0) > 1 ||
      (from !== undefined && !sameId(from.id, vnetId) && from.name.toLowerCase() === name.toLowerCase());
    // A VNet this run may not write belongs to someone else: where it lives is what they need to know.
    const where = from !== undefined ? this.locate(vnetId).kind : "writable";
    const foreign = where === "outOfScope" || where === "inaccessible";
    return (ambiguous || foreign) && sub ? `${name} (subscription ${sub})` : name;
  }

  private skip(target: string, vnetId: string, skip: SkipCode, reason: string): void {
    this.add({ kind: "skip", id: `skip:${skip}:${idKey(target)}`, target, vnetId, skip, reason });
  }

  private alert(
    peering: Peering,
    vnet: Vnet,
    problem: ProblemCode,
    fields: Pick<AlertOnlyAction, "reason" | "remedy" | "remoteVnetId" | "overlappingPrefixes">,
  ): void {
    this.add({
      kind: "alertOnly",
      id: `alert:${problem}:${idKey(peering.id)}`,
      target: peering.id,
      vnetId: vnet.id,
      problem,
      ...fields,
    });
  }

  /**
   * The single entry for actions. Enforces the safety rules as invariants: a violation is a planner
   * bug, and failing loudly beats writing where we must not.
   */
  private add(action: Action): void {
    if (this.actionIds.has(action.id)) return;
    if (action.kind === "sync" || action.kind === "createReciprocal" || action.kind === "resetDisconnected") {
      const vnet = this.byKey.get(idKey(action.vnetId));
      if (!vnet || !isInScope(vnet.id, this.policy) || isOptedOut(vnet, this.policy)) {
        throw new Error(
          `plan invariant: ${action.id} would write on ${action.vnetId}, which is not writable`,
        );
      }
      if (this.writtenPeerings.has(idKey(action.target))) {
        throw new Error(`plan invariant: a second write on ${action.target} (${action.id})`);
      }
      this.writtenPeerings.add(idKey(action.target));
    }
    this.actionIds.add(action.id);
    this.actions.push(action);
  }
}

function joinOverlaps(...all: Overlaps[]): Overlaps {
  return {
    pairs: all.flatMap((o) => o.pairs),
    text: all
      .map((o) => o.text)
      .filter(Boolean)
      .join(" and "),
  };
}

function compareKeys(a: string, b: string): number {
  const ka = idKey(a);
  const kb = idKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function list(items: readonly string[]): string {
  return items.length > 0 ? items.join(", ") : "(nothing)";
}

function pairs(found: ReadonlyArray<[string, string]>): string {
  return found.map(([a, b]) => (a === b ? a : `${a} with ${b}`)).join(", ");
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
