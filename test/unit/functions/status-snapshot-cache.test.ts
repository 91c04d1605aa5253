import { describe, expect, it } from "vitest";
import { SnapshotCache, coversEstate } from "../../../src/functions/snapshot-cache.js";
import type { Snapshot } from "../../../src/reconcile/types.js";

const snap = (n: number): Snapshot => ({
  vnets: new Array(n).fill(null) as never[],
  inaccessibleSubscriptions: [],
});

function cache(refreshSeconds: number) {
  const clock = { t: Date.parse("2026-03-01T10:00:00Z") };
  return { clock, cache: new SnapshotCache(() => new Date(clock.t), refreshSeconds * 1000) };
}

describe("the status page's snapshot", () => {
  it("is read once while fresh, and again once older than the refresh interval", async () => {
    const { clock, cache: c } = cache(60);
    let reads = 0;
    const read = async () => snap(++reads);
    expect((await c.get(read)).snapshot.vnets).toHaveLength(1);
    clock.t += 59_000;
    expect((await c.get(read)).snapshot.vnets).toHaveLength(1);
    clock.t += 1_000;
    expect((await c.get(read)).snapshot.vnets).toHaveLength(2);
    expect(reads).toBe(2);
  });

  it("shares one read among concurrent callers (single-flight)", async () => {
    const { cache: c } = cache(60);
    let reads = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = async () => {
      reads++;
      await gate;
      return snap(7);
    };
    const waiting = Promise.all([c.get(read), c.get(read), c.get(read)]);
    release();
    const got = await waiting;
    expect(reads).toBe(1);
    expect(new Set(got)).toHaveProperty("size", 1);
  });

  it("keeps no failed read: every waiter sees the error, the next view reads again", async () => {
    const { cache: c } = cache(60);
    const failing = async (): Promise<Snapshot> => {
      throw new Error("busy");
    };
    await expect(Promise.all([c.get(failing), c.get(failing)])).rejects.toThrow("busy");
    expect((await c.get(async () => snap(3))).snapshot.vnets).toHaveLength(3);
  });

  it("keeps the newest of what the sweep and dry runs offer, by when they read", async () => {
    const { clock, cache: c } = cache(60);
    const t0 = new Date(clock.t);
    c.offer(snap(2), new Date(clock.t + 5_000));
    c.offer(snap(1), t0); // an older read finishing later is not kept
    clock.t += 10_000;
    const held = await c.get(async () => snap(99));
    expect(held.snapshot.vnets).toHaveLength(2);
    expect(held.readAt.getTime()).toBe(t0.getTime() + 5_000);
  });

  it("with a refresh interval of 0 reads on every view", async () => {
    const { cache: c } = cache(0);
    let reads = 0;
    await c.get(async () => snap(++reads));
    await c.get(async () => snap(++reads));
    expect(reads).toBe(2);
  });
});

describe("a run's scope covers the estate", () => {
  const A = "aaaaaaaa-0000-4000-8000-000000000001";
  const B = "bbbbbbbb-0000-4000-8000-000000000002";
  it("when it names every watched subscription whole", () => {
    expect(coversEstate([`/subscriptions/${A}`, `/subscriptions/${B.toUpperCase()}`], [A, B])).toBe(true);
    expect(coversEstate([`/subscriptions/${A}`], [A, B])).toBe(false);
    expect(coversEstate([`/subscriptions/${A}/resourceGroups/rg`, `/subscriptions/${B}`], [A, B])).toBe(
      false,
    );
  });
});
