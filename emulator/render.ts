import { currentRemoteScope, syncLevelOf } from "./peering-rules.js";
import type {
  GatewayRecord,
  NetworkState,
  PeeringRecord,
  ResourceGroupRecord,
  SubnetRecord,
  VnetRecord,
} from "./state.js";

/**
 * JSON shapes as the real service returns them (docs/azure-behaviour.md#peering-model and #sync-semantics): property
 * order follows the recordings; `routeServiceVips: {}` is what real responses carry.
 */

export function renderPeering(state: NetworkState, p: PeeringRecord): Record<string, unknown> {
  const vnet = state.vnetOfPeering(p);
  const s = p.settings;
  const remote = state.vnet(p.remoteVnetId);
  const properties: Record<string, unknown> = {
    provisioningState: p.provisioningState,
    resourceGuid: p.resourceGuid,
    peeringState: p.peeringState,
    peeringSyncLevel: syncLevelOf(state, p),
    remoteVirtualNetwork: { id: p.remoteVnetId },
    allowVirtualNetworkAccess: s.allowVirtualNetworkAccess,
    allowForwardedTraffic: s.allowForwardedTraffic,
    allowGatewayTransit: s.allowGatewayTransit,
    useRemoteGateways: s.useRemoteGateways,
    doNotVerifyRemoteGateways: s.doNotVerifyRemoteGateways,
    peerCompleteVnets: s.peerCompleteVnets,
    enableOnlyIPv6Peering: s.enableOnlyIPv6Peering,
  };
  if (!s.peerCompleteVnets) {
    properties.localSubnetNames = [...s.localSubnetNames];
    properties.remoteSubnetNames = [...s.remoteSubnetNames];
  }
  const remoteGateway = remote ? state.gatewayOf(remote) : undefined;
  if (s.useRemoteGateways && remoteGateway) properties.remoteGateways = [{ id: remoteGateway.id }];
  properties.remoteAddressSpace = { addressPrefixes: [...p.peeredRemote] };
  // docs/azure-behaviour.md#subnet-peering: for subnet peering the *VirtualNetworkAddressSpace fields are the VNets' whole current
  // space, while local/remoteAddressSpace hold the peered subnets' prefixes.
  properties.remoteVirtualNetworkAddressSpace = {
    addressPrefixes: remote ? [...remote.addressPrefixes] : [...currentRemoteScope(state, p)],
  };
  // The local pair is returned by newer api-versions; its NotInSync behaviour is inferred (docs/azure-behaviour.md#sync-semantics).
  properties.localAddressSpace = { addressPrefixes: [...p.peeredLocal] };
  properties.localVirtualNetworkAddressSpace = { addressPrefixes: [...vnet.addressPrefixes] };
  if (s.remoteBgpCommunities)
    properties.remoteBgpCommunities = {
      virtualNetworkCommunity: s.remoteBgpCommunities.virtualNetworkCommunity,
    };
  if (remote) properties.remoteVirtualNetworkEncryption = encryptionOf(remote);
  properties.routeServiceVips = {};
  return {
    name: p.name,
    id: p.id,
    etag: vnet.etag,
    properties,
    type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
  };
}

function encryptionOf(v: VnetRecord): { enabled: boolean; enforcement: string } {
  const e = v.extraProperties.encryption as { enabled?: boolean; enforcement?: string } | undefined;
  return { enabled: e?.enabled ?? false, enforcement: e?.enforcement ?? "AllowUnencrypted" };
}

export function renderSubnet(
  vnet: VnetRecord,
  sn: SubnetRecord,
  gateway?: GatewayRecord,
): Record<string, unknown> {
  const properties: Record<string, unknown> = { provisioningState: "Succeeded" };
  if (sn.singular && sn.addressPrefixes.length === 1) properties.addressPrefix = sn.addressPrefixes[0];
  else properties.addressPrefixes = [...sn.addressPrefixes];
  Object.assign(properties, sn.extra);
  if (gateway && sn.name.toLowerCase() === "gatewaysubnet")
    properties.ipConfigurations = [{ id: `${gateway.id}/ipConfigurations/default` }];
  properties.privateEndpointNetworkPolicies = properties.privateEndpointNetworkPolicies ?? "Disabled";
  properties.privateLinkServiceNetworkPolicies = properties.privateLinkServiceNetworkPolicies ?? "Enabled";
  return {
    name: sn.name,
    id: `${vnet.id}/subnets/${sn.name}`,
    etag: vnet.etag,
    properties,
    type: "Microsoft.Network/virtualNetworks/subnets",
  };
}

export function renderVnet(state: NetworkState, v: VnetRecord): Record<string, unknown> {
  const gateway = state.gatewayOf(v);
  return {
    name: v.name,
    id: v.id,
    etag: v.etag,
    type: "Microsoft.Network/virtualNetworks",
    location: v.location,
    tags: { ...v.tags },
    properties: {
      provisioningState: v.provisioningState,
      resourceGuid: v.resourceGuid,
      addressSpace: { addressPrefixes: [...v.addressPrefixes] },
      dhcpOptions: { dnsServers: [] },
      ...v.extraProperties,
      subnets: v.subnets.map((sn) => renderSubnet(v, sn, gateway)),
      // docs/azure-behaviour.md#peering-model: embedded peerings are full VirtualNetworkPeering objects.
      virtualNetworkPeerings: [...v.peerings.values()].map((p) => renderPeering(state, p)),
      enableDdosProtection: (v.extraProperties.enableDdosProtection as boolean | undefined) ?? false,
    },
  };
}

export function renderGateway(g: GatewayRecord): Record<string, unknown> {
  return {
    name: g.name,
    id: g.id,
    etag: g.etag,
    type: "Microsoft.Network/virtualNetworkGateways",
    location: g.location,
    tags: { ...g.tags },
    properties: {
      provisioningState: g.provisioningState,
      resourceGuid: g.resourceGuid,
      gatewayType: "Vpn",
      vpnType: "RouteBased",
      ...g.properties,
      ipConfigurations: [
        {
          name: "default",
          id: `${g.id}/ipConfigurations/default`,
          etag: g.etag,
          properties: {
            provisioningState: g.provisioningState,
            privateIPAllocationMethod: "Dynamic",
            subnet: { id: g.subnetId },
          },
        },
      ],
    },
  };
}

export function renderResourceGroup(rg: ResourceGroupRecord): Record<string, unknown> {
  return {
    id: `/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.name}`,
    name: rg.name,
    type: "Microsoft.Resources/resourceGroups",
    location: rg.location,
    tags: { ...rg.tags },
    properties: { provisioningState: "Succeeded" },
  };
}
