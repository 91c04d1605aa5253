/**
 * Reads what the what-if needs through the ARM port: the resized VNets, everything peered with them,
 * and what those peers peer with (a sync is refused when the pulled space overlaps one of them), plus
 * one more hop for the transit warnings. Whole subscriptions are listed (one paged read each, VNets
 * embed their peerings) rather than a GET per VNet: a hub's spokes share a few subscriptions.
 * Only the watched subscriptions are read, as everywhere in the product (docs/safety.md): a peer
 * elsewhere is reported as not read, and a resized VNet elsewhere is refused.
 */
import { ArmError } from "../reconcile/errors.js";
import { idKey, subscriptionOf } from "../reconcile/ids.js";
import type { NetworkPort } from "../reconcile/port.js";
import type { RouteTable, Snapshot, Vnet } from "../reconcile/types.js";
import { WhatIfInputError } from "./input.js";
import type { ChangeRequest } from "./types.js";

export interface WhatIfTopology {
  snapshot: Snapshot;
  /** undefined when the port cannot list route tables. */
  routeTables?: RouteTable[];
  /** Subscriptions whose route tables could not be read (no access): no route warning covers them. */
  routeTablesUnreadable: string[];
}

/** Hops read from a resized VNet: peers, their peers, and one more for the transit warnings. */
const HOPS = 3;

export async function readWhatIfTopology(
  port: NetworkPort,
  requests: ChangeRequest[],
  watchedSubscriptions: readonly string[],
): Promise<WhatIfTopology> {
  const watched = new Set(watchedSubscriptions.map((s) => s.toLowerCase()));
  const vnets = new Map<string, Vnet>();
  const listed = new Set<string>();
  const inaccessible = new Set<string>();

  const listSubscription = async (sub: string) => {
    if (listed.has(sub) || inaccessible.has(sub) || !watched.has(sub)) return;
    listed.add(sub);
    try {
      for (const v of await port.listVnets(sub)) vnets.set(idKey(v.id), v);
    } catch (err) {
      if (isDenied(err)) inaccessible.add(sub);
      else throw err;
    }
  };

  // The resized VNets must exist and be readable: without them there is nothing to answer.
  for (const [i, r] of requests.entries()) {
    const sub = subscriptionOf(r.vnetId)!;
    if (!watched.has(sub))
      throw new WhatIfInputError(
        requests.length > 1 ? `changes[${i}].vnet` : "vnet",
        `${r.vnetId} is outside the watched subscriptions (${[...watched].join(", ") || "none"}).`,
      );
    await listSubscription(sub);
    if (!vnets.has(idKey(r.vnetId))) {
      const direct = inaccessible.has(sub) ? await getOrDenied(port, r.vnetId) : undefined;
      if (direct) vnets.set(idKey(direct.id), direct);
      else
        throw new WhatIfInputError(
          requests.length > 1 ? `changes[${i}].vnet` : "vnet",
          inaccessible.has(sub)
            ? `${r.vnetId} cannot be read (no access to subscription ${sub}).`
            : `${r.vnetId} does not exist.`,
        );
    }
  }

  let frontier = new Set(requests.map((r) => idKey(r.vnetId)));
  const seen = new Set(frontier);
  for (let hop = 0; hop < HOPS; hop++) {
    const next = new Set<string>();
    for (const key of frontier) {
      const v = vnets.get(key);
      if (!v) continue;
      for (const p of v.peerings) {
        const remote = idKey(p.remoteVnetId);
        if (!seen.has(remote)) next.add(remote);
      }
    }
    // Peerings pointing at a frontier VNet live on VNets listed already (same snapshot) or are found
    // from the frontier's own peerings: Azure pairs are two-sided.
    for (const key of next) {
      const sub = subscriptionOf(key);
      if (sub) await listSubscription(sub);
      seen.add(key);
    }
    frontier = next;
  }

  let routeTables: RouteTable[] | undefined;
  const routeTablesUnreadable: string[] = [];
  if (port.listRouteTables) {
    routeTables = [];
    for (const sub of listed) {
      if (inaccessible.has(sub)) continue;
      try {
        routeTables.push(...(await port.listRouteTables(sub)));
      } catch (err) {
        if (!isDenied(err)) throw err;
        routeTablesUnreadable.push(sub);
      }
    }
  }

  return {
    snapshot: {
      vnets: [...vnets.values()].sort((a, b) => idKey(a.id).localeCompare(idKey(b.id))),
      inaccessibleSubscriptions: [...inaccessible].sort(),
    },
    ...(routeTables ? { routeTables } : {}),
    routeTablesUnreadable,
  };
}

async function getOrDenied(port: NetworkPort, id: string): Promise<Vnet | undefined> {
  try {
    return await port.getVnet(id);
  } catch (err) {
    if (isDenied(err)) return undefined;
    throw err;
  }
}

function isDenied(err: unknown): boolean {
  return err instanceof ArmError && (err.status === 403 || err.status === 401);
}
