import ipaddr from "ipaddr.js";

/** CIDR helpers for the overlap rules (docs/azure-behaviour.md#errors) and subnet/IPv6 peering (docs/azure-behaviour.md#subnet-peering). */

export type ParsedCidr = {
  text: string;
  addr: ipaddr.IPv4 | ipaddr.IPv6;
  bits: number;
  kind: "ipv4" | "ipv6";
};

/** Why a prefix is unusable, or undefined when it is a valid, network-aligned CIDR. */
export function cidrProblem(text: string): "invalid" | { alignedTo: string } | undefined {
  if (!ipaddr.isValidCIDR(text)) return "invalid";
  const [addr, bits] = ipaddr.parseCIDR(text);
  const network =
    addr.kind() === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(text).toString()
      : ipaddr.IPv6.networkAddressFromCIDR(text).toString();
  if (network !== addr.toString()) return { alignedTo: `${network}/${bits}` };
  return undefined;
}

export function parseCidr(text: string): ParsedCidr | undefined {
  if (!ipaddr.isValidCIDR(text)) return undefined;
  const [addr, bits] = ipaddr.parseCIDR(text);
  return { text, addr, bits, kind: addr.kind() };
}

export function isIPv6Prefix(text: string): boolean {
  return parseCidr(text)?.kind === "ipv6";
}

export function cidrsOverlap(a: string, b: string): boolean {
  const pa = parseCidr(a);
  const pb = parseCidr(b);
  if (!pa || !pb || pa.kind !== pb.kind) return false;
  // Two prefixes overlap iff they agree on the shorter prefix length.
  const bits = Math.min(pa.bits, pb.bits);
  return pa.addr.match(pb.addr as never, bits);
}

/** Does `inner` lie completely inside `outer`? */
export function cidrContains(outer: string, inner: string): boolean {
  const po = parseCidr(outer);
  const pi = parseCidr(inner);
  if (!po || !pi || po.kind !== pi.kind || pi.bits < po.bits) return false;
  return pi.addr.match(po.addr as never, po.bits);
}

/** Every prefix of `a` that overlaps some prefix of `b`, each once, in `a`'s order. */
export function overlappingPrefixes(a: readonly string[], b: readonly string[]): string[] {
  const hits: string[] = [];
  for (const x of a) for (const y of b) if (cidrsOverlap(x, y)) hits.push(x, y);
  return hits;
}

/** Order- and case-insensitive equality of two prefix lists. */
export function samePrefixSet(a: readonly string[], b: readonly string[]): boolean {
  const norm = (l: readonly string[]) => [...new Set(l.map((p) => p.toLowerCase()))].sort().join(",");
  return norm(a) === norm(b);
}
