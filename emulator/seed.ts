import type { Env } from "./env.js";
import type { Tenancy } from "./tenants.js";
import { removePeering } from "./handlers/peerings.js";
import { removeVnet } from "./handlers/virtual-networks.js";
import { applyPeeringPut } from "./peering-rules.js";
import { renderPeering, renderVnet } from "./render.js";
import type { PeeringSettings, ProvisioningState, SubnetRecord, VnetRecord } from "./state.js";
import { defaultPeeringSettings, gatewayIdOf, key, parseVnetId, vnetIdOf } from "./state.js";

/**
 * Direct state seeding for tests, the demo and benchmarks: no HTTP, no validation, no events, no
 * counters, no long-running operations. It can therefore build states the API would refuse (an
 * overlap, a one-sided peering to an inaccessible subscription...), which is the point.
 */

export interface SeedSubnet {
  name: string;
  addressPrefixes: string[];
}

export interface SeedVnet {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  addressPrefixes: string[];
  subnets?: SeedSubnet[];
  tags?: Record<string, string>;
  /** `bgpCommunities.virtualNetworkCommunity`; Azure adds the regionalCommunity of the region. */
  bgpCommunity?: string;
}

export type SeedPeeringSettings = Partial<
  Omit<PeeringSettings, "scopedLocalAddressSpace" | "scopedRemoteAddressSpace">
>;

export interface SeedPeering {
  vnetId: string;
  remoteVnetId: string;
  /** Default `<local vnet>-to-<remote vnet>`. */
  name?: string;
  settings?: SeedPeeringSettings;
}

export interface SeedRouteTable {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  routes: Array<{ name: string; addressPrefix: string; nextHopType: string; nextHopIpAddress?: string }>;
  /** Subnet ids to associate. */
  subnets?: string[];
}

export class Seeder {
  constructor(private readonly env: Env) {}

  /** Tenants, applications, consent and roles (emulator/tenants.ts). */
  get tenancy(): Tenancy {
    return this.env.tenancy;
  }

  private vnetOrThrow(vnetId: string): VnetRecord {
    const v = this.env.state.vnet(vnetId);
    if (!v) throw new Error(`seed: no virtual network ${vnetId}`);
    return v;
  }

  subscription(id: string, opts: { accessible?: boolean; tenantId?: string } = {}): void {
    const sub = this.env.state.subscription(id);
    if (opts.accessible !== undefined) sub.accessible = opts.accessible;
    if (opts.tenantId !== undefined) sub.tenantId = opts.tenantId;
  }

  /** An inaccessible subscription answers 403 AuthorizationFailed to every call (and LinkedAuthorizationFailed to peerings into it). */
  setSubscriptionAccessible(id: string, accessible: boolean): void {
    this.subscription(id, { accessible });
  }

  resourceGroup(subscriptionId: string, name: string, location?: string): void {
    this.env.state.ensureResourceGroup(subscriptionId, name, location ?? this.env.options.defaultLocation);
  }

  vnet(spec: SeedVnet): string {
    const id = vnetIdOf(spec.subscriptionId, spec.resourceGroup, spec.name);
    if (this.env.state.vnet(id)) throw new Error(`seed: virtual network ${id} already exists`);
    const rg = this.env.state.ensureResourceGroup(spec.subscriptionId, spec.resourceGroup, spec.location);
    const v: VnetRecord = {
      id,
      subscriptionId: spec.subscriptionId,
      resourceGroup: spec.resourceGroup,
      name: spec.name,
      location: (spec.location ?? rg.location).toLowerCase(),
      tags: { ...(spec.tags ?? {}) },
      addressPrefixes: [...spec.addressPrefixes],
      subnets: (spec.subnets ?? []).map(toSubnet),
      etag: this.env.state.etag(),
      resourceGuid: this.env.rng.guid(),
      provisioningState: "Succeeded",
      lastOperation: "PutVirtualNetworkOperation",
      peerings: new Map(),
      extraProperties: spec.bgpCommunity
        ? { bgpCommunities: { virtualNetworkCommunity: spec.bgpCommunity } }
        : {},
    };
    this.env.state.vnets.set(key(id), v);
    return id;
  }

  /** Resize a VNet: its peerings' sync levels follow (docs/azure-behaviour.md#sync-semantics). No overlap check. */
  setAddressSpace(vnetId: string, addressPrefixes: string[]): void {
    const v = this.vnetOrThrow(vnetId);
    v.addressPrefixes = [...addressPrefixes];
    this.env.state.touch(v);
  }

  setSubnets(vnetId: string, subnets: SeedSubnet[]): void {
    const v = this.vnetOrThrow(vnetId);
    v.subnets = subnets.map(toSubnet);
    this.env.state.touch(v);
  }

  addSubnet(vnetId: string, subnet: SeedSubnet): void {
    const v = this.vnetOrThrow(vnetId);
    v.subnets = [...v.subnets.filter((s) => key(s.name) !== key(subnet.name)), toSubnet(subnet)];
    this.env.state.touch(v);
  }

  setTags(vnetId: string, tags: Record<string, string>): void {
    const v = this.vnetOrThrow(vnetId);
    v.tags = { ...tags };
    this.env.state.touch(v);
  }

  /** Pretend an operation is running on a VNet (e.g. "Updating" for ReferencedResourceNotProvisioned). */
  setProvisioningState(vnetId: string, state: ProvisioningState, lastOperation?: string): void {
    const v = this.vnetOrThrow(vnetId);
    v.provisioningState = state;
    if (lastOperation) v.lastOperation = lastOperation;
  }

  /** A gateway in the VNet's GatewaySubnet (created with `gatewaySubnetPrefix` when missing). */
  gateway(vnetId: string, opts: { name?: string; gatewaySubnetPrefix?: string } = {}): string {
    const v = this.vnetOrThrow(vnetId);
    let sn = v.subnets.find((s) => key(s.name) === "gatewaysubnet");
    if (!sn) {
      if (!opts.gatewaySubnetPrefix)
        throw new Error(`seed: ${vnetId} has no GatewaySubnet; pass gatewaySubnetPrefix`);
      sn = toSubnet({ name: "GatewaySubnet", addressPrefixes: [opts.gatewaySubnetPrefix] });
      v.subnets.push(sn);
    }
    const name = opts.name ?? `${v.name}-gw`;
    const id = gatewayIdOf(v.subscriptionId, v.resourceGroup, name);
    this.env.state.gateways.set(key(id), {
      id,
      subscriptionId: v.subscriptionId,
      resourceGroup: v.resourceGroup,
      name,
      location: v.location,
      tags: {},
      subnetId: `${v.id}/subnets/${sn.name}`,
      vnetKey: key(v.id),
      etag: this.env.state.etag(),
      resourceGuid: this.env.rng.guid(),
      provisioningState: "Succeeded",
      properties: {},
    });
    this.env.state.touch(v);
    return id;
  }

  /**
   * A route table with its routes, associated with the given subnets (`<vnet id>/subnets/<name>`):
   * each subnet gets `routeTable: {id}`, as a subnet PUT would set it.
   */
  routeTable(spec: SeedRouteTable): string {
    const id = `/subscriptions/${spec.subscriptionId}/resourceGroups/${spec.resourceGroup}/providers/Microsoft.Network/routeTables/${spec.name}`;
    const rg = this.env.state.ensureResourceGroup(spec.subscriptionId, spec.resourceGroup, spec.location);
    this.env.state.routeTables.set(key(id), {
      id,
      subscriptionId: spec.subscriptionId,
      resourceGroup: spec.resourceGroup,
      name: spec.name,
      location: (spec.location ?? rg.location).toLowerCase(),
      etag: this.env.state.etag(),
      routes: spec.routes.map((r) => ({ ...r })),
    });
    for (const subnetId of spec.subnets ?? []) {
      const m = /^(.*)\/subnets\/([^/]+)$/i.exec(subnetId);
      const v = m ? this.env.state.vnet(m[1]!) : undefined;
      const sn = v?.subnets.find((s) => key(s.name) === key(m![2]!));
      if (!v || !sn) throw new Error(`seed: subnet ${subnetId} does not exist`);
      sn.extra = { ...sn.extra, routeTable: { id } };
      this.env.state.touch(v);
    }
    return id;
  }

  deleteGateway(gatewayId: string): void {
    const g = this.env.state.gateways.get(key(gatewayId));
    if (!g) return;
    this.env.state.gateways.delete(key(gatewayId));
    const v = this.env.state.vnets.get(g.vnetKey);
    if (v) this.env.state.touch(v);
  }

  /** One half of a pair, through the same state machine as a PUT: Initiated, or Connected if the other half exists. */
  peering(spec: SeedPeering): string {
    const v = this.vnetOrThrow(spec.vnetId);
    const remote = parseVnetId(spec.remoteVnetId);
    if (!remote) throw new Error(`seed: ${spec.remoteVnetId} is not a virtual network id`);
    const name = spec.name ?? `${v.name}-to-${remote.name}`;
    const settings = { ...defaultPeeringSettings(), ...(spec.settings ?? {}) };
    if (settings.peerCompleteVnets) {
      settings.localSubnetNames = [];
      settings.remoteSubnetNames = [];
    }
    const existing = v.peerings.get(key(name));
    const { peering } = applyPeeringPut(this.env.state, {
      vnet: v,
      id: existing?.id ?? `${v.id}/virtualNetworkPeerings/${name}`,
      name,
      remoteVnetId: existing?.remoteVnetId ?? spec.remoteVnetId,
      settings,
      sync: false,
    });
    return peering.id;
  }

  /**
   * Both halves, Connected and FullyInSync. `ba` defaults to the mirror of `ab` (subnet lists swapped,
   * docs/azure-behaviour.md#subnet-peering), except the gateway flags which a caller sets per side.
   */
  connect(
    vnetA: string,
    vnetB: string,
    opts: { nameAB?: string; nameBA?: string; ab?: SeedPeeringSettings; ba?: SeedPeeringSettings } = {},
  ): [string, string] {
    const ab = opts.ab ?? {};
    const mirrored = mirrorSettings(ab);
    const idAB = this.peering({
      vnetId: vnetA,
      remoteVnetId: vnetB,
      ...(opts.nameAB ? { name: opts.nameAB } : {}),
      settings: ab,
    });
    const idBA = this.peering({
      vnetId: vnetB,
      remoteVnetId: vnetA,
      ...(opts.nameBA ? { name: opts.nameBA } : {}),
      settings: { ...mirrored, ...(opts.ba ?? {}) },
    });
    return [idAB, idBA];
  }

  /** Pretend a peering's last operation is running or failed (a portal write in flight, a failed PUT). */
  setPeeringProvisioningState(peeringId: string, state: ProvisioningState): void {
    const m = /^(.*)\/virtualNetworkPeerings\/([^/]+)$/i.exec(peeringId);
    const p = m ? this.env.state.peering(m[1]!, m[2]!) : undefined;
    if (!p) throw new Error(`seed: no peering ${peeringId}`);
    p.provisioningState = state;
    this.env.state.touch(this.vnetOrThrow(m![1]!));
  }

  /** Removes one half; the other goes Disconnected (docs/azure-behaviour.md#peering-state). */
  deletePeering(peeringId: string): void {
    const m = /^(.*)\/virtualNetworkPeerings\/([^/]+)$/i.exec(peeringId);
    if (!m) throw new Error(`seed: ${peeringId} is not a peering id`);
    const p = this.env.state.peering(m[1]!, m[2]!);
    if (p) removePeering(this.env, p);
  }

  /** Removes a VNet with its peerings and gateway; its partners go Disconnected (docs/azure-behaviour.md#peering-state). */
  deleteVnet(vnetId: string): void {
    const v = this.env.state.vnet(vnetId);
    if (!v) return;
    const gw = this.env.state.gatewayOf(v);
    if (gw) this.env.state.gateways.delete(key(gw.id));
    removeVnet(this.env, v);
  }

  /** The VNet as a GET would return it (for assertions without HTTP). */
  getVnet(vnetId: string): Record<string, unknown> | undefined {
    const v = this.env.state.vnet(vnetId);
    return v ? renderVnet(this.env.state, v) : undefined;
  }

  getPeering(peeringId: string): Record<string, unknown> | undefined {
    const m = /^(.*)\/virtualNetworkPeerings\/([^/]+)$/i.exec(peeringId);
    const p = m ? this.env.state.peering(m[1]!, m[2]!) : undefined;
    return p ? renderPeering(this.env.state, p) : undefined;
  }
}

/**
 * The settings of the other half of a pair: the same flags with the subnet lists swapped (docs/azure-behaviour.md#subnet-peering),
 * and no gateway flags (those are per side: transit on the hub, useRemoteGateways on the spoke).
 */
export function mirrorSettings(s: SeedPeeringSettings): SeedPeeringSettings {
  return {
    ...s,
    allowGatewayTransit: false,
    useRemoteGateways: false,
    ...(s.localSubnetNames ? { remoteSubnetNames: s.localSubnetNames } : {}),
    ...(s.remoteSubnetNames ? { localSubnetNames: s.remoteSubnetNames } : {}),
  };
}

function toSubnet(s: SeedSubnet): SubnetRecord {
  return {
    name: s.name,
    addressPrefixes: [...s.addressPrefixes],
    singular: s.addressPrefixes.length === 1,
    extra: {},
  };
}
