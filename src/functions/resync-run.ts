import type { InvocationContext } from "@azure/functions";
import { resyncMessageSchema } from "../app/ports.js";
import { runReconcileJob } from "../app/reconcile-job.js";
import { narrowedRepair } from "../app/resync-request.js";
import { reportRun } from "./metrics.js";
import { RetryLaterError, dequeueCount, jobDeps, readQueueItem } from "./shared.js";
import { runtime, type Runtime } from "./runtime.js";
import { logEvent } from "./telemetry.js";

/**
 * Queue trigger on resync-runs: carries out a run accepted by POST /api/resync, under the run id the
 * caller polls. Retryable failures are thrown (the queue retries; the run shows `queued` again with the
 * error), terminal ones end the run `failed`.
 */
export async function resyncRun(item: unknown, context: InvocationContext, rt?: Runtime): Promise<void> {
  const r = rt ?? (await runtime());
  const message = readQueueItem(resyncMessageSchema, item);
  if (!message.ok) {
    logEvent(context, "error", "ReconcileMessageMalformed", {
      queue: "resync-runs",
      field: message.field,
      reason: `${message.field}: ${message.reason}`,
    });
    return;
  }
  const { runId, scope, correlationId } = message.value;
  // POST /api/resync already refused a wider policy; whoever else can write to the queue cannot
  // widen it either (a run queued before REPAIR_DISCONNECTED was turned off does not repair).
  const repairDisconnected = narrowedRepair(message.value.repairDisconnected, r.policy);
  const known = await r.audit.getRun(runId);
  if (known && (known.run.status === "succeeded" || known.run.status === "failed")) {
    logEvent(context, "info", "ResyncRunSkipped", { runId, correlationId, status: known.run.status });
    return;
  }
  const base = {
    runId,
    trigger: "manual" as const,
    correlationId,
    dryRun: false,
    scope,
    ...(repairDisconnected !== undefined ? { repairDisconnected } : {}),
    ...(known?.run.queuedAt ? { queuedAt: known.run.queuedAt } : {}),
  };
  await r.audit.putRun({ ...base, status: "running", startedAt: r.now().toISOString() });

  const counter = { writes: 0 };
  const job = await runReconcileJob(
    {
      trigger: "manual",
      correlationId,
      scope,
      dryRun: false,
      ...(repairDisconnected !== undefined ? { repairDisconnected } : {}),
    },
    { ...jobDeps(r, context, counter), newRunId: () => runId },
  );
  const attempt = dequeueCount(context);
  const { next, failure, outcome } = job;
  const retryNow = next.kind === "retry" && next.after === undefined;
  if (!outcome) {
    // The run threw before it could record itself: this record is all the caller polls.
    const error = { code: failure!.error.code, message: failure!.error.message };
    await r.audit.putRun({
      ...base,
      status: retryNow ? "queued" : "failed",
      finishedAt: r.now().toISOString(),
      error,
    });
  } else {
    await reportRun(context, r.metrics, outcome.report, counter.writes);
    // A finished run recorded itself `failed` with its terminal actions; a retried one waits again.
    if (retryNow && failure) {
      const { code, message } = failure.error;
      await r.audit.putRun({ ...base, status: "queued", error: { code, message } });
    }
  }
  if (!failure) return;
  const errorCode = failure.error.code;
  if (retryNow) {
    logEvent(context, "warn", "ReconcileRetry", { runId, correlationId, attempt, errorCode });
    throw new RetryLaterError(
      outcome ? `resync run ${runId}: ${failure.summary}` : `resync run ${runId} failed: ${errorCode}`,
      { cause: failure.cause },
    );
  }
  if (!outcome) {
    logEvent(context, "error", "ReconcileFailed", {
      runId,
      correlationId,
      errorCode,
      message: failure.error.message,
    });
  }
}
