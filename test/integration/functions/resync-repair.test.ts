import { HttpRequest } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resyncStatus } from "../../../src/functions/resync-status.js";
import { resync } from "../../../src/functions/resync.js";
import { RESYNC_QUEUE } from "../../../src/functions/runtime.js";
import { testContext } from "../../support/queue-harness.js";
import { SUB_A, SUB_B, seedVnets, startStack, vnetId, type Stack } from "./stack.js";

/**
 * POST /api/resync with `"repairDisconnected": true` where REPAIR_DISCONNECTED allows it, end to end
 * (HTTP -> resync-runs queue on Azurite -> resyncRun -> ARM emulator): the Disconnected half is re-PUT
 * and the other half created, both end Connected. A request that turns repair off only reports the
 * pair. Where REPAIR_DISCONNECTED is off, asking for the repair is refused: a function key may only
 * narrow the configured policy.
 */

const A = vnetId("app");
const B = vnetId("shared", SUB_B);
const BASE = "http://localhost:7071/api/resync";
let AB: string;
const BA = `${B}/virtualNetworkPeerings/shared-to-app`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { REPAIR_DISCONNECTED: "true" } });
  seedVnets(stack, [
    ["app", SUB_A, "10.20.0.0/16"],
    ["shared", SUB_B, "10.30.0.0/16"],
  ]);
  const seed = stack.emulator.emu.seed;
  const [ab, ba] = seed.connect(A, B, { nameAB: "app-to-shared", nameBA: "shared-to-app" });
  AB = ab;
  // Someone deleted the other half: the remaining one is Disconnected.
  seed.deletePeering(ba);
});
afterAll(async () => {
  await stack?.stop();
});

function post(body: unknown, on: Stack = stack) {
  const request = new HttpRequest({
    method: "POST",
    url: BASE,
    body: { string: JSON.stringify(body) },
    headers: { "content-type": "application/json" },
  });
  return resync(request, testContext("resync", on.logs), on.rt);
}

async function status(runId: string): Promise<Record<string, unknown>> {
  const request = new HttpRequest({ method: "GET", url: `${BASE}/${runId}`, params: { runId } });
  const response = await resyncStatus(request, testContext("resyncStatus", stack.logs), stack.rt);
  expect(response.status).toBe(200);
  return response.jsonBody as Record<string, unknown>;
}

/** POST a real run, let the resync-runs queue carry it out, return its final status. */
async function run(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await post(body);
  expect(response.status).toBe(202);
  const { runId } = response.jsonBody as { runId: string };
  await stack.resyncHarness.drain();
  return status(runId);
}

const peering = (id: string) => {
  const p = stack.emulator.emu.seed.getPeering(id);
  return p ? (p.properties as { peeringState: string; peeringSyncLevel: string }) : undefined;
};
const writes = () =>
  stack.emulator.emu.count({ method: "PUT" }) + stack.emulator.emu.count({ method: "DELETE" });

describe("POST /api/resync on a Disconnected pair", () => {
  it("with repairDisconnected: false (narrowing the setting) only reports it: alertOnly, no write, still Disconnected", async () => {
    expect(stack.rt.policy.repairDisconnected).toBe(true);
    const result = await run({ scope: [A], dryRun: false, repairDisconnected: false });
    expect(result).toMatchObject({ status: "succeeded", trigger: "manual" });
    expect(result.actions).toEqual([
      expect.objectContaining({ kind: "alertOnly", problem: "Disconnected", target: AB, result: "skipped" }),
    ]);
    expect(writes()).toBe(0);
    expect(peering(AB)?.peeringState).toBe("Disconnected");
    expect(peering(BA)).toBeUndefined();
  });

  it("a dry run with repairDisconnected plans the re-PUT and the other half, and writes nothing", async () => {
    const response = await post({ scope: [A], dryRun: true, repairDisconnected: true });
    expect(response.status).toBe(200);
    const { actions } = response.jsonBody as { actions: Array<Record<string, unknown>> };
    expect(actions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "resetDisconnected", target: AB }),
        expect.objectContaining({
          kind: "createReciprocal",
          target: BA,
          vnet: B,
          dependsOn: expect.any(String),
        }),
      ]),
    );
    expect(actions).toHaveLength(2);
    expect(writes()).toBe(0);
  });

  it("with repairDisconnected re-PUTs the Disconnected half, creates the other, and both end Connected", async () => {
    const result = await run({ scope: [A], dryRun: false, repairDisconnected: true });
    expect(result).toMatchObject({ status: "succeeded", repairDisconnected: true });
    const actions = result.actions as Array<Record<string, unknown>>;
    expect(actions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "resetDisconnected", target: AB, result: "succeeded" }),
        expect.objectContaining({
          kind: "createReciprocal",
          target: BA,
          result: "succeeded",
          after: expect.objectContaining({ state: "Connected" }),
        }),
      ]),
    );
    expect(actions).toHaveLength(2);

    // One write each, and ARM agrees on both sides.
    expect(stack.emulator.emu.writeCount(AB)).toBe(1);
    expect(stack.emulator.emu.writeCount(BA)).toBe(1);
    expect(writes()).toBe(2);
    expect(peering(AB)).toMatchObject({ peeringState: "Connected", peeringSyncLevel: "FullyInSync" });
    expect(peering(BA)).toMatchObject({ peeringState: "Connected", peeringSyncLevel: "FullyInSync" });
  });

  it("afterwards has nothing left to do, with or without the flag", async () => {
    const again = await run({ scope: [A], dryRun: false, repairDisconnected: true });
    expect(again).toMatchObject({ status: "succeeded", actions: [] });
    expect(writes()).toBe(2);
  });
});

describe("POST /api/resync where REPAIR_DISCONNECTED is off", () => {
  let off: Stack;
  beforeAll(async () => {
    off = await startStack();
    off.emulator.emu.seed.vnet({
      subscriptionId: SUB_A,
      resourceGroup: "rg-net",
      name: "app",
      addressPrefixes: ["10.20.0.0/16"],
    });
    off.emulator.emu.seed.vnet({
      subscriptionId: SUB_B,
      resourceGroup: "rg-net",
      name: "shared",
      addressPrefixes: ["10.30.0.0/16"],
    });
    const [, ba] = off.emulator.emu.seed.connect(A, B, { nameAB: "app-to-shared", nameBA: "shared-to-app" });
    off.emulator.emu.seed.deletePeering(ba);
  });
  afterAll(async () => {
    await off?.stop();
  });

  it("refuses repairDisconnected: true with 403 BeyondPolicy naming the field, queues nothing and leaves the deleted half deleted", async () => {
    expect(off.rt.policy.repairDisconnected).toBe(false);
    for (const dryRun of [false, true]) {
      const response = await post({ scope: [A], dryRun, repairDisconnected: true }, off);
      expect(response.status).toBe(403);
      expect(response.jsonBody).toMatchObject({
        error: {
          code: "BeyondPolicy",
          target: "repairDisconnected",
          message: expect.stringMatching(/only narrow the configured policy/),
        },
      });
    }
    expect(await off.peek(RESYNC_QUEUE)).toEqual([]);
    await off.resyncHarness.drain();
    expect(off.emulator.emu.count({ method: "PUT" })).toBe(0);
    expect(off.emulator.emu.seed.getPeering(BA)).toBeUndefined();
  });

  it("a run queued with repairDisconnected: true (before the setting was turned off) still does not repair", async () => {
    await off.rt.resyncQueue.send({
      runId: off.rt.newId(),
      scope: [A],
      correlationId: "queued-earlier",
      repairDisconnected: true,
    });
    await off.resyncHarness.drain();
    expect(off.emulator.emu.count({ method: "PUT" })).toBe(0);
    expect(off.emulator.emu.seed.getPeering(BA)).toBeUndefined();
  });
});
