import type { DedupeMarkers, MessageQueue, ReconcileMessage } from "./ports.js";

export interface EnqueueDeps {
  queue: MessageQueue<ReconcileMessage>;
  dedupe: DedupeMarkers;
  now: () => Date;
  /** 0 disables dedupe. */
  dedupeWindowSeconds: number;
  /** Visibility delay so ARM has settled when the reconcile reads it. */
  delaySeconds: number;
}

export interface EnqueueResult {
  enqueued: string[];
  /** A reconcile for these was already queued and not started: it will see this change too. */
  deduplicated: string[];
}

/**
 * One reconcile message per VNet, at most one while a reconcile for that VNet is queued and not yet
 * started (the marker is released when the reconcile starts reading ARM, so a change that arrives
 * after the read is never swallowed). If a message cannot be sent, the marker is released and the
 * error rethrown: the caller's trigger retries.
 */
export async function enqueueReconciles(
  vnetIds: readonly string[],
  origin: { cause: ReconcileMessage["cause"]; correlationId: string },
  deps: EnqueueDeps,
): Promise<EnqueueResult> {
  const result: EnqueueResult = { enqueued: [], deduplicated: [] };
  await Promise.all(
    vnetIds.map(async (vnetId) => {
      const now = deps.now();
      const owned =
        deps.dedupeWindowSeconds <= 0 || (await deps.dedupe.claim(vnetId, now, deps.dedupeWindowSeconds));
      if (!owned) {
        result.deduplicated.push(vnetId);
        return;
      }
      try {
        await deps.queue.send(
          { vnetId, cause: origin.cause, correlationId: origin.correlationId, enqueuedAt: now.toISOString() },
          { delaySeconds: deps.delaySeconds },
        );
      } catch (err) {
        if (deps.dedupeWindowSeconds > 0) await deps.dedupe.release(vnetId).catch(() => undefined);
        throw err;
      }
      result.enqueued.push(vnetId);
    }),
  );
  return result;
}
