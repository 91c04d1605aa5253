/**
 * Small builders for the domain model with sensible defaults. They return plain objects; `peering()`
 * and `connectedPair()` also attach the peerings they build to their VNet's `peerings`, so a test
 * reads like the topology it sets up:
 *
 *   const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
 *   const spoke = vnet("spoke1", { addressPrefixes: ["10.1.0.0/16"] });
 *   connectedPair(hub, spoke);
 *   resize(hub, ["10.0.0.0/16", "10.2.0.0/16"], [hub, spoke]);
 *   plan(snapshot([hub, spoke]), policy());
 */
import { peeringIdOf, vnetIdOf } from "../../src/reconcile/ids.js";
import type { Peering, PeeringSettings, Policy, Snapshot, Subnet, Vnet } from "../../src/reconcile/types.js";

/** Watched by `policy()` by default. */
export const SUB_A = "aaaaaaaa-0000-0000-0000-000000000001";
/** Watched by `policy()` by default. */
export const SUB_B = "bbbbbbbb-0000-0000-0000-000000000002";
/** Not watched by default. */
export const SUB_OTHER = "cccccccc-0000-0000-0000-000000000003";
export const RG = "rg-net";

export interface VnetOptions extends Partial<Omit<Vnet, "id" | "name">> {
  subscriptionId?: string;
  resourceGroup?: string;
}

/**
 * A VNet in SUB_A / rg-net with no peerings. Without `addressPrefixes` it gets a /24 derived from its
 * name (stable across runs); pass prefixes explicitly whenever a test looks at them.
 */
export function vnet(name: string, options: VnetOptions = {}): Vnet {
  const subscriptionId = options.subscriptionId ?? SUB_A;
  const resourceGroup = options.resourceGroup ?? RG;
  return {
    location: "westeurope",
    addressPrefixes: options.addressPrefixes ?? [defaultPrefix(name)],
    subnets: [],
    tags: {},
    hasGateway: false,
    peerings: [],
    ...options,
    id: vnetIdOf({ subscriptionId, resourceGroup, vnetName: name }),
    name,
    subscriptionId,
    resourceGroup,
  };
}

/** A subnet for `vnet({ subnets: [...] })`. */
export function subnet(name: string, ...addressPrefixes: string[]): Subnet {
  return { name, addressPrefixes };
}

export function settings(overrides: Partial<PeeringSettings> = {}): PeeringSettings {
  return {
    allowVirtualNetworkAccess: true,
    allowForwardedTraffic: false,
    allowGatewayTransit: false,
    useRemoteGateways: false,
    doNotVerifyRemoteGateways: false,
    peerCompleteVnets: true,
    enableOnlyIPv6Peering: false,
    localSubnetNames: [],
    remoteSubnetNames: [],
    ...overrides,
  };
}

export interface PeeringOptions extends Partial<Omit<Peering, "settings">> {
  settings?: Partial<PeeringSettings>;
}

/**
 * A healthy (Connected, FullyInSync, Succeeded) peering from `from` to `to`, named
 * `<from>-to-<to>`, with address-space fields matching both VNets; attached to `from.peerings`.
 */
export function peering(from: Vnet, to: Vnet, options: PeeringOptions = {}): Peering {
  const name = options.name ?? `${from.name}-to-${to.name}`;
  const { settings: settingOverrides, ...rest } = options;
  const p: Peering = {
    id: peeringIdOf(from.id, name),
    name,
    vnetId: from.id,
    remoteVnetId: to.id,
    state: "Connected",
    syncLevel: "FullyInSync",
    provisioningState: "Succeeded",
    remoteAddressSpace: [...to.addressPrefixes],
    remoteVirtualNetworkAddressSpace: [...to.addressPrefixes],
    localAddressSpace: [...from.addressPrefixes],
    localVirtualNetworkAddressSpace: [...from.addressPrefixes],
    ...rest,
    settings: settings(settingOverrides),
  };
  from.peerings.push(p);
  return p;
}

/** A healthy pair a->b and b->a; `ab`/`ba` override either half. Returns [a->b, b->a]. */
export function connectedPair(
  a: Vnet,
  b: Vnet,
  options: { ab?: PeeringOptions; ba?: PeeringOptions } = {},
): [Peering, Peering] {
  const guid = `guid-${a.name}-${b.name}`;
  return [
    peering(a, b, { resourceGuid: guid, ...options.ab }),
    peering(b, a, { resourceGuid: guid, ...options.ba }),
  ];
}

/**
 * What Azure does when `target`'s address space changes while peered (docs/azure-behaviour.md#sync-semantics):
 * its own peerings turn RemoteNotInSync, the peerings pointing at it turn LocalNotInSync and see the
 * new space in remoteVirtualNetworkAddressSpace while remoteAddressSpace keeps the old one; a level
 * that was already the other kind becomes LocalAndRemoteNotInSync.
 */
export function resize(target: Vnet, addressPrefixes: string[], all: Vnet[]): void {
  target.addressPrefixes = [...addressPrefixes];
  for (const p of target.peerings) {
    if (p.state !== "Connected") continue;
    p.localVirtualNetworkAddressSpace = [...addressPrefixes];
    p.syncLevel =
      p.syncLevel === "LocalNotInSync" || p.syncLevel === "LocalAndRemoteNotInSync"
        ? "LocalAndRemoteNotInSync"
        : "RemoteNotInSync";
  }
  for (const v of all) {
    for (const p of v.peerings) {
      if (p.state !== "Connected" || p.remoteVnetId.toLowerCase() !== target.id.toLowerCase()) continue;
      p.remoteVirtualNetworkAddressSpace = [...addressPrefixes];
      p.syncLevel =
        p.syncLevel === "RemoteNotInSync" || p.syncLevel === "LocalAndRemoteNotInSync"
          ? "LocalAndRemoteNotInSync"
          : "LocalNotInSync";
    }
  }
}

export function snapshot(vnets: Vnet[], inaccessibleSubscriptions: string[] = []): Snapshot {
  return { vnets, inaccessibleSubscriptions };
}

/** Whole subscriptions, no repair, writes allowed, template `{localVnet}-to-{remoteVnet}`. */
export const BASE_POLICY: Omit<Policy, "watchedSubscriptions"> = {
  scope: [],
  repairDisconnected: false,
  reportOnly: false,
  reciprocalNameTemplate: "{localVnet}-to-{remoteVnet}",
  useRemoteGatewaysOnReciprocal: false,
  optOutTag: { name: "peering-sync", value: "off" },
};

/** BASE_POLICY watching SUB_A and SUB_B. */
export function policy(overrides: Partial<Policy> = {}): Policy {
  return { watchedSubscriptions: [SUB_A, SUB_B], ...BASE_POLICY, ...overrides };
}

/** 10.x.y.0/24 from a hash of the name: distinct for the handful of VNets a test builds. */
function defaultPrefix(name: string): string {
  let h = 2166136261;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `10.${h & 0xff}.${(h >>> 8) & 0xff}.0/24`;
}
