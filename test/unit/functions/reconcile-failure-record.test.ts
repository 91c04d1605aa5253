import { describe, expect, it } from "vitest";
import { reconcileVnet } from "../../../src/functions/reconcile-vnet.js";
import type { NetworkPort } from "../../../src/reconcile/port.js";
import { testContext, type LogLine } from "../../support/queue-harness.js";
import { memoryRuntime } from "../../reliability/support/memory-runtime.js";

const SUB = "00000000-0000-4000-8000-000000000001";
const VNET = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub`;

describe("a reconcile that threw before it had a run", () => {
  it("records its failure with no run id at all, not a run id set to undefined", async () => {
    const refused = new Error("connect ECONNREFUSED");
    const port = new Proxy({} as NetworkPort, {
      get: () => async () => {
        throw refused;
      },
    });
    const mem = await memoryRuntime({ WATCHED_SUBSCRIPTIONS: SUB }, port);
    const message = {
      vnetId: VNET,
      cause: "event",
      correlationId: "evt-1",
      enqueuedAt: "2026-01-10T10:00:00.000Z",
    };
    const logs: LogLine[] = [];
    await expect(
      reconcileVnet(message, testContext("reconcileVnet", logs, { dequeueCount: 1 }), mem.rt),
    ).rejects.toThrow(/reconcile of/);
    const failure = await mem.audit.lastFailure(VNET);
    expect(failure).toMatchObject({ correlationId: "evt-1", attempt: 1, error: { retryable: true } });
    expect(Object.keys(failure!)).not.toContain("runId");
  });
});
