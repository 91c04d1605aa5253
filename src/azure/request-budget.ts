import type { PipelinePolicy } from "@azure/core-rest-pipeline";

/**
 * ARM's throttling is a token bucket per subscription, principal and operation class (facts 6: reads
 * 250 burst / 25 per s, writes and deletes 200 / 10). Spending the same budget on our side, per
 * subscription, turns a burst of hundreds of writes (a hub resize) into a steady stream ARM accepts,
 * instead of a storm of 429s whose retries cost more reads and may run out of attempts. A 429 that
 * still comes (other clients share the bucket) is handled as before: Retry-After, then a retry.
 */
export interface BucketSpec {
  burst: number;
  perSecond: number;
}

export interface RequestBudget {
  reads: BucketSpec;
  writes: BucketSpec;
  deletes: BucketSpec;
}

export const ARM_REQUEST_BUDGET: RequestBudget = {
  reads: { burst: 250, perSecond: 25 },
  writes: { burst: 200, perSecond: 10 },
  deletes: { burst: 200, perSecond: 10 },
};

/** A token bucket whose takers wait their turn in order (only Date.now and setTimeout: fake timers work). */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  private readonly waiting: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly spec: BucketSpec) {
    if (!(spec.burst >= 1) || !(spec.perSecond > 0))
      throw new Error("a bucket needs burst >= 1 and perSecond > 0");
    this.tokens = spec.burst;
  }

  /** Resolves when a token is available (at once while the burst lasts). */
  take(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.serve();
    });
  }

  /** Callers waiting for a token. */
  get queued(): number {
    return this.waiting.length;
  }

  private serve(): void {
    const now = Date.now();
    this.tokens = Math.min(this.spec.burst, this.tokens + ((now - this.last) / 1000) * this.spec.perSecond);
    this.last = now;
    while (this.waiting.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.waiting.shift()!();
    }
    if (this.waiting.length > 0 && this.timer === undefined) {
      const waitMs = Math.ceil(((1 - this.tokens) / this.spec.perSecond) * 1000);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.serve();
      }, waitMs);
    }
  }
}

/** One subscription's budget as a pipeline policy: each request waits for a token of its class. */
export function requestBudgetPolicy(budget: RequestBudget): PipelinePolicy {
  const buckets = {
    reads: new TokenBucket(budget.reads),
    writes: new TokenBucket(budget.writes),
    deletes: new TokenBucket(budget.deletes),
  };
  return {
    name: "vnetPeeringSyncRequestBudget",
    sendRequest: async (request, next) => {
      const method = request.method.toUpperCase();
      const bucket =
        method === "GET" || method === "HEAD"
          ? buckets.reads
          : method === "DELETE"
            ? buckets.deletes
            : buckets.writes;
      await bucket.take();
      return next(request);
    },
  };
}
