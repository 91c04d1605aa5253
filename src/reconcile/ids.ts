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
 * Ids that come from outside (events, queue messages, the resync body, CLI flags) must also follow
 * ARM's naming rules before the app acts on them. The rules, from
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules :
 * - subscription: a GUID;
 * - resource group (Microsoft.Resources/resourceGroups): 1-90 characters, underscores, hyphens,
 *   periods, parentheses and "letters or digits as defined by the Char.IsLetterOrDigit function"
 *   (the Unicode categories Lu, Ll, Lt, Lm, Lo and Nd), not ending in a period: `rg-réseau-prod`
 *   and `rg-東京` are valid;
 * - virtual network: 2-64 alphanumerics, underscores, periods and hyphens, starting with an
 *   alphanumeric and ending with an alphanumeric or underscore;
 * - peering (virtualNetworks/virtualNetworkPeerings) and subnet (virtualNetworks/subnets): the same
 *   characters, 1-80 long.
 * That page lists "alphanumerics" (ASCII) for the Microsoft.Network names and Unicode only for
 * resource groups, so only resource groups take Unicode letters here. The rules refuse `..`, encoded
 * slashes, spaces and control characters, which ARM never returns but a URL would resolve or a log
 * would print. Lengths count UTF-16 code units, as .NET's `string.Length` does.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESOURCE_GROUP =
  /^[-_.()\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nd}]*[-_()\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nd}]$/u;
const NETWORK_NAME = /^[A-Za-z0-9](?:[-\w.]*\w)?$/;

export type NameKind = "subscription" | "resourceGroup" | "virtualNetwork" | "peering" | "subnet";

/** Whether `name` is valid for that kind of segment by the rules above. */
export function isValidName(kind: NameKind, name: string): boolean {
  switch (kind) {
    case "subscription":
      return GUID.test(name);
    case "resourceGroup":
      return name.length <= 90 && RESOURCE_GROUP.test(name);
    case "virtualNetwork":
      return name.length >= 2 && name.length <= 64 && NETWORK_NAME.test(name);
    case "peering":
    case "subnet":
      return name.length <= 80 && NETWORK_NAME.test(name);
  }
}

/**
 * The id with each path segment percent-decoded once (Event Grid subjects and URLs may carry
 * `rg-r%C3%A9seau`), or undefined when a segment does not decode or decodes to a slash, which would
 * change the id's structure. An id without `%` comes back unchanged.
 */
export function decodeResourceId(id: string): string | undefined {
  if (!id.includes("%")) return id;
  const segments: string[] = [];
  for (const segment of id.split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (decoded.includes("/")) return undefined;
    segments.push(decoded);
  }
  return segments.join("/");
}

/** Which segment of an outside id breaks the rules, or undefined when it is well formed. */
export type IdProblem = { segment: NameKind | "shape"; message: string };

const SCOPE_SHAPE =
  /^\/subscriptions\/([^/]*)(?:\/resourceGroups\/([^/]*)(?:\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]*)(?:\/virtualNetworkPeerings\/([^/]*))?)?)?$/i;

const NAME_RULES: Record<NameKind, string> = {
  subscription: "must be a GUID",
  resourceGroup:
    "must be 1-90 letters, digits, underscores, hyphens, periods or parentheses, not ending in a period",
  virtualNetwork:
    "must be 2-64 letters a-z, digits, underscores, periods or hyphens, starting with a letter or digit and ending with a letter, digit or underscore",
  peering:
    "must be 1-80 letters a-z, digits, underscores, periods or hyphens, starting with a letter or digit and ending with a letter, digit or underscore",
  subnet:
    "must be 1-80 letters a-z, digits, underscores, periods or hyphens, starting with a letter or digit and ending with a letter, digit or underscore",
};

/** How a message names each segment of an id. */
export const SEGMENT_NAMES: Record<NameKind, string> = {
  subscription: "subscription id",
  resourceGroup: "resource group name",
  virtualNetwork: "virtual network name",
  peering: "peering name",
  subnet: "subnet name",
};

/** The first rule an (already decoded) subscription, resource group, VNet or peering id breaks. */
export function idProblem(id: string): IdProblem | undefined {
  const m = SCOPE_SHAPE.exec(id);
  if (!m) return { segment: "shape", message: "is not a subscription, resource group, VNet or peering id" };
  const kinds: NameKind[] = ["subscription", "resourceGroup", "virtualNetwork", "peering"];
  for (const [i, kind] of kinds.entries()) {
    const name = m[i + 1];
    if (name !== undefined && !isValidName(kind, name)) return { segment: kind, message: NAME_RULES[kind] };
  }
  return undefined;
}

function depthOf(id: string): number {
  const m = SCOPE_SHAPE.exec(id);
  return m ? m.slice(1).filter((s) => s !== undefined).length : 0;
}

export function isWellFormedVnetId(id: string): boolean {
  return depthOf(id) === 3 && !idProblem(id);
}

/** A peering id whose VNet id is well formed and whose name follows the same rules (1-80 characters). */
export function isWellFormedPeeringId(id: string): boolean {
  return depthOf(id) === 4 && !idProblem(id);
}

/** A subscription, resource group or VNet id that follows ARM's naming rules. */
export function isWellFormedScopeId(id: string): boolean {
  const depth = depthOf(id);
  return depth >= 1 && depth <= 3 && !idProblem(id);
}

/**
 * A scope id from a person (the resync body, `--scope`): decoded, then checked, with a message that
 * says which segment breaks which rule.
 */
export function checkScopeId(
  raw: string,
): { ok: true; id: string } | { ok: false; shape: boolean; message: string } {
  const id = decodeResourceId(raw);
  if (id === undefined)
    return { ok: false, shape: false, message: "has a percent-encoded segment that is not a name" };
  const problem = idProblem(id);
  const depth = depthOf(id);
  if (problem?.segment === "shape" || depth < 1 || depth > 3) {
    return {
      ok: false,
      shape: true,
      message: "must be a subscription, resource group or virtual network resource id",
    };
  }
  if (problem)
    return {
      ok: false,
      shape: false,
      message: `has a ${SEGMENT_NAMES[problem.segment]} that ${problem.message}`,
    };
  return { ok: true, id };
}
