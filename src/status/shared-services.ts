// What a hub offers its spokes (gateway, Bastion, private endpoints), and which spokes cannot reach it, and why.
import { idKey } from "../reconcile/ids.js";
import type { Snapshot, Vnet } from "../reconcile/types.js";
import {
  type BlockedSpoke,
  type HubServices,
  SERVICE_LABEL,
  type SharedService,
  type StatusPeering,
  type StatusVnet,
} from "./types.js";

export function servicesOf(v: Vnet): StatusVnet["services"] {
  return {
    bastion: v.subnets.some((s) => s.name.toLowerCase() === "azurebastionsubnet"),
    gateway: v.hasGateway,
    privateEndpoints: v.subnets.reduce((n, s) => n + (s.privateEndpointCount ?? 0), 0),
  };
}

/**
 * Hub shared services and the peered VNets that cannot use them. Bastion and private endpoints need
 * a Connected, in-sync pair with virtual network access on both halves (and, for subnet-level
 * peering, the service's subnets among the hub side's peered subnets). A gateway also needs
 * allowGatewayTransit on the hub's half and useRemoteGateways on the spoke's half (docs/azure-behaviour.md#errors: gateway
 * transit); a VNet with its own gateway cannot use a remote one and is not listed for it.
 */
export function sharedServicesOf(
  snapshot: Snapshot,
  read: Map<string, Vnet>,
  edges: Map<string, StatusPeering[]>,
  nameOf: (id: string) => string,
): HubServices[] {
  const out: HubServices[] = [];
  const pairsOf = new Map<string, string[]>();
  for (const key of edges.keys()) {
    const [a, b] = key.split("|") as [string, string];
    pairsOf.set(a, [...(pairsOf.get(a) ?? []), key]);
    pairsOf.set(b, [...(pairsOf.get(b) ?? []), key]);
  }
  for (const hub of snapshot.vnets) {
    const services = servicesOf(hub);
    const offered: SharedService[] = [
      ...(services.bastion ? (["bastion"] as const) : []),
      ...(services.gateway ? (["gateway"] as const) : []),
      ...(services.privateEndpoints > 0 ? (["privateEndpoints"] as const) : []),
    ];
    const keys = pairsOf.get(idKey(hub.id)) ?? [];
    // A hub shares with several VNets; a VNet peered with one other is a pair, not a hub.
    if (offered.length === 0 || keys.length < 2) continue;
    const blocked: BlockedSpoke[] = [];
    for (const key of keys) {
      const halves = edges.get(key)!;
      const hubHalf = halves.find((h) => idKey(h.vnetId) === idKey(hub.id));
      const spokeId = hubHalf?.remoteVnetId ?? halves[0]!.vnetId;
      const spoke = read.get(idKey(spokeId));
      const spokeHalf = halves.find((h) => idKey(h.vnetId) === idKey(spokeId));
      const spokeName = nameOf(spokeId);
      const common: string[] = [];
      const where = (h: StatusPeering) => `${nameOf(h.vnetId)}/${h.name}`;
      if (!hubHalf) common.push(`${hub.name} has no peering to ${spokeName}`);
      if (!spokeHalf) {
        common.push(
          spoke
            ? `${spokeName} has no peering to ${hub.name}`
            : `${spokeName}'s peering back could not be read, so its state and flags are unknown`,
        );
      }
      const present = [hubHalf, spokeHalf].filter((h): h is StatusPeering => h !== undefined);
      for (const h of present) {
        if (h.provisioningState === "Failed") common.push(`${where(h)} failed to provision`);
        else if (h.state !== "Connected") common.push(`${where(h)} is ${h.state}`);
      }
      const stale = present.filter((h) => h.state === "Connected" && h.syncLevel !== "FullyInSync");
      if (stale.length > 0) {
        common.push(
          `not in sync (${stale.map((h) => `${where(h)} ${h.syncLevel}`).join(", ")}): address ranges added since the last sync are not reachable`,
        );
      }
      const services: SharedService[] = [];
      const reasons = [...common];
      for (const service of offered) {
        // A VNet with its own gateway cannot use a remote one: not a problem, its own choice.
        if (service === "gateway" && spoke?.hasGateway) continue;
        const flags =
          common.length === 0 && hubHalf && spokeHalf
            ? flagProblems(service, hub, hubHalf, spokeHalf, where)
            : [];
        if (common.length > 0 || flags.length > 0) services.push(service);
        reasons.push(...flags.map((f) => `${SERVICE_LABEL[service]}: ${f}`));
      }
      if (services.length > 0) blocked.push({ spokeId, spokeName, services, reasons });
    }
    blocked.sort(
      (a, b) => a.spokeName.localeCompare(b.spokeName) || idKey(a.spokeId).localeCompare(idKey(b.spokeId)),
    );
    out.push({ vnetId: hub.id, vnetName: hub.name, services, peered: keys.length, blocked });
  }
  return out.sort((a, b) => b.peered - a.peered || a.vnetName.localeCompare(b.vnetName));
}

function flagProblems(
  service: SharedService,
  hub: Vnet,
  hubHalf: StatusPeering,
  spokeHalf: StatusPeering,
  where: (h: StatusPeering) => string,
): string[] {
  const reasons: string[] = [];
  if (service === "gateway") {
    if (!hubHalf.settings.allowGatewayTransit)
      reasons.push(`${where(hubHalf)} does not allow gateway transit`);
    if (!spokeHalf.settings.useRemoteGateways)
      reasons.push(`${where(spokeHalf)} does not use remote gateways`);
    return reasons;
  }
  for (const h of [hubHalf, spokeHalf]) {
    if (!h.settings.allowVirtualNetworkAccess) reasons.push(`virtual network access is off on ${where(h)}`);
  }
  const serviceSubnets =
    service === "bastion"
      ? hub.subnets.filter((s) => s.name.toLowerCase() === "azurebastionsubnet")
      : hub.subnets.filter((s) => (s.privateEndpointCount ?? 0) > 0);
  if (!hubHalf.settings.peerCompleteVnets && hubHalf.settings.localSubnetNames.length > 0) {
    const peered = new Set(hubHalf.settings.localSubnetNames.map((n) => n.toLowerCase()));
    const left = serviceSubnets.filter((s) => !peered.has(s.name.toLowerCase())).map((s) => s.name);
    if (left.length > 0) reasons.push(`${left.join(", ")} not among the subnets peered by ${where(hubHalf)}`);
  }
  if (!spokeHalf.settings.peerCompleteVnets && spokeHalf.settings.remoteSubnetNames.length > 0) {
    const peered = new Set(spokeHalf.settings.remoteSubnetNames.map((n) => n.toLowerCase()));
    const left = serviceSubnets.filter((s) => !peered.has(s.name.toLowerCase())).map((s) => s.name);
    if (left.length > 0)
      reasons.push(`${left.join(", ")} not among the remote subnets of ${where(spokeHalf)}`);
  }
  return [...new Set(reasons)];
}
