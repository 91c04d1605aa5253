/**
 * One what-if: read the topology through the port, resolve the requested changes against it, and
 * analyse them together, as if they were all applied at once.
 */
import type { NetworkPort } from "../reconcile/port.js";
import type { Policy } from "../reconcile/types.js";
import { analyseWhatIf } from "./analyse.js";
import { resolveChange, WhatIfInputError, type ParsedRequests } from "./input.js";
import { readWhatIfTopology } from "./read.js";
import type { Verdict, WhatIfAnswer } from "./types.js";
import { idKey } from "../reconcile/ids.js";

export async function runWhatIf(
  port: NetworkPort,
  parsed: ParsedRequests,
  policy: Policy,
): Promise<WhatIfAnswer> {
  const seen = new Set<string>();
  for (const [i, r] of parsed.requests.entries()) {
    if (seen.has(idKey(r.vnetId)))
      throw new WhatIfInputError(
        `changes[${i}].vnet`,
        `${r.vnetId} is changed twice; give one change per VNet.`,
      );
    seen.add(idKey(r.vnetId));
  }
  if (parsed.requests.length === 0) {
    return {
      verdict: "nothing",
      changes: [],
      refused: [],
      followUp: [],
      warnings: [],
      estimate: { productWrites: 0, writesPerSubscription: {}, lowerBoundSeconds: 0 },
      notChecked: parsed.skipped,
    };
  }
  const topology = await readWhatIfTopology(port, parsed.requests, policy.watchedSubscriptions);
  const byKey = new Map(topology.snapshot.vnets.map((v) => [idKey(v.id), v]));
  const changes = parsed.requests.map((r, i) => {
    const vnet = byKey.get(idKey(r.vnetId))!;
    try {
      return resolveChange(r, vnet.addressPrefixes, vnet.subnets);
    } catch (err) {
      if (err instanceof WhatIfInputError && parsed.requests.length > 1)
        throw new WhatIfInputError(`changes[${i}].${err.field}`, err.message.slice(err.field.length + 2));
      throw err;
    }
  });
  const answer = analyseWhatIf({
    snapshot: topology.snapshot,
    policy,
    changes,
    ...(topology.routeTables ? { routeTables: topology.routeTables } : {}),
  });
  const unread = topology.routeTablesUnreadable.map((sub) => ({
    source: `route tables of subscription ${sub}`,
    reason: "could not be read (no Microsoft.Network/routeTables/read): no route warning covers them.",
  }));
  return { ...answer, notChecked: [...parsed.skipped, ...unread] };
}

/** Like `plan`: 0 nothing to do, 2 follow-up work, 1 refused (an error is 1 too). */
export function exitCodeOf(verdict: Verdict): number {
  return verdict === "refused" ? 1 : verdict === "followUp" ? 2 : 0;
}
