import type { Clock } from "./clock.js";

/**
 * ARM's token-bucket throttling per subscription and operation class (docs/azure-behaviour.md#throttling: 250 burst / 25 per s
 * for reads, 200 / 10 for writes and for deletes). Refill is in emulated seconds (Clock.timeScale).
 */

export type RequestClass = "reads" | "writes" | "deletes";

export interface BucketSpec {
  burst: number;
  perSecond: number;
}

export interface ThrottleOptions {
  enabled: boolean;
  reads: BucketSpec;
  writes: BucketSpec;
  deletes: BucketSpec;
}

export const defaultThrottleOptions = (): ThrottleOptions => ({
  enabled: true,
  reads: { burst: 250, perSecond: 25 },
  writes: { burst: 200, perSecond: 10 },
  deletes: { burst: 200, perSecond: 10 },
});

interface Bucket {
  tokens: number;
  lastRefillMs: number;
}

export type ThrottleDecision =
  { allowed: true; remaining: number } | { allowed: false; remaining: 0; retryAfterSeconds: number };

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    readonly options: ThrottleOptions,
  ) {}

  take(subscriptionId: string, cls: RequestClass): ThrottleDecision {
    const spec = this.options[cls];
    const id = `${subscriptionId.toLowerCase()}/${cls}`;
    const now = this.clock.now();
    let b = this.buckets.get(id);
    if (!b) {
      b = { tokens: spec.burst, lastRefillMs: now };
      this.buckets.set(id, b);
    }
    const refill = this.clock.emulatedSeconds(now - b.lastRefillMs) * spec.perSecond;
    b.tokens = Math.min(spec.burst, b.tokens + refill);
    b.lastRefillMs = now;
    if (!this.options.enabled) return { allowed: true, remaining: Math.floor(b.tokens) };
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, remaining: Math.floor(b.tokens) };
    }
    // Retry-After is whole seconds (docs/azure-behaviour.md#throttling); at least 1 so a client never spins.
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - b.tokens) / spec.perSecond));
    return { allowed: false, remaining: 0, retryAfterSeconds };
  }

  reset(): void {
    this.buckets.clear();
  }
}
