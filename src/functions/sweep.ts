import type { InvocationContext, Timer } from "@azure/functions";
import { inaccessibleSubscriptionNotice, sweepSubscriptions } from "../app/sweep.js";
import { FOREIGN_ORIGIN } from "../reconcile/errors.js";
import { runtime, type Runtime } from "./runtime.js";
import { enqueueDeps } from "./shared.js";
import { logEvent } from "./telemetry.js";

/**
 * Timer (SWEEP_SCHEDULE): list every watched subscription, rebuild the peer index, queue a reconcile
 * for each VNet that drifted. A subscription the identity cannot read (403) is recorded and alerted,
 * never fatal: the others are still swept. One that cannot be read completely is not planned on.
 */
export async function sweep(
  _timer: Timer | unknown,
  context: InvocationContext,
  rt?: Runtime,
): Promise<void> {
  const r = rt ?? (await runtime());
  const started = r.now();
  const startedAt = started.toISOString();
  const correlationId = context.invocationId;
  // A Resource Graph client that cannot be built must not cost the sweep: ARM lists still work.
  const inventory = await r.sweepInventory().catch((err: unknown) => {
    logEvent(context, "warn", "ResourceGraphUnavailable", {
      correlationId,
      reason: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  });
  const result = await sweepSubscriptions(correlationId, {
    ...(inventory ? { inventory } : {}),
    port: r.port,
    policy: r.policy,
    peerIndex: r.peerIndex,
    maxParallel: r.settings.MAX_PARALLEL_VNETS,
    ...enqueueDeps(r),
  });
  // The status page shows this read until it is STATUS_REFRESH_SECONDS old: no second read for it.
  if (result.snapshot) r.statusSnapshots.offer(result.snapshot, started);
  const runId = r.newId();
  const firstFailure = result.failedSubscriptions[0];
  await r.audit.putRun({
    runId,
    trigger: "sweep",
    correlationId,
    status: firstFailure ? "failed" : "succeeded",
    dryRun: false,
    scope: [],
    startedAt,
    finishedAt: r.now().toISOString(),
    vnetsRead: result.vnetsRead,
    summary: {
      drifted: result.drifts.length,
      enqueued: result.enqueued.length,
      deduplicated: result.deduplicated.length,
      indexRowsRemoved: result.indexRowsRemoved,
      ...(result.inventory.resourceGraph
        ? {
            resourceGraphSubscriptions: result.inventory.resourceGraph.covered,
            resourceGraphRequests: result.inventory.resourceGraph.requests,
          }
        : {}),
      armListedSubscriptions: result.inventory.armLists.subscriptions,
    },
    ...(result.inaccessibleSubscriptions.length > 0
      ? { inaccessibleSubscriptions: result.inaccessibleSubscriptions }
      : {}),
    ...(firstFailure ? { error: { code: firstFailure.code, message: firstFailure.message } } : {}),
  });

  const notifier = r.notifier;
  for (const subscriptionId of result.inaccessibleSubscriptions) {
    logEvent(context, "warn", "SubscriptionInaccessible", { runId, correlationId, subscriptionId });
    await notifier.notifyFailure(
      inaccessibleSubscriptionNotice(subscriptionId, correlationId, r.now().toISOString()),
    );
  }
  for (const failed of result.failedSubscriptions) {
    logEvent(context, "error", "SubscriptionUnreadable", { runId, correlationId, ...failed });
    // Other failures pass with time and the next sweep; an answer sending the client to another
    // origin will not, and someone should know who answered (docs/safety.md, "Where the token goes").
    if (failed.code === FOREIGN_ORIGIN) {
      await notifier.notifyFailure({
        vnetId: `/subscriptions/${failed.subscriptionId}`,
        error: { code: failed.code, message: failed.message },
        correlationId,
        at: r.now().toISOString(),
      });
    }
  }
  logEvent(context, "info", "SweepCompleted", {
    runId,
    correlationId,
    vnetsRead: result.vnetsRead,
    drifted: result.drifts.map((d) => ({
      vnetId: d.vnetId,
      reasons: d.reasons,
      ...(d.coveredBy ? { coveredBy: d.coveredBy } : {}),
    })),
    enqueued: result.enqueued.length,
    deduplicated: result.deduplicated.length,
    indexRowsRemoved: result.indexRowsRemoved,
    inaccessibleSubscriptions: result.inaccessibleSubscriptions,
    inventory: result.inventory,
  });
}
