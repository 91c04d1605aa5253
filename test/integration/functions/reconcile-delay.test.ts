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

// Long enough that the checks right after the send cannot race it on a loaded machine.
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
  it("queues the reconcile invisible at first, visible to the worker once the delay is over", async () => {
    expect(stack.rt.settings.RECONCILE_DELAY_SECONDS).toBe(DELAY_SECONDS);
    const queue = stack.rt.settings.RECONCILE_QUEUE;
    const sentAt = Date.now();
    await onNetworkEvent(vnetWriteEvent("evt-delayed"), testContext("onNetworkEvent", stack.logs), stack.rt);
    expect(lower(logsOf(stack.logs, "NetworkEventAccepted")[0]?.data?.enqueued)).toEqual([HUB]);

    // On the queue, but nobody can see it yet: neither a peek nor the worker's receive.
    expect(await stack.reconcileHarness.pending()).toBe(1);
    expect(await stack.peek(queue)).toEqual([]);
    expect(await stack.reconcileHarness.runOnce()).toBe(0);
    expect(stack.emulator.emu.counters().total).toBe(0);

    let visible: unknown[] = [];
    while (visible.length === 0 && Date.now() - sentAt < DELAY_SECONDS * 1000 + 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      visible = await stack.peek(queue);
    }
    const waited = Date.now() - sentAt;
    expect(visible).toEqual([expect.objectContaining({ cause: "event", correlationId: "evt-delayed" })]);
    expect(lower([(visible[0] as { vnetId: string }).vnetId])).toEqual([HUB]);
    // Not before the delay (with slack for second-granular visibility times).
    expect(waited).toBeGreaterThanOrEqual((DELAY_SECONDS - 1) * 1000 + 500);

    // The worker now receives it and reconciles the VNet (reading ARM).
    expect(await stack.reconcileHarness.runOnce()).toBe(1);
    expect(stack.reconcileHarness.stats).toMatchObject({ handled: 1, succeeded: 1 });
    expect(stack.emulator.emu.count({ method: "GET" })).toBeGreaterThan(0);
    expect(await stack.reconcileHarness.pending()).toBe(0);
  });
});
