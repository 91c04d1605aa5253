import { ArmError, isRetryable, type ClassifiedError, type ErrorInfo } from "../reconcile/errors.js";
import {
  reconcile,
  type ReconcileDeps,
  type ReconcileOutcome,
  type ReconcileRequest,
} from "../reconcile/run.js";
import type { AuditStore, Notifier, PeerIndex } from "./ports.js";

export interface JobDeps extends ReconcileDeps {
  audit: AuditStore;
  peerIndex: PeerIndex;
  notifier: Notifier;
}

/**
 * What the worker does next with the message, as controller-runtime's `reconcile.Result` and
 * `TerminalError` say it (pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/reconcile):
 * - `done`: nothing left to do;
 * - `retry` without `after`: a failure a later attempt may fix (busy, throttled, a thrown storage or
 *   network error): the worker throws so the queue redelivers, and maxDequeueCount ends in poison;
 * - `retry` with `after` (seconds): the run met a write in flight (a peering Updating or Deleting, or
 *   ReferencedResourceNotProvisioned), so the worker re-enqueues the message with that delay instead of
 *   trusting that the write's own event arrives; the worker grows the delay per requeue;
 * - `terminal`: a failure that needs a human: recorded and reported, never retried.
 */
export type Next = { kind: "done" } | { kind: "retry"; after?: number } | { kind: "terminal" };

/** What a queue worker records and decides on when a job did not fully succeed. */
export interface JobFailure {
  error: ClassifiedError;
  /** Absent when the run threw before it had one. */
  runId?: string;
  /** For the retry's error message. */
  summary: string;
  cause?: unknown;
}

/**
 * One job result, read the same way by every queue worker (src/functions/reconcile-vnet.ts,
 * src/functions/resync-run.ts).
 */
export interface JobResult {
  next: Next;
  /**
   * The failure to record: retryable exactly when `next` is a retry without `after`. A `retry(after)`
   * may carry a terminal failure of another action of the same run.
   */
  failure?: JobFailure;
  /** The run's outcome; absent when the run threw before it could report (ARM unreachable, a bug). */
  outcome?: ReconcileOutcome;
}

/** A run's failed actions, sorted by the job, or the error a run threw. */
export type JobEnd =
  | {
      kind: "finished";
      outcome: ReconcileOutcome;
      /** Failed actions a later attempt may fix (busy, throttled). */
      retryable: ErrorInfo[];
      /** Failed actions that need a human: recorded and reported, never retried. */
      terminal: ErrorInfo[];
      /** Seconds to look again after, when the run met a write in flight and may still requeue. */
      requeueAfter?: number;
    }
  | { kind: "threw"; error: ClassifiedError; cause: unknown };

/**
 * One reconcile for a queue message: read, plan, apply (src/reconcile/run.ts), then record the run in
 * the audit, refresh the peer index from what was read, and tell humans. Recording and reporting
 * happen before the caller decides to retry: a retried run re-reads ARM, so it is idempotent.
 */
export async function runReconcileJob(
  request: ReconcileRequest,
  deps: JobDeps,
  options: { canRequeue?: boolean } = {},
): Promise<JobResult> {
  let outcome: ReconcileOutcome;
  try {
    outcome = await reconcile(request, deps);
  } catch (err) {
    return judge({ kind: "threw", error: normalise(err), cause: err });
  }
  const retryable: ErrorInfo[] = [];
  const terminal: ErrorInfo[] = [];
  let waiting = outcome.inFlight.length > 0;
  for (const { result } of outcome.report.results) {
    if (result.status === "skipped" && result.inFlight) waiting = true;
    if (result.status !== "failed") continue;
    const { code, message } = result.error;
    if (options.canRequeue && WAIT_CODES.has(code)) {
      waiting = true;
      continue;
    }
    (result.error.retryable ? retryable : terminal).push({ code, message });
  }
  const requeueAfter = options.canRequeue && waiting ? REQUEUE_AFTER_SECONDS : undefined;
  await deps.audit.recordRun(outcome.report, outcome.snapshot);
  await deps.peerIndex.record(outcome.snapshot.vnets);
  // A requeued run is retried too: what waits on another operation is not alerted yet.
  await deps.notifier.notifyRun(outcome.report, {
    willRetry: retryable.length > 0 || requeueAfter !== undefined,
  });
  return judge({
    kind: "finished",
    outcome,
    retryable,
    terminal,
    ...(requeueAfter !== undefined ? { requeueAfter } : {}),
  });
}

/**
 * Codes that say "another operation holds a resource this write needs": the remedy is to wait, not
 * to retry at once nor to alert. ReferencedResourceNotProvisioned is ARM's answer to a peering write
 * while its VNet or the remote VNet is Updating (e.g. a subnet PUT; hashicorp/terraform-provider-azurerm#2605,
 * Azure-Samples/azuresandbox#25), and Terraform's provider retries it (hashicorp/terraform-provider-azurerm#3392).
 */
const WAIT_CODES = new Set(["ReferencedResourceNotProvisioned"]);

/** The first look-again delay; the worker doubles it per requeue. */
export const REQUEUE_AFTER_SECONDS = 30;

/**
 * The failure that decides a job's fate, if any: a retryable one wins (the whole VNet is retried,
 * and the retry re-reads ARM, so actions that succeeded are not repeated), else the first terminal one.
 */
export function failureOf(job: JobEnd): JobFailure | undefined {
  if (job.kind === "threw")
    return { error: job.error, summary: `the run failed with ${job.error.code}`, cause: job.cause };
  const runId = job.outcome.report.runId;
  const retryable = job.retryable[0];
  if (retryable) {
    const summary = `${job.retryable.length} action(s) failed and may succeed later`;
    return { error: { ...retryable, retryable: true }, runId, summary };
  }
  const terminal = job.terminal[0];
  if (terminal) {
    return {
      error: { ...terminal, retryable: false },
      runId,
      summary: `${job.terminal.length} action(s) failed`,
    };
  }
  return undefined;
}

/**
 * Unknown throws are treated as retryable: storage hiccups and network failures pass with time, and
 * a persistent bug ends in the poison queue, which alerts.
 */
export function normalise(err: unknown): ClassifiedError {
  if (err instanceof ArmError) return { code: err.code, message: err.message, retryable: isRetryable(err) };
  if (err instanceof Error) return { code: err.name || "Error", message: err.message, retryable: true };
  return { code: "Error", message: String(err), retryable: true };
}

/**
 * The one decision of what comes next, in order: a failure a retry may fix wins (the whole VNet is
 * retried at once, and the retry re-reads ARM); then a write in flight (look again after a delay);
 * then a failure that needs a human; else done.
 */
export function judge(end: JobEnd): JobResult {
  const failure = failureOf(end);
  const outcome = end.kind === "finished" ? { outcome: end.outcome } : {};
  const withFailure = failure ? { failure } : {};
  if (failure?.error.retryable) return { next: { kind: "retry" }, ...withFailure, ...outcome };
  if (end.kind === "finished" && end.requeueAfter !== undefined)
    return { next: { kind: "retry", after: end.requeueAfter }, ...withFailure, ...outcome };
  if (failure) return { next: { kind: "terminal" }, failure, ...outcome };
  return { next: { kind: "done" }, ...outcome };
}
