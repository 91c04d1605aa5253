import type { PipelinePolicy } from "@azure/core-rest-pipeline";

/**
 * ARM's throttling is a token bucket per subscription, principal and operation class (docs/azure-behaviour.md#throttling: reads
 * 250 burst / 25 per s, writes and deletes 200 / 10). Spending the same budget on our side, per
 * subscription, turns a burst of hundreds of writes (a hub resize) into a steady stream ARM accepts,
 * instead of a storm of 429s whose retries cost more reads and may run out of attempts.
 *
 * ARM's bucket is shared by every client of the principal: every instance of this app (Flex
 * Consumption runs many) and any other tool using the identity. Each answer reports the level ARM's
 * bucket holds (`x-ms-ratelimit-remaining-subscription-<class>`), so each bucket here learns from it:
 * it never holds more tokens than ARM reported, and it estimates how much of ARM's refill the others
 * take (what ARM reports against what its own spending predicts) and refills only with its share of
 * the rest. Instances that all do so stay within ARM's refill together, with no coordination beyond
 * the answers they already get (docs/architecture.md#request-pacing). A 429's Retry-After still wins.
 */
export interface BucketSpec {
  burst: number;
  perSecond: number;
}

export interface RequestBudget {
  reads: BucketSpec;
  writes: BucketSpec;
  deletes: BucketSpec;
  /**
   * Learning from the levels ARM reports, shared with other clients of the principal. Default on,
   * with DEFAULT_HEADROOM; `false` paces as if this were ARM's only client (the budget before).
   */
  shared?: SharedOptions | false;
}

export interface SharedOptions {
  /**
   * The fraction of ARM's refill left unspent while other clients are seen spending from the same
   * bucket, so that its level climbs back and the others (another tool using the identity) find
   * tokens for their bursts. 0 aims the total at the whole refill. Alone, the whole refill is used.
   */
  headroom?: number;
}

export const DEFAULT_HEADROOM = 0.1;

/** Requests a shared bucket lets go at once before its first answer. */
const PROBE_REQUESTS = 4;

export const ARM_REQUEST_BUDGET: RequestBudget = {
  reads: { burst: 250, perSecond: 25 },
  writes: { burst: 200, perSecond: 10 },
  deletes: { burst: 200, perSecond: 10 },
};

/** What one answer said about ARM's bucket of the request's class. */
export interface ArmAnswer {
  /** The level ARM reported (`x-ms-ratelimit-remaining-subscription-<class>`), if any. */
  remaining?: number;
  /**
   * The level of the subscription's global bucket, which every principal spends from
   * (`x-ms-ratelimit-remaining-subscription-global-<class>`), if reported.
   */
  globalRemaining?: number;
  /** The request was throttled (429): ARM did not charge it. */
  throttled: boolean;
  /** How long ARM asked to wait (Retry-After), in ms. */
  retryAfterMs?: number;
}

/**
 * A token bucket whose takers wait their turn in order (only Date.now and setTimeout: fake timers work).
 * With `shared` it also learns from the answers' reported levels (see learn).
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  private readonly waiting: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight = 0;
  /** Tokens per second this bucket refills with: its share of ARM's refill. */
  private rate: number;
  /** No token is handed out before this (a 429's Retry-After). */
  private holdUntil = 0;
  /**
   * The last level ARM reported, and when; at first, a full bucket now (as this bucket assumes): a
   * lower level at the first answer is someone else's spending.
   */
  private seen = { level: 0, at: 0 };
  /** Any request answered yet (until then, shared, only PROBE_REQUESTS go out at once). */
  private answered = false;
  /** Requests of ours in flight that the reported levels already seem to have charged. */
  private assumed = 0;
  /** Our requests answered, charged, and the others' spending: per second, recent (see learn). */
  private readonly estimate = { sent: 0, charged: 0, others: 0 };
  /** Our share of what all clients spend: of ARM's reported level, the part we may hold. */
  private share = 1;
  private readonly windowMs: number;
  private readonly headroom: number;

  constructor(
    private readonly spec: BucketSpec,
    private readonly shared: SharedOptions | false = false,
  ) {
    if (!(spec.burst >= 1) || !(spec.perSecond > 0))
      throw new Error("a bucket needs burst >= 1 and perSecond > 0");
    const headroom = shared ? (shared.headroom ?? DEFAULT_HEADROOM) : 0;
    if (!(headroom >= 0 && headroom < 1)) throw new Error("headroom must be at least 0 and below 1");
    this.headroom = headroom;
    this.tokens = spec.burst;
    this.rate = spec.perSecond;
    this.seen = { level: spec.burst, at: Date.now() };
    // An eighth of the time ARM takes to refill an empty bucket (2.5 s for writes, 1.25 s for reads):
    // long enough that the requests of ours still unanswered at its ends (charged in one window,
    // counted in the next) are few against those counted, short enough to follow a change of load
    // well before a burst's worth has gone by.
    // At least 250 ms, so that event-loop stalls of a busy process do not pass for ARM's answers.
    this.windowMs = Math.max(250, ((spec.burst / spec.perSecond) * 1000) / 8);
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
   * `answered` reads what the answer says about ARM's bucket; it is learnt from when shared.
   */
  async send<T>(request: () => Promise<T>, answered?: (value: T) => ArmAnswer): Promise<T> {
    await this.acquire(true);
    const sentAt = Date.now();
    let answer: ArmAnswer | undefined;
    try {
      const value = await request();
      answer = answered?.(value);
      return value;
    } finally {
      // The refill until now accrued under the cap with this request still in flight: a refill ARM's
      // full bucket lost is not ours to spend once the answer lifts the cap.
      this.refill();
      this.inFlight--;
      this.answered = true;
      if (answer) this.learn(answer, sentAt);
      this.serve();
    }
  }

  /** This bucket's refill rate now, tokens per second (its share of ARM's). */
  get refillPerSecond(): number {
    return this.rate;
  }

  /**
   * One answer's news about ARM's bucket, with `shared` (without, the bucket paces as before):
   * - a 429's Retry-After holds every request of this class (ARM computes it from the same bucket,
   *   so the next ones would be refused too);
   * - the level ARM reported caps our tokens: it is what every client of the bucket has left, and
   *   another instance may have spent the burst this one still counts as its own. Our requests in
   *   flight are not subtracted: ARM may have charged them already, and subtracting them twice would
   *   make a lone client wait for tokens that exist;
   * - the others' spending is what ARM's level lost beyond what our own requests explain (refill at
   *   ARM's rate, up to the burst, less one per request of ours it charged), weighted over the last
   *   windowMs or so. While everyone together asks for more than the target, the refill is the target
   *   times our share of what ARM admitted: the shares add up to one, so the clients' refills add up
   *   to the target in one step however many there are, where each taking "the refill minus what the
   *   others took" would overshoot and swing. Below it, the refill grows back towards the target.
   */
  private learn(answer: ArmAnswer, sentAt: number): void {
    if (!this.shared) return;
    // ARM took the level between our send and its answer reaching us: the middle of the two is the
    // best guess, whatever delays this process's own event loop adds at either end.
    // Answers overtake each other; an older reading counts as taken when the last one was.
    const now = Math.max(this.seen.at, (sentAt + Date.now()) / 2);
    if (answer.throttled && answer.retryAfterMs !== undefined && answer.retryAfterMs > 0)
      this.holdUntil = Math.max(this.holdUntil, Date.now() + answer.retryAfterMs);
    const level = answer.remaining;
    if (level === undefined || !Number.isFinite(level) || level < 0) return;
    const charged = answer.throttled ? 0 : 1;
    // ARM charges our requests when they arrive, and we learn of it only from the levels it reports
    // (a request held in a TLS handshake arrives after others sent later). A drop in the level that
    // our requests still in flight can explain is put down to them (`assumed`), not to the others;
    // when one of them is answered it is not charged twice.
    const wasAssumed = this.assumed > 0;
    if (wasAssumed) this.assumed--;
    const elapsed = (now - this.seen.at) / 1000;
    const predicted =
      Math.min(this.spec.burst, this.seen.level + elapsed * this.spec.perSecond) - (wasAssumed ? 0 : charged);
    const drop = predicted - level;
    const ours = Math.min(Math.max(0, drop), Math.max(0, this.inFlight - this.assumed));
    this.assumed += ours;
    const others = drop - ours;
    this.seen = { level, at: now };
    // Rates per second, each an exponentially weighted sum of events over the last windowMs or so. At
    // first they all read low by the same factor, so their ratios, which is all that is used, do not.
    const tau = this.windowMs / 1000;
    const decay = Math.exp(-elapsed / tau);
    const est = this.estimate;
    est.sent = est.sent * decay + 1 / tau;
    est.charged = est.charged * decay + charged / tau;
    est.others = est.others * decay + others / tau;
    const othersRate = Math.max(0, est.others);
    const admitted = est.charged + othersRate;
    // What all clients ask for: ARM admits the same share of everyone's requests when it throttles,
    // so the share of ours it admitted is the share of all.
    const demand = est.charged > 0 ? (admitted * est.sent) / est.charged : Number.POSITIVE_INFINITY;
    // Alone (nothing beyond noise spent by others), the whole refill is ours, as before.
    const alone = othersRate < Math.max(1 / tau, 0.05 * this.spec.perSecond);
    const target = this.spec.perSecond * (alone ? 1 : 1 - this.headroom);
    const share = admitted > 0 ? est.charged / admitted : 1;
    let rate: number;
    if (demand > target) {
      // Over: each client's refill becomes the target times its share of what ARM admitted, so the
      // clients' refills add up to the target however many there are (each taking "the refill minus
      // what the others took" instead would overshoot and swing).
      rate = target * share;
    } else {
      // Under: grow back towards the target, by the ratio over one window.
      rate = this.rate * Math.pow(target / Math.max(demand, 1e-9), Math.min(1, elapsed / tau));
    }
    // A floor, so a client that had nothing to send while the others were busy still gets going.
    this.rate = Math.min(this.spec.perSecond, Math.max(this.spec.perSecond / 64, rate));
    this.share = alone ? 1 : Math.max(share, 1 / 64);
    this.tokens = Math.min(this.tokens, level * this.share);
    // Other principals' spending shows only in the global bucket's level: never hold more than it.
    if (answer.globalRemaining !== undefined && answer.globalRemaining >= 0)
      this.tokens = Math.min(this.tokens, answer.globalRemaining);
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
    const refilled = this.tokens + ((now - this.last) / 1000) * this.rate;
    this.tokens = Math.max(this.tokens, Math.min(this.spec.burst - this.inFlight, refilled));
    this.last = now;
  }

  private serve(): void {
    this.refill();
    const held = this.holdUntil - Date.now();
    // Shared, the first requests go out a few at a time until one is answered: another instance
    // may have spent the burst this bucket starts with, and the first answer tells (one round trip).
    const probing = this.shared !== false && !this.answered;
    while (
      held <= 0 &&
      this.waiting.length > 0 &&
      this.tokens >= 1 &&
      !(probing && this.inFlight >= PROBE_REQUESTS)
    ) {
      this.tokens -= 1;
      this.waiting.shift()!();
    }
    // Below the cap, time brings the next token; at it, only an answer does (send calls serve again).
    if (this.waiting.length > 0 && this.timer === undefined && this.spec.burst - this.inFlight >= 1) {
      const waitMs = Math.max(held, Math.ceil(((1 - this.tokens) / this.rate) * 1000));
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.serve();
      }, waitMs);
    }
  }
}

type RequestClass = "reads" | "writes" | "deletes";

/** What an answer's headers say about ARM's bucket of `cls`; unreadable values are ignored. */
export function armAnswer(
  response: { status: number; headers: { get(name: string): string | undefined } },
  cls: RequestClass,
): ArmAnswer {
  const number = (name: string): number | undefined => {
    const raw = response.headers.get(name);
    if (raw === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(raw)) return undefined;
    return Number(raw);
  };
  const remaining = number(`x-ms-ratelimit-remaining-subscription-${cls}`);
  const globalRemaining = number(`x-ms-ratelimit-remaining-subscription-global-${cls}`);
  const retryAfterMs = number("x-ms-retry-after-ms") ?? secondsToMs(number("retry-after"));
  return {
    throttled: response.status === 429,
    ...(remaining !== undefined ? { remaining } : {}),
    ...(globalRemaining !== undefined ? { globalRemaining } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

const secondsToMs = (s: number | undefined) => (s === undefined ? undefined : s * 1000);

/** One subscription's budget as a pipeline policy: each request waits for a token of its class. */
export function requestBudgetPolicy(budget: RequestBudget): PipelinePolicy {
  const shared = budget.shared === undefined ? {} : budget.shared;
  const buckets = {
    reads: new TokenBucket(budget.reads, shared),
    writes: new TokenBucket(budget.writes, shared),
    deletes: new TokenBucket(budget.deletes, shared),
  };
  return {
    name: "vnetPeeringSyncRequestBudget",
    sendRequest: async (request, next) => {
      const method = request.method.toUpperCase();
      const cls: RequestClass =
        method === "GET" || method === "HEAD" ? "reads" : method === "DELETE" ? "deletes" : "writes";
      return buckets[cls].send(
        () => next(request),
        (response) => armAnswer(response, cls),
      );
    },
  };
}
