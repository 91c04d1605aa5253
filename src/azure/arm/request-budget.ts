import type { PipelinePolicy } from "@azure/core-rest-pipeline";

/**
 * ARM's throttling is a token bucket per subscription, principal and operation class (docs/azure-behaviour.md#throttling: reads
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
  private inFlight = 0;

  constructor(private readonly spec: BucketSpec) {
    if (!(spec.burst >= 1) || !(spec.perSecond > 0))
      throw new Error("a bucket needs burst >= 1 and perSecond > 0");
    this.tokens = spec.burst;
  }

  /** Resolves when a token is available (at once while the burst lasts). */
  take(): Promise<void> {
    return this.acquire(false);
  }

  /**
   * Sends a request on a token, counting it in flight until it is answered. ARM charges a request
   * when it arrives, not when we let it go, and the time in between is anything but constant: the
   * first requests of a burst each open a TLS connection (hundreds of handshakes stall the event loop
   * for most of a second) while later ones reuse warm sockets. Meanwhile ARM's bucket sits full and
   * caps its refill at the burst, so refill this bucket had already spent on the stuck requests is
   * lost there, and when they land with the paced ones behind them ARM answers 429. Treating every
   * unanswered request as not yet charged, ARM holds at most our tokens plus those in flight, and that
   * sum can never exceed the burst: so refill stops at burst minus in flight, as ARM's would.
   */
  async send<T>(request: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await request();
    } finally {
      // The refill until now accrued under the cap with this request still in flight: a refill ARM's
      // full bucket lost is not ours to spend once the answer lifts the cap.
      this.refill();
      this.inFlight--;
      this.serve();
    }
  }

  private acquire(inFlight: boolean): Promise<void> {
    return new Promise((resolve) => {
      // Counted as the token is handed over, so that no refill in between can overshoot the cap.
      this.waiting.push(() => {
        if (inFlight) this.inFlight++;
        resolve();
      });
      this.serve();
    });
  }

  /** Callers waiting for a token. */
  get queued(): number {
    return this.waiting.length;
  }

  private refill(): void {
    const now = Date.now();
    const refilled = this.tokens + ((now - this.last) / 1000) * this.spec.perSecond;
    this.tokens = Math.max(this.tokens, Math.min(this.spec.burst - this.inFlight, refilled));
    this.last = now;
  }

  private serve(): void {
    this.refill();
    while (this.waiting.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.waiting.shift()!();
    }
    // Below the cap, time brings the next token; at it, only an answer does (send calls serve again).
    if (this.waiting.length > 0 && this.timer === undefined && this.spec.burst - this.inFlight >= 1) {
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
      return bucket.send(() => next(request));
    },
  };
}
