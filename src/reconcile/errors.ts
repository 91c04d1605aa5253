/** A failed ARM call, normalised by the adapter so the engine can classify it without SDK types. */
export class ArmError extends Error {
  override readonly name = "ArmError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Retryable: the same call may succeed later without a human (busy resource, throttling, transient
 * server or network failures). Terminal: it will fail again until someone changes something.
 * Azure behaviour: docs/azure-behaviour.md#errors and #throttling.
 */
const RETRYABLE_CODES = new Set([
  "AnotherOperationInProgress",
  "RetryableError",
  "RetryableErrorDueToAnotherOperation",
  "SubscriptionRequestsThrottled",
  "TooManyRequests",
  "ReferencedResourceNotProvisioned",
  "InternalServerError",
  "ServiceUnavailable",
  "GatewayTimeout",
  "ECONNRESET",
  "ETIMEDOUT",
  "REQUEST_SEND_ERROR",
]);

/**
 * An ARM answer named another origin for a page or an operation poll, and the client refused to
 * follow it (src/azure/arm/origin-pin.ts). No retry cures that, though no ARM status came with it.
 */
export const FOREIGN_ORIGIN = "ForeignOrigin";

export function isRetryable(err: ArmError): boolean {
  if (err.code === FOREIGN_ORIGIN) return false;
  return err.status === 429 || err.status >= 500 || err.status === 0 || RETRYABLE_CODES.has(err.code);
}

/** What went wrong, in the words of whoever answered (ARM, storage, the runtime): one shape everywhere. */
export interface ErrorInfo {
  code: string;
  message: string;
}

/** An error with its verdict: `retryable` as isRetryable (or the application layer) decided it. */
export interface ClassifiedError extends ErrorInfo {
  retryable: boolean;
}

/**
 * A failure with no run report to tell it: a run that threw, a queue message set aside (poison), a
 * subscription the sweep could not read (`vnetId` is then `/subscriptions/<id>`). The one failure shape
 * the workers hand to the Notifier, which alerts from it.
 */
export interface FailureNotice {
  vnetId: string;
  /** The last error, already normalised. */
  error: ErrorInfo;
  /** How many attempts were made (the queue's dequeueCount). */
  attempts?: number;
  /** Invocation or message id, for log correlation. */
  correlationId: string;
  /** ISO time from the injected clock. */
  at: string;
}
