import type { InvocationContext } from "@azure/functions";
import { MAX_REQUEUES, MAX_REQUEUE_DELAY_SECONDS, reconcileMessageSchema } from "../app/ports.js";
import { runReconcileJob } from "../app/reconcile-job.js";
import { reportRun } from "./metrics.js";
import { RetryLaterError, dequeueCount, jobDeps, readQueueItem } from "./shared.js";
import { runtime, type Runtime } from "./runtime.js";
import { logEvent } from "./telemetry.js";

/**
 * Queue trigger on RECONCILE_QUEUE: one VNet (and its peers) per message. Retryable failures are
 * thrown so the queue retries (after host.json's maxDequeueCount the message goes to
 * `<queue>-poison`, see reconcilePoison); terminal ones are recorded and reported, not retried.
 */
export async function reconcileVnet(item: unknown, context: InvocationContext, rt?: Runtime): Promise<void> {
  const r = rt ?? (await runtime());
  const message = readQueueItem(reconcileMessageSchema, item);
  if (!message.ok) {
    logEvent(context, "error", "ReconcileMessageMalformed", {
      field: message.field,
      reason: `${message.field}: ${message.reason}`,
    });
    return;
  }
  const { vnetId, correlationId, cause } = message.value;
  const requeues = message.value.requeues ?? 0;
  const attempt = dequeueCount(context);
  // From here on, a new event about this VNet needs a new reconcile: this one may read before it.
  await r.dedupe.release(vnetId);

  const counter = { writes: 0 };
  const deps = jobDeps(r, context, counter);
  const job = await runReconcileJob(
    { trigger: cause === "sweep" ? "sweep" : "event", correlationId, scope: [vnetId], dryRun: false },
    deps,
    { canRequeue: requeues < MAX_REQUEUES },
  );
  const { next, failure, outcome } = job;
  if (outcome) await reportRun(context, r.metrics, outcome.report, counter.writes);
  if (next.kind === "retry" && next.after !== undefined) {
    const delaySeconds = Math.min(MAX_REQUEUE_DELAY_SECONDS, next.after * 2 ** requeues);
    await r.reconcileQueue.send(
      { ...message.value, requeues: requeues + 1, enqueuedAt: r.now().toISOString() },
      { delaySeconds },
    );
    logEvent(context, "info", "ReconcileRequeued", {
      vnetId,
      correlationId,
      requeues: requeues + 1,
      delaySeconds,
      inFlight: outcome?.inFlight,
    });
  } else if (outcome && requeues >= MAX_REQUEUES && outcome.inFlight.length > 0) {
    logEvent(context, "warn", "ReconcileRequeueLimit", {
      vnetId,
      correlationId,
      requeues,
      inFlight: outcome.inFlight,
    });
  }
  if (!failure) return;

  const at = r.now().toISOString();
  const { error, runId } = failure;
  await r.audit.recordFailure({
    vnetId,
    ...(runId !== undefined ? { runId } : {}),
    correlationId,
    at,
    attempt,
    error,
  });
  const fields = { vnetId, runId, correlationId, attempt, errorCode: error.code };
  if (next.kind === "retry" && next.after === undefined) {
    logEvent(context, "warn", "ReconcileRetry", fields);
    throw new RetryLaterError(`reconcile of ${vnetId}: ${failure.summary}`, { cause: failure.cause });
  }
  logEvent(context, "error", "ReconcileFailed", { ...fields, message: error.message });
  // A run that finished already told people about its failed actions in its digest.
  if (!outcome) {
    await deps.notifier.notifyFailure({ vnetId, error, attempts: attempt, correlationId, at });
  }
}
