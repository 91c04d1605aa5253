import pLimit from "p-limit";
import { apply, isWrite, type ApplyEvent, type ApplyOptions } from "./apply.js";
import { ArmError } from "./errors.js";
import { idKey, parseSubscriptionId, parseVnetId, subscriptionOf } from "./ids.js";
import { plan as planActions } from "./plan.js";
import { isInScope } from "./scope.js";
import type { NetworkPort } from "./port.js";
import { withTenantAccess } from "./tenants.js";
import type { RunReport, RunTrigger } from "./run-report.js";
import type { Action, AppliedAction, Peering, Plan, Policy, Snapshot, Vnet } from "./types.js";

export interface ReconcileRequest {
  trigger: RunTrigger;
  correlationId: string;
  /**
   * VNet, resource-group or subscription ids to look at. Empty: every watched subscription.
   * A VNet is reconciled together with its peers, since fixing it usually means writing on them.
   */
  scope: string[];
  /** Plan only. */
  dryRun: boolean;
  /** Per-run override of the repairDisconnected setting. */
  repairDisconnected?: boolean;
}

export interface ReconcileDeps extends Omit<ApplyOptions, "reportOnly" | "onEvent" | "recentRead"> {
  port: NetworkPort;
  policy: Policy;
  now: () => Date;
  newRunId: () => string;
  onEvent?: (event: ApplyEvent) => void;
  /**
   * A write's first attempt may take its target from this run's own read of the VNet instead of
   * reading it again, while that read is at most this old (ms, by `now`). 0 or unset: always re-read.
   * Production sets DEFAULT_FRESH_READ_MS (src/config.ts engineLimits).
   */
  freshReadMs?: number;
}

/**
 * How old this run's own read of a VNet may be to stand for the re-read before a write: the plan was
 * made from it a moment ago. Long enough for the plan and the wait for a VNet's turn; far shorter than
 * a write (10-20 s), so a VNet written since is always read again.
 */
export const DEFAULT_FRESH_READ_MS = 5_000;

export interface ReconcileOutcome {
  report: RunReport;
  plan: Plan;
  snapshot: Snapshot;
  /**
   * Peerings in focus the plan left alone because they were Updating or Deleting: someone else's
   * write was running. Their completion event may be lost, so a queue worker looks again later.
   */
  inFlight: string[];
}

/** Read the truth from ARM, plan, apply (unless dry run), and describe what happened. */
export async function reconcile(request: ReconcileRequest, deps: ReconcileDeps): Promise<ReconcileOutcome> {
  return finishRun(await prepareRun(request, deps), request, deps);
}

/** The first half of a run: what it read, when, and the plan made from it. */
export interface PreparedRun {
  startedAt: string;
  runId: string;
  policy: Policy;
  snapshot: Snapshot;
  focus: Set<string> | "all";
  readAt: Map<string, number>;
  plan: Plan;
}

/** Read and plan (reconcile's first half; benchmarks time the halves apart). */
export async function prepareRun(request: ReconcileRequest, deps: ReconcileDeps): Promise<PreparedRun> {
  const startedAt = deps.now().toISOString();
  const runId = deps.newRunId();
  const policy: Policy = {
    ...deps.policy,
    ...(request.repairDisconnected !== undefined ? { repairDisconnected: request.repairDisconnected } : {}),
  };
  const { snapshot, focus, readAt } = await readSnapshot(
    deps.port,
    policy,
    request.scope,
    deps.maxParallelVnets,
    () => deps.now().getTime(),
  );
  const { plan } = await withTenantAccess(
    deps.port,
    snapshot,
    focusPlan(planActions(snapshot, policy), snapshot, focus),
    policy,
  );
  return { startedAt, runId, policy, snapshot, focus, readAt, plan };
}

/** Apply the plan (unless dry run) and describe what happened (reconcile's second half). */
export async function finishRun(
  prepared: PreparedRun,
  request: ReconcileRequest,
  deps: ReconcileDeps,
): Promise<ReconcileOutcome> {
  const { plan, snapshot, policy, focus } = prepared;
  let results: AppliedAction[];
  if (request.dryRun) {
    results = plan.actions.map((action) => ({
      action,
      result: { status: "skipped", why: isWrite(action) ? "dry run" : "reported" },
    }));
  } else {
    const freshMs = deps.freshReadMs ?? 0;
    const byKey = new Map(snapshot.vnets.map((v) => [idKey(v.id), v]));
    const report = await apply(plan, {
      ...deps,
      reportOnly: policy.reportOnly,
      ...(freshMs > 0
        ? {
            recentRead: (vnetId: string) => {
              const at = prepared.readAt.get(idKey(vnetId));
              const fresh = at !== undefined && deps.now().getTime() - at <= freshMs;
              return fresh ? byKey.get(idKey(vnetId)) : undefined;
            },
          }
        : {}),
    });
    results = report.results;
  }
  return {
    plan,
    snapshot,
    inFlight: inFlightPeerings(snapshot, policy, focus),
    report: {
      runId: prepared.runId,
      trigger: request.trigger,
      correlationId: request.correlationId,
      startedAt: prepared.startedAt,
      finishedAt: deps.now().toISOString(),
      dryRun: request.dryRun,
      scope: request.scope,
      vnetsRead: snapshot.vnets.length,
      results,
    },
  };
}

/**
 * From this many peers in one subscription on, readSnapshot lists the subscription instead of reading
 * each peer: a list page carries 100 VNets or more with their peerings, so listing costs fewer reads
 * unless the subscription holds far more VNets than the scope has peers there.
 */
export const LIST_PEERS_THRESHOLD = 20;

interface ScopedSnapshot {
  snapshot: Snapshot;
  /** The VNets the request is about (lower-cased ids); peers loaded only as context are not in it. */
  focus: Set<string> | "all";
  /** When each VNet's read was sent (lower-cased id -> `clock` ms): a list counts from its first page. */
  readAt: Map<string, number>;
}

/**
 * Whole subscriptions are read with the list-all call (VNets embed their peerings: one paged read for
 * the lot). A narrower scope reads its VNets, then the peers of those VNets, one hop, so the plan can
 * see both halves of every pair it may touch.
 */
export async function readSnapshot(
  port: NetworkPort,
  policy: Policy,
  scope: string[],
  parallelism: number,
  clock: () => number = Date.now,
): Promise<ScopedSnapshot> {
  const watched = new Set(policy.watchedSubscriptions.map((s) => s.toLowerCase()));
  const vnets = new Map<string, Vnet>();
  const readAt = new Map<string, number>();
  const inaccessible = new Set<string>();
  const limit = pLimit(Math.max(1, parallelism));

  const wholeSubscriptions =
    scope.length === 0 ? [...watched] : scope.filter((s) => parseSubscriptionId(s) !== undefined);
  const resourceGroups = scope.filter((s) => isResourceGroupId(s));
  const vnetIds = scope.filter((s) => parseVnetId(s));
  // Never read outside the watched subscriptions, whoever built the scope (a queue message is not
  // validated like the resync body is).
  const listSubs = new Set(
    [
      ...wholeSubscriptions.map((s) => subscriptionOf(s) ?? s.toLowerCase()),
      ...resourceGroups.map((s) => subscriptionOf(s)!),
    ].filter((sub) => watched.has(sub)),
  );

  await Promise.all(
    [...listSubs].map((sub) =>
      limit(async () => {
        try {
          const sent = clock();
          for (const vnet of await port.listVnets(sub)) {
            vnets.set(idKey(vnet.id), vnet);
            readAt.set(idKey(vnet.id), sent);
          }
        } catch (err) {
          if (isDenied(err)) inaccessible.add(sub);
          else throw err;
        }
      }),
    ),
  );

  const inScopeOfRequest = (vnet: Vnet) =>
    scope.length === 0 ||
    wholeSubscriptions.some((s) => subscriptionOf(s) === vnet.subscriptionId.toLowerCase()) ||
    resourceGroups.some((rg) => idKey(vnet.id).startsWith(`${idKey(rg)}/`)) ||
    vnetIds.some((id) => idKey(id) === idKey(vnet.id));

  // Resource-group scopes were listed per subscription: keep only their VNets as the focus.
  const load = async (id: string) => {
    const sub = subscriptionOf(id);
    if (!sub || vnets.has(idKey(id)) || inaccessible.has(sub) || !watched.has(sub)) return;
    try {
      const sent = clock();
      const vnet = await port.getVnet(id);
      if (vnet) {
        vnets.set(idKey(vnet.id), vnet);
        readAt.set(idKey(vnet.id), sent);
      }
    } catch (err) {
      if (isDenied(err)) inaccessible.add(sub);
      else throw err;
    }
  };
  await Promise.all(vnetIds.map((id) => limit(() => load(id))));

  const focusVnets = [...vnets.values()].filter(inScopeOfRequest);
  const peerIds = new Set(focusVnets.flatMap((v) => v.peerings.map((p) => p.remoteVnetId)));
  // Many peers in one subscription (a hub's spokes): one paged list costs far fewer reads than a GET
  // each, and reads share a bucket of 250 / 25 per s per subscription with the writes' polling (docs/azure-behaviour.md#throttling).
  const unreadBySub = new Map<string, number>();
  for (const id of peerIds) {
    const sub = subscriptionOf(id);
    if (sub && !vnets.has(idKey(id)) && watched.has(sub) && !listSubs.has(sub))
      unreadBySub.set(sub, (unreadBySub.get(sub) ?? 0) + 1);
  }
  const listedForPeers = [...unreadBySub].filter(([, n]) => n >= LIST_PEERS_THRESHOLD).map(([sub]) => sub);
  await Promise.all(
    listedForPeers.map((sub) =>
      limit(async () => {
        try {
          const sent = clock();
          for (const vnet of await port.listVnets(sub))
            if (!vnets.has(idKey(vnet.id))) {
              vnets.set(idKey(vnet.id), vnet);
              readAt.set(idKey(vnet.id), sent);
            }
        } catch (err) {
          if (isDenied(err)) inaccessible.add(sub);
          else throw err;
        }
      }),
    ),
  );
  await Promise.all([...peerIds].map((id) => limit(() => load(id))));

  const snapshot: Snapshot = {
    vnets: [...vnets.values()].sort((a, b) => idKey(a.id).localeCompare(idKey(b.id))),
    inaccessibleSubscriptions: [...inaccessible].sort(),
  };
  const focus = scope.length === 0 ? "all" : new Set(focusVnets.map((v) => idKey(v.id)));
  return { snapshot, focus, readAt };
}

/**
 * Peers read as context have peerings of their own that this run was not asked about (and whose far
 * ends were not read): keep only the actions that concern a pair with a VNet in focus.
 */
export function focusPlan(plan: Plan, snapshot: Snapshot, focus: Set<string> | "all"): Plan {
  if (focus === "all") return plan;
  const peerings = new Map<string, Peering>();
  for (const vnet of snapshot.vnets) for (const p of vnet.peerings) peerings.set(idKey(p.id), p);
  const concerns = (action: Action): string[] => {
    const peering = peerings.get(idKey(action.kind === "createReciprocal" ? action.mirrorOf : action.target));
    return peering ? [peering.vnetId, peering.remoteVnetId] : [action.target, action.vnetId];
  };
  return { actions: plan.actions.filter((a) => concerns(a).some((id) => focus.has(idKey(id)))) };
}

function inFlightPeerings(snapshot: Snapshot, policy: Policy, focus: Set<string> | "all"): string[] {
  const inFocus = (id: string) => focus === "all" || focus.has(idKey(id));
  return snapshot.vnets
    .filter((v) => isInScope(v.id, policy))
    .flatMap((v) => v.peerings)
    .filter((p) => p.provisioningState === "Updating" || p.provisioningState === "Deleting")
    .filter((p) => inFocus(p.vnetId) || inFocus(p.remoteVnetId))
    .map((p) => p.id);
}

function isResourceGroupId(id: string): boolean {
  return /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/?$/i.test(id);
}

function isDenied(err: unknown): boolean {
  return err instanceof ArmError && (err.status === 403 || err.status === 401);
}
