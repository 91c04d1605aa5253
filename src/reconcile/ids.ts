/**
 * ARM resource ids: the caller's casing is preserved, comparisons are case-insensitive
 * (docs/azure-behaviour.md#resource-ids).
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

/** The subscription (as written) of an id that names a whole subscription, `/subscriptions/<id>`. */
export function parseSubscriptionId(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)\/?$/i.exec(id)?.[1];
}

/**
 * Ids that come from outside (events, queue messages, the resync body) must also follow ARM's naming
 * rules before the app acts on them: a subscription GUID; a resource group of letters, digits and
 * `_ - . ( )`, not ending in a period; a VNet name of 2 to 64 letters, digits and `_ - .`, starting
 * with a letter or digit and ending with a letter, digit or `_`. This refuses `..`, encoded slashes, spaces
 * and control characters, which ARM never returns but a URL would resolve or a log would print.
 */
const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const RESOURCE_GROUP = "[-\\w.()]{0,89}[-\\w()]";
const VNET_NAME = "[A-Za-z0-9][-\\w.]{0,62}\\w";
const RG_ID = `/subscriptions/${GUID}/resourceGroups/${RESOURCE_GROUP}`;
const WELL_FORMED_VNET_ID = new RegExp(
  `^${RG_ID}/providers/Microsoft\\.Network/virtualNetworks/${VNET_NAME}$`,
  "i",
);
const WELL_FORMED_SCOPE_ID = new RegExp(
  `^/subscriptions/${GUID}(?:/resourceGroups/${RESOURCE_GROUP}(?:/providers/Microsoft\\.Network/virtualNetworks/${VNET_NAME})?)?$`,
  "i",
);

export function isWellFormedVnetId(id: string): boolean {
  return WELL_FORMED_VNET_ID.test(id);
}

/** A peering id whose VNet id is well formed and whose name follows the same rules (1-80 characters). */
export function isWellFormedPeeringId(id: string): boolean {
  const parts = parsePeeringId(id);
  return Boolean(
    parts && isWellFormedVnetId(parts.vnetId) && /^[A-Za-z0-9](?:[-\w.]{0,78}\w)?$/.test(parts.peeringName),
  );
}

/** A subscription, resource group or VNet id that follows ARM's naming rules. */
export function isWellFormedScopeId(id: string): boolean {
  return WELL_FORMED_SCOPE_ID.test(id);
}
