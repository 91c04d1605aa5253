import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TokenBucket } from "../../../src/azure/arm/request-budget.js";

describe("TokenBucket (ARM's throttling, spent on our side)", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("lets the burst through at once, then one request per refill interval, in arrival order", async () => {
    const bucket = new TokenBucket({ burst: 3, perSecond: 10 });
    const served: number[] = [];
    for (let i = 0; i < 6; i++) void bucket.take().then(() => served.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(served).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(100);
    expect(served).toEqual([0, 1, 2, 3]);
    await vi.advanceTimersByTimeAsync(200);
    expect(served).toEqual([0, 1, 2, 3, 4, 5]);
    expect(bucket.queued).toBe(0);
  });

  it("refills up to the burst while idle, never beyond", async () => {
    const bucket = new TokenBucket({ burst: 2, perSecond: 1 });
    await bucket.take();
    await bucket.take();
    await vi.advanceTimersByTimeAsync(60_000);
    const served: number[] = [];
    for (let i = 0; i < 3; i++) void bucket.take().then(() => served.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(served).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(served).toEqual([0, 1, 2]);
  });
});
