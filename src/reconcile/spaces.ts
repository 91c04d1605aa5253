/**
 * Which prefixes a peering actually connects. For a full peering that is the whole VNet address space;
 * for subnet-level peering it is the prefixes of the listed subnets, only their IPv6 ones when
 * `enableOnlyIPv6Peering` is set (docs/azure-behaviour.md#subnet-peering).
 */
import { isIPv6Prefix } from "./cidr.js";
import type { PeeringSettings, Vnet } from "./types.js";

type Scoping = Pick<PeeringSettings, "peerCompleteVnets" | "enableOnlyIPv6Peering">;

/** True for subnet-level peering (peerCompleteVnets=false with subnet names). */
export function isSubnetPeering(settings: PeeringSettings): boolean {
  return (
    !settings.peerCompleteVnets &&
    (settings.localSubnetNames.length > 0 || settings.remoteSubnetNames.length > 0)
  );
}

/**
 * The prefixes of `vnet` that a peering with these settings connects, given the subnet names it lists
 * on that VNet. Subnet names compare case-insensitively; unknown names contribute nothing
 * (see `unknownSubnets`).
 */
export function peeredPrefixes(vnet: Vnet, subnetNames: readonly string[], scoping: Scoping): string[] {
  let prefixes: string[];
  if (scoping.peerCompleteVnets || subnetNames.length === 0) {
    prefixes = [...vnet.addressPrefixes];
  } else {
    const wanted = new Set(subnetNames.map((n) => n.toLowerCase()));
    prefixes = vnet.subnets.filter((s) => wanted.has(s.name.toLowerCase())).flatMap((s) => s.addressPrefixes);
  }
  return scoping.enableOnlyIPv6Peering ? prefixes.filter(isIPv6Prefix) : prefixes;
}

/** The names in `subnetNames` that are not subnets of `vnet` (case-insensitive). */
export function unknownSubnets(vnet: Vnet, subnetNames: readonly string[]): string[] {
  const known = new Set(vnet.subnets.map((s) => s.name.toLowerCase()));
  return subnetNames.filter((n) => !known.has(n.toLowerCase()));
}
