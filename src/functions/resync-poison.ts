import type { InvocationContext } from "@azure/functions";
import { resyncMessageSchema } from "../app/ports.js";
import { readQueueItem } from "./shared.js";
import { runtime, type Runtime } from "./runtime.js";
import { logEvent } from "./telemetry.js";

/**
 * Queue trigger on `resync-runs-poison`: the queue gave up on a run accepted by POST /api/resync after
 * maxDequeueCount attempts. Without this the run would read `queued` forever to whoever polls it:
 * mark it failed with the last error its attempts recorded, and raise one alert, as reconcilePoison
 * does for the reconcile queue.
 */
export async function resyncPoison(item: unknown, context: InvocationContext, rt?: Runtime): Promise<void> {
  const r = rt ?? (await runtime());
  const message = readQueueItem(resyncMessageSchema, item);
  if (!message.ok) {
    logEvent(context, "error", "ReconcileMessageMalformed", {
      queue: "resync-runs-poison",
      field: message.field,
      reason: `${message.field}: ${message.reason}`,
    });
    return;
  }
  const { runId, scope, correlationId } = message.value;
  const known = await r.audit.getRun(runId);
  if (known && (known.run.status === "succeeded" || known.run.status === "failed")) {
    // A duplicate delivery that another attempt finished: nothing is stuck.
    logEvent(context, "info", "ResyncRunSkipped", { runId, correlationId, status: known.run.status });
    return;
  }
  const last = known?.run.error;
  const error = {
    code: last?.code ?? "Unknown",
    message: `Resync run ${runId} was given up by the queue: ${
      last?.message ?? "no failure was recorded for it; see the logs for the correlation id"
    }`,
  };
  const { repairDisconnected } = message.value;
  await r.audit.putRun({
    ...(known?.run ?? {}),
    runId,
    trigger: "manual",
    correlationId,
    dryRun: false,
    scope,
    ...(repairDisconnected !== undefined ? { repairDisconnected } : {}),
    status: "failed",
    finishedAt: r.now().toISOString(),
    error,
  });
  logEvent(context, "error", "ResyncRunPoisoned", {
    runId,
    correlationId,
    scope,
    errorCode: error.code,
    message: error.message,
  });
  // One alert per run, about the first thing it was asked to look at; the message names the run, whose
  // status call lists the whole scope.
  await r.notifier.notifyFailure({
    vnetId: scope[0]!,
    error,
    correlationId,
    at: r.now().toISOString(),
  });
}
