// The planner's state and the helpers its rules share (src/reconcile/plan.ts runs the rules).
import { findOverlaps, isIPv6Prefix } from "./cidr.js";
import { idKey, parseVnetId, sameId, subscriptionOf } from "./ids.js";
import { isInScope, isOptedOut, locateVnet, type VnetLocation } from "./scope.js";
import { isSubnetPeering, peeredPrefixes } from "./spaces.js";
import type {
  Action,
  AlertOnlyAction,
  Peering,
  Policy,
  ProblemCode,
  SkipCode,
  Snapshot,
  SyncLevel,
  Vnet,
} from "./types.js";

/** Both halves of the sync level: `Local` means this peering is stale, `Remote` means its partner is. */
export function hasLocalNotInSync(level: SyncLevel): boolean {
  return level === "LocalNotInSync" || level === "LocalAndRemoteNotInSync";
}

export function hasRemoteNotInSync(level: SyncLevel): boolean {
  return level === "RemoteNotInSync" || level === "LocalAndRemoteNotInSync";
}

/** A problem found before writing a reciprocal: reported instead of the write. */
export interface Blocker {
  problem: ProblemCode;
  detail: string;
  remedy: string;
  overlappingPrefixes?: Array<[string, string]>;
}

export interface Overlaps {
  pairs: Array<[string, string]>;
  /** Names what the prefixes collide with, for a reason. */
  text: string;
}

export type NotWritable = Exclude<VnetLocation, { kind: "writable" }>;

/** What every rule reads and writes: the sorted VNets, the policy, and the actions planned so far. */
export class PlanContext {
  readonly vnets: Vnet[];

  readonly byKey = new Map<string, Vnet>();

  readonly actions: Action[] = [];

  readonly actionIds = new Set<string>();

  readonly writtenPeerings = new Set<string>();

  /** Names of reciprocals planned in this run, per VNet key: later names must not collide with them. */
  readonly plannedNames = new Map<string, string[]>();

  /** How many distinct VNets (in the snapshot or referenced by a peering) carry each name. */
  readonly namesSeen = new Map<string, number>();

  constructor(
    readonly snapshot: Snapshot,
    readonly policy: Policy,
  ) {
    // Sorted copies: the plan must not depend on the order ARM listed things in.
    const sorted = [...snapshot.vnets].sort((a, b) => compareKeys(a.id, b.id));
    for (const vnet of sorted) {
      if (this.byKey.has(idKey(vnet.id))) continue;
      const copy = { ...vnet, peerings: [...vnet.peerings].sort((a, b) => compareKeys(a.id, b.id)) };
      this.byKey.set(idKey(vnet.id), copy);
    }
    this.vnets = [...this.byKey.values()];
    const named = new Set([
      ...this.vnets.map((v) => idKey(v.id)),
      ...this.vnets.flatMap((v) => v.peerings.map((p) => idKey(p.remoteVnetId))),
    ]);
    for (const id of named) {
      const name = (parseVnetId(id)?.vnetName ?? id).toLowerCase();
      this.namesSeen.set(name, (this.namesSeen.get(name) ?? 0) + 1);
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  locate(vnetId: string): VnetLocation {
    return locateVnet(vnetId, this.byKey, this.snapshot, this.policy);
  }

  peeringsBack(remoteVnet: Vnet, toVnetId: string): Peering[] {
    return remoteVnet.peerings.filter((p) => sameId(p.remoteVnetId, toVnetId));
  }

  /** What the peering connects on its own VNet: whole space, listed subnets, or the scoped prefixes. */
  localPeeredPrefixes(peering: Peering, vnet: Vnet): string[] {
    const s = peering.settings;
    if (!s.peerCompleteVnets && !isSubnetPeering(s)) return [...peering.localAddressSpace];
    return peeredPrefixes(vnet, s.peerCompleteVnets ? [] : s.localSubnetNames, s);
  }

  /**
   * What the peering connects (or would connect after a sync) on the remote VNet: from the remote VNet
   * when it was read, else from the peering's view of it. For subnet-level peering with an unread
   * remote VNet it is unknown (empty): no precondition can be checked.
   */
  remotePeeredPrefixes(peering: Peering, remoteVnet: Vnet | undefined): string[] {
    const s = peering.settings;
    if (!s.peerCompleteVnets && !isSubnetPeering(s)) return [...peering.remoteAddressSpace];
    if (remoteVnet) return peeredPrefixes(remoteVnet, s.peerCompleteVnets ? [] : s.remoteSubnetNames, s);
    if (!s.peerCompleteVnets) return [];
    // Like with like: an IPv6-only peering carries only the IPv6 part of the remote space.
    const space = [...peering.remoteVirtualNetworkAddressSpace];
    return s.enableOnlyIPv6Peering ? space.filter(isIPv6Prefix) : space;
  }

  /** Overlaps of `prefixes` with what `own` (a peering on `vnet`) connects of `vnet` itself. */
  ownOverlaps(prefixes: string[], vnet: Vnet, own: Peering): Overlaps {
    const found = findOverlaps(prefixes, this.localPeeredPrefixes(own, vnet));
    return {
      pairs: found,
      text: found.length > 0 ? `${vnet.name}'s own ${list(unique(found.map((p) => p[1])))}` : "",
    };
  }

  /**
   * Overlaps of `prefixes` with the space `vnet` already peers with other VNets (peerings to
   * `exceptVnetId`, the other end of the pair in question, ignored; Disconnected ones too: their
   * partner is gone).
   */
  peerOverlaps(prefixes: string[], vnet: Vnet, exceptVnetId: string): Overlaps {
    const found: Array<[string, string]> = [];
    const texts: string[] = [];
    for (const other of vnet.peerings) {
      if (other.state === "Disconnected" || sameId(other.remoteVnetId, exceptVnetId)) continue;
      const hits = findOverlaps(prefixes, other.remoteAddressSpace);
      if (hits.length === 0) continue;
      found.push(...hits);
      texts.push(
        `${list(unique(hits.map((p) => p[1])))} of ${this.label(other.remoteVnetId, vnet)}, already peered with ${vnet.name} through ${other.name}`,
      );
    }
    return { pairs: found, text: texts.join(" and ") };
  }

  whyNotWritable(remote: NotWritable): string {
    switch (remote.kind) {
      case "optedOut":
        return `is opted out (tag ${this.policy.optOutTag.name}=${this.policy.optOutTag.value})`;
      case "outOfScope":
        return "is outside the watched scope";
      case "inaccessible":
        return "is in a subscription vnet-peering-sync cannot read";
      case "missing":
        return "no longer exists";
    }
  }

  /** A VNet's name; with its subscription when it differs from `from`'s. */
  /**
   * What people call a VNet: its name, qualified with its subscription only where the name alone is
   * ambiguous or the VNet is outside what this run may write, so reasons stay readable.
   */
  label(vnetId: string, from?: Vnet): string {
    const name = this.byKey.get(idKey(vnetId))?.name ?? parseVnetId(vnetId)?.vnetName ?? vnetId;
    const sub = subscriptionOf(vnetId);
    const ambiguous =
      (this.namesSeen.get(name.toLowerCase()) ?? 0) > 1 ||
      (from !== undefined && !sameId(from.id, vnetId) && from.name.toLowerCase() === name.toLowerCase());
    // A VNet this run may not write belongs to someone else: where it lives is what they need to know.
    const where = from !== undefined ? this.locate(vnetId).kind : "writable";
    const foreign = where === "outOfScope" || where === "inaccessible";
    return (ambiguous || foreign) && sub ? `${name} (subscription ${sub})` : name;
  }

  skip(target: string, vnetId: string, skip: SkipCode, reason: string): void {
    this.add({ kind: "skip", id: `skip:${skip}:${idKey(target)}`, target, vnetId, skip, reason });
  }

  alert(
    peering: Peering,
    vnet: Vnet,
    problem: ProblemCode,
    fields: Pick<AlertOnlyAction, "reason" | "remedy" | "remoteVnetId" | "overlappingPrefixes">,
  ): void {
    this.add({
      kind: "alertOnly",
      id: `alert:${problem}:${idKey(peering.id)}`,
      target: peering.id,
      vnetId: vnet.id,
      problem,
      ...fields,
    });
  }

  /**
   * The single entry for actions. Enforces the safety rules as invariants: a violation is a planner
   * bug, and failing loudly beats writing where we must not.
   */
  add(action: Action): void {
    if (this.actionIds.has(action.id)) return;
    if (action.kind === "sync" || action.kind === "createReciprocal" || action.kind === "resetDisconnected") {
      const vnet = this.byKey.get(idKey(action.vnetId));
      if (!vnet || !isInScope(vnet.id, this.policy) || isOptedOut(vnet, this.policy)) {
        throw new Error(
          `plan invariant: ${action.id} would write on ${action.vnetId}, which is not writable`,
        );
      }
      if (this.writtenPeerings.has(idKey(action.target))) {
        throw new Error(`plan invariant: a second write on ${action.target} (${action.id})`);
      }
      this.writtenPeerings.add(idKey(action.target));
    }
    this.actionIds.add(action.id);
    this.actions.push(action);
  }
}

export function joinOverlaps(...all: Overlaps[]): Overlaps {
  return {
    pairs: all.flatMap((o) => o.pairs),
    text: all
      .map((o) => o.text)
      .filter(Boolean)
      .join(" and "),
  };
}

export function compareKeys(a: string, b: string): number {
  const ka = idKey(a);
  const kb = idKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function list(items: readonly string[]): string {
  return items.length > 0 ? items.join(", ") : "(nothing)";
}

export function pairs(found: ReadonlyArray<[string, string]>): string {
  return found.map(([a, b]) => (a === b ? a : `${a} with ${b}`)).join(", ");
}

export function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
