import { z } from "zod";
import type { ClassifiedError, ErrorInfo, FailureNotice } from "../reconcile/errors.js";
import { decodeResourceId, isWellFormedScopeId, isWellFormedVnetId } from "../reconcile/ids.js";
import type { RunReport, RunTrigger } from "../reconcile/run-report.js";
import type { ActionKind, Snapshot, Vnet } from "../reconcile/types.js";
import type { InventoryVnet, PeerLinks } from "./vnet-index.js";

/**
 * The ports of the event-driven app: the Storage queues, the peer index, the dedupe markers, the audit
 * and the notifier. Adapters live in src/azure/ (Table Storage, Storage queues); handlers in
 * src/functions/ receive them from the composition root (src/functions/runtime.ts).
 */

/** One message on the reconcile queue: "look at this VNet". */
export const reconcileMessageSchema = z.object({
  vnetId: z
    .string()
    .max(1024)
    // An id that does not decode keeps its `%` and so fails the naming rules below.
    .transform((id) => decodeResourceId(id) ?? id)
    .refine(isWellFormedVnetId, "must be a virtual network resource id"),
  cause: z.enum(["event", "sweep"]),
  /** The event id (or sweep invocation id) that asked for it: logs of both ends share it. */
  correlationId: z.string().min(1).max(256),
  enqueuedAt: z.iso.datetime(),
  /** How many times a worker has put this VNet back because a write was in flight (see MAX_REQUEUES). */
  requeues: z.number().int().min(0).max(100).optional(),
});
export type ReconcileMessage = z.infer<typeof reconcileMessageSchema>;

/**
 * A VNet that meets a write in flight is put back at most this many times, 30 s then doubling, capped
 * at MAX_REQUEUE_DELAY_SECONDS (30+60+120+240+480 s, about 15 minutes, inside the default 30-minute
 * sweep): a resource stuck Updating longer is left to the sweep, or, for a failed write, to the
 * queue's retries and the poison queue, which alert.
 */
export const MAX_REQUEUES = 5;
export const MAX_REQUEUE_DELAY_SECONDS = 600;

/** One message on the resync-runs queue: a manual run accepted by POST /api/resync. */
export const resyncMessageSchema = z.object({
  runId: z.uuid(),
  scope: z
    .array(
      z
        .string()
        .max(512)
        .transform((id) => decodeResourceId(id) ?? id)
        .refine(isWellFormedScopeId, "must be a subscription, resource group or VNet id"),
    )
    .min(1)
    .max(50),
  repairDisconnected: z.boolean().optional(),
  correlationId: z.string().min(1).max(256),
});
export type ResyncMessage = z.infer<typeof resyncMessageSchema>;

export interface MessageQueue<T> {
  /** `delaySeconds`: the message stays invisible that long (lets ARM settle before we read it). */
  send(message: T, options?: { delaySeconds?: number }): Promise<void>;
}

/**
 * "V peers with R" for every peering V->R seen. A delete event names only what is gone; the index
 * says which VNets were peered with it, without calling ARM. Stale rows cost one cheap reconcile.
 */
export interface PeerIndex {
  /** VNets that have (or had, when last seen) a peering whose remote is `vnetId`. */
  peersOf(vnetId: string): Promise<string[]>;
  /** Each VNet given was read whole: its rows become exactly its current peerings. */
  record(vnets: readonly PeerLinks[]): Promise<void>;
  /**
   * Full rebuild from a sweep: `record(vnets)`, then drop the rows of VNets that no longer exist in
   * the subscriptions that were read completely (`coveredSubscriptions`).
   */
  rebuild(vnets: readonly PeerLinks[], coveredSubscriptions: readonly string[]): Promise<{ removed: number }>;
}

/** Where the sweep's inventory came from (docs/architecture.md#the-sweeps-inventory). */
export type InventorySource = "resource-graph" | "arm-lists";

/** One page of an inventory: compact rows, and the full VNets when the source read them. */
export interface InventoryPage {
  vnets: readonly InventoryVnet[];
  /** ARM lists only: the same VNets as ARM answered them (the status page can use them). */
  full?: readonly Vnet[];
}

export interface InventoryScan {
  /** Subscriptions whose every VNet was streamed: a VNet of theirs that was not is gone (or new). */
  covered: string[];
  /** Answered 401/403. */
  inaccessible: string[];
  /** Failed for another reason, or not answered for (Resource Graph): the caller may read them another way. */
  failed: ({ subscriptionId: string } & ErrorInfo)[];
  /** Requests sent: each query (retries included), or each list (whatever its pages). */
  requests: number;
}

/**
 * The VNets of many subscriptions with their peerings, streamed page by page so nobody holds what a
 * source answered for the whole estate: Resource Graph (one query for up to 1,000 subscriptions,
 * rows as of its own lag) or ARM lists (one list per subscription, the truth). Adapters:
 * src/azure/arm/resource-graph-inventory.ts, and src/app/inventory.ts over the NetworkPort.
 */
export interface VnetInventory {
  readonly source: InventorySource;
  scan(
    subscriptions: readonly string[],
    onPage: (page: InventoryPage) => void | Promise<void>,
  ): Promise<InventoryScan>;
}

/** One marker per VNet: "a reconcile for it is queued and has not started yet". Shared by all instances. */
export interface DedupeMarkers {
  /**
   * true: the caller now owns the marker and must enqueue (or `release` if it cannot). false: a
   * reconcile for this VNet was queued less than `windowSeconds` ago and has not started.
   */
  claim(vnetId: string, now: Date, windowSeconds: number): Promise<boolean>;
  /** Called when the reconcile starts reading ARM: later events need a new reconcile. */
  release(vnetId: string): Promise<void>;
}

export type RunStatus = "queued" | "running" | "succeeded" | "failed";

/** Peering fields worth keeping before and after an action. */
export interface PeeringStateRecord {
  state: string;
  syncLevel: string;
  localAddressSpace: string[];
  remoteAddressSpace: string[];
  remoteVirtualNetworkAddressSpace: string[];
}

export interface ActionRecord {
  runId: string;
  /** Position in the plan. */
  index: number;
  trigger: RunTrigger;
  correlationId: string;
  at: string;
  kind: string;
  target: string;
  vnetId: string;
  reason: string;
  problem?: string;
  remedy?: string;
  skip?: string;
  result: "succeeded" | "failed" | "skipped";
  detail?: string;
  error?: ClassifiedError;
  before?: PeeringStateRecord;
  after?: PeeringStateRecord;
}

export interface RunRecord {
  runId: string;
  trigger: RunTrigger;
  correlationId: string;
  status: RunStatus;
  dryRun: boolean;
  scope: string[];
  repairDisconnected?: boolean;
  queuedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  vnetsRead?: number;
  /** Counts per action kind and per result (the CLI's JSON summary). */
  summary?: Record<string, number>;
  inaccessibleSubscriptions?: string[];
  /** Why the run failed as a whole (it threw), or the first failed action. */
  error?: ErrorInfo;
}

export interface VnetFailure {
  vnetId: string;
  runId?: string;
  correlationId: string;
  at: string;
  attempt?: number;
  error: ClassifiedError;
}

/** Every run and every action, readable by the resync status call and the status page. */
export interface AuditStore {
  /** A manual run accepted but not started. */
  queueRun(run: RunRecord): Promise<void>;
  /** Replace the run's record (status changes); actions are untouched. */
  putRun(run: RunRecord): Promise<void>;
  /** A finished run with all its actions (replaces any earlier record of the same run id). */
  recordRun(
    report: RunReport,
    snapshot: Snapshot | undefined,
    extra?: Partial<RunRecord>,
  ): Promise<RunRecord>;
  getRun(runId: string): Promise<{ run: RunRecord; actions: ActionRecord[] } | undefined>;
  /** Newest first. */
  listRecentRuns(n: number): Promise<RunRecord[]>;
  recordFailure(failure: VnetFailure): Promise<void>;
  lastFailure(vnetId: string): Promise<VnetFailure | undefined>;
}

/** The one failure shape (src/reconcile/errors.ts), re-exported for the ports that take it. */
export type { FailureNotice } from "../reconcile/errors.js";

/** Tells humans. Implementations never throw (an alert must not fail or retry a reconcile). */
export interface Notifier {
  /** `willRetry`: the queue will retry this run, so its retryable failures are not alerted yet. */
  notifyRun(report: RunReport, options?: { willRetry?: boolean }): Promise<void>;
  notifyFailure(failure: FailureNotice): Promise<void>;
}

/**
 * Custom events and metrics per action and per run (Application Insights through
 * src/azure/app-insights-metrics.ts). Ids and codes only: nothing secret, nothing unbounded.
 */
export type ActionStatus = "succeeded" | "skipped" | "failed";

/** customEvents `ReconcileAction` and one `peering_sync.actions` count. Ids and codes only. */
export interface ActionTelemetry {
  runId: string;
  correlationId: string;
  trigger: RunTrigger;
  dryRun: boolean;
  kind: ActionKind;
  result: ActionStatus;
  /** Subscription of the VNet written (a metric dimension: bounded by WATCHED_SUBSCRIPTIONS). */
  subscriptionId: string;
  vnetId: string;
  /** The peering (or VNet) the action is about. */
  target: string;
  /** ARM's error code of a failed action; never its message (a message may quote anything). */
  errorCode?: string;
  retryable?: boolean;
  /** alertOnly: the problem code (AddressSpaceOverlap, Disconnected...). */
  problem?: string;
  /** skip: why (OptOutTag, OutsideWatchedScope...). */
  skip?: string;
}

/** customEvents `ReconcileRun` and one `peering_sync.run.duration` value. */
export interface RunTelemetry {
  runId: string;
  correlationId: string;
  trigger: RunTrigger;
  dryRun: boolean;
  /** `failed` when at least one action failed. */
  result: "succeeded" | "failed";
  vnetsRead: number;
  actions: number;
  writes: number;
  durationMs: number;
  byResult: Record<ActionStatus, number>;
  /** Actions by kind, then by result: `{"sync": {"succeeded": 2}}`. */
  counts: Partial<Record<ActionKind, Partial<Record<ActionStatus, number>>>>;
}

export interface Metrics {
  actionCompleted(action: ActionTelemetry): void;
  runCompleted(run: RunTelemetry): void;
  /**
   * Sends what is buffered. Resolves within a short timeout and never rejects: the Functions host may
   * freeze the process once the invocation ends, and telemetry must never fail a handler.
   */
  flush(): Promise<void>;
}

export const noMetrics: Metrics = {
  actionCompleted: () => undefined,
  runCompleted: () => undefined,
  flush: async () => undefined,
};
