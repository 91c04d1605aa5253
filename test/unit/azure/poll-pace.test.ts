import { describe, expect, it } from "vitest";
import { PollPace } from "../../../src/azure/poll-pace.js";

describe("PollPace", () => {
  it("polls at the interval until enough writes have finished", () => {
    const pace = new PollPace({ intervalMs: 2_000 });
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
    // Once writes finished, what they took replaces the first guess.
    for (const ms of [6_000, 6_000, 6_000]) pace.record(ms);
    expect(pace.nextPollInMs(0)).toBe(4_000);
  });

  it("holds the first poll until one interval before the likely end of the write", () => {
    const pace = new PollPace({ intervalMs: 2_000 });
    for (const ms of [15_000, 16_000, 17_000]) pace.record(ms);
    expect(pace.expectedMs()).toBe(15_000);
    expect(pace.nextPollInMs(0)).toBe(13_000);
    // A write accepted a while ago (it waited for a token) is held only for what is left.
    expect(pace.nextPollInMs(5_000)).toBe(8_000);
  });

  it("polls at the interval again once the expected end is near or past", () => {
    const pace = new PollPace({ intervalMs: 2_000 });
    for (let i = 0; i < 5; i++) pace.record(15_000);
    expect(pace.nextPollInMs(12_000)).toBe(2_000);
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
    expect(pace.nextPollInMs(0)).toBe(29_000);
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
