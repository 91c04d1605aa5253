/**
 * ARM resource ids: the caller's casing is preserved, comparisons are case-insensitive
 * (azure-peering-facts.md section 9, item 2).
 */

export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function idKey(id: string): string {
  return id.toLowerCase();
}

export interface VnetIdParts {
  subscriptionId: string;
  resourceGroup: string;
  vnetName: string;
}

const VNET_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)$/i;
const PEERING_ID =
  /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/virtualNetworkPeerings\/([^/]+)$/i;

export function parseVnetId(id: string): VnetIdParts | undefined {
  const m = VNET_ID.exec(id);
  if (!m) return undefined;
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, vnetName: m[3]! };
}

export function parsePeeringId(id: string): { vnetId: string; peeringName: string } | undefined {
  const m = PEERING_ID.exec(id);
  if (!m) return undefined;
  return { vnetId: m[1]!, peeringName: m[2]! };
}

export function vnetIdOf(p: VnetIdParts): string {
  return `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}/providers/Microsoft.Network/virtualNetworks/${p.vnetName}`;
}

export function peeringIdOf(vnetId: string, peeringName: string): string {
  return `${vnetId}/virtualNetworkPeerings/${peeringName}`;
}

export function subscriptionOf(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase();
}
