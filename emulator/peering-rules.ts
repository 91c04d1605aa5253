import { isIPv6Prefix, overlappingPrefixes, samePrefixSet } from "./cidr.js";
import { errors } from "./errors.js";
import type { NetworkState, PeeringRecord, PeeringSettings, SyncLevel, VnetRecord } from "./state.js";
import { key } from "./state.js";

/**
 * The peering state machine (docs/azure-behaviour.md#sync-semantics and #peering-state), kept free of HTTP so the seeding
 * API and the REST handlers share it.
 */

/** The prefixes a peering covers on one side: the whole VNet, the listed subnets, or the given space. */
function scopeOf(
  vnet: VnetRecord | undefined,
  s: PeeringSettings,
  subnetNames: string[],
  given: string[] | undefined,
): string[] | undefined {
  if (!vnet) return undefined;
  if (s.peerCompleteVnets) return [...vnet.addressPrefixes];
  if (subnetNames.length === 0) return given ? [...given] : [...vnet.addressPrefixes];
  // docs/azure-behaviour.md#subnet-peering: subnet peering peers the listed subnets' prefixes; IPv6-only keeps only their IPv6 ranges.
  const prefixes: string[] = [];
  for (const name of subnetNames) {
    const subnet = vnet.subnets.find((sn) => key(sn.name) === key(name));
    for (const p of subnet?.addressPrefixes ?? [])
      if (!s.enableOnlyIPv6Peering || isIPv6Prefix(p)) prefixes.push(p);
  }
  return prefixes;
}

export function currentLocalScope(state: NetworkState, p: PeeringRecord): string[] {
  const s = p.settings;
  return (
    scopeOf(state.vnets.get(p.vnetKey), s, s.localSubnetNames, s.scopedLocalAddressSpace) ?? p.peeredLocal
  );
}

export function currentRemoteScope(state: NetworkState, p: PeeringRecord): string[] {
  const s = p.settings;
  return (
    scopeOf(state.vnet(p.remoteVnetId), s, s.remoteSubnetNames, s.scopedRemoteAddressSpace) ?? p.peeredRemote
  );
}

/**
 * peeringSyncLevel, derived rather than stored:
 * - Initiated is always RemoteNotInSync (docs/azure-behaviour.md#sync-semantics: recorded even with no address change);
 * - Disconnected keeps the level it had (docs/azure-behaviour.md#peering-state, chosen);
 * - Connected compares what is peered with what is current on each side: a stale remote half means
 *   this side must sync (LocalNotInSync), a stale local half means the other side must
 *   (RemoteNotInSync), both stale is LocalAndRemoteNotInSync (docs/azure-behaviour.md#sync-semantics, inferred).
 * For subnet peering the compared spaces are the listed subnets' prefixes ([INFERRED]: a VNet resize
 * that leaves the peered subnets alone does not make a subnet peering stale).
 */
export function syncLevelOf(state: NetworkState, p: PeeringRecord): SyncLevel {
  if (p.peeringState === "Initiated") return "RemoteNotInSync";
  if (p.peeringState === "Disconnected") return p.frozenSyncLevel ?? "FullyInSync";
  const localStale = !samePrefixSet(p.peeredLocal, currentLocalScope(state, p));
  const remoteStale = !samePrefixSet(p.peeredRemote, currentRemoteScope(state, p));
  if (localStale && remoteStale) return "LocalAndRemoteNotInSync";
  if (remoteStale) return "LocalNotInSync";
  if (localStale) return "RemoteNotInSync";
  return "FullyInSync";
}

/** Snapshot both halves' peered spaces: done when a pair connects (docs/azure-behaviour.md#sync-semantics). */
export function snapshotPair(
  state: NetworkState,
  p: PeeringRecord,
  partner: PeeringRecord | undefined,
): void {
  p.peeredLocal = currentLocalScope(state, p);
  p.peeredRemote = currentRemoteScope(state, p);
  if (partner) {
    partner.peeredLocal = currentLocalScope(state, partner);
    partner.peeredRemote = currentRemoteScope(state, partner);
  }
}

/** A peering goes Disconnected when its partner (or the partner's VNet) is deleted (docs/azure-behaviour.md#peering-state). */
export function disconnect(state: NetworkState, p: PeeringRecord): void {
  if (p.peeringState === "Disconnected") return;
  p.frozenSyncLevel = syncLevelOf(state, p);
  p.peeringState = "Disconnected";
  const vnet = state.vnets.get(p.vnetKey);
  if (vnet) state.touch(vnet);
}

export interface PeeringPutInput {
  vnet: VnetRecord;
  /** Full peering id in the caller's casing. */
  id: string;
  name: string;
  remoteVnetId: string;
  settings: PeeringSettings;
  sync: boolean;
}

/** The checks a peering PUT must pass before anything is written (docs/azure-behaviour.md#errors and #sync-semantics). */
export function validatePeeringPut(state: NetworkState, input: PeeringPutInput): void {
  const { vnet, id, remoteVnetId, settings } = input;
  const existing = vnet.peerings.get(key(input.name));
  const remote = state.vnet(remoteVnetId);
  if (!remote) throw errors.invalidGlobalResourceReference(remoteVnetId, id);

  if (existing) {
    if (key(existing.remoteVnetId) !== key(remoteVnetId)) throw errors.changingRemoteNotAllowed(id);
    const wasFull = existing.settings.peerCompleteVnets;
    if (wasFull !== settings.peerCompleteVnets) throw errors.peeringTypeCannotChange(id);
  } else {
    for (const other of vnet.peerings.values())
      if (key(other.remoteVnetId) === key(remoteVnetId)) throw errors.anotherPeeringReferencesRemote();
  }

  // The peering's own VNet first, then the remote one: ARM answers the same error, naming whichever
  // is not Succeeded (the local case: Azure-Samples/azuresandbox#25, a peering written while a subnet
  // PUT on its own VNet ran; the remote case: hashicorp/terraform-provider-azurerm#2605).
  if (vnet.provisioningState !== "Succeeded")
    throw errors.referencedResourceNotProvisioned(vnet.id, id, vnet.provisioningState, vnet.lastOperation);
  if (remote.provisioningState !== "Succeeded")
    throw errors.referencedResourceNotProvisioned(
      remote.id,
      id,
      remote.provisioningState,
      remote.lastOperation,
    );

  const partner = partnerFor(state, vnet, remoteVnetId);
  if (partner?.peeringState === "Disconnected")
    throw errors.remotePeeringIsDisconnected(id, partner.id, remote.id);

  if (!settings.peerCompleteVnets) {
    for (const [names, side] of [
      [settings.localSubnetNames, vnet],
      [settings.remoteSubnetNames, remote],
    ] as const)
      for (const n of names)
        if (!side.subnets.some((sn) => key(sn.name) === key(n)))
          throw errors.subnetNotFoundForPeering(id, n, side.id);
  }

  // The overlap rules guard what gets peered: a new pair (or an Initiated/Disconnected one, whose
  // spaces are re-snapshotted). A plain re-PUT of a Connected peering peers nothing new, and a sync
  // is checked when its operation runs (syncConflict).
  if (!existing || existing.peeringState !== "Connected") {
    const probe = scopeProbe(input);
    const local = currentLocalScope(state, probe);
    const remoteSpace = currentRemoteScope(state, probe);
    const direct = overlappingPrefixes(local, remoteSpace);
    if (direct.length > 0) throw errors.vnetAddressSpacesOverlap(id, vnet.id, remote.id, direct);

    // docs/azure-behaviour.md#errors: a VNet cannot be peered with two VNets whose spaces overlap each other. Checked both
    // ways: the local VNet against the remote's other peers, and the remote against the local's.
    for (const [first, second, firstSpace] of [
      [vnet, remote, local],
      [remote, vnet, remoteSpace],
    ] as const) {
      for (const other of second.peerings.values()) {
        if (other.peeringState === "Disconnected" || key(other.remoteVnetId) === key(first.id)) continue;
        const hits = overlappingPrefixes(firstSpace, other.peeredRemote);
        if (hits.length > 0) {
          const third = state.vnet(other.remoteVnetId)?.id ?? other.remoteVnetId;
          throw errors.overlapsWithAlreadyPeered(id, first.id, second.id, third, hits);
        }
      }
    }
  }

  if (settings.useRemoteGateways) {
    const localGateway = state.gatewayOf(vnet);
    if (localGateway) throw errors.localVnetHasGateway(id, vnet.id);
    for (const other of vnet.peerings.values())
      if (key(other.name) !== key(input.name) && other.settings.useRemoteGateways)
        throw errors.anotherPeeringUsesRemoteGateways(`${vnet.name}/${input.name}`, other.id);
    // Azure/bicep#12191: doNotVerifyRemoteGateways does not bypass this check.
    if (!state.gatewayOf(remote)) throw errors.remoteVnetHasNoGateways(id, remote.id);
    // Checked only when the remote half exists; its absence is not an error (terraform-provider-azurerm#2872).
    if (partner && !partner.settings.allowGatewayTransit)
      throw errors.remotePeeringNoGatewayTransit(input.name);
  }
}

/** Just enough of a peering record to compute the spaces the PUT would peer. */
function scopeProbe(input: PeeringPutInput): PeeringRecord {
  return {
    id: input.id,
    name: input.name,
    vnetKey: key(input.vnet.id),
    remoteVnetId: input.remoteVnetId,
    settings: input.settings,
    peeringState: "Initiated",
    resourceGuid: "",
    provisioningState: "Updating",
    peeredLocal: [],
    peeredRemote: [],
  };
}

function partnerFor(state: NetworkState, vnet: VnetRecord, remoteVnetId: string): PeeringRecord | undefined {
  const remote = state.vnet(remoteVnetId);
  if (!remote) return undefined;
  for (const q of remote.peerings.values()) if (key(q.remoteVnetId) === key(vnet.id)) return q;
  return undefined;
}

/**
 * A sync pulls the remote VNet's current space into this side; it fails (asynchronously, as in the
 * recorded Azure/ResourceModules#731 operation failure) when that space would overlap another VNet
 * already peered with this one. Our choice: the same VnetAddressSpaceOverlapsWithAlreadyPeeredVnet code.
 */
export function syncConflict(
  state: NetworkState,
  p: PeeringRecord,
): { code: string; message: string } | undefined {
  const pulled = currentRemoteScope(state, p);
  const vnet = state.vnetOfPeering(p);
  const direct = overlappingPrefixes(currentLocalScope(state, p), pulled);
  if (direct.length > 0) {
    const e = errors.vnetAddressSpacesOverlap(
      p.id,
      vnet.id,
      state.vnet(p.remoteVnetId)?.id ?? p.remoteVnetId,
      direct,
    );
    return { code: e.body.code, message: e.body.message };
  }
  for (const other of vnet.peerings.values()) {
    if (other === p || other.peeringState === "Disconnected") continue;
    const hits = overlappingPrefixes(pulled, other.peeredRemote);
    if (hits.length > 0) {
      const e = errors.overlapsWithAlreadyPeered(
        p.id,
        vnet.id,
        state.vnet(p.remoteVnetId)?.id ?? p.remoteVnetId,
        state.vnet(other.remoteVnetId)?.id ?? other.remoteVnetId,
        hits,
      );
      return { code: e.body.code, message: e.body.message };
    }
  }
  return undefined;
}

export interface PeeringPutResult {
  peering: PeeringRecord;
  created: boolean;
  /** The VNets whose etag changed (this one, and the partner's when the pair changed state). */
  touched: VnetRecord[];
}

/**
 * Write a validated peering PUT into state (docs/azure-behaviour.md#peering-state):
 * - new, no partner: Initiated; new with an Initiated partner: both Connected, shared resourceGuid;
 * - a Disconnected peering re-PUT (its partner is gone): back to Initiated;
 * - sync on a Connected peering: copy the remote's current space into this side's remoteAddressSpace
 *   and the partner's localAddressSpace; both sides then compare equal (docs/azure-behaviour.md#sync-semantics: one sync fixes
 *   both halves, and on the RemoteNotInSync side it pulls an unchanged space, i.e. changes nothing);
 * - a plain re-PUT never syncs (bicep-types-az#2621) and only changes the user's settings.
 */
export function applyPeeringPut(state: NetworkState, input: PeeringPutInput): PeeringPutResult {
  const { vnet } = input;
  const existing = vnet.peerings.get(key(input.name));
  const partner = partnerFor(state, vnet, input.remoteVnetId);
  const touched: VnetRecord[] = [vnet];

  let p: PeeringRecord;
  if (existing) {
    p = existing;
    p.settings = input.settings;
  } else {
    p = {
      id: input.id,
      name: input.name,
      vnetKey: key(vnet.id),
      remoteVnetId: input.remoteVnetId,
      settings: input.settings,
      peeringState: "Initiated",
      resourceGuid: state.rng.guid(),
      provisioningState: "Succeeded",
      peeredLocal: [],
      peeredRemote: [],
    };
    vnet.peerings.set(key(input.name), p);
  }

  const connectNow =
    partner !== undefined && partner.peeringState === "Initiated" && p.peeringState !== "Connected";
  if (connectNow) {
    p.peeringState = "Connected";
    partner.peeringState = "Connected";
    p.resourceGuid = partner.resourceGuid;
    delete p.frozenSyncLevel;
    snapshotPair(state, p, partner);
    const partnerVnet = state.vnetOfPeering(partner);
    touched.push(partnerVnet);
  } else if (!existing || p.peeringState !== "Connected") {
    if (p.peeringState === "Disconnected") p.resourceGuid = state.rng.guid();
    p.peeringState = "Initiated";
    delete p.frozenSyncLevel;
    snapshotPair(state, p, undefined);
  } else if (input.sync) {
    const pulled = currentRemoteScope(state, p);
    p.peeredRemote = pulled;
    if (partner && partner.peeringState === "Connected") {
      partner.peeredLocal = [...pulled];
      touched.push(state.vnetOfPeering(partner));
    }
  }
  for (const v of touched) state.touch(v);
  return { peering: p, created: !existing, touched };
}

/** VNet PUT rule: a new prefix must not overlap a VNet already peered with this one (docs/azure-behaviour.md#errors). */
export function checkAddressChange(state: NetworkState, vnet: VnetRecord, newPrefixes: string[]): void {
  const added = newPrefixes.filter(
    (np) => !vnet.addressPrefixes.some((op) => op.toLowerCase() === np.toLowerCase()),
  );
  if (added.length === 0) return;
  const peers = new Map<string, VnetRecord>();
  for (const p of vnet.peerings.values()) {
    if (p.peeringState === "Disconnected") continue;
    const r = state.vnet(p.remoteVnetId);
    if (r) peers.set(key(r.id), r);
  }
  for (const p of state.peeringsPointingAt(key(vnet.id))) {
    if (p.peeringState === "Disconnected") continue;
    const r = state.vnets.get(p.vnetKey);
    if (r) peers.set(key(r.id), r);
  }
  for (const peer of peers.values()) {
    const hits = overlappingPrefixes(added, peer.addressPrefixes);
    if (hits.length > 0) throw errors.vnetUpdateOverlapsPeered(vnet.id, peer.id, hits);
  }
}
