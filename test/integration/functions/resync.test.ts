import { HttpRequest } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resyncPoison } from "../../../src/functions/resync-poison.js";
import { resyncStatus } from "../../../src/functions/resync-status.js";
import { MAX_BODY_BYTES, resync } from "../../../src/functions/resync.js";
import { APP_ROLES } from "../../../src/functions/app-roles.js";
import { RateLimiter } from "../../../src/functions/rate-limit.js";
import { RESYNC_QUEUE, type Runtime } from "../../../src/functions/runtime.js";
import { status } from "../../../src/functions/status.js";
import { testContext } from "../../support/queue-harness.js";
import { SUB_A, SUB_OTHER, logsOf, startStack, vnetId, seedVnets, type Stack } from "./stack.js";

const HUB = vnetId("hub");
const SPOKE = vnetId("spoke");
const BASE = "http://localhost:7071/api/resync";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  const seed = stack.emulator.emu.seed;
  seedVnets(stack, [
    ["hub", SUB_A, "10.0.0.0/16"],
    ["spoke", SUB_A, "10.1.0.0/16"],
  ]);
  // One-sided: the hub lacks its peering back.
  seed.peering({ vnetId: SPOKE, remoteVnetId: HUB });
});
afterAll(async () => {
  await stack?.stop();
});

function post(
  body: unknown,
  headers: Record<string, string> = {},
  rt: Runtime = stack.rt,
): Promise<{ status?: number; jsonBody?: unknown; headers?: unknown }> {
  const request = new HttpRequest({
    method: "POST",
    url: BASE,
    body: { string: typeof body === "string" ? body : JSON.stringify(body) },
    headers: { "content-type": "application/json", ...headers },
  });
  return resync(request, testContext("resync", stack.logs), rt);
}

function get(runId: string) {
  const request = new HttpRequest({ method: "GET", url: `${BASE}/${runId}`, params: { runId } });
  return resyncStatus(request, testContext("resyncStatus", stack.logs), stack.rt);
}

const writes = () =>
  stack.emulator.emu.count({ method: "PUT" }) + stack.emulator.emu.count({ method: "DELETE" });

describe("POST /api/resync", () => {
  it("answers a dry run with the plan in the CLI's JSON shape and writes nothing", async () => {
    const response = await post({ scope: [SPOKE], dryRun: true });
    expect(response.status).toBe(200);
    const body = response.jsonBody as {
      runId: string;
      dryRun: boolean;
      actions: unknown[];
      summary: Record<string, number>;
    };
    expect(body.dryRun).toBe(true);
    expect(body.actions).toEqual([
      expect.objectContaining({
        kind: "createReciprocal",
        vnet: HUB,
        name: "hub-to-spoke",
        reason: expect.any(String),
      }),
    ]);
    expect(body.summary).toMatchObject({ createReciprocal: 1 });
    expect(writes()).toBe(0);
    // The dry run is in the audit too.
    expect((await get(body.runId)).jsonBody).toMatchObject({
      dryRun: true,
      status: "succeeded",
      trigger: "manual",
    });
  });

  it("queues a real run, answers 202 with its id and Location, and the status call follows it to the end", async () => {
    const response = await post({
      scope: [`/subscriptions/${SUB_A}/resourceGroups/rg-net`],
      dryRun: false,
      repairDisconnected: false,
    });
    expect(response.status).toBe(202);
    const { runId } = response.jsonBody as { runId: string };
    expect(response.headers).toEqual({ Location: `${BASE}/${runId}` });
    expect(writes()).toBe(0);
    expect((await get(runId)).jsonBody).toMatchObject({ runId, status: "queued", actions: [] });
    expect(await stack.peek(RESYNC_QUEUE)).toEqual([
      {
        runId,
        scope: [`/subscriptions/${SUB_A}/resourceGroups/rg-net`],
        repairDisconnected: false,
        correlationId: expect.any(String),
      },
    ]);

    await stack.resyncHarness.drain();

    const status = await get(runId);
    expect(status.status).toBe(200);
    expect(status.jsonBody).toMatchObject({
      runId,
      status: "succeeded",
      trigger: "manual",
      actions: [{ kind: "createReciprocal", result: "succeeded", vnet: HUB, after: { state: "Connected" } }],
    });
    expect(writes()).toBe(1);
    expect(logsOf(stack.logs, "ReconcileRun").at(-1)?.data).toMatchObject({ runId, writes: 1 });

    // Delivered twice (at least once): the second delivery does not run it again.
    await stack.rt.resyncQueue.send({ runId, scope: [HUB], correlationId: "again" });
    await stack.resyncHarness.drain();
    expect(logsOf(stack.logs, "ResyncRunSkipped").map((l) => l.data?.runId)).toEqual([runId]);
    expect(writes()).toBe(1);
  });

  it("refuses a body without dryRun with 400 naming the field and why, and neither queues nor writes", async () => {
    const queued = (await stack.peek(RESYNC_QUEUE)).length;
    const written = writes();
    const response = await post({ scope: [SPOKE] });
    expect(response.status).toBe(400);
    expect(response.jsonBody).toMatchObject({
      error: { code: "InvalidRequest", target: "dryRun", message: expect.stringMatching(/never writes/) },
    });
    expect(await stack.peek(RESYNC_QUEUE)).toHaveLength(queued);
    expect(writes()).toBe(written);
  });

  it("refuses ids outside the watched subscriptions, naming the field and index", async () => {
    const response = await post({
      scope: [HUB, `/subscriptions/${SUB_OTHER}/resourceGroups/rg`],
      dryRun: false,
    });
    expect(response).toEqual({
      status: 400,
      jsonBody: {
        error: {
          code: "InvalidRequest",
          message: "scope[1] is outside the watched subscriptions.",
          target: "scope[1]",
        },
      },
    });
  });

  it("refuses malformed ids, unknown fields, wrong types and bodies that are not JSON", async () => {
    expect((await post({ scope: [`${HUB}/subnets/default`], dryRun: true })).jsonBody).toMatchObject({
      error: { target: "scope[0]" },
    });
    expect(await post({ scope: [HUB], dryrun: true })).toMatchObject({
      status: 400,
      jsonBody: { error: { code: "InvalidRequest", target: "dryrun" } },
    });
    expect(await post({ scope: [HUB], dryRun: "true" })).toMatchObject({
      status: 400,
      jsonBody: { error: { target: "dryRun" } },
    });
    expect(await post("{scope:")).toMatchObject({
      status: 400,
      jsonBody: { error: { code: "InvalidJson" } },
    });
    expect(logsOf(stack.logs, "ResyncRejected").length).toBeGreaterThanOrEqual(4);
  });

  it("refuses an oversized body with 413, by its declared length or its real one", async () => {
    const big = JSON.stringify({ scope: [HUB], padding: "x".repeat(MAX_BODY_BYTES) });
    expect(await post(big)).toMatchObject({ status: 413, jsonBody: { error: { code: "PayloadTooLarge" } } });
    expect(await post({ scope: [HUB] }, { "content-length": String(MAX_BODY_BYTES + 1) })).toMatchObject({
      status: 413,
    });
  });

  it("never reveals settings in its answers", async () => {
    const responses = [
      await post({ scope: [`/subscriptions/${SUB_OTHER}`], dryRun: true }),
      await post("nope"),
      await get("nope"),
    ];
    for (const r of responses) {
      const text = JSON.stringify(r);
      expect(text).not.toContain(SUB_A);
      expect(text).not.toContain("AccountKey");
      expect(text).not.toContain(stack.azurite.queueEndpoint);
    }
  });
});

describe("POST /api/resync per caller", () => {
  it("answers 429 with Retry-After once a caller spent RESYNC_RATE_LIMIT_PER_HOUR, reading nothing from ARM", async () => {
    expect(stack.rt.settings.RESYNC_RATE_LIMIT_PER_HOUR).toBe(30);
    const clock = { t: Date.parse("2026-03-01T10:00:00Z") };
    const rt: Runtime = {
      ...stack.rt,
      resyncLimiter: new RateLimiter(() => new Date(clock.t), 2, 3_600_000),
    };
    const from = (address: string) => ({ "x-forwarded-for": `${address}:50000` });
    expect((await post({ scope: [SPOKE], dryRun: true }, from("203.0.113.7"), rt)).status).toBe(200);
    clock.t += 600_000;
    expect((await post({ scope: [SPOKE], dryRun: true }, from("203.0.113.7"), rt)).status).toBe(200);
    const reads = stack.emulator.emu.count();
    const queued = (await stack.peek(RESYNC_QUEUE)).length;
    for (const dryRun of [true, false]) {
      const limited = await post({ scope: [SPOKE], dryRun }, from("203.0.113.7"), rt);
      expect(limited).toMatchObject({
        status: 429,
        headers: { "Retry-After": String(3600 - 600) },
        jsonBody: {
          error: { code: "TooManyRequests", message: expect.stringContaining("RESYNC_RATE_LIMIT_PER_HOUR") },
        },
      });
    }
    expect(stack.emulator.emu.count()).toBe(reads);
    expect(await stack.peek(RESYNC_QUEUE)).toHaveLength(queued);
    // Another caller is not held back by the first.
    expect((await post({ scope: [SPOKE], dryRun: true }, from("198.51.100.20"), rt)).status).toBe(200);
    clock.t += 3_000_000;
    expect((await post({ scope: [SPOKE], dryRun: true }, from("203.0.113.7"), rt)).status).toBe(200);
  });
});

describe("with REQUIRE_APP_ROLES (App Service Authentication in front)", () => {
  const principal = (roles: string[]) =>
    Buffer.from(
      JSON.stringify({
        auth_typ: "aad",
        role_typ: "roles",
        claims: roles.map((val) => ({ typ: "roles", val })),
      }),
    ).toString("base64");
  const withRoles = (): Runtime => ({
    ...stack.rt,
    settings: { ...stack.rt.settings, REQUIRE_APP_ROLES: true },
  });
  const getStatus = (rt: Runtime, headers: Record<string, string>) =>
    status(
      new HttpRequest({ method: "GET", url: "http://localhost:7071/api/status", headers }),
      testContext("status", stack.logs),
      rt,
    );

  it("the read role opens the status page but not POST /api/resync; the resync role opens both", async () => {
    const rt = withRoles();
    const reader = { "x-ms-client-principal": principal([APP_ROLES.read]), "x-ms-client-principal-id": "r" };
    const operator = {
      "x-ms-client-principal": principal([APP_ROLES.resync]),
      "x-ms-client-principal-id": "o",
    };
    const queued = (await stack.peek(RESYNC_QUEUE)).length;

    expect((await getStatus(rt, reader)).status).toBe(200);
    const refused = await post({ scope: [SPOKE], dryRun: true }, reader, rt);
    expect(refused).toMatchObject({
      status: 403,
      jsonBody: { error: { code: "AppRoleRequired", message: expect.stringContaining(APP_ROLES.resync) } },
    });
    expect((await post({ scope: [SPOKE], dryRun: false }, reader, rt)).status).toBe(403);
    expect(await stack.peek(RESYNC_QUEUE)).toHaveLength(queued);

    expect((await post({ scope: [SPOKE], dryRun: true }, operator, rt)).status).toBe(200);
    expect((await getStatus(rt, operator)).status).toBe(200);
    // No principal at all (Easy Auth not actually in front, or a misconfigured route): nothing opens.
    expect((await getStatus(rt, {})).status).toBe(403);
    expect((await post({ scope: [SPOKE], dryRun: true }, {}, rt)).status).toBe(403);
  });
});

describe("a resync run the queue gives up on", () => {
  it("is marked failed with its last error and alerted by the resync-runs poison handler, not left queued", async () => {
    const seed = stack.emulator.emu.seed;
    seed.vnet({
      subscriptionId: SUB_A,
      resourceGroup: "rg-net",
      name: "edge",
      addressPrefixes: ["10.9.0.0/16"],
    });
    const EDGE = vnetId("edge");
    seed.peering({ vnetId: EDGE, remoteVnetId: HUB });
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
    try {
      const response = await post({ scope: [EDGE], dryRun: false });
      expect(response.status).toBe(202);
      const { runId } = response.jsonBody as { runId: string };
      const stats = await stack.resyncHarness.drain();
      expect(stats.poisoned).toBeGreaterThanOrEqual(1);
      // What a caller polling the run saw before the poison handler ran: stuck in `queued`.
      expect((await get(runId)).jsonBody).toMatchObject({ status: "queued" });

      const poisoned = await stack.peek(`${RESYNC_QUEUE}-poison`);
      const mine = poisoned.find((m) => (m as { runId?: string }).runId === runId);
      expect(mine).toBeDefined();
      const digestsBefore = stack.digests.length;
      await resyncPoison(mine, testContext("resyncPoison", stack.logs), stack.rt);

      expect((await get(runId)).jsonBody).toMatchObject({
        runId,
        status: "failed",
        finishedAt: expect.any(String),
        error: { code: "AnotherOperationInProgress", message: expect.stringContaining(runId) },
      });
      expect(logsOf(stack.logs, "ResyncRunPoisoned").at(-1)?.data).toMatchObject({
        runId,
        errorCode: "AnotherOperationInProgress",
      });
      expect(stack.digests.length).toBe(digestsBefore + 1);
      expect(stack.digests.at(-1)).toMatchObject({ trigger: "failure", severity: "error" });
      expect(JSON.stringify(stack.digests.at(-1))).toContain(runId);

      // Delivered twice: the finished run is not failed or alerted again.
      await resyncPoison(mine, testContext("resyncPoison", stack.logs), stack.rt);
      expect(stack.digests.length).toBe(digestsBefore + 1);
    } finally {
      stack.emulator.emu.clearFaults();
    }
  });
});

describe("GET /api/resync/{runId}", () => {
  it("answers 404 for an unknown run and 400 for a malformed id", async () => {
    expect(await get("0b8e7c2e-9a0a-4c39-9a4b-2f6f0f6f0f6f")).toEqual({
      status: 404,
      jsonBody: { error: { code: "RunNotFound", message: "No run with this id.", target: "runId" } },
    });
    expect(await get("../../etc")).toMatchObject({
      status: 400,
      jsonBody: { error: { code: "InvalidRunId" } },
    });
  });
});
