import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  armAnswer,
  TokenBucket,
  type ArmAnswer,
  type SharedOptions,
} from "../../../src/azure/arm/request-budget.js";

/**
 * Several app instances, each with its own bucket, spending one bucket of ARM's (simulated here on
 * fake timers, as ARM does it: a token bucket that charges a request when it arrives and answers with
 * the level left, or 429 with Retry-After). Each instance always has requests waiting.
 */
const ARM = { burst: 200, perSecond: 10 };
const LATENCY_MS = 50;

class ArmBucket {
  private tokens = ARM.burst;
  private last = Date.now();
  admitted = 0;
  throttled = 0;

  charge(): ArmAnswer {
    const now = Date.now();
    this.tokens = Math.min(ARM.burst, this.tokens + ((now - this.last) / 1000) * ARM.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.admitted++;
      return { throttled: false, remaining: Math.floor(this.tokens) };
    }
    this.throttled++;
    const retryAfterMs = Math.max(1, Math.ceil((1 - this.tokens) / ARM.perSecond)) * 1000;
    return { throttled: true, remaining: 0, retryAfterMs };
  }
}

/** `instances` clients, each `concurrency` requests at a time, for `seconds`; returns ARM's counts. */
async function run(
  instances: number,
  shared: SharedOptions | false,
  seconds: number,
  concurrency = 12,
): Promise<{ admitted: number; throttled: number }> {
  const arm = new ArmBucket();
  let stop = false;
  const send = () =>
    new Promise<ArmAnswer>((resolve) => {
      // Charged halfway, answered at the end, as a request crossing the network both ways.
      setTimeout(() => {
        const answer = arm.charge();
        setTimeout(() => resolve(answer), LATENCY_MS / 2);
      }, LATENCY_MS / 2);
    });
  const loops: Promise<void>[] = [];
  for (let i = 0; i < instances; i++) {
    const bucket = new TokenBucket(ARM, shared);
    for (let c = 0; c < concurrency; c++)
      loops.push(
        (async () => {
          while (!stop) {
            await bucket.send(send, (a) => a);
          }
        })(),
      );
  }
  await vi.advanceTimersByTimeAsync(seconds * 1000);
  // ARM's counts at the end of the time, before the requests still waiting are let go.
  const counts = { admitted: arm.admitted, throttled: arm.throttled };
  stop = true;
  await vi.advanceTimersByTimeAsync(600_000);
  await Promise.all(loops);
  return counts;
}

describe("TokenBucket shared with other clients of ARM's bucket", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("16 instances pacing as ARM's only client: most requests answered 429", async () => {
    const arm = await run(16, false, 120);
    expect(arm.throttled).toBeGreaterThan(arm.admitted);
  });

  it.each([4, 16])(
    "%i instances learning from the reported level: together within ARM's refill, nearly no 429",
    async (instances) => {
      const seconds = 120;
      const arm = await run(instances, {}, seconds);
      const sent = arm.admitted + arm.throttled;
      expect(arm.throttled).toBeLessThanOrEqual(0.01 * sent);
      // What ARM can admit in the time: its burst and its refill.
      expect(arm.admitted).toBeLessThanOrEqual(ARM.burst + ARM.perSecond * seconds);
      // Not starved either: most of the refill is used (the headroom, 10%, is left).
      expect(arm.admitted).toBeGreaterThan(ARM.burst + 0.75 * ARM.perSecond * seconds);
    },
  );

  it("alone, it uses the whole refill as before (no headroom), with no 429", async () => {
    const seconds = 120;
    const arm = await run(1, {}, seconds, 20);
    expect(arm.throttled).toBe(0);
    expect(arm.admitted).toBeGreaterThanOrEqual(ARM.burst + ARM.perSecond * seconds - 2);
  });

  it("another client spending half of ARM's refill: the instances take the rest, less the headroom", async () => {
    const seconds = 120;
    const arm = new ArmBucket();
    let stop = false;
    // The other tool: 5 requests a second, whatever the level.
    let othersThrottled = 0;
    const other = setInterval(() => void (arm.charge().throttled && othersThrottled++), 200);
    const buckets = [0, 1, 2].map(() => new TokenBucket(ARM, { headroom: 0.2 }));
    let ours = 0;
    let oursThrottled = 0;
    const loops = buckets.flatMap((bucket) =>
      Array.from({ length: 12 }, async () => {
        while (!stop) {
          const a = await bucket.send(
            () =>
              new Promise<ArmAnswer>((resolve) =>
                setTimeout(() => {
                  const answer = arm.charge();
                  setTimeout(() => resolve(answer), LATENCY_MS / 2);
                }, LATENCY_MS / 2),
              ),
            (x) => x,
          );
          ours++;
          if (a.throttled) oursThrottled++;
        }
      }),
    );
    await vi.advanceTimersByTimeAsync((seconds / 2) * 1000);
    const half = ours - oursThrottled;
    await vi.advanceTimersByTimeAsync((seconds / 2) * 1000);
    const at = { ours, oursThrottled, othersThrottled };
    const rate = (ours - oursThrottled - half) / (seconds / 2);
    stop = true;
    clearInterval(other);
    await vi.advanceTimersByTimeAsync(600_000);
    await Promise.all(loops);
    expect(at.oursThrottled).toBeLessThanOrEqual(0.01 * at.ours);
    // The other tool is refused now and then (it sends whatever the level), far less than its 600.
    expect(at.othersThrottled).toBeLessThan(30);
    // Once settled, ours together spend about (10 - 5) * 0.8 = 4 a second, not the tool's share.
    expect(rate).toBeGreaterThan(3);
    expect(rate).toBeLessThanOrEqual(5);
  });

  it("a 429's Retry-After holds every request of the class", async () => {
    const bucket = new TokenBucket({ burst: 10, perSecond: 10 }, {});
    // No level reported: the hold alone keeps the next request back.
    await bucket.send(
      async () => ({ throttled: true, retryAfterMs: 5000 }),
      (a: ArmAnswer) => a,
    );
    let served = false;
    void bucket.take().then(() => (served = true));
    await vi.advanceTimersByTimeAsync(4900);
    expect(served).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(served).toBe(true);
  });

  it("never holds more tokens than ARM reported left", async () => {
    const bucket = new TokenBucket({ burst: 10, perSecond: 1 }, {});
    await bucket.send(
      async () => ({ throttled: false, remaining: 2 }),
      (a: ArmAnswer) => a,
    );
    const served: number[] = [];
    for (let i = 0; i < 5; i++) void bucket.take().then(() => served.push(i));
    await vi.advanceTimersByTimeAsync(0);
    // 9 were left to this bucket alone: the 7 others spent are not ours to spend again.
    expect(served.length).toBeLessThanOrEqual(2);
  });

  it("never holds more tokens than the subscription's global bucket (all principals') has left", async () => {
    const bucket = new TokenBucket({ burst: 10, perSecond: 1 }, {});
    await bucket.send(
      async () => ({ throttled: false, remaining: 9, globalRemaining: 1 }),
      (a: ArmAnswer) => a,
    );
    const served: number[] = [];
    for (let i = 0; i < 5; i++) void bucket.take().then(() => served.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(served).toEqual([0]);
  });

  it("before its first answer, lets only a few requests go at once", async () => {
    const bucket = new TokenBucket({ burst: 100, perSecond: 10 }, {});
    let inFlight = 0;
    let most = 0;
    const answers = Array.from({ length: 20 }, () =>
      bucket.send(
        () =>
          new Promise<ArmAnswer>((resolve) => {
            most = Math.max(most, ++inFlight);
            setTimeout(() => {
              inFlight--;
              resolve({ throttled: false, remaining: 99 });
            }, 50);
          }),
        (a) => a,
      ),
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(inFlight).toBeLessThanOrEqual(4);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(answers);
    // After it, the burst goes at once as before.
    expect(most).toBeGreaterThan(4);
  });
});

describe("armAnswer (what ARM's headers say; untrusted)", () => {
  const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] });

  it("reads the class's remaining count and the Retry-After of a 429", () => {
    expect(
      armAnswer(
        {
          status: 429,
          headers: headers({ "x-ms-ratelimit-remaining-subscription-reads": "0", "retry-after": "3" }),
        },
        "reads",
      ),
    ).toEqual({ throttled: true, remaining: 0, retryAfterMs: 3000 });
    expect(
      armAnswer(
        {
          status: 200,
          headers: headers({
            "x-ms-ratelimit-remaining-subscription-writes": "199",
            "x-ms-ratelimit-remaining-subscription-global-writes": "2999",
            "x-ms-retry-after-ms": "40",
          }),
        },
        "writes",
      ),
    ).toEqual({ throttled: false, remaining: 199, globalRemaining: 2999, retryAfterMs: 40 });
  });

  it("ignores values that are not counts", () => {
    for (const bad of ["-1", "abc", "", "1e9", "Infinity"])
      expect(
        armAnswer(
          { status: 200, headers: headers({ "x-ms-ratelimit-remaining-subscription-reads": bad }) },
          "reads",
        ),
      ).toEqual({ throttled: false });
  });
});
