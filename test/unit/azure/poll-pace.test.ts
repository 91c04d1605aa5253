import { afterEach, describe, expect, it, vi } from "vitest";
import { PollPace, type OperationPoller } from "../../../src/azure/arm/poll-pace.js";

describe("PollPace", () => {
  it("polls at the interval until enough writes have finished", () => {
    const pace = new PollPace({ intervalMs: 2_000, minSamples: 3 });
    expect(pace.nextPollInMs(0)).toBe(2_000);
    pace.record(15_000);
    pace.record(15_000);
    expect(pace.expectedMs()).toBeUndefined();
    expect(pace.nextPollInMs(0)).toBe(2_000);
  });

  it("before anything was learned, polls first after firstPollMs, then at the interval", () => {
    const pace = new PollPace({ intervalMs: 2_000, firstPollMs: 10_000 });
    expect(pace.nextPollInMs(0)).toBe(10_000);
    expect(pace.nextPollInMs(10_000)).toBe(2_000);
    // Once writes finished, what they took replaces the first guess (and a margin of an eighth of
    // the interval: the durations are timed from a client-side acceptance that can come late).
    for (const ms of [6_000, 6_000, 6_000]) pace.record(ms);
    expect(pace.nextPollInMs(0)).toBe(6_250);
  });

  it("holds the first poll until the likely end of the write", () => {
    const pace = new PollPace({ intervalMs: 2_000 });
    for (const ms of [15_000, 16_000, 17_000]) pace.record(ms);
    expect(pace.expectedMs()).toBe(15_000);
    expect(pace.nextPollInMs(0)).toBe(15_250);
    // A write accepted a while ago (it waited for a token) is held only for what is left.
    expect(pace.nextPollInMs(5_000)).toBe(10_250);
  });

  it("polls at the interval again once the expected end is near or past", () => {
    const pace = new PollPace({ intervalMs: 2_000 });
    for (let i = 0; i < 5; i++) pace.record(15_000);
    expect(pace.nextPollInMs(14_000)).toBe(2_000);
    expect(pace.nextPollInMs(30_000)).toBe(2_000);
  });

  it("takes a low quantile, so a few slow writes do not hold every poll back", () => {
    const pace = new PollPace({ intervalMs: 1_000 });
    for (let i = 0; i < 9; i++) pace.record(10_000);
    pace.record(120_000);
    expect(pace.expectedMs()).toBe(10_000);
  });

  it("follows writes that got faster: only the newest durations count", () => {
    const pace = new PollPace({ intervalMs: 1_000, keep: 4 });
    for (let i = 0; i < 4; i++) pace.record(20_000);
    for (let i = 0; i < 4; i++) pace.record(6_000);
    expect(pace.expectedMs()).toBe(6_000);
  });

  it("never holds longer than maxHoldMs", () => {
    const pace = new PollPace({ intervalMs: 1_000, maxHoldMs: 30_000 });
    for (let i = 0; i < 3; i++) pace.record(600_000);
    expect(pace.expectedMs()).toBe(30_000);
    expect(pace.nextPollInMs(0)).toBe(30_000);
    expect(pace.nextPollInMs(0, true)).toBe(30_000);
  });

  it("never holds when learning is off, and ignores nonsense durations", () => {
    const off = new PollPace({ intervalMs: 2_000, learn: false });
    for (let i = 0; i < 5; i++) off.record(15_000);
    expect(off.nextPollInMs(0)).toBe(2_000);
    const on = new PollPace({ intervalMs: 2_000 });
    for (const ms of [Number.NaN, -5, Number.POSITIVE_INFINITY]) on.record(ms);
    expect(on.expectedMs()).toBeUndefined();
  });
});

/** A poller of an operation that ARM finishes `durationMs` after it was accepted; counts its polls. */
function operation(durationMs: number): OperationPoller<string> & { polls: number[] } {
  const acceptedAt = Date.now();
  let done = false;
  const polls: number[] = [];
  return {
    polls,
    isDone: () => done,
    poll: async () => {
      polls.push(Date.now() - acceptedAt);
      done = Date.now() - acceptedAt >= durationMs;
    },
    pollUntilDone: async () => "result",
  };
}

describe("PollPace.untilDone", () => {
  afterEach(() => void vi.useRealTimers());
  const signal = new AbortController().signal;

  it("of writes accepted together, polls only the oldest until it is done, then each of the others once", async () => {
    vi.useFakeTimers();
    const pace = new PollPace({ intervalMs: 2_000, firstPollMs: 10_000 });
    const ops = Array.from({ length: 50 }, () => operation(15_000));
    const results = Promise.all(ops.map((op) => pace.untilDone(op, signal)));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await results).toEqual(ops.map(() => "result"));
    // The oldest: at 10 s (the first guess), then every 0.25 s (others wait for what it teaches)
    // until done at 15 s; the others once, at the duration it taught.
    expect(ops[0]!.polls).toEqual(Array.from({ length: 21 }, (_, i) => 10_000 + 250 * i));
    for (const op of ops.slice(1)) expect(op.polls).toEqual([15_250]);
  });

  it("a duration learned short, from an acceptance the client saw late, still costs the others one poll", async () => {
    vi.useFakeTimers();
    const pace = new PollPace({ intervalMs: 2_000, firstPollMs: 10_000 });
    // ARM accepted the oldest write 300 ms before the client got to its answer (an event loop busy
    // sending a burst), so the duration it teaches is 14.75 s where the writes take 15 s.
    const oldest = operation(15_000);
    await vi.advanceTimersByTimeAsync(300);
    const others = Array.from({ length: 5 }, () => operation(15_000));
    const results = Promise.all([oldest, ...others].map((op) => pace.untilDone(op, signal)));
    await vi.advanceTimersByTimeAsync(60_000);
    await results;
    expect(pace.expectedMs()).toBe(14_750);
    for (const op of others) expect(op.polls).toEqual([15_000]);
  });

  it("writes found done at their first poll do not raise the estimate, however many follow", async () => {
    vi.useFakeTimers();
    const pace = new PollPace({ intervalMs: 2_000, firstPollMs: 10_000 });
    pace.record(15_000);
    // 8 generations of 40 writes: each polled once, at the learned duration plus the margin.
    for (let generation = 0; generation < 8; generation++) {
      const ops = Array.from({ length: 40 }, () => operation(15_000));
      const results = Promise.all(ops.map((op) => pace.untilDone(op, signal)));
      await vi.advanceTimersByTimeAsync(30_000);
      await results;
      for (const op of ops) expect(op.polls).toHaveLength(1);
    }
    expect(pace.expectedMs()).toBe(15_000);
  });

  it("a lone write, which nobody waits for, polls at the interval", async () => {
    vi.useFakeTimers();
    const pace = new PollPace({ intervalMs: 2_000, firstPollMs: 10_000 });
    const op = operation(15_000);
    const result = pace.untilDone(op, signal);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await result).toBe("result");
    expect(op.polls).toEqual([10_000, 12_000, 14_000, 16_000]);
  });

  it("once a duration is learned, the oldest write polls at the interval again", async () => {
    vi.useFakeTimers();
    const pace = new PollPace({ intervalMs: 2_000, firstPollMs: 10_000 });
    pace.record(15_000);
    const ops = [operation(20_000), operation(20_000)];
    const results = Promise.all(ops.map((op) => pace.untilDone(op, signal)));
    await vi.advanceTimersByTimeAsync(60_000);
    await results;
    expect(ops[0]!.polls).toEqual([15_250, 17_250, 19_250, 21_250]);
  });

  it("a write accepted later waits for the oldest, then for its own expected end", async () => {
    vi.useFakeTimers();
    const pace = new PollPace({ intervalMs: 2_000, firstPollMs: 10_000 });
    const first = operation(15_000);
    const running = pace.untilDone(first, signal);
    await vi.advanceTimersByTimeAsync(5_000);
    const later = operation(15_000);
    const done = pace.untilDone(later, signal);
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all([running, done]);
    // The first was seen done at 15 s (polled every 0.25 s while the later one waited), so the later
    // one (accepted at 5 s) is likely done at 20 s; polled a quarter second after.
    expect(later.polls).toEqual([15_250]);
  });

  it("does not wait for an older write past maxHoldMs (one stuck in flight holds nobody back for long)", async () => {
    vi.useFakeTimers();
    const pace = new PollPace({ intervalMs: 2_000, firstPollMs: 10_000, maxHoldMs: 30_000 });
    const stuck = operation(10 * 60_000);
    void pace.untilDone(stuck, signal);
    const quick = operation(3_000);
    const done = pace.untilDone(quick, signal);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(await done).toBe("result");
    expect(quick.polls).toEqual([30_000]);
  });

  it("ends an abandoned write's wait with an AbortError, and a later write no longer waits for it", async () => {
    vi.useFakeTimers();
    const pace = new PollPace({ intervalMs: 2_000, firstPollMs: 10_000 });
    const deadline = new AbortController();
    const abandoned = pace.untilDone(operation(60_000), deadline.signal);
    const outcome = abandoned.catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(3_000);
    deadline.abort();
    expect(await outcome).toMatchObject({ name: "AbortError" });
    const next = operation(5_000);
    const done = pace.untilDone(next, signal);
    await vi.advanceTimersByTimeAsync(20_000);
    await done;
    expect(next.polls).toEqual([10_000]);
  });

  it("without learning, polls every interval like the SDK", async () => {
    vi.useFakeTimers();
    const pace = new PollPace({ intervalMs: 2_000, learn: false });
    const ops = [operation(7_000), operation(7_000)];
    const all = Promise.all(ops.map((op) => pace.untilDone(op, signal)));
    await vi.advanceTimersByTimeAsync(20_000);
    await all;
    for (const op of ops) expect(op.polls).toEqual([2_000, 4_000, 6_000, 8_000]);
  });
});
