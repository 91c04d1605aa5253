import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NetworkPort } from "../../src/reconcile/port.js";
import type { Plan } from "../../src/reconcile/types.js";
import { startRig, waitMs, type Rig } from "./support/estate.js";
import { buildEstate, expectConverged, expectNeverWorse } from "./support/scenarios.js";
import { FULL, tally } from "./support/tally.js";

/**
 * The process dies at every step of a run: before and after each ARM call (reads and writes), and
 * between a write's acceptance and the end of its long-running operation. Dying means nothing more
 * reaches ARM (every later call of the dead run fails without being sent). Then the run is started
 * again, as the queue would, until it converges: no duplicate peering, no setting lost, nothing worse
 * on the way.
 */

class Crash extends Error {
  override readonly name = "Crash";
}

type Phase = "before" | "after" | "mid-operation";

interface CrashPoint {
  step: number;
  phase: Phase;
}

/** Numbers every port call; at the crash point it dies, and stays dead. */
function mortal(
  inner: NetworkPort,
  rig: Rig,
  point: CrashPoint | undefined,
  log: { steps: string[]; crashed: boolean },
): NetworkPort {
  const step = async <R>(name: string, call: () => Promise<R>, write = false): Promise<R> => {
    if (log.crashed) throw new Crash(`dead: ${name} not sent`);
    const index = log.steps.length;
    log.steps.push(name);
    const here = point && point.step === index;
    if (here && point.phase === "before") {
      log.crashed = true;
      throw new Crash(`died before ${name}`);
    }
    if (here && point.phase === "mid-operation" && write) {
      const accepted =
        rig.emu.count({ method: "PUT", status: 201 }) + rig.emu.count({ method: "PUT", status: 200 });
      const running = call();
      running.catch(() => undefined);
      // Die once ARM has accepted the write, while its operation is still running.
      while (
        rig.emu.count({ method: "PUT", status: 201 }) + rig.emu.count({ method: "PUT", status: 200 }) ===
        accepted
      )
        await waitMs(1);
      log.crashed = true;
      throw new Crash(`died while ${name} was running`);
    }
    const result = await call();
    if (here && point.phase === "after") {
      log.crashed = true;
      throw new Crash(`died after ${name}`);
    }
    return result;
  };
  return {
    listVnets: (s) => step(`listVnets ${s}`, () => inner.listVnets(s)),
    getVnet: (id) => step(`getVnet ${id}`, () => inner.getVnet(id)),
    getPeering: (id) => step(`getPeering ${id}`, () => inner.getPeering(id)),
    putPeering: (v, n, b, o) => step(`putPeering ${v}/${n}`, () => inner.putPeering(v, n, b, o), true),
  };
}

let rig: Rig;
beforeAll(async () => {
  // Long-running operations take 3 emulated seconds (30 ms): a crash can land while one runs.
  rig = await startRig({ emulator: { lroDurationSeconds: 3 } });
});
afterAll(async () => {
  expect(rig.emu.internalErrors).toEqual([]);
  await rig?.stop();
});

async function settled(): Promise<void> {
  while (rig.emu.pendingOperations() > 0) await waitMs(5);
}

async function crashAndRecover(
  point: CrashPoint,
  parallel: number,
): Promise<{ crashed: boolean; step?: string }> {
  const estate = buildEstate(rig);
  const before = rig.peerings(estate.vnets);
  const plans: Plan[] = [];
  const log = { steps: [] as string[], crashed: false };
  try {
    const first = await rig.run(estate.policy, {
      port: (inner) => mortal(inner, rig, point, log),
      maxParallelVnets: parallel,
    });
    plans.push(first.plan);
  } catch (err) {
    // A death during the snapshot read fails the whole run before anything was written.
    expect(err).toBeInstanceOf(Crash);
  }
  expect(rig.emu.count({ method: "DELETE" })).toBe(0);

  // The queue hands the message out again at once, while a write of the dead run may still be
  // running in ARM: the new run must not duplicate it.
  const second = await rig.run(estate.policy, { maxParallelVnets: parallel });
  plans.push(second.plan);
  await settled();
  expectNeverWorse(before, rig.peerings(estate.vnets), plans);

  // ...and again once ARM has settled (the event of the write's completion, or the sweep).
  const third = await rig.run(estate.policy, { maxParallelVnets: parallel });
  plans.push(third.plan);
  await settled();
  const after = rig.peerings(estate.vnets);
  expectNeverWorse(before, after, plans);
  expectConverged(after, estate.vnets);
  rig.emu.resetCounters();
  await rig.run(estate.policy, { maxParallelVnets: parallel });
  expect(rig.writes()).toBe(0);
  return { crashed: log.crashed, ...(log.steps[point.step] ? { step: log.steps[point.step] } : {}) };
}

describe("crash consistency", () => {
  it("a run without a crash converges the estate (the baseline the crash points come from)", async (context) => {
    const t = tally(context, "crash consistency");
    const estate = buildEstate(rig);
    const before = rig.peerings(estate.vnets);
    const log = { steps: [] as string[], crashed: false };
    const { plan } = await rig.run(estate.policy, {
      port: (inner) => mortal(inner, rig, undefined, log),
      maxParallelVnets: 1,
    });
    await settled();
    const after = rig.peerings(estate.vnets);
    expectNeverWorse(before, after, [plan]);
    expectConverged(after, estate.vnets);
    expect(log.steps.filter((s) => s.startsWith("putPeering"))).toHaveLength(5);
    t.add({ cases: 1 });
  });

  for (const parallel of FULL ? [1, 2, 4] : [1]) {
    it(`dies before and after every ARM call, and while every write runs (${parallel} VNet(s) in parallel): the next runs converge`, async (context) => {
      const t = tally(context, "crash consistency");
      const probe = buildEstate(rig);
      const log = { steps: [] as string[], crashed: false };
      await rig.run(probe.policy, {
        port: (inner) => mortal(inner, rig, undefined, log),
        maxParallelVnets: parallel,
      });
      await settled();
      const points: CrashPoint[] = log.steps.flatMap((name, step) => [
        { step, phase: "before" as const },
        { step, phase: "after" as const },
        ...(name.startsWith("putPeering") ? [{ step, phase: "mid-operation" as const }] : []),
      ]);
      expect(points.length).toBeGreaterThan(30);
      let crashes = 0;
      for (const point of points) {
        const { crashed } = await crashAndRecover(point, parallel);
        if (crashed) crashes++;
        t.add({ cases: 1, crashes: crashed ? 1 : 0 });
      }
      // With parallel VNets the call order varies a little; nearly every point must still be hit.
      expect(crashes).toBeGreaterThanOrEqual(points.length - 2);
    });
  }
});
