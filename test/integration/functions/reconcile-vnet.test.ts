import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reconcilePoison } from "../../../src/functions/reconcile-poison.js";
import { reconcileVnet } from "../../../src/functions/reconcile-vnet.js";
import { testContext } from "../../support/queue-harness.js";
import { SUB_A, SUB_B, logsOf, startStack, vnetId, seedVnets, type Stack } from "./stack.js";

const HUB = vnetId("hub");
const SPOKE1 = vnetId("spoke1");
const SPOKE2 = vnetId("spoke2", SUB_B);

let stack: Stack;

async function seedHubAndSpokes(s: Stack): Promise<void> {
  const seed = s.emulator.emu.seed;
  seedVnets(s, [
    ["hub", SUB_A, "10.0.0.0/16"],
    ["spoke1", SUB_A, "10.1.0.0/16"],
    ["spoke2", SUB_B, "10.2.0.0/16"],
  ]);
  seed.connect(HUB, SPOKE1);
  seed.connect(HUB, SPOKE2);
}

const message = (vnet: string, correlationId = "evt-1") => ({
  vnetId: vnet,
  cause: "event" as const,
  correlationId,
  enqueuedAt: new Date().toISOString(),
});

beforeEach(async () => {
  stack = await startStack();
  await seedHubAndSpokes(stack);
});
afterEach(async () => {
  await stack?.stop();
});

describe("reconcileVnet", () => {
  it("a write whose poll names a foreign origin fails terminally (no queue retry), logged and alerted with that origin", async () => {
    stack.emulator.emu.seed.setAddressSpace(HUB, ["10.0.0.0/16", "10.100.0.0/16"]);
    const foreign = "https://127.0.0.2:9";
    stack.emulator.emu.injectFault({ method: "PUT", fault: { type: "linkBase", baseUrl: foreign } });

    // Not thrown: the queue must not retry what no retry can cure.
    await reconcileVnet(
      message(HUB),
      testContext("reconcileVnet", stack.logs, { dequeueCount: 1 }),
      stack.rt,
    );

    const failed = logsOf(stack.logs, "ReconcileFailed").map((l) => l.data);
    expect(failed).toEqual([expect.objectContaining({ errorCode: "ForeignOrigin" })]);
    expect(String(failed[0]?.message)).toContain(foreign);
    expect(logsOf(stack.logs, "ReconcileRetry")).toEqual([]);
    const results = logsOf(stack.logs, "ReconcileAction").map((l) => l.data?.result);
    expect(results).toEqual(["failed", "failed"]);
    expect(JSON.stringify(stack.digests)).toContain(foreign);
  });

  it("syncs the peerings that point at a VNet that grew, records the run and indexes the peers", async () => {
    stack.emulator.emu.seed.setAddressSpace(HUB, ["10.0.0.0/16", "10.100.0.0/16"]);
    const context = testContext("reconcileVnet", stack.logs, { dequeueCount: 1 });

    await reconcileVnet(message(HUB), context, stack.rt);

    // The sync is ONE PUT on each peering pointing at the hub (the LocalNotInSync side).
    expect(stack.emulator.emu.writeCount(`${SPOKE1}/virtualNetworkPeerings/spoke1-to-hub`)).toBe(1);
    expect(stack.emulator.emu.writeCount(`${SPOKE2}/virtualNetworkPeerings/spoke2-to-hub`)).toBe(1);
    expect(stack.emulator.emu.count({ method: "PUT" })).toBe(2);

    const run = logsOf(stack.logs, "ReconcileRun")[0]?.data;
    expect(run).toMatchObject({ correlationId: "evt-1", trigger: "event", writes: 2, scope: [HUB] });
    const actions = logsOf(stack.logs, "ReconcileAction").map((l) => [l.data?.kind, l.data?.result]);
    expect(actions).toEqual([
      ["sync", "succeeded"],
      ["sync", "succeeded"],
    ]);

    const recorded = await stack.rt.audit.getRun(String(run?.runId));
    expect(recorded?.run).toMatchObject({ status: "succeeded", trigger: "event", correlationId: "evt-1" });
    expect(recorded?.actions.map((a) => a.kind)).toEqual(["sync", "sync"]);
    expect(recorded?.actions[0]).toMatchObject({
      result: "succeeded",
      before: { syncLevel: "LocalNotInSync", remoteAddressSpace: ["10.0.0.0/16"] },
      after: { syncLevel: "FullyInSync", remoteAddressSpace: ["10.0.0.0/16", "10.100.0.0/16"] },
    });
    expect((await stack.rt.audit.listRecentRuns(5)).map((r) => r.runId)).toEqual([run?.runId]);

    expect((await stack.rt.peerIndex.peersOf(HUB)).sort()).toEqual([SPOKE1, SPOKE2].sort());
    expect(await stack.rt.peerIndex.peersOf(SPOKE2)).toEqual([HUB]);
  });

  it("a second run on the converged topology writes nothing", async () => {
    stack.emulator.emu.seed.setAddressSpace(HUB, ["10.0.0.0/16", "10.100.0.0/16"]);
    await reconcileVnet(message(HUB), testContext("reconcileVnet", stack.logs), stack.rt);
    stack.emulator.emu.resetCounters();

    await reconcileVnet(message(HUB, "evt-2"), testContext("reconcileVnet", stack.logs), stack.rt);
    await reconcileVnet(message(SPOKE1, "evt-3"), testContext("reconcileVnet", stack.logs), stack.rt);

    expect(stack.emulator.emu.count({ method: "PUT" }) + stack.emulator.emu.count({ method: "DELETE" })).toBe(
      0,
    );
    expect(
      logsOf(stack.logs, "ReconcileRun")
        .slice(1)
        .map((l) => l.data?.writes),
    ).toEqual([0, 0]);
  });

  it("drops a malformed message with the reason, without throwing", async () => {
    await reconcileVnet(
      { vnetId: "/subscriptions/x/hub", cause: "event" },
      testContext("reconcileVnet", stack.logs),
      stack.rt,
    );
    await reconcileVnet("{not json", testContext("reconcileVnet", stack.logs), stack.rt);
    const malformed = logsOf(stack.logs, "ReconcileMessageMalformed");
    expect(malformed.map((l) => [l.level, l.data?.field])).toEqual([
      ["error", "vnetId"],
      ["error", "message"],
    ]);
    expect(stack.emulator.emu.count()).toBe(0);
  });

  it("rethrows a retryable failure, then the poison handler alerts with the last error", async () => {
    stack.emulator.emu.seed.setAddressSpace(HUB, ["10.0.0.0/16", "10.100.0.0/16"]);
    stack.emulator.emu.injectFault({
      method: "PUT",
      path: "virtualNetworkPeerings",
      fault: {
        type: "status",
        status: 409,
        code: "AnotherOperationInProgress",
        message: "Another operation is in progress",
      },
    });
    await stack.rt.reconcileQueue.send(message(SPOKE1, "evt-busy"));

    const stats = await stack.reconcileHarness.drain();
    expect(stats).toMatchObject({ handled: 3, failed: 3, poisoned: 1 });
    expect(logsOf(stack.logs, "ReconcileRetry").map((l) => l.data?.attempt)).toEqual([1, 2, 3]);
    // A failure the queue will retry is not alerted on each attempt.
    expect(stack.digests).toEqual([]);

    const [poisoned] = await stack.peek(`${stack.rt.settings.RECONCILE_QUEUE}-poison`);
    expect(poisoned).toMatchObject({ vnetId: SPOKE1, correlationId: "evt-busy" });
    await reconcilePoison(poisoned, testContext("reconcilePoison", stack.logs), stack.rt);

    expect(logsOf(stack.logs, "ReconcilePoisoned")[0]?.data).toMatchObject({
      vnetId: SPOKE1,
      errorCode: "AnotherOperationInProgress",
      attempts: 3,
    });
    expect(stack.digests).toHaveLength(1);
    expect(stack.digests[0]).toMatchObject({ trigger: "failure", severity: "error" });
    expect(JSON.stringify(stack.digests[0])).toContain("AnotherOperationInProgress");
  });

  it("records and reports a terminal failure without asking the queue to retry", async () => {
    stack.emulator.emu.seed.setAddressSpace(HUB, ["10.0.0.0/16", "10.100.0.0/16"]);
    stack.emulator.emu.injectFault({
      method: "PUT",
      path: "spoke1-to-hub",
      fault: {
        type: "status",
        status: 400,
        code: "InvalidRequestFormat",
        message: "Cannot parse the request.",
      },
    });
    await reconcileVnet(
      message(SPOKE1, "evt-bad"),
      testContext("reconcileVnet", stack.logs, { dequeueCount: 1 }),
      stack.rt,
    );

    expect(logsOf(stack.logs, "ReconcileFailed")[0]?.data).toMatchObject({
      errorCode: "InvalidRequestFormat",
    });
    expect(await stack.rt.audit.lastFailure(SPOKE1)).toMatchObject({
      correlationId: "evt-bad",
      error: { code: "InvalidRequestFormat", retryable: false },
    });
    expect(stack.digests).toHaveLength(1);
    expect(stack.digests[0]?.counts.failed).toBe(1);
  });
});

describe("reconcileVnet with a resource group named in Unicode letters", () => {
  // Resource groups take any letter or digit Char.IsLetterOrDigit accepts:
  // https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
  const SPOKE_FR = `/subscriptions/${SUB_A}/resourceGroups/rg-réseau-prod/providers/Microsoft.Network/virtualNetworks/spoke-01`;

  it("reconciles a VNet in `rg-réseau-prod` from a sweep message that carries its id percent-encoded", async () => {
    const seed = stack.emulator.emu.seed;
    seed.vnet({
      subscriptionId: SUB_A,
      resourceGroup: "rg-réseau-prod",
      name: "spoke-01",
      addressPrefixes: ["10.9.0.0/16"],
    });
    seed.connect(HUB, SPOKE_FR);
    seed.setAddressSpace(SPOKE_FR, ["10.9.0.0/16", "10.99.0.0/16"]);
    const encoded = SPOKE_FR.split("/").map(encodeURIComponent).join("/");

    await reconcileVnet(
      { ...message(encoded, "sweep-1"), cause: "sweep" },
      testContext("reconcileVnet", stack.logs),
      stack.rt,
    );

    expect(logsOf(stack.logs, "ReconcileMessageMalformed")).toEqual([]);
    expect(stack.emulator.emu.writeCount(`${HUB}/virtualNetworkPeerings/hub-to-spoke-01`)).toBe(1);
    expect(stack.emulator.emu.seed.getPeering(`${HUB}/virtualNetworkPeerings/hub-to-spoke-01`)).toMatchObject(
      {
        properties: { peeringSyncLevel: "FullyInSync" },
      },
    );
    expect(logsOf(stack.logs, "ReconcileRun")[0]?.data).toMatchObject({ scope: [SPOKE_FR], writes: 1 });
  });
});
