import pLimit from "p-limit";
import { ArmError, type ErrorInfo } from "../reconcile/errors.js";
import type { NetworkPort } from "../reconcile/port.js";
import { idKey } from "../reconcile/ids.js";
import type { Policy, Snapshot, Vnet } from "../reconcile/types.js";
import { driftedVnets, type Drift } from "./drift.js";
import { enqueueReconciles, type EnqueueDeps } from "./intake.js";
import type { FailureNotice, PeerIndex } from "./ports.js";

export interface SweepDeps extends EnqueueDeps {
  port: NetworkPort;
  policy: Policy;
  peerIndex: PeerIndex;
  maxParallel: number;
}

export interface SweepResult {
  vnetsRead: number;
  /** Answered 401/403: reported, never fatal. */
  inaccessibleSubscriptions: string[];
  /** Failed for another reason (throttled, ARM down): the next sweep tries again. */
  failedSubscriptions: ({ subscriptionId: string } & ErrorInfo)[];
  drifts: Drift[];
  enqueued: string[];
  deduplicated: string[];
  indexRowsRemoved: number;
  /** Every watched subscription as read, unless one failed for another reason than access. */
  snapshot?: Snapshot;
}

/**
 * The safety net: list every watched subscription, rebuild the peer index from what was read, and
 * queue a reconcile for every VNet that drifted. Nothing depends on an event having arrived (Event
 * Grid raises none when a peering turns Disconnected because its partner's VNet was deleted).
 */
export async function sweepSubscriptions(correlationId: string, deps: SweepDeps): Promise<SweepResult> {
  const limit = pLimit(Math.max(1, deps.maxParallel));
  const vnets: Vnet[] = [];
  const readable: string[] = [];
  const inaccessible: string[] = [];
  const failed: SweepResult["failedSubscriptions"] = [];
  await Promise.all(
    deps.policy.watchedSubscriptions.map((subscriptionId) =>
      limit(async () => {
        try {
          vnets.push(...(await deps.port.listVnets(subscriptionId)));
          readable.push(subscriptionId);
        } catch (err) {
          if (err instanceof ArmError && (err.status === 403 || err.status === 401)) {
            inaccessible.push(subscriptionId);
          } else {
            const code = err instanceof ArmError ? err.code : err instanceof Error ? err.name : "Error";
            const message = err instanceof Error ? err.message : String(err);
            failed.push({ subscriptionId, code, message });
          }
        }
      }),
    ),
  );
  const { removed } = await deps.peerIndex.rebuild(vnets, readable);
  const unreadable = [...inaccessible, ...failed.map((f) => f.subscriptionId)];
  const drifts = driftedVnets(vnets, deps.policy, unreadable);
  const { enqueued, deduplicated } = await enqueueReconciles(
    drifts.filter((d) => d.coveredBy === undefined).map((d) => d.vnetId),
    { cause: "sweep", correlationId },
    deps,
  );
  return {
    vnetsRead: vnets.length,
    inaccessibleSubscriptions: inaccessible.sort(),
    failedSubscriptions: failed,
    drifts,
    enqueued,
    deduplicated,
    indexRowsRemoved: removed,
    ...(failed.length === 0
      ? {
          snapshot: {
            vnets: [...vnets].sort((a, b) => idKey(a.id).localeCompare(idKey(b.id))),
            inaccessibleSubscriptions: [...inaccessible],
          },
        }
      : {}),
  };
}

/**
 * The alert the sweep raises for a watched subscription it may not read (401/403): a failure notice
 * whose target is the subscription itself (`/subscriptions/<id>`), not a VNet.
 */
export function inaccessibleSubscriptionNotice(
  subscriptionId: string,
  correlationId: string,
  at: string,
): FailureNotice {
  return {
    vnetId: `/subscriptions/${subscriptionId}`,
    error: {
      code: "SubscriptionInaccessible",
      message: `The app's identity may not list the virtual networks of subscription ${subscriptionId} (403). Grant it Network Contributor (or the peering-sync role) there, or remove the subscription from WATCHED_SUBSCRIPTIONS.`,
    },
    correlationId,
    at,
  };
}
