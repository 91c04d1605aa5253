import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EmittedEvent } from "../../emulator/index.js";
import { onNetworkEvent } from "../../src/functions/on-network-event.js";
import { reconcileVnet } from "../../src/functions/reconcile-vnet.js";
import { testContext, type LogLine } from "../support/queue-harness.js";
import { startRig } from "./support/estate.js";
import { memoryRuntime } from "./support/memory-runtime.js";
import { buildEstate, expectConverged } from "./support/scenarios.js";
import { SECRET_ENV } from "./support/secrets.js";
import { sample, tally } from "./support/tally.js";

/**
 * The app's own writes raise events like anyone's. Through the real event handler and the real
 * reconcile handler, those events, replayed any number of times, duplicated and in any order, cost
 * reads only: no write, hence no new event, hence no loop.
 */

describe("loop safety", () => {
  for (const schema of ["EventGrid", "CloudEvents"] as const) {
    it(`events of the app's own writes (${schema}), replayed duplicated and shuffled, cause no write`, async (context) => {
      const t = tally(context, "loop safety");
      const rig = await startRig({ emulator: { events: { schema } } });
      try {
        const estate = buildEstate(rig);
        const mem = await memoryRuntime(
          {
            WATCHED_SUBSCRIPTIONS: estate.policy.watchedSubscriptions.join(","),
            REPAIR_DISCONNECTED: "true",
            ...SECRET_ENV,
          },
          rig.port,
        );
        const logs: LogLine[] = [];
        const own: EmittedEvent[] = [];
        const stop = rig.emu.onEvent((e) => own.push(e));

        // The app fixes the estate, VNet by VNet, as its queue would.
        const reconcileAll = async (vnetIds: string[]) => {
          for (const vnetId of vnetIds) {
            await reconcileVnet(
              { vnetId, cause: "event", correlationId: "loop", enqueuedAt: new Date().toISOString() },
              testContext("reconcileVnet", logs, { dequeueCount: 1 }),
              mem.rt,
            );
          }
        };
        await reconcileAll(estate.vnets);
        await rig.emu.settleEvents();
        expectConverged(rig.peerings(estate.vnets), estate.vnets);
        expect(own.length, "the fixes raised events").toBeGreaterThanOrEqual(5);
        const ownEvents = [...own];
        rig.emu.resetCounters();

        await fc.assert(
          fc.asyncProperty(
            fc.shuffledSubarray(ownEvents, { minLength: 1 }),
            fc.integer({ min: 1, max: 3 }),
            async (events, copies) => {
              const delivered = events.flatMap((e) => Array.from({ length: copies }, () => e));
              for (const event of delivered)
                await onNetworkEvent(event, testContext("onNetworkEvent", logs), mem.rt);
              const queued = mem.reconcileQueue.sent.splice(0).map((m) => m.message.vnetId);
              expect(queued.length).toBeGreaterThan(0);
              await reconcileAll(queued);
              await rig.emu.settleEvents();
              expect(rig.writes(), "a write caused by the app's own events").toBe(0);
              t.add({ cases: 1 });
            },
          ),
          { numRuns: sample(8, 25), seed: 42 },
        );
        expect(own).toHaveLength(ownEvents.length);
        expect(logs.filter((l) => l.message === "ReconcileRun").length).toBeGreaterThan(0);
        stop();
      } finally {
        await rig.stop();
      }
    });
  }
});
