import type { InvocationContext } from "@azure/functions";
import { enqueueReconciles } from "../app/intake.js";
import { readNetworkEvents } from "../app/resource-event.js";
import { reconcileTargets } from "../app/targets.js";
import { runtime, type Runtime } from "./runtime.js";
import { enqueueDeps } from "./shared.js";
import { logEvent } from "./telemetry.js";

/**
 * Event Grid trigger (subscription system topic, Event Grid schema or CloudEvents 1.0). Never calls
 * ARM: works out which VNets to look at and queues one reconcile per VNet, delayed so ARM has settled.
 * A malformed event is logged and dropped (throwing would make Event Grid retry it for a day); a
 * storage failure is thrown, so Event Grid retries the delivery.
 */
export async function onNetworkEvent(
  event: unknown,
  context: InvocationContext,
  rt?: Runtime,
): Promise<void> {
  const r = rt ?? (await runtime());
  const { policy, peerIndex } = r;
  for (const verdict of await readNetworkEvents(event, policy.watchedSubscriptions)) {
    if (verdict.kind === "malformed") {
      logEvent(context, "warn", "NetworkEventMalformed", {
        eventId: verdict.eventId,
        field: verdict.field,
        reason: `${verdict.field} ${verdict.reason}`,
      });
      continue;
    }
    if (verdict.kind === "ignored") {
      logEvent(context, "debug", "NetworkEventIgnored", { eventId: verdict.eventId, reason: verdict.reason });
      continue;
    }
    const { change } = verdict;
    const peers = await peerIndex.peersOf(change.vnetId);
    const targets = reconcileTargets(change, peers, policy);
    const { enqueued, deduplicated } = await enqueueReconciles(
      targets,
      { cause: "event", correlationId: change.eventId },
      enqueueDeps(r),
    );
    logEvent(context, "info", "NetworkEventAccepted", {
      eventId: change.eventId,
      correlationId: change.eventId,
      armCorrelationId: change.armCorrelationId,
      schema: change.schema,
      operation: change.operation,
      resourceId: change.resourceId,
      enqueued,
      deduplicated,
    });
  }
}
