import { readFileSync } from "node:fs";
import type { QueueClient } from "@azure/storage-queue";
import { createRequire } from "node:module";
import type * as AzureFunctions from "@azure/functions";
import { functionsStorage } from "../../src/azure/storage/functions-storage.js";
import { decodeQueueMessage } from "../../src/azure/storage/reconcile-queue.js";
import { onNetworkEvent } from "../../src/functions/on-network-event.js";
import { reconcileVnet } from "../../src/functions/reconcile-vnet.js";
import { createRuntime } from "../../src/functions/runtime.js";
import { sweep } from "../../src/functions/sweep.js";
import { startAzurite } from "../../test/support/azurite.js";
import {
  ARM_BUCKETS,
  LRO_SECONDS,
  callCounts,
  productPort,
  scaledSleep,
  startArmLike,
} from "../lib/arm-like.js";
import { driftPairs, seedPairs } from "../lib/estate.js";
import { writeLowerBoundSeconds } from "../lib/lower-bound.js";
import { measure, round } from "../lib/measure.js";
import { emptyResult, table, type ScenarioResult } from "../lib/report.js";

export interface EventStormOptions {
  vnets: number;
  events: number;
  subscriptions: number;
  engineTimeScale: number;
  /** reconcileVnet invocations at once: host.json batchSize 8 + newBatchThreshold 4 per instance. */
  workers: number;
}

// The package is CommonJS: under plain Node ESM (tsx) its classes are reached through require.
const { InvocationContext } = createRequire(import.meta.url)("@azure/functions") as typeof AzureFunctions;

const template = JSON.parse(
  readFileSync(new URL("../../test/fixtures/events/eventgrid-vnet-write.json", import.meta.url), "utf8"),
) as Record<string, unknown>[];

/** A ResourceWriteSuccess for a VNet (or one of its peerings), Event Grid schema, as the system topic sends it. */
function writeEvent(resourceId: string, vnetWrite: boolean, id: string): Record<string, unknown> {
  const base = structuredClone(template[0]!) as Record<string, unknown> & { data: Record<string, unknown> };
  const sub = resourceId.split("/")[2]!;
  const operationName = vnetWrite
    ? "Microsoft.Network/virtualNetworks/write"
    : "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write";
  return {
    ...base,
    id,
    subject: resourceId,
    topic: `/subscriptions/${sub}`,
    eventTime: new Date().toISOString(),
    data: {
      ...base.data,
      resourceUri: resourceId,
      subscriptionId: sub,
      operationName,
      authorization: { scope: resourceId, action: operationName, evidence: { role: "Network Contributor" } },
    },
  };
}

/** Seeded shuffle (mulberry32) so every run replays the same storm. */
function shuffle<T>(items: T[], seed = 7): T[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const quietContext = (functionName: string, triggerMetadata: Record<string, unknown> = {}) =>
  new InvocationContext({ functionName, triggerMetadata, logHandler: () => undefined });

/**
 * Every VNet of `vnets` (peered in pairs) changed: the first VNet of each pair gained a prefix, so each
 * pair needs one sync. Event Grid sends `events` events about them within a few seconds: each VNet's
 * write, peering writes, duplicates, in random order. They go through onNetworkEvent -> the reconcile
 * queue (Azurite) -> reconcileVnet, run by `workers` concurrent invocations like the Functions host;
 * the events our own writes raise come back in too.
 */
export async function eventStorm(o: EventStormOptions, log: (s: string) => void): Promise<ScenarioResult> {
  const name = `event-storm-${o.events}-events-${o.vnets}-vnets`;
  const result = emptyResult(name);
  const azurite = await startAzurite();
  // Alerting logs through console (one line per run without a channel): keep the tables readable.
  const { info, warn } = console;
  console.info = () => undefined;
  console.warn = () => undefined;
  const emu = await startArmLike(o.engineTimeScale);
  try {
    const estate = seedPairs(emu, o.vnets, o.subscriptions);
    const rt = await createRuntime(
      {
        WATCHED_SUBSCRIPTIONS: estate.subscriptions.join(","),
        AzureWebJobsStorage: azurite.connectionString,
        // Lets ARM settle in production (30 s); real seconds here, so it would only add idle time.
        RECONCILE_DELAY_SECONDS: "0",
      },
      { overrides: { port: productPort(emu), sleep: scaledSleep(o.engineTimeScale) } },
    );
    // The first sweep builds the peer index (and finds nothing to do).
    await sweep({}, quietContext("sweep"), rt);
    driftPairs(emu, estate, Math.floor(o.vnets / 2));
    const writesNeeded = Math.floor(o.vnets / 2);

    const events: Record<string, unknown>[] = [];
    for (let i = 0; i < o.events; i++) {
      const vnetId = estate.vnetIds[i % estate.vnetIds.length]!;
      const peeringWrite = i >= estate.vnetIds.length && i % 3 === 0;
      const resource = peeringWrite ? `${vnetId}/virtualNetworkPeerings/p-${i % 5}` : vnetId;
      // Every fourth event after the first round is a redelivery of an earlier one (same id).
      events.push(
        i > estate.vnetIds.length && i % 4 === 0
          ? events[i - estate.vnetIds.length]!
          : writeEvent(resource, !peeringWrite, `evt-${i}`),
      );
    }
    const storm = shuffle(events);
    const own: unknown[] = [];
    emu.onEvent((e) => own.push(e));
    emu.resetCounters();
    emu.resetThrottling();

    const { queueService } = functionsStorage(rt.settings);
    const queue: QueueClient = queueService.getQueueClient(rt.settings.RECONCILE_QUEUE);
    await queue.createIfNotExists();
    const handled = { messages: 0, failed: 0, poisoned: 0, reconciled: new Set<string>() };

    const run = await measure(async () => {
      // The storm arrives within a few seconds: Event Grid pushes deliveries concurrently.
      const intake = performance.now();
      for (let i = 0; i < storm.length; i += 50)
        await Promise.all(
          storm.slice(i, i + 50).map((e) => onNetworkEvent(e, quietContext("onNetworkEvent"), rt)),
        );
      const intakeSeconds = (performance.now() - intake) / 1000;
      // The queue trigger: up to `workers` messages in flight, until the queue stays empty.
      let idleRounds = 0;
      const inFlight = new Set<Promise<void>>();
      while (idleRounds < 3) {
        while (own.length > 0) await onNetworkEvent(own.shift(), quietContext("onNetworkEvent"), rt);
        const room = o.workers - inFlight.size;
        const got =
          room > 0
            ? await queue.receiveMessages({ numberOfMessages: Math.min(32, room), visibilityTimeout: 300 })
            : undefined;
        for (const m of got?.receivedMessageItems ?? []) {
          const p = (async () => {
            const item = decodeQueueMessage(m.messageText) as { vnetId?: string };
            try {
              await reconcileVnet(item, quietContext("reconcileVnet", { dequeueCount: m.dequeueCount }), rt);
              handled.messages++;
              if (item.vnetId) handled.reconciled.add(item.vnetId.toLowerCase());
              await queue.deleteMessage(m.messageId, m.popReceipt);
            } catch {
              handled.failed++;
              if (m.dequeueCount >= 5) {
                handled.poisoned++;
                await queue.deleteMessage(m.messageId, m.popReceipt);
              } else await queue.updateMessage(m.messageId, m.popReceipt, undefined, 0);
            }
          })();
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        }
        if ((got?.receivedMessageItems.length ?? 0) === 0) {
          if (inFlight.size > 0) await Promise.race(inFlight);
          else {
            await emu.settleEvents();
            if (own.length === 0) {
              const props = await queue.getProperties();
              idleRounds = (props.approximateMessagesCount ?? 0) === 0 ? idleRounds + 1 : 0;
              await new Promise((r) => setTimeout(r, 20));
            }
          }
        } else idleRounds = 0;
      }
      return { intakeSeconds };
    });

    const counts = callCounts(emu);
    let stale = 0;
    for (const id of estate.vnetIds) {
      const v = emu.seed.getVnet(id) as {
        properties: { virtualNetworkPeerings: { properties: { peeringSyncLevel: string } }[] };
      };
      for (const p of v.properties.virtualNetworkPeerings)
        if (p.properties.peeringSyncLevel !== "FullyInSync") stale++;
    }
    const missed = estate.vnetIds.filter((id) => !handled.reconciled.has(id.toLowerCase())).length;
    const lowerBound = writeLowerBoundSeconds(
      estate.syncsPerSubscription.values(),
      ARM_BUCKETS.writes,
      LRO_SECONDS,
    );
    const emulated = run.seconds / o.engineTimeScale;
    Object.assign(result, {
      seconds: round(run.seconds),
      emulatedSeconds: null,
      lowerBoundSeconds: round(lowerBound, 1),
      reads: counts.reads,
      writes: counts.writes,
      writesNeeded,
      throttled: counts.throttled,
      busy: counts.busy,
      failures: handled.poisoned + stale + missed,
      peakRssMb: round(run.peakRssMb, 0),
    });
    log(
      table(`${name} (ARM time scale ${o.engineTimeScale}; Azurite runs in real time)`, [
        ["wall-clock s (first event -> queue empty)", round(run.seconds)],
        ["  of which intake of the storm, s", round(run.value.intakeSeconds)],
        ["same in emulated s (ARM only; queue work inflated)", round(emulated, 1)],
        ["lower bound (ARM writes), emulated s", round(lowerBound, 1)],
        ["events delivered (+ own writes' events)", `${storm.length}`],
        [
          "reconcileVnet runs / VNets reconciled",
          `${handled.messages} / ${handled.reconciled.size} of ${estate.vnetIds.length}`,
        ],
        ["failed runs (retried) / poisoned", `${handled.failed} / ${handled.poisoned}`],
        ["reads", counts.reads],
        ["writes accepted / needed", `${counts.writes} / ${writesNeeded}`],
        ["write attempts (incl. refused)", counts.writeAttempts],
        ["throttled (429) / busy (409)", `${counts.throttled} / ${counts.busy}`],
        ["peerings still stale / VNets never reconciled", `${stale} / ${missed}`],
        ["peak RSS MB", round(run.peakRssMb, 0)],
      ]),
    );
  } finally {
    await emu.stop();
    await azurite.stop();
    Object.assign(console, { info, warn });
  }
  return result;
}
