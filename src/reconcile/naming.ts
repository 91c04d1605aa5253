/**
 * Names for created reciprocal peerings. Azure's rules for a peering name: 1-80 characters;
 * letters, digits, underscores, periods and hyphens; starts with a letter or digit; ends with a
 * letter, digit or underscore. Names are unique per VNet, compared case-insensitively.
 */
import { createHash } from "node:crypto";

export const MAX_PEERING_NAME_LENGTH = 80;

export interface ReciprocalNameParts {
  /** The VNet the new peering lives on. */
  localVnet: string;
  /** The VNet it points at. */
  remoteVnet: string;
  localRg: string;
  remoteRg: string;
}

const FALLBACK_NAME = "peering";

/**
 * The reciprocal's name: the template filled in, made valid, shortened with a stable hash suffix when
 * longer than 80 characters, and made unique among `existingNames` (case-insensitive) by a `-2`, `-3`...
 * suffix.
 */
export function reciprocalName(
  template: string,
  parts: ReciprocalNameParts,
  existingNames: Iterable<string> = [],
): string {
  const filled = template
    .replaceAll("{localVnet}", parts.localVnet)
    .replaceAll("{remoteVnet}", parts.remoteVnet)
    .replaceAll("{localRg}", parts.localRg)
    .replaceAll("{remoteRg}", parts.remoteRg);
  const name = fitLength(sanitizePeeringName(filled), MAX_PEERING_NAME_LENGTH);
  return deduplicate(name, existingNames);
}

/** Replaces invalid characters with `-` and trims what may not start or end a name. */
export function sanitizePeeringName(raw: string): string {
  const cleaned = trimEnds(raw.replace(/[^A-Za-z0-9_.-]+/g, "-"));
  return cleaned.length > 0 ? cleaned : FALLBACK_NAME;
}

export function isValidPeeringName(name: string): boolean {
  return (
    name.length >= 1 &&
    name.length <= MAX_PEERING_NAME_LENGTH &&
    /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/.test(name)
  );
}

function trimEnds(name: string): string {
  return name.replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9_]+$/, "");
}

/** Shortens a valid name to `max` characters, keeping it distinct through a hash of the full name. */
function fitLength(name: string, max: number): string {
  if (name.length <= max) return name;
  const suffix = `-${createHash("sha256").update(name).digest("hex").slice(0, 8)}`;
  const head = trimEnds(name.slice(0, max - suffix.length));
  return `${head.length > 0 ? head : FALLBACK_NAME}${suffix}`;
}

function deduplicate(name: string, existingNames: Iterable<string>): string {
  const taken = new Set([...existingNames].map((n) => n.toLowerCase()));
  if (!taken.has(name.toLowerCase())) return name;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const head = trimEnds(name.slice(0, MAX_PEERING_NAME_LENGTH - suffix.length));
    const candidate = `${head.length > 0 ? head : FALLBACK_NAME}${suffix}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}
