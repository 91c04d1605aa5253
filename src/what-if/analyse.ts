/**
 * The what-if analysis, pure: given the live topology and the address spaces a change would leave,
 * what Azure refuses, which syncs the change needs and who makes them, and what a reviewer should
 * check. Every rule is Azure's (docs/azure-behaviour.md#address-space-updates); the emulator enforces
 * the same ones, and the tests check that both agree.
 */
import ipaddr from "ipaddr.js";
import { findOverlaps, normalizePrefix, overlaps, prefixesNotIn } from "../reconcile/cidr.js";
import { idKey, parseVnetId, subscriptionOf } from "../reconcile/ids.js";
import { isManagedByNetworkManager, locateVnet } from "../reconcile/scope.js";
import type { Peering, Policy, Snapshot, Vnet } from "../reconcile/types.js";
import { writeLowerBoundSeconds } from "./estimate.js";
import type {
  AddressSpaceChange,
  ChangeSummary,
  FollowUpSync,
  ManualReason,
  Refusal,
  RouteTable,
  Warning,
  WhatIfAnswer,
} from "./types.js";

export interface WhatIfInput {
  snapshot: Snapshot;
  policy: Policy;
  changes: AddressSpaceChange[];
  /**
   * Route tables of the subscriptions read; undefined when they were not read (then no route
   * warning is given, and the answer says nothing about routes).
   */
  routeTables?: RouteTable[];
}

/** How far the transit check looks: the resized VNet, a hub, another hub, and what hangs off it. */
const TRANSIT_DEPTH = 3;

export function analyseWhatIf(input: WhatIfInput): WhatIfAnswer {
  const { snapshot, policy } = input;
  const byKey = new Map(snapshot.vnets.map((v) => [idKey(v.id), v]));
  const changed = new Map(input.changes.map((c) => [idKey(c.vnetId), c]));
  const after = (vnet: Vnet): string[] =>
    changed.get(idKey(vnet.id))?.addressPrefixes ?? vnet.addressPrefixes;
  const name = (id: string) => byKey.get(idKey(id))?.name ?? parseVnetId(id)?.vnetName ?? id;

  const changes: ChangeSummary[] = [];
  const refused: Refusal[] = [];
  const followUp: FollowUpSync[] = [];
  const warnings: Warning[] = [];

  for (const change of input.changes) {
    const vnet = byKey.get(idKey(change.vnetId));
    if (!vnet) continue;
    const added = prefixesNotIn(change.addressPrefixes, vnet.addressPrefixes);
    const removed = prefixesNotIn(vnet.addressPrefixes, change.addressPrefixes);
    changes.push({
      vnetId: vnet.id,
      vnetName: vnet.name,
      subscriptionId: vnet.subscriptionId,
      before: [...vnet.addressPrefixes],
      after: [...change.addressPrefixes],
      added,
      removed,
      ...(change.source ? { source: change.source } : {}),
    });
    const syntaxOk = checkSyntax(vnet, change.addressPrefixes, refused);
    if (!syntaxOk) continue;
    checkOwnOverlap(vnet, change.addressPrefixes, refused);
    checkSubnets(vnet, change.subnets ?? vnet.subnets, change.addressPrefixes, removed, refused);
    checkDirectPeers(vnet, added, snapshot, byKey, after, refused);
  }

  // Follow-up: every Connected full-VNet peering that points at a resized VNet must pull its new
  // space; that one sync fixes both halves (docs/azure-behaviour.md#sync-semantics).
  const reportOnly = policy.reportOnly;
  for (const summary of changes) {
    if (summary.added.length === 0 && summary.removed.length === 0) continue;
    const target = byKey.get(idKey(summary.vnetId))!;
    const seen = new Set<string>();
    for (const vnet of snapshot.vnets) {
      for (const peering of vnet.peerings) {
        if (idKey(peering.remoteVnetId) !== idKey(target.id)) continue;
        seen.add(idKey(vnet.id));
        if (peering.state !== "Connected") continue;
        if (!peering.settings.peerCompleteVnets) {
          // A subnet-level peering follows its subnets, not the address space: it needs a sync only
          // when the change moves one of the subnets it peers (docs/azure-behaviour.md#subnet-peering).
          if (
            movesPeeredSubnet(
              target,
              changed.get(idKey(target.id))?.subnets,
              peering.settings.remoteSubnetNames,
            )
          ) {
            followUp.push(
              syncOf(vnet, peering, target, changed.has(idKey(vnet.id)), snapshot, byKey, policy, reportOnly),
            );
            continue;
          }
          warnings.push({
            code: "SubnetPeeringUnchanged",
            vnetId: target.id,
            otherVnetId: vnet.id,
            message: `${peering.name} on ${vnet.name} peers only chosen subnets or ranges of ${target.name}: the new space is not peered through it until its subnet or range list changes.`,
          });
          continue;
        }
        followUp.push(
          syncOf(vnet, peering, target, changed.has(idKey(vnet.id)), snapshot, byKey, policy, reportOnly),
        );
        const conflict = syncConflict(vnet, peering, after(target), byKey);
        if (conflict) refused.push({ ...conflict, vnetId: target.id });
      }
    }
    // Peers the snapshot could not read: their half needs a sync too, by whoever can reach it.
    for (const peering of target.peerings) {
      const key = idKey(peering.remoteVnetId);
      if (seen.has(key) || byKey.has(key) || peering.state !== "Connected") continue;
      const sub = subscriptionOf(peering.remoteVnetId) ?? "";
      const watched = policy.watchedSubscriptions.some((s) => s.toLowerCase() === sub);
      const peerName = name(peering.remoteVnetId);
      followUp.push({
        vnetId: peering.remoteVnetId,
        vnetName: name(peering.remoteVnetId),
        subscriptionId: sub,
        remoteVnetId: target.id,
        side: "remote",
        by: "human",
        manualReason: watched ? "Unreadable" : "OutsideWatchedScope",
        note: watched
          ? `${peerName} (subscription ${sub}) could not be read (another tenant, or no access): its owner must sync its peering to ${target.name} (az network vnet peering sync).`
          : `${peerName} (subscription ${sub}) is outside the watched subscriptions and was not read: its owner must sync its peering to ${target.name} (az network vnet peering sync).`,
      });
      warnings.push({
        code: "PeerUnreadable",
        vnetId: target.id,
        otherVnetId: peering.remoteVnetId,
        message: `${peerName} ${watched ? "could not be read" : "is outside the watched subscriptions and was not read"}: its address space was not checked against ${target.name}'s new prefixes (Azure checks it when the VNet is updated).`,
      });
    }
    if (summary.added.length > 0) {
      gatewayWarnings(target, summary.added, byKey, warnings);
      transitWarnings(target, summary.added, byKey, after, warnings);
    }
    if (input.routeTables) routeWarnings(summary, input.routeTables, warnings);
  }

  const writesPerSubscription: Record<string, number> = {};
  for (const f of followUp)
    if (f.by === "product")
      writesPerSubscription[f.subscriptionId] = (writesPerSubscription[f.subscriptionId] ?? 0) + 1;
  const productWrites = followUp.filter((f) => f.by === "product").length;

  return {
    verdict: refused.length > 0 ? "refused" : followUp.length > 0 ? "followUp" : "nothing",
    changes,
    refused: dedupeRefusals(refused),
    followUp,
    warnings,
    notChecked: [],
    estimate: {
      productWrites,
      writesPerSubscription,
      lowerBoundSeconds: writeLowerBoundSeconds(Object.values(writesPerSubscription)),
    },
  };
}

/** Prefixes Azure accepts: valid CIDR, aligned to its length, at least one. */
function checkSyntax(vnet: Vnet, prefixes: string[], refused: Refusal[]): boolean {
  if (prefixes.length === 0) {
    refused.push({
      stage: "vnetUpdate",
      code: "InvalidRequestFormat",
      vnetId: vnet.id,
      message: `${vnet.name} would have no address prefix left; a VNet needs at least one.`,
    });
    return false;
  }
  let ok = true;
  for (const prefix of prefixes) {
    if (!ipaddr.isValidCIDR(prefix)) {
      ok = false;
      refused.push({
        stage: "vnetUpdate",
        code: "InvalidAddressPrefixFormat",
        vnetId: vnet.id,
        prefixes: [prefix],
        message: `${JSON.stringify(prefix)} is not an address prefix (CIDR such as 10.1.0.0/16).`,
      });
      continue;
    }
    // Host bits set: the address differs from its network address (however the address is written).
    const [address, bits] = ipaddr.parseCIDR(prefix);
    const network =
      address.kind() === "ipv4"
        ? ipaddr.IPv4.networkAddressFromCIDR(prefix)
        : ipaddr.IPv6.networkAddressFromCIDR(prefix);
    const aligned = `${network.toString()}/${bits}`;
    if (network.toString() !== address.toString()) {
      ok = false;
      refused.push({
        stage: "vnetUpdate",
        code: "InvalidCIDRNotation",
        vnetId: vnet.id,
        prefixes: [prefix],
        message: `${prefix} has host bits set: for its length the prefix is ${aligned}.`,
      });
    }
  }
  return ok;
}

function checkOwnOverlap(vnet: Vnet, prefixes: string[], refused: Refusal[]): void {
  for (let i = 0; i < prefixes.length; i++)
    for (let j = i + 1; j < prefixes.length; j++)
      if (overlaps(prefixes[i]!, prefixes[j]!))
        refused.push({
          stage: "vnetUpdate",
          code: "VnetAddressSpaceOverlapsWithItself",
          vnetId: vnet.id,
          prefixes: [prefixes[i]!, prefixes[j]!],
          message: `${prefixes[i]} and ${prefixes[j]} overlap each other; the prefixes of one VNet must not overlap.`,
        });
}

/** A prefix cannot go while a subnet still lies in it: every subnet must stay inside the new space. */
function checkSubnets(
  vnet: Vnet,
  subnets: ReadonlyArray<{ name: string; addressPrefixes: string[] }>,
  prefixes: string[],
  removed: string[],
  refused: Refusal[],
): void {
  for (const subnet of subnets) {
    for (const sp of subnet.addressPrefixes) {
      if (prefixes.some((p) => contains(p, sp))) continue;
      const holder = removed.find((r) => overlaps(r, sp));
      refused.push({
        stage: "vnetUpdate",
        code: "NetcfgSubnetRangeOutsideVnet",
        vnetId: vnet.id,
        subnet: subnet.name,
        prefixes: holder ? [holder, sp] : [sp],
        message: holder
          ? `${holder} cannot be removed: subnet ${subnet.name} (${sp}) still uses it. Move or delete the subnet first.`
          : `Subnet ${subnet.name} (${sp}) would lie outside ${vnet.name}'s address space.`,
      });
    }
  }
}

/**
 * A new prefix must not overlap any VNet this one is peered with, in either direction, whatever the
 * peering's state but Disconnected (the emulator's VNet PUT check is the same).
 */
function checkDirectPeers(
  vnet: Vnet,
  added: string[],
  snapshot: Snapshot,
  byKey: Map<string, Vnet>,
  after: (v: Vnet) => string[],
  refused: Refusal[],
): void {
  if (added.length === 0) return;
  const peers = new Map<string, Vnet>();
  for (const p of vnet.peerings) {
    const r = byKey.get(idKey(p.remoteVnetId));
    if (r && p.state !== "Disconnected") peers.set(idKey(r.id), r);
  }
  for (const other of snapshot.vnets)
    for (const p of other.peerings)
      if (idKey(p.remoteVnetId) === idKey(vnet.id) && p.state !== "Disconnected")
        peers.set(idKey(other.id), other);
  for (const peer of peers.values()) {
    const hits = findOverlaps(added, after(peer));
    if (hits.length === 0) continue;
    refused.push({
      stage: "vnetUpdate",
      code: "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
      vnetId: vnet.id,
      otherVnetId: peer.id,
      prefixes: [...new Set(hits.flat())],
      message: `${vnet.name} is peered with ${peer.name}: ${pairs(hits)} would overlap.`,
    });
  }
}

/**
 * The sync on `peering` (on `vnet`, pointing at the resized VNet) pulls `pulled` in; Azure refuses it
 * when that overlaps a VNet `vnet` already peers with (the async failure of Azure/ResourceModules#731).
 */
function syncConflict(
  vnet: Vnet,
  peering: Peering,
  pulled: string[],
  byKey: Map<string, Vnet>,
): Omit<Refusal, "vnetId"> | undefined {
  for (const other of vnet.peerings) {
    if (other === peering || other.state === "Disconnected") continue;
    if (idKey(other.remoteVnetId) === idKey(peering.remoteVnetId)) continue;
    const hits = findOverlaps(pulled, other.remoteAddressSpace);
    if (hits.length === 0) continue;
    const third = byKey.get(idKey(other.remoteVnetId))?.name ?? parseVnetId(other.remoteVnetId)?.vnetName;
    return {
      stage: "sync",
      code: "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
      otherVnetId: other.remoteVnetId,
      peeringId: peering.id,
      prefixes: [...new Set(hits.flat())],
      message: `The VNet update is accepted, but the sync of ${peering.name} on ${vnet.name} fails: ${vnet.name} already peers with ${third ?? other.remoteVnetId} and ${pairs(hits)} would overlap. The peering stays out of sync.`,
    };
  }
  return undefined;
}

function syncOf(
  vnet: Vnet,
  peering: Peering,
  target: Vnet,
  bothChanged: boolean,
  snapshot: Snapshot,
  byKey: Map<string, Vnet>,
  policy: Policy,
  reportOnly: boolean,
): FollowUpSync {
  const base = {
    peeringId: peering.id,
    peeringName: peering.name,
    vnetId: vnet.id,
    vnetName: vnet.name,
    subscriptionId: vnet.subscriptionId.toLowerCase(),
    remoteVnetId: target.id,
    side: bothChanged ? ("local" as const) : ("remote" as const),
  };
  const manual = (reason: ManualReason, why: string): FollowUpSync => ({
    ...base,
    by: "human",
    manualReason: reason,
    note: `${why}: its owner must sync ${peering.name} on ${vnet.name} (az network vnet peering sync --resource-group ${vnet.resourceGroup} --vnet-name ${vnet.name} --name ${peering.name}).`,
  });
  const where = locateVnet(vnet.id, byKey, snapshot, policy);
  if (isManagedByNetworkManager(peering))
    return manual(
      "ManagedByVirtualNetworkManager",
      `${peering.name} belongs to Azure Virtual Network Manager`,
    );
  if (where.kind === "optedOut")
    return manual(
      "OptedOut",
      `${vnet.name} is opted out (tag ${policy.optOutTag.name}=${policy.optOutTag.value})`,
    );
  if (where.kind !== "writable")
    return manual("OutsideWatchedScope", `${vnet.name} is outside what vnet-peering-sync watches`);
  if (reportOnly) return manual("ReportOnly", "vnet-peering-sync runs report-only");
  return {
    ...base,
    by: "product",
    note: `vnet-peering-sync syncs ${peering.name} on ${vnet.name} once the change lands (PUT with syncRemoteAddressSpace=true).`,
  };
}

/**
 * A spoke that uses the hub's gateway has its prefixes advertised by that gateway once synced
 * (docs/azure-behaviour.md#address-space-updates): on-premises learns the new range.
 */
function gatewayWarnings(target: Vnet, added: string[], byKey: Map<string, Vnet>, warnings: Warning[]): void {
  for (const p of target.peerings) {
    if (!p.settings.useRemoteGateways || p.state !== "Connected") continue;
    const hub = byKey.get(idKey(p.remoteVnetId));
    warnings.push({
      code: "GatewayAdvertisesNewPrefixes",
      vnetId: target.id,
      otherVnetId: p.remoteVnetId,
      prefixes: added,
      message: `${target.name} uses the gateway of ${hub?.name ?? p.remoteVnetId}: after the sync it advertises ${added.join(", ")} to on-premises. Check that no on-premises or VPN range overlaps, and add the range to any static local network gateway on the far side.`,
    });
  }
  if (target.hasGateway) {
    const transit = target.peerings.filter((p) => p.settings.allowGatewayTransit && p.state === "Connected");
    if (transit.length > 0)
      warnings.push({
        code: "GatewayAdvertisesNewPrefixes",
        vnetId: target.id,
        prefixes: added,
        message: `${target.name}'s gateway serves ${transit.length} peered VNet(s) through gateway transit and advertises ${added.join(", ")} to on-premises. Check that no on-premises or VPN range overlaps.`,
      });
  }
}

/**
 * VNets two hops past a hub are not checked by Azure (only direct peers and the peers of the one
 * synced are), yet traffic reaches them when the hubs forward it (an appliance, or gateway transit):
 * an overlap there silently black-holes one of the two ranges.
 */
function transitWarnings(
  target: Vnet,
  added: string[],
  byKey: Map<string, Vnet>,
  after: (v: Vnet) => string[],
  warnings: Warning[],
): void {
  const depth = new Map<string, number>([[idKey(target.id), 0]]);
  const via = new Map<string, string[]>([[idKey(target.id), []]]);
  let frontier = [target];
  for (let d = 1; d <= TRANSIT_DEPTH; d++) {
    const next: Vnet[] = [];
    for (const v of frontier) {
      for (const p of v.peerings) {
        if (p.state !== "Connected") continue;
        const r = byKey.get(idKey(p.remoteVnetId));
        if (!r || depth.has(idKey(r.id))) continue;
        // Past the first hub, only a peering that accepts forwarded traffic carries it on.
        if (d > 1 && !p.settings.allowForwardedTraffic && !p.settings.useRemoteGateways) continue;
        depth.set(idKey(r.id), d);
        via.set(idKey(r.id), [...via.get(idKey(v.id))!, v.name]);
        next.push(r);
      }
    }
    frontier = next;
  }
  for (const [key, d] of depth) {
    if (d < 3) continue;
    const far = byKey.get(key)!;
    const hits = findOverlaps(added, after(far));
    if (hits.length === 0) continue;
    const path = via.get(key)!.slice(1);
    warnings.push({
      code: "OverlapThroughTransit",
      vnetId: target.id,
      otherVnetId: far.id,
      prefixes: [...new Set(hits.flat())],
      message: `${far.name} is reachable from ${target.name} through ${path.join(" and ")} when they forward traffic: ${pairs(hits)} would overlap. Azure does not refuse this; routing to one of the two breaks.`,
    });
  }
}

/**
 * Route tables that steer the resized VNet's old prefixes somewhere (typically a firewall) but have no
 * route for a new prefix: traffic to the new range skips the appliance. Report only: the product
 * never writes routes.
 */
function routeWarnings(change: ChangeSummary, tables: RouteTable[], warnings: Warning[]): void {
  if (change.added.length === 0) return;
  const isDefault = (prefix: string) => /^(0\.0\.0\.0|::)\/0$/.test(prefix.trim());
  for (const table of tables) {
    const specific = table.routes.filter((r) => !isDefault(r.addressPrefix));
    // A route for an old prefix, or for a part of it, is a route that was written for this VNet.
    const steering = specific.filter((r) =>
      change.before.some((old) => contains(r.addressPrefix, old) || contains(old, r.addressPrefix)),
    );
    if (steering.length === 0) continue;
    const missed = change.added.filter((n) => !specific.some((r) => contains(r.addressPrefix, n)));
    if (missed.length === 0) continue;
    const hop = steering[0]!;
    const where = table.subnetIds.length
      ? ` (used by ${table.subnetIds.map(subnetLabel).join(", ")})`
      : " (not associated with any subnet)";
    warnings.push({
      code: "RouteTableMissesNewPrefix",
      vnetId: change.vnetId,
      routeTableId: table.id,
      prefixes: missed,
      message: `Route table ${table.name}${where} sends ${steering.map((r) => r.addressPrefix).join(", ")} of ${change.vnetName} to ${hop.nextHopType}${hop.nextHopIpAddress ? ` ${hop.nextHopIpAddress}` : ""} but has no route for ${missed.join(", ")}: traffic to the new range bypasses it. Add a route; vnet-peering-sync never writes routes.`,
    });
  }
}

/** `vnet/subnet` from a subnet id. */
function subnetLabel(id: string): string {
  const m = /virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i.exec(id);
  return m ? `${m[1]}/${m[2]}` : id;
}

/** Does the planned subnet list give one of `names` (subnets of `vnet`) other prefixes than today? */
function movesPeeredSubnet(
  vnet: Vnet,
  planned: ReadonlyArray<{ name: string; addressPrefixes: string[] }> | undefined,
  names: readonly string[],
): boolean {
  if (!planned) return false;
  const norm = (l: readonly string[]) => l.map(normalizePrefix).sort().join(",");
  return names.some((n) => {
    const now = vnet.subnets.find((s) => s.name.toLowerCase() === n.toLowerCase());
    const then = planned.find((s) => s.name.toLowerCase() === n.toLowerCase());
    return norm(now?.addressPrefixes ?? []) !== norm(then?.addressPrefixes ?? []);
  });
}

function contains(outer: string, inner: string): boolean {
  try {
    const [oa, ob] = ipaddr.parseCIDR(outer);
    const [ia, ib] = ipaddr.parseCIDR(inner);
    if (oa.kind() !== ia.kind() || ib < ob) return false;
    return ia.match(oa, ob);
  } catch {
    return false;
  }
}

function pairs(hits: ReadonlyArray<[string, string]>): string {
  return hits.map(([a, b]) => (normalizePrefix(a) === normalizePrefix(b) ? a : `${a} and ${b}`)).join(", ");
}

function dedupeRefusals(list: Refusal[]): Refusal[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const k = [
      r.stage,
      r.code,
      idKey(r.vnetId),
      idKey(r.otherVnetId ?? ""),
      idKey(r.peeringId ?? ""),
      r.subnet ?? "",
      (r.prefixes ?? []).join(","),
    ].join("|");
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
