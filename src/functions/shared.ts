import type { InvocationContext } from "@azure/functions";
import type { z } from "zod";
import { engineLimits } from "../config.js";
import type { EnqueueDeps } from "../app/intake.js";
import type { JobDeps } from "../app/reconcile-job.js";
import type { Runtime } from "./runtime.js";

/** Thrown to make the queue retry a message (the re-run re-reads ARM, so it is idempotent). */
export class RetryLaterError extends Error {
  override readonly name = "RetryLaterError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type QueueItemCheck<T> = { ok: true; value: T } | { ok: false; field: string; reason: string };

/**
 * The queue trigger hands a decoded message: an object when it was JSON, a string otherwise.
 * Validate it; a malformed message is dropped by the caller (retrying cannot fix it).
 */
export function readQueueItem<T>(schema: z.ZodType<T>, item: unknown): QueueItemCheck<T> {
  let value = item;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return { ok: false, field: "message", reason: "is not JSON" };
    }
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  return {
    ok: false,
    field: issue.path.length > 0 ? issue.path.map(String).join(".") : "message",
    reason: issue.message,
  };
}

/** How many times the queue has handed this message out (1 on the first attempt). */
export function dequeueCount(context: InvocationContext): number {
  const n = Number(context.triggerMetadata?.dequeueCount);
  return Number.isFinite(n) && n > 0 ? n : 1;
}

/**
 * The engine's dependencies for one invocation, assembled here for every caller in the app (the queue
 * workers and POST /api/resync's dry run); `writes` counts ARM writes for telemetry.
 */
export function jobDeps(rt: Runtime, context: InvocationContext, counter: { writes: number }): JobDeps {
  return {
    port: rt.port,
    policy: rt.policy,
    now: rt.now,
    newRunId: rt.newId,
    sleep: rt.sleep,
    ...engineLimits(rt.settings),
    audit: rt.audit,
    peerIndex: rt.peerIndex,
    notifier: rt.notifier,
    onEvent: (event) => {
      if (event.type === "write") counter.writes++;
      if (event.type === "retry") {
        context.debug(
          "ReconcileWriteRetry",
          JSON.stringify({ target: event.action.target, attempt: event.attempt, code: event.error.code }),
        );
      }
    },
  };
}

/**
 * What queueing a reconcile needs, assembled here for every caller (the event trigger and the sweep),
 * from the runtime as it is at the call: a test that swaps a part of the runtime swaps it here too.
 */
export function enqueueDeps(rt: Runtime): EnqueueDeps {
  return {
    queue: rt.reconcileQueue,
    dedupe: rt.dedupe,
    now: rt.now,
    dedupeWindowSeconds: rt.settings.DEDUPE_WINDOW_SECONDS,
    delaySeconds: rt.settings.RECONCILE_DELAY_SECONDS,
  };
}
