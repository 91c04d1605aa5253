import type { Clock } from "./clock.js";

/**
 * ARM's token-bucket throttling per subscription and operation class (docs/azure-behaviour.md#throttling: 250 burst / 25 per s
 * for reads, 200 / 10 for writes and for deletes). Refill is in emulated seconds (Clock.timeScale).
 * The buckets are per subscription, not per principal: the emulator's clients are one app's
 * instances, all one principal. ARM also keeps a global bucket per subscription, 15 times the size
 * and refill, that every principal spends from; it is kept here too, so that answers carry its
 * level (`x-ms-ratelimit-remaining-subscription-global-<class>`) as ARM's do, though with one
 * principal the principal's bucket always runs out first.
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
  | { allowed: true; remaining: number; globalRemaining: number }
  | { allowed: false; remaining: number; globalRemaining: number; retryAfterSeconds: number };

/** The global bucket's size and refill against a principal's (docs/azure-behaviour.md#throttling). */
export const GLOBAL_FACTOR = 15;

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    readonly options: ThrottleOptions,
  ) {}

  take(subscriptionId: string, cls: RequestClass): ThrottleDecision {
    const spec = this.options[cls];
    const sub = subscriptionId.toLowerCase();
    const b = this.level(`${sub}/${cls}`, spec);
    const g = this.level(`${sub}/global/${cls}`, {
      burst: spec.burst * GLOBAL_FACTOR,
      perSecond: spec.perSecond * GLOBAL_FACTOR,
    });
    if (!this.options.enabled || (b.tokens >= 1 && g.tokens >= 1)) {
      if (this.options.enabled) {
        b.tokens -= 1;
        g.tokens -= 1;
      }
      return { allowed: true, remaining: Math.floor(b.tokens), globalRemaining: Math.floor(g.tokens) };
    }
    // Retry-After is whole seconds (docs/azure-behaviour.md#throttling); at least 1 so a client never spins.
    const wait = Math.max((1 - b.tokens) / spec.perSecond, (1 - g.tokens) / (spec.perSecond * GLOBAL_FACTOR));
    return {
      allowed: false,
      remaining: Math.floor(b.tokens),
      globalRemaining: Math.floor(g.tokens),
      retryAfterSeconds: Math.max(1, Math.ceil(wait)),
    };
  }

  /** The bucket `id`, refilled up to now. */
  private level(id: string, spec: BucketSpec): Bucket {
    const now = this.clock.now();
    let b = this.buckets.get(id);
    if (!b) {
      b = { tokens: spec.burst, lastRefillMs: now };
      this.buckets.set(id, b);
    }
    const refill = this.clock.emulatedSeconds(now - b.lastRefillMs) * spec.perSecond;
    b.tokens = Math.min(spec.burst, b.tokens + refill);
    b.lastRefillMs = now;
    return b;
  }

  reset(): void {
    this.buckets.clear();
  }
}
