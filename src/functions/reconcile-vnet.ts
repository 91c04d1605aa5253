import type { InvocationContext } from "@azure/functions";
import { reconcileMessageSchema } from "../events/ports.js";
import { runReconcileJob } from "../events/reconcile-job.js";
import { RetryLaterError, dequeueCount, jobDeps, readQueueItem } from "./shared.js";
import { runtime, type Runtime } from "./runtime.js";
import { logEvent, logRun } from "./telemetry.js";

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
  const attempt = dequeueCount(context);
  // From here on, a new event about this VNet needs a new reconcile: this one may read before it.
  await r.dedupe.release(vnetId);

  const counter = { writes: 0 };
  const deps = jobDeps(r, context, counter);
  const job = await runReconcileJob(
    { trigger: cause === "sweep" ? "sweep" : "event", correlationId, scope: [vnetId], dryRun: false },
    deps,
  );
  const at = r.now().toISOString();

  if (job.kind === "threw") {
    await r.audit.recordFailure({ vnetId, correlationId, at, attempt, error: job.error });
    if (job.error.retryable) {
      logEvent(context, "warn", "ReconcileRetry", {
        vnetId,
        correlationId,
        attempt,
        errorCode: job.error.code,
      });
      throw new RetryLaterError(`reconcile of ${vnetId} failed: ${job.error.code}`, { cause: job.cause });
    }
    logEvent(context, "error", "ReconcileFailed", {
      vnetId,
      correlationId,
      attempt,
      errorCode: job.error.code,
      message: job.error.message,
    });
    await deps.notifier.notifyFailure({ vnetId, error: job.error, attempts: attempt, correlationId, at });
    return;
  }

  const { report } = job.outcome;
  logRun(context, report, counter.writes);
  const failure = job.retryable[0] ?? job.terminal[0];
  if (failure) {
    const retryable = job.retryable.length > 0;
    await r.audit.recordFailure({
      vnetId,
      runId: report.runId,
      correlationId,
      at,
      attempt,
      error: { ...failure, retryable },
    });
    if (retryable) {
      logEvent(context, "warn", "ReconcileRetry", {
        vnetId,
        runId: report.runId,
        correlationId,
        attempt,
        errorCode: failure.code,
      });
      throw new RetryLaterError(
        `reconcile of ${vnetId}: ${job.retryable.length} action(s) failed and may succeed later`,
      );
    }
    logEvent(context, "error", "ReconcileFailed", {
      vnetId,
      runId: report.runId,
      correlationId,
      errorCode: failure.code,
      message: failure.message,
    });
  }
}
