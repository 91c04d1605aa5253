import type { ErrorInfo } from "../reconcile/errors.js";
import type { NetworkPort } from "../reconcile/port.js";
import { idKey } from "../reconcile/ids.js";
import type { Policy, Snapshot, Vnet } from "../reconcile/types.js";
import { driftedVnets, type Drift } from "./drift.js";
import { enqueueReconciles, type EnqueueDeps } from "./intake.js";
import { ArmListsInventory } from "./inventory.js";
import type { FailureNotice, InventoryPage, InventorySource, PeerIndex, VnetInventory } from "./ports.js";
import { VnetIndex } from "./vnet-index.js";

/**
 * The status page is offered the sweep's read only up to this many VNets: beyond it the full VNets
 * would have to be held for the whole estate (what the sweep's compact index avoids), and a page
 * drawing that many is not one anybody reads.
 */
export const SNAPSHOT_MAX_VNETS = 5_000;

export interface SweepDeps extends EnqueueDeps {
  port: NetworkPort;
  policy: Policy;
  peerIndex: PeerIndex;
  maxParallel: number;
  /**
   * Resource Graph when SWEEP_INVENTORY chose it; the subscriptions it does not cover (failed,
   * throttled past its reset, truncated, or returned no row for) are listed through `port`.
   * Absent: ARM lists for every subscription.
   */
  inventory?: VnetInventory;
  /** Default SNAPSHOT_MAX_VNETS. */
  snapshotMaxVnets?: number;
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
  /** Where the VNets came from: subscriptions covered by each source, requests each sent. */
  inventory: {
    source: InventorySource;
    resourceGraph?: { covered: number; requests: number; notCovered: number; firstProblem?: ErrorInfo };
    armLists: { subscriptions: number; covered: number };
  };
  /**
   * Every watched subscription as read, when it was read whole from ARM lists, none failed for
   * another reason than access, and the estate has at most `snapshotMaxVnets` VNets.
   */
  snapshot?: Snapshot;
}

/**
 * The safety net: list every watched subscription, rebuild the peer index from what was read, and
 * queue a reconcile for every VNet that drifted. Nothing depends on an event having arrived (Event
 * Grid raises none when a peering turns Disconnected because its partner's VNet was deleted).
 *
 * The VNets are streamed into a compact index (src/app/vnet-index.ts): what a source answered is
 * dropped page by page. Resource Graph rows lag ARM; that only ever costs a reconcile, which reads
 * ARM before it writes (docs/architecture.md#the-sweeps-inventory).
 */
export async function sweepSubscriptions(correlationId: string, deps: SweepDeps): Promise<SweepResult> {
  const index = new VnetIndex();
  const maxFull = deps.snapshotMaxVnets ?? SNAPSHOT_MAX_VNETS;
  let full: Vnet[] | undefined = [];
  const onPage = (page: InventoryPage) => {
    for (const v of page.vnets) index.add(v);
    if (full && page.full && full.length + page.full.length <= maxFull) full.push(...page.full);
    else full = undefined;
  };
  const watched = deps.policy.watchedSubscriptions;
  const covered: string[] = [];
  const inaccessible: string[] = [];
  let rest: readonly string[] = watched;
  let resourceGraph: SweepResult["inventory"]["resourceGraph"];
  if (deps.inventory && deps.inventory.source !== "arm-lists") {
    const scan = await deps.inventory.scan(watched, onPage);
    covered.push(...scan.covered);
    inaccessible.push(...scan.inaccessible);
    rest = scan.failed.map((f) => f.subscriptionId);
    const first = scan.failed[0];
    resourceGraph = {
      covered: scan.covered.length,
      requests: scan.requests,
      notCovered: rest.length,
      ...(first ? { firstProblem: { code: first.code, message: first.message } } : {}),
    };
  }
  const arm = await new ArmListsInventory(deps.port, deps.maxParallel).scan(rest, onPage);
  covered.push(...arm.covered);
  inaccessible.push(...arm.inaccessible);
  const failed = arm.failed;

  const { removed } = await deps.peerIndex.rebuild([...index.vnets()], covered);
  const unreadable = [...inaccessible, ...failed.map((f) => f.subscriptionId)];
  const drifts = driftedVnets(index, deps.policy, unreadable);
  const { enqueued, deduplicated } = await enqueueReconciles(
    drifts.filter((d) => d.coveredBy === undefined).map((d) => d.vnetId),
    { cause: "sweep", correlationId },
    deps,
  );
  const snapshotVnets = failed.length === 0 && !resourceGraph ? full : undefined;
  return {
    vnetsRead: index.size,
    inaccessibleSubscriptions: inaccessible.sort(),
    failedSubscriptions: failed,
    drifts,
    enqueued,
    deduplicated,
    indexRowsRemoved: removed,
    inventory: {
      source: resourceGraph ? "resource-graph" : "arm-lists",
      ...(resourceGraph ? { resourceGraph } : {}),
      armLists: { subscriptions: rest.length, covered: arm.covered.length },
    },
    ...(snapshotVnets
      ? {
          snapshot: {
            vnets: [...snapshotVnets].sort((a, b) => idKey(a.id).localeCompare(idKey(b.id))),
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
