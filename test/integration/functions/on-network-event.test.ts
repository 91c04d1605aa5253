import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { onNetworkEvent } from "../../../src/functions/on-network-event.js";
import { reconcileVnet } from "../../../src/functions/reconcile-vnet.js";
import type { Vnet } from "../../../src/reconcile/types.js";
import { peering, vnet } from "../../support/builders.js";
import { testContext } from "../../support/queue-harness.js";
import { SUB_A, SUB_B, SUB_OTHER, logsOf, startStack, vnetId, type Stack } from "./stack.js";

const FIXTURE_SUB = "11111111-2222-3333-4444-555555555555";
const HUB = vnetId("hub-vnet");
const SPOKE = vnetId("spoke", SUB_B);

/** A Learn sample from test/fixtures/events, moved into subscription `sub`, with a fresh event id. */
function event(name: string, sub = SUB_A, id: string = crypto.randomUUID()): Record<string, unknown> {
  const path = fileURLToPath(new URL(`../../fixtures/events/${name}.json`, import.meta.url));
  const [first] = JSON.parse(readFileSync(path, "utf8").replaceAll(FIXTURE_SUB, sub)) as Record<
    string,
    unknown
  >[];
  return { ...first!, id };
}

/** The spoke as a reconcile would have read it, peered with the hub or not. */
function spokeAsRead(peeredWithHub: boolean): Vnet {
  const spoke = vnet("spoke", { subscriptionId: SUB_B });
  const hub = vnet("hub-vnet", { subscriptionId: SUB_A });
  if (peeredWithHub) peering(spoke, hub);
  return spoke;
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const queueName = () => stack.rt.settings.RECONCILE_QUEUE;

async function clearQueue(): Promise<void> {
  await stack.reconcileHarness.queue.createIfNotExists();
  await stack.reconcileHarness.queue.clearMessages();
  stack.logs.length = 0;
}

describe.each(["eventgrid", "cloudevents"])("onNetworkEvent (%s schema)", (schema) => {
  beforeEach(async () => {
    await clearQueue();
    // Every test starts without markers: a reconcile started for each VNet.
    await stack.rt.dedupe.release(HUB);
    await stack.rt.dedupe.release(SPOKE);
    await stack.rt.peerIndex.record([spokeAsRead(false)]);
  });

  it("queues one reconcile for the VNet that was written, Base64 JSON like the queue trigger expects", async () => {
    await onNetworkEvent(
      event(`${schema}-vnet-write`, SUB_A, "evt-write"),
      testContext("onNetworkEvent", stack.logs),
      stack.rt,
    );

    const raw = await stack.reconcileHarness.queue.peekMessages();
    const text = raw.peekedMessageItems[0]?.messageText ?? "";
    expect(JSON.parse(Buffer.from(text, "base64").toString("utf8"))).toMatchObject({
      vnetId: expect.stringMatching(/virtualNetworks\/hub-vnet$/),
      cause: "event",
      correlationId: "evt-write",
    });
    expect(await stack.peek(queueName())).toHaveLength(1);
    expect(logsOf(stack.logs, "NetworkEventAccepted")[0]?.data).toMatchObject({
      eventId: "evt-write",
      operation: "vnetWrite",
      deduplicated: [],
    });
  });

  it("costs one reconcile for duplicated events while the first is still queued", async () => {
    for (let i = 0; i < 3; i++) {
      await onNetworkEvent(
        event(`${schema}-peering-write`),
        testContext("onNetworkEvent", stack.logs),
        stack.rt,
      );
    }
    expect(await stack.peek(queueName())).toHaveLength(1);
    expect(
      logsOf(stack.logs, "NetworkEventAccepted").map((l) => (l.data?.enqueued as string[]).length),
    ).toEqual([1, 0, 0]);
  });

  it("queues again once the queued reconcile has started (it may have read before the change)", async () => {
    await onNetworkEvent(event(`${schema}-vnet-write`), testContext("onNetworkEvent", stack.logs), stack.rt);
    await stack.reconcileHarness.drain();
    await onNetworkEvent(event(`${schema}-vnet-write`), testContext("onNetworkEvent", stack.logs), stack.rt);
    expect(await stack.peek(queueName())).toHaveLength(1);
  });

  it("on a delete, queues the partners from the peer index (in another watched subscription too), not the deleted VNet", async () => {
    await stack.rt.peerIndex.record([spokeAsRead(true)]);
    await onNetworkEvent(event(`${schema}-vnet-delete`), testContext("onNetworkEvent", stack.logs), stack.rt);
    expect((await stack.peek(queueName())).map((m) => (m as { vnetId: string }).vnetId)).toEqual([SPOKE]);

    await clearQueue();
    await stack.rt.dedupe.release(SPOKE);
    await onNetworkEvent(
      event(`${schema}-peering-delete`),
      testContext("onNetworkEvent", stack.logs),
      stack.rt,
    );
    const queued = (await stack.peek(queueName())).map((m) => (m as { vnetId: string }).vnetId.toLowerCase());
    expect(queued.sort()).toEqual([HUB.toLowerCase(), SPOKE.toLowerCase()].sort());
  });

  it("ignores other operations and other subscriptions at debug level, queueing nothing", async () => {
    await onNetworkEvent(event(`${schema}-action`), testContext("onNetworkEvent", stack.logs), stack.rt);
    await onNetworkEvent(
      event(`${schema}-vnet-write`, SUB_OTHER),
      testContext("onNetworkEvent", stack.logs),
      stack.rt,
    );
    expect(await stack.peek(queueName())).toEqual([]);
    expect(logsOf(stack.logs, "NetworkEventIgnored").map((l) => l.level)).toEqual(["debug", "debug"]);
  });

  it("logs and drops a malformed event, naming the field, instead of throwing for Event Grid to retry", async () => {
    const broken = event(`${schema}-peering-write`, SUB_A, "evt-broken");
    delete (broken.data as Record<string, unknown>).operationName;
    await expect(
      onNetworkEvent(broken, testContext("onNetworkEvent", stack.logs), stack.rt),
    ).resolves.toBeUndefined();
    expect(logsOf(stack.logs, "NetworkEventMalformed")[0]).toMatchObject({
      level: "warning",
      data: { eventId: "evt-broken", field: "data.operationName" },
    });
    expect(await stack.peek(queueName())).toEqual([]);
  });
});

describe("onNetworkEvent and the ARM emulator", () => {
  it("never calls ARM", async () => {
    await clearQueue();
    stack.emulator.emu.resetCounters();
    await onNetworkEvent(event("eventgrid-vnet-delete"), testContext("onNetworkEvent", stack.logs), stack.rt);
    await onNetworkEvent(
      event("cloudevents-peering-write"),
      testContext("onNetworkEvent", stack.logs),
      stack.rt,
    );
    expect(stack.emulator.emu.count()).toBe(0);
  });

  it("hands reconcileVnet messages it accepts", async () => {
    await clearQueue();
    await stack.rt.dedupe.release(HUB);
    await onNetworkEvent(event("eventgrid-vnet-write"), testContext("onNetworkEvent", stack.logs), stack.rt);
    const [item] = await stack.peek(queueName());
    await reconcileVnet(item, testContext("reconcileVnet", stack.logs), stack.rt);
    // The hub does not exist in the emulator: the run reads, finds nothing, writes nothing.
    expect(logsOf(stack.logs, "ReconcileRun")[0]?.data).toMatchObject({
      scope: [expect.stringMatching(/hub-vnet$/)],
      writes: 0,
    });
  });
});
