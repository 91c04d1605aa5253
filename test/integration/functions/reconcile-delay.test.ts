import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onNetworkEvent } from "../../../src/functions/on-network-event.js";
import { testContext } from "../../support/queue-harness.js";
import { RG, SUB_A, logsOf, startStack, vnetId, type Stack } from "./stack.js";

/**
 * RECONCILE_DELAY_SECONDS: onNetworkEvent's message is sent with that visibility delay, so the worker
 * reads ARM only once the write that raised the event has settled. Through Azurite's real queue.
 */

const DELAY_SECONDS = 3;
const FIXTURE_SUB = "11111111-2222-3333-4444-555555555555";
// The fixture's subject spells it `resourcegroups`, as Event Grid does: compare ids case-blind.
const HUB = vnetId("hub-vnet").toLowerCase();
const lower = (ids: unknown) => (ids as string[]).map((id) => id.toLowerCase());

function vnetWriteEvent(id: string): Record<string, unknown> {
  const path = fileURLToPath(new URL("../../fixtures/events/eventgrid-vnet-write.json", import.meta.url));
  const [first] = JSON.parse(readFileSync(path, "utf8").replaceAll(FIXTURE_SUB, SUB_A)) as Record<
    string,
    unknown
  >[];
  return { ...first!, id };
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { RECONCILE_DELAY_SECONDS: String(DELAY_SECONDS) } });
  stack.emulator.emu.seed.vnet({
    subscriptionId: SUB_A,
    resourceGroup: RG,
    name: "hub-vnet",
    addressPrefixes: ["10.0.0.0/16"],
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe(`onNetworkEvent with RECONCILE_DELAY_SECONDS=${DELAY_SECONDS}`, () => {
  it("queues the reconcile invisible at first: neither a peek nor the worker's receive sees it", async () => {
    // Checked with a delay no loaded machine outlasts between the send and the checks; the message
    // is removed afterwards.
    const rt = { ...stack.rt, settings: { ...stack.rt.settings, RECONCILE_DELAY_SECONDS: 600 } };
    const queue = stack.rt.settings.RECONCILE_QUEUE;
    try {
      await onNetworkEvent(vnetWriteEvent("evt-hidden"), testContext("onNetworkEvent", stack.logs), rt);
      expect(lower(logsOf(stack.logs, "NetworkEventAccepted")[0]?.data?.enqueued)).toEqual([HUB]);

      expect(await stack.reconcileHarness.pending()).toBe(1);
      expect(await stack.peek(queue)).toEqual([]);
      expect(await stack.reconcileHarness.runOnce()).toBe(0);
      expect(stack.emulator.emu.counters().total).toBe(0);
    } finally {
      // The next test's event is about the same VNet: nothing of this one may remain.
      await stack.clear(queue);
      await stack.rt.dedupe.release(HUB);
    }
  });

  it("makes it visible to the worker once the delay is over, not before", async () => {
    const queue = stack.rt.settings.RECONCILE_QUEUE;
    const sentAt = Date.now();
    await onNetworkEvent(vnetWriteEvent("evt-delayed"), testContext("onNetworkEvent", stack.logs), stack.rt);
    expect(await stack.reconcileHarness.pending()).toBe(1);

    // Polled until it shows, with no wall-clock cap: the test timeout bounds it, however slow the box.
    let visible: unknown[] = [];
    while (visible.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      visible = await stack.peek(queue);
    }
    const waited = Date.now() - sentAt;
    expect(visible).toEqual([expect.objectContaining({ cause: "event", correlationId: "evt-delayed" })]);
    expect(lower([(visible[0] as { vnetId: string }).vnetId])).toEqual([HUB]);
    // Not before the delay (with slack for second-granular visibility times). A lower bound only:
    // a slow machine makes it later, never earlier.
    expect(waited).toBeGreaterThanOrEqual((DELAY_SECONDS - 1) * 1000 + 500);

    // The worker now receives it and reconciles the VNet (reading ARM).
    expect(await stack.reconcileHarness.runOnce()).toBe(1);
    expect(stack.reconcileHarness.stats).toMatchObject({ handled: 1, succeeded: 1 });
    expect(stack.emulator.emu.count({ method: "GET" })).toBeGreaterThan(0);
    expect(await stack.reconcileHarness.pending()).toBe(0);
  });
});
