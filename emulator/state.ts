import type { Rng } from "./rng.js";

/**
 * The emulator's in-memory Microsoft.Network state. Keys are lower-cased resource ids (ARM compares
 * case-insensitively); records keep the caller's casing for rendering (docs/azure-behaviour.md#resource-ids).
 */

export type PeeringState = "Initiated" | "Connected" | "Disconnected";
export type SyncLevel = "FullyInSync" | "RemoteNotInSync" | "LocalNotInSync" | "LocalAndRemoteNotInSync";
export type ProvisioningState = "Succeeded" | "Updating" | "Deleting" | "Failed";

export interface PeeringSettings {
  allowVirtualNetworkAccess: boolean;
  allowForwardedTraffic: boolean;
  allowGatewayTransit: boolean;
  useRemoteGateways: boolean;
  doNotVerifyRemoteGateways: boolean;
  peerCompleteVnets: boolean;
  enableOnlyIPv6Peering: boolean;
  localSubnetNames: string[];
  remoteSubnetNames: string[];
  remoteBgpCommunities?: { virtualNetworkCommunity: string };
  /**
   * Address-space-scoped peering (peerCompleteVnets=false without subnet names): the prefixes come
   * from the PUT body (docs/azure-behaviour.md#subnet-peering, inferred).
   */
  scopedLocalAddressSpace?: string[];
  scopedRemoteAddressSpace?: string[];
}

export const defaultPeeringSettings = (): PeeringSettings => ({
  // Real defaults: docs/azure-behaviour.md#peering-model (allowVirtualNetworkAccess true, doNotVerifyRemoteGateways false, peerCompleteVnets true).
  allowVirtualNetworkAccess: true,
  allowForwardedTraffic: false,
  allowGatewayTransit: false,
  useRemoteGateways: false,
  doNotVerifyRemoteGateways: false,
  peerCompleteVnets: true,
  enableOnlyIPv6Peering: false,
  localSubnetNames: [],
  remoteSubnetNames: [],
});

export interface PeeringRecord {
  id: string;
  name: string;
  /** Key of the VNet this peering lives on. */
  vnetKey: string;
  /** As the caller wrote it in remoteVirtualNetwork.id. */
  remoteVnetId: string;
  settings: PeeringSettings;
  peeringState: PeeringState;
  resourceGuid: string;
  provisioningState: ProvisioningState;
  /**
   * The prefixes actually peered, frozen until connect or sync (docs/azure-behaviour.md#sync-semantics): `peeredRemote` is
   * rendered as remoteAddressSpace, `peeredLocal` as localAddressSpace.
   */
  peeredLocal: string[];
  peeredRemote: string[];
  /** The sync level a Disconnected peering keeps (docs/azure-behaviour.md#peering-state: chosen, keep the last value). */
  frozenSyncLevel?: SyncLevel;
}

export interface SubnetRecord {
  name: string;
  addressPrefixes: string[];
  /** Whether the caller used the singular `addressPrefix` (rendered back the same way). */
  singular: boolean;
  /** Properties we do not model, echoed back (NSG, route table, delegations...). */
  extra: Record<string, unknown>;
}

export interface VnetRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  addressPrefixes: string[];
  subnets: SubnetRecord[];
  /** NRP shares one etag between a VNet and its child resources. */
  etag: string;
  resourceGuid: string;
  provisioningState: ProvisioningState;
  /** For ReferencedResourceNotProvisioned messages (docs/azure-behaviour.md#errors). */
  lastOperation: string;
  peerings: Map<string, PeeringRecord>;
  extraProperties: Record<string, unknown>;
}

export interface GatewayRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  /** The GatewaySubnet id as the caller wrote it. */
  subnetId: string;
  vnetKey: string;
  etag: string;
  resourceGuid: string;
  provisioningState: ProvisioningState;
  properties: Record<string, unknown>;
}

export interface SubscriptionRecord {
  id: string;
  tenantId: string;
  accessible: boolean;
}

export interface ResourceGroupRecord {
  subscriptionId: string;
  name: string;
  location: string;
  tags: Record<string, string>;
}

export const key = (id: string): string => id.toLowerCase();

export const vnetIdOf = (subscriptionId: string, resourceGroup: string, name: string): string =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/virtualNetworks/${name}`;

export const gatewayIdOf = (subscriptionId: string, resourceGroup: string, name: string): string =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/virtualNetworkGateways/${name}`;

const VNET_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)$/i;
const SUBNET_ID =
  /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/subnets\/([^/]+)$/i;

export function parseVnetId(
  id: string,
): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const m = VNET_ID.exec(id);
  return m ? { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]! } : undefined;
}

export function parseSubnetId(id: string): { vnetId: string; subnetName: string } | undefined {
  const m = SUBNET_ID.exec(id);
  return m ? { vnetId: m[1]!, subnetName: m[2]! } : undefined;
}

/** A route table (report only for the product: it reads them, never writes them). */
export interface RouteTableRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  etag: string;
  routes: Array<{ name: string; addressPrefix: string; nextHopType: string; nextHopIpAddress?: string }>;
}

export class NetworkState {
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly resourceGroups = new Map<string, ResourceGroupRecord>();
  readonly vnets = new Map<string, VnetRecord>();
  readonly gateways = new Map<string, GatewayRecord>();
  /** Keyed by lower-cased id; subnets reference them through `extra.routeTable.id`. */
  readonly routeTables = new Map<string, RouteTableRecord>();

  constructor(
    readonly rng: Rng,
    readonly defaults: { location: string; tenantId: string },
  ) {}

  etag(): string {
    return `W/"${this.rng.guid()}"`;
  }

  /** Any subscription id is usable; it springs into existence (accessible) on first use. */
  subscription(id: string): SubscriptionRecord {
    let sub = this.subscriptions.get(key(id));
    if (!sub) {
      sub = { id, tenantId: this.defaults.tenantId, accessible: true };
      this.subscriptions.set(key(id), sub);
    }
    return sub;
  }

  isAccessible(subscriptionId: string): boolean {
    return this.subscriptions.get(key(subscriptionId))?.accessible ?? true;
  }

  resourceGroup(subscriptionId: string, name: string): ResourceGroupRecord | undefined {
    return this.resourceGroups.get(key(`${subscriptionId}/${name}`));
  }

  ensureResourceGroup(subscriptionId: string, name: string, location?: string): ResourceGroupRecord {
    this.subscription(subscriptionId);
    let rg = this.resourceGroup(subscriptionId, name);
    if (!rg) {
      rg = { subscriptionId, name, location: location ?? this.defaults.location, tags: {} };
      this.resourceGroups.set(key(`${subscriptionId}/${name}`), rg);
    }
    return rg;
  }

  vnet(id: string): VnetRecord | undefined {
    return this.vnets.get(key(id));
  }

  vnetsOf(subscriptionId: string, resourceGroup?: string): VnetRecord[] {
    return [...this.vnets.values()].filter(
      (v) =>
        key(v.subscriptionId) === key(subscriptionId) &&
        (resourceGroup === undefined || key(v.resourceGroup) === key(resourceGroup)),
    );
  }

  peering(vnetId: string, name: string): PeeringRecord | undefined {
    return this.vnet(vnetId)?.peerings.get(key(name));
  }

  vnetOfPeering(p: PeeringRecord): VnetRecord {
    const v = this.vnets.get(p.vnetKey);
    if (!v) throw new Error(`internal: peering ${p.id} has no VNet`);
    return v;
  }

  /** The other half of a pair: the peering on the remote VNet that points back at this one's VNet. */
  partnerOf(p: PeeringRecord): PeeringRecord | undefined {
    const remote = this.vnet(p.remoteVnetId);
    if (!remote) return undefined;
    for (const q of remote.peerings.values()) if (key(q.remoteVnetId) === p.vnetKey) return q;
    return undefined;
  }

  /** Peerings on other VNets that point at this VNet. */
  peeringsPointingAt(vnetKey: string): PeeringRecord[] {
    const out: PeeringRecord[] = [];
    for (const v of this.vnets.values())
      for (const p of v.peerings.values()) if (key(p.remoteVnetId) === vnetKey) out.push(p);
    return out;
  }

  gatewayOf(vnet: VnetRecord): GatewayRecord | undefined {
    for (const g of this.gateways.values()) if (g.vnetKey === key(vnet.id)) return g;
    return undefined;
  }

  touch(vnet: VnetRecord): void {
    vnet.etag = this.etag();
  }
}
