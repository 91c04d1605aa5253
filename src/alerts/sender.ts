import type { Digest } from "./model.js";
import { AlertSendError } from "./redact.js";

/** One channel (Teams, email, generic webhook). Implementations throw AlertSendError on failure. */
export interface AlertSender {
  /** "teams", "email", "webhook": used in logs and dispatch results. */
  readonly channel: string;
  send(digest: Digest): Promise<SendOutcome>;
}

export interface SendOutcome {
  /** HTTP requests (or SDK operations) it took, retries included. */
  attempts: number;
}

/** Same shape as the Functions InvocationContext's methods, so `context` can be passed as is. */
export interface AlertLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type Sleep = (ms: number) => Promise<void>;
export type Now = () => number;
export type Fetch = typeof fetch;
/**
 * The signal that ends one attempt after `ms` (AbortSignal.timeout in production). Tests end it when
 * their receiver is known to hang, so a slow machine never turns an answer into a timeout.
 */
export type AttemptTimeout = (ms: number) => AbortSignal;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * At most `limit` requests in any `windowMs`. Teams throttles a webhook above four requests per second
 * ("If more than four requests are made in a second, the client connection is throttled", docs/azure-behaviour.md#teams-webhook).
 */
export class RateLimiter {
  private readonly sent: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: Now,
    private readonly sleep: Sleep,
  ) {}

  async acquire(): Promise<void> {
    for (;;) {
      const t = this.now();
      while (this.sent.length > 0 && this.sent[0]! <= t - this.windowMs) this.sent.shift();
      if (this.sent.length < this.limit) {
        this.sent.push(t);
        return;
      }
      await this.sleep(this.sent[0]! + this.windowMs - t);
    }
  }
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the attempt fails and the dispatcher reports it. */
  maxRetryAfterMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
  timeoutMs: 10_000,
};

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface PostOptions {
  channel: string;
  /** How errors name the destination: "Teams webhook", never its URL (the URL is a secret). */
  label: string;
  url: string;
  body: string;
  /** Called per attempt, so a signature can carry the attempt's own timestamp. */
  headers: () => Record<string, string>;
  fetch: Fetch;
  sleep: Sleep;
  now: Now;
  retry: RetryPolicy;
  /** Waits for the channel's rate limit before each attempt. */
  beforeAttempt?: () => Promise<void>;
  attemptTimeout?: AttemptTimeout;
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Network error code only ("ECONNREFUSED"): undici's messages quote the host and port. */
function networkCode(err: unknown): string {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return "timeout";
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === "string" ? cause.code : "network error";
}

/**
 * POST with retries on 429 and 5xx (honouring Retry-After), exponential backoff otherwise, and a
 * per-attempt timeout. Throws AlertSendError whose message never contains the URL.
 */
export async function postWithRetry(options: PostOptions): Promise<SendOutcome> {
  const { retry } = options;
  let last = "";
  let lastStatus: number | undefined;
  let made = 0;
  for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
    await options.beforeAttempt?.();
    made = attempt;
    let delay = Math.min(retry.baseDelayMs * 2 ** (attempt - 1), retry.maxDelayMs);
    try {
      const response = await options.fetch(options.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...options.headers() },
        body: options.body,
        signal: (options.attemptTimeout ?? AbortSignal.timeout)(retry.timeoutMs),
      });
      // Drain the body so the connection is reused; its content is not needed (and may echo the request).
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { attempts: attempt };
      lastStatus = response.status;
      last = `${options.label} answered ${response.status}`;
      if (!retryable(response.status)) break;
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"), options.now());
      if (retryAfter !== undefined) {
        if (retryAfter > retry.maxRetryAfterMs) {
          last += ` with Retry-After ${Math.round(retryAfter / 1000)} s (longer than we wait)`;
          break;
        }
        delay = retryAfter;
      }
    } catch (err) {
      const code = networkCode(err);
      last =
        code === "timeout"
          ? `${options.label} did not answer within ${retry.timeoutMs} ms`
          : `${options.label} request failed (${code})`;
      lastStatus = undefined;
    }
    if (attempt < retry.maxAttempts) await options.sleep(delay);
  }
  throw new AlertSendError(
    options.channel,
    `${last} (gave up after ${made} attempt${made === 1 ? "" : "s"})`,
    lastStatus,
  );
}
