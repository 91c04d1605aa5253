import type { InvocationContext } from "@azure/functions";
import { reconcileMessageSchema } from "../app/ports.js";
import { readQueueItem } from "./shared.js";
import { runtime, type Runtime } from "./runtime.js";
import { logEvent } from "./telemetry.js";

/**
 * Queue trigger on `<RECONCILE_QUEUE>-poison`: the queue gave up on a VNet after maxDequeueCount
 * attempts. Raise one alert with the VNet and the last error the audit recorded for it.
 */
export async function reconcilePoison(
  item: unknown,
  context: InvocationContext,
  rt?: Runtime,
): Promise<void> {
  const r = rt ?? (await runtime());
  const message = readQueueItem(reconcileMessageSchema, item);
  if (!message.ok) {
    logEvent(context, "error", "ReconcileMessageMalformed", {
      queue: "poison",
      field: message.field,
      reason: `${message.field}: ${message.reason}`,
    });
    return;
  }
  const { vnetId, correlationId } = message.value;
  const last = await r.audit.lastFailure(vnetId);
  const error = last
    ? { code: last.error.code, message: last.error.message }
    : {
        code: "Unknown",
        message: "No failure was recorded for this VNet; see the logs for the correlation id.",
      };
  logEvent(context, "error", "ReconcilePoisoned", {
    vnetId,
    correlationId,
    attempts: last?.attempt,
    lastRunId: last?.runId,
    errorCode: error.code,
    message: error.message,
  });
  await r.notifier.notifyFailure({
    vnetId,
    error,
    ...(last?.attempt ? { attempts: last.attempt } : {}),
    correlationId,
    at: r.now().toISOString(),
  });
}
