/**
 * Address-prefix checks for IPv4 and IPv6, on top of ipaddr.js. Azure refuses a peering (or a sync)
 * whose prefixes overlap the other VNet's or those of a VNet already peered with it
 * (docs/azure-behaviour.md#errors: VnetAddressSpacesOverlap,
 * VnetAddressSpaceOverlapsWithAlreadyPeeredVnet); plan() checks that before writing.
 */
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Parses `10.1.0.0/16` or `2001:db8::/64`; a bare address counts as a host prefix (/32, /128).
 * Returns undefined for anything that is not an address or prefix.
 */
export function parsePrefix(prefix: string): [Address, number] | undefined {
  const text = prefix.trim();
  try {
    if (text.includes("/")) return ipaddr.parseCIDR(text);
    const address = ipaddr.parse(text);
    return [address, address.kind() === "ipv4" ? 32 : 128];
  } catch {
    return undefined;
  }
}

export function isIPv6Prefix(prefix: string): boolean {
  return parsePrefix(prefix)?.[0].kind() === "ipv6";
}

/**
 * True when the two prefixes share at least one address. IPv4 and IPv6 never overlap. A prefix that
 * does not parse overlaps nothing (ARM only returns valid prefixes; a bad one must not stop a plan).
 */
export function overlaps(a: string, b: string): boolean {
  const pa = parsePrefix(a);
  const pb = parsePrefix(b);
  if (!pa || !pb || pa[0].kind() !== pb[0].kind()) return false;
  // Two prefixes overlap exactly when they agree on the bits of the shorter one.
  const bits = Math.min(pa[1], pb[1]);
  return pa[0].match(pb[0], bits);
}

/** Every overlapping pair, in the order of `prefixesA` then `prefixesB`. */
export function findOverlaps(
  prefixesA: readonly string[],
  prefixesB: readonly string[],
): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (const a of prefixesA) {
    for (const b of prefixesB) {
      if (overlaps(a, b)) found.push([a, b]);
    }
  }
  return found;
}

/** Canonical text of a prefix (`10.1.0.0/16`, `2001:db8::/64`), for comparing lists. */
export function normalizePrefix(prefix: string): string {
  const parsed = parsePrefix(prefix);
  if (!parsed) return prefix.trim().toLowerCase();
  const [address, bits] = parsed;
  const network =
    address.kind() === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`);
  return `${network.toString()}/${bits}`;
}

/** The prefixes of `a` that are not in `b` (compared in canonical form), in the order of `a`. */
export function prefixesNotIn(a: readonly string[], b: readonly string[]): string[] {
  const inB = new Set(b.map(normalizePrefix));
  return a.filter((p) => !inB.has(normalizePrefix(p)));
}
