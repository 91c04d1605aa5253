import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MessageQueue, ReconcileMessage } from "../../../src/app/ports.js";
import { reconcileVnet } from "../../../src/functions/reconcile-vnet.js";
import type { Runtime } from "../../../src/functions/runtime.js";
import { testContext } from "../../support/queue-harness.js";
import { SUB_A, logsOf, seedVnets, startStack, vnetId, type Stack } from "./stack.js";

/**
 * A write in flight (a peering Updating, or ARM answering ReferencedResourceNotProvisioned because a
 * VNet is being updated) is not a failure and not trusted to raise its own event later: the worker
 * puts the VNet back on the queue with a growing visibility delay, a bounded number of times.
 */

const HUB = vnetId("hub");
const SPOKE1 = vnetId("spoke1");
const SPOKE1_TO_HUB = `${SPOKE1}/virtualNetworkPeerings/spoke1-to-hub`;

let stack: Stack;
let sent: { message: ReconcileMessage; delaySeconds?: number }[];
let rt: Runtime;

beforeEach(async () => {
  stack = await startStack();
  seedVnets(stack, [
    ["hub", SUB_A, "10.0.0.0/16"],
    ["spoke1", SUB_A, "10.1.0.0/16"],
  ]);
  stack.emulator.emu.seed.connect(HUB, SPOKE1);
  stack.emulator.emu.seed.setAddressSpace(HUB, ["10.0.0.0/16", "10.100.0.0/16"]);
  sent = [];
  const recorder: MessageQueue<ReconcileMessage> = {
    send: async (message, options) => {
      sent.push({
        message,
        ...(options?.delaySeconds !== undefined ? { delaySeconds: options.delaySeconds } : {}),
      });
    },
  };
  rt = { ...stack.rt, reconcileQueue: recorder };
});
afterEach(async () => {
  await stack?.stop();
});

const message = (vnet: string, requeues?: number): ReconcileMessage => ({
  vnetId: vnet,
  cause: "event",
  correlationId: "evt-1",
  enqueuedAt: "2026-01-01T00:00:00.000Z",
  ...(requeues !== undefined ? { requeues } : {}),
});

describe("reconcileVnet when a write is in flight", () => {
  it("requeues the VNet after 30 s when a peering it would sync is Updating, and alerts nothing", async () => {
    stack.emulator.emu.seed.setPeeringProvisioningState(SPOKE1_TO_HUB, "Updating");

    await reconcileVnet(message(HUB), testContext("reconcileVnet", stack.logs), rt);

    expect(stack.emulator.emu.count({ method: "PUT" })).toBe(0);
    expect(sent).toEqual([
      {
        message: expect.objectContaining({
          vnetId: HUB,
          cause: "event",
          correlationId: "evt-1",
          requeues: 1,
        }),
        delaySeconds: 30,
      },
    ]);
    expect(logsOf(stack.logs, "ReconcileRequeued")[0]?.data).toMatchObject({
      vnetId: HUB,
      requeues: 1,
      delaySeconds: 30,
      inFlight: [SPOKE1_TO_HUB],
    });
    expect(logsOf(stack.logs, "ReconcileFailed")).toEqual([]);
    expect(stack.digests).toEqual([]);
  });

  it("doubles the delay on each requeue", async () => {
    stack.emulator.emu.seed.setPeeringProvisioningState(SPOKE1_TO_HUB, "Updating");
    await reconcileVnet(message(HUB, 2), testContext("reconcileVnet", stack.logs), rt);
    await reconcileVnet(message(HUB, 4), testContext("reconcileVnet", stack.logs), rt);
    expect(sent.map((s) => [s.message.requeues, s.delaySeconds])).toEqual([
      [3, 120],
      [5, 480],
    ]);
  });

  it("stops after 5 requeues and leaves the peering to the sweep, saying so", async () => {
    stack.emulator.emu.seed.setPeeringProvisioningState(SPOKE1_TO_HUB, "Updating");
    await reconcileVnet(message(HUB, 5), testContext("reconcileVnet", stack.logs), rt);
    expect(sent).toEqual([]);
    expect(logsOf(stack.logs, "ReconcileRequeueLimit")[0]?.data).toMatchObject({
      vnetId: HUB,
      requeues: 5,
      inFlight: [SPOKE1_TO_HUB],
    });
  });

  it("does not requeue a VNet whose peerings are all settled", async () => {
    await reconcileVnet(message(HUB), testContext("reconcileVnet", stack.logs), rt);
    expect(stack.emulator.emu.writeCount(SPOKE1_TO_HUB)).toBe(1);
    expect(sent).toEqual([]);
  });

  it("treats ReferencedResourceNotProvisioned (the remote VNet is Updating) as retry later: requeued, not failed, not alerted", async () => {
    stack.emulator.emu.seed.setProvisioningState(HUB, "Updating", "PutSubnetOperation");

    await reconcileVnet(message(HUB), testContext("reconcileVnet", stack.logs), rt);

    const actions = logsOf(stack.logs, "ReconcileAction").map((l) => [l.data?.kind, l.data?.errorCode]);
    expect(actions).toEqual([["sync", "ReferencedResourceNotProvisioned"]]);
    expect(sent.map((s) => [s.message.requeues, s.delaySeconds])).toEqual([[1, 30]]);
    expect(logsOf(stack.logs, "ReconcileRetry")).toEqual([]);
    expect(logsOf(stack.logs, "ReconcileFailed")).toEqual([]);
    expect(stack.digests).toEqual([]);

    // Once the VNet is Succeeded again, the requeued message converges the pair.
    stack.emulator.emu.seed.setProvisioningState(HUB, "Succeeded");
    await reconcileVnet(sent[0]!.message, testContext("reconcileVnet", stack.logs), rt);
    expect(stack.emulator.emu.seed.getPeering(SPOKE1_TO_HUB)).toMatchObject({
      properties: { peeringSyncLevel: "FullyInSync", provisioningState: "Succeeded" },
    });
    expect(sent).toHaveLength(1);
  });

  it("requeues too when it is the peering's own VNet that is being updated", async () => {
    stack.emulator.emu.seed.setProvisioningState(SPOKE1, "Updating", "PutSubnetOperation");
    await reconcileVnet(message(HUB), testContext("reconcileVnet", stack.logs), rt);
    expect(logsOf(stack.logs, "ReconcileAction").map((l) => l.data?.errorCode)).toEqual([
      "ReferencedResourceNotProvisioned",
    ]);
    expect(sent.map((s) => [s.message.requeues, s.delaySeconds])).toEqual([[1, 30]]);
    expect(stack.digests).toEqual([]);
  });

  it("past the requeue limit, ReferencedResourceNotProvisioned is a retryable failure again (queue retries, then poison)", async () => {
    stack.emulator.emu.seed.setProvisioningState(HUB, "Updating", "PutSubnetOperation");
    await expect(
      reconcileVnet(message(HUB, 5), testContext("reconcileVnet", stack.logs), rt),
    ).rejects.toThrow(/may succeed later/);
    expect(sent).toEqual([]);
    expect(logsOf(stack.logs, "ReconcileRetry")[0]?.data).toMatchObject({
      errorCode: "ReferencedResourceNotProvisioned",
    });
  });
});
