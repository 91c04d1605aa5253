import { currentLocalScope, currentRemoteScope, syncLevelOf } from "./peering-rules.js";
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
  // For subnet-level peering the *VirtualNetworkAddressSpace fields hold the current prefixes of the
  // peered subnets, IPv6 only with enableOnlyIPv6Peering, as Microsoft's examples show them
  // (VirtualNetworkSubnetPeeringGet.json, VirtualNetworkV6SubnetPeeringGet.json, api 2025-07-01; the
  // choice and its evidence: README, "Subnet-level and IPv6-only address spaces"). Whole-VNet and
  // address-space-scoped peerings show the VNets' whole current space.
  const subnetLevel =
    !s.peerCompleteVnets && (s.localSubnetNames.length > 0 || s.remoteSubnetNames.length > 0);
  properties.remoteVirtualNetworkAddressSpace = {
    addressPrefixes: remote && !subnetLevel ? [...remote.addressPrefixes] : [...currentRemoteScope(state, p)],
  };
  // The local pair is returned by newer api-versions; its NotInSync behaviour is inferred (docs/azure-behaviour.md#sync-semantics).
  properties.localAddressSpace = { addressPrefixes: [...p.peeredLocal] };
  properties.localVirtualNetworkAddressSpace = {
    addressPrefixes: subnetLevel ? [...currentLocalScope(state, p)] : [...vnet.addressPrefixes],
  };
  // Azure derives it from the remote VNet's bgpCommunities (every peering example in the REST spec
  // shows it); what a PUT sent there is ignored, like the other service-computed fields.
  const remoteBgp = remote ? bgpCommunitiesOf(remote) : undefined;
  if (remoteBgp) properties.remoteBgpCommunities = remoteBgp;
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

/**
 * Azure's regional BGP community per region, the "Regional BGP community (private peering)" column of
 * https://learn.microsoft.com/azure/expressroute/expressroute-routing (East US 12076:50004, the value
 * Microsoft's VirtualNetworkCreateWithBgpCommunities.json example shows for an eastus VNet). Regions
 * not listed here get no regionalCommunity in the emulator.
 */
const REGIONAL_COMMUNITIES: Record<string, string> = {
  eastus: "12076:50004",
  eastus2: "12076:50005",
  westus: "12076:50006",
  westus2: "12076:50026",
  westcentralus: "12076:50027",
  northcentralus: "12076:50007",
  southcentralus: "12076:50008",
  centralus: "12076:50009",
  canadacentral: "12076:50020",
  canadaeast: "12076:50021",
  brazilsouth: "12076:50014",
  northeurope: "12076:50003",
  westeurope: "12076:50002",
  uksouth: "12076:50024",
  ukwest: "12076:50025",
  francecentral: "12076:50030",
  francesouth: "12076:50031",
  switzerlandnorth: "12076:50038",
  switzerlandwest: "12076:50039",
  germanynorth: "12076:50040",
  germanywestcentral: "12076:50041",
  norwayeast: "12076:50042",
  norwaywest: "12076:50043",
  eastasia: "12076:50010",
  southeastasia: "12076:50011",
  japaneast: "12076:50012",
  japanwest: "12076:50013",
  australiaeast: "12076:50015",
  australiasoutheast: "12076:50016",
  australiacentral: "12076:50032",
  australiacentral2: "12076:50033",
  southindia: "12076:50019",
  westindia: "12076:50018",
  centralindia: "12076:50017",
  koreasouth: "12076:50028",
  koreacentral: "12076:50029",
  southafricanorth: "12076:50034",
  southafricawest: "12076:50035",
  uaenorth: "12076:50036",
  uaecentral: "12076:50037",
};

/**
 * A VNet's `bgpCommunities` as Azure returns it: the user's virtualNetworkCommunity, and the read-only
 * regionalCommunity the service fills from the VNet's region (a client's value for it is ignored).
 */
export function bgpCommunitiesOf(
  v: VnetRecord,
): { virtualNetworkCommunity: string; regionalCommunity?: string } | undefined {
  const given = v.extraProperties.bgpCommunities as { virtualNetworkCommunity?: unknown } | undefined;
  if (typeof given?.virtualNetworkCommunity !== "string") return undefined;
  const regional = REGIONAL_COMMUNITIES[v.location.toLowerCase().replace(/\s+/g, "")];
  return {
    virtualNetworkCommunity: given.virtualNetworkCommunity,
    ...(regional ? { regionalCommunity: regional } : {}),
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
      ...(bgpCommunitiesOf(v) ? { bgpCommunities: bgpCommunitiesOf(v) } : {}),
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
