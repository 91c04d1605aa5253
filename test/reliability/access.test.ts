import type * as AzureFunctions from "@azure/functions";
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfigError, parseSettings, SECRET_SETTINGS } from "../../src/config.js";
import { onNetworkEvent } from "../../src/functions/on-network-event.js";
import { reconcilePoison } from "../../src/functions/reconcile-poison.js";
import { reconcileVnet } from "../../src/functions/reconcile-vnet.js";
import { resyncRun } from "../../src/functions/resync-run.js";
import { resyncStatus } from "../../src/functions/resync-status.js";
import { resync } from "../../src/functions/resync.js";
import { status } from "../../src/functions/status.js";
import { sweep } from "../../src/functions/sweep.js";
import { RetryLaterError } from "../../src/functions/shared.js";
import type { AuditStore } from "../../src/app/ports.js";
import type { Runtime } from "../../src/functions/runtime.js";
import type { NetworkPort } from "../../src/reconcile/port.js";
import { testContext, type LogLine } from "../support/queue-harness.js";
import { capturedLines } from "../support/secrets.js";
import { startRig, type Rig } from "./support/estate.js";
import { FOREIGN, IDS, WATCHED, vnetId } from "./support/hostile.js";
import { memoryRuntime, type MemoryRuntime } from "./support/memory-runtime.js";
import { SECRETS, SECRET_ENV, STORAGE_CONNECTION_STRING } from "./support/secrets.js";
import { tally } from "./support/tally.js";

/**
 * Who may trigger or see anything: HTTP functions need a function key; a scope outside the watched
 * subscriptions is refused; answers never carry settings or secrets; a representative day of the
 * app (events, reconciles with ARM failing, sweep, resync, status, poison) logs no secret.
 */

const registered = vi.hoisted(
  () => [] as Array<{ kind: string; name: string; options: Record<string, unknown> }>,
);
vi.mock("@azure/functions", async (importOriginal) =>
  (await import("../support/functions-app-mock.js")).recordingFunctions(
    await importOriginal<typeof AzureFunctions>(),
    (kind, name, options) => void registered.push({ kind, name, options }),
  ),
);

let rig: Rig;
let mem: MemoryRuntime;
const armCalls: string[] = [];

beforeAll(async () => {
  rig = await startRig();
  const seed = rig.emu.seed;
  seed.vnet({
    subscriptionId: WATCHED,
    resourceGroup: "rg-net",
    name: "hub",
    addressPrefixes: ["10.0.0.0/16"],
  });
  seed.vnet({
    subscriptionId: WATCHED,
    resourceGroup: "rg-net",
    name: "spoke",
    addressPrefixes: ["10.1.0.0/16"],
  });
  seed.peering({ vnetId: IDS.spoke, remoteVnetId: IDS.hub });
  seed.vnet({
    subscriptionId: FOREIGN,
    resourceGroup: "rg-f",
    name: "theirs",
    addressPrefixes: ["10.4.0.0/16"],
  });
  seed.peering({ vnetId: IDS.foreign, remoteVnetId: IDS.hub });
  const port = rig.port;
  const recording: NetworkPort = {
    listVnets: (s) => (armCalls.push(s), port.listVnets(s)),
    getVnet: (id) => (armCalls.push(id), port.getVnet(id)),
    getPeering: (id) => (armCalls.push(id), port.getPeering(id)),
    putPeering: (v, n, b, o) => (armCalls.push(v), port.putPeering(v, n, b, o)),
  };
  mem = await memoryRuntime(
    { WATCHED_SUBSCRIPTIONS: WATCHED, AzureWebJobsStorage: STORAGE_CONNECTION_STRING, ...SECRET_ENV },
    recording,
  );
});
afterAll(async () => {
  await rig?.stop();
});

const post = (body: unknown, logs: LogLine[]) =>
  resync(
    new HttpRequest({
      method: "POST",
      url: "http://localhost:7071/api/resync",
      body: { string: JSON.stringify(body) },
      headers: { "content-type": "application/json" },
    }),
    testContext("resync", logs),
    mem.rt,
  );

/** No secret value; answers (not errors about settings) do not even name a secret setting. */
function expectNoSecret(what: string, value: unknown, options: { names?: boolean } = {}): void {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  for (const secret of SECRETS) expect(text, `${what} carries a secret`).not.toContain(secret);
  if (options.names !== false)
    for (const name of SECRET_SETTINGS) expect(text, `${what} names ${name}`).not.toContain(name);
}

describe("access", () => {
  it("every HTTP function needs a function key; nothing is anonymous", async (context) => {
    const t = tally(context, "access");
    await import("../../src/index.js");
    const http = registered.filter((r) => r.kind === "http");
    expect(http.map((r) => r.name).sort()).toEqual(["resync", "resyncStatus", "status", "whatIf"]);
    for (const r of http) {
      expect(r.options.authLevel, r.name).toBe("function");
      expect(r.options.methods, r.name).toHaveLength(1);
    }
    // The Event Grid trigger is reached only with the host's system key (no authLevel to lower).
    expect(registered.filter((r) => r.kind === "eventGrid").map((r) => r.name)).toEqual(["onNetworkEvent"]);
    t.add({ cases: http.length + 1 });
  });

  it("refuses a scope outside the watched subscriptions, reads nothing there, writes nothing anywhere", async (context) => {
    const t = tally(context, "access");
    const logs: LogLine[] = [];
    for (const scope of [
      `/subscriptions/${FOREIGN}`,
      `/subscriptions/${FOREIGN}/resourceGroups/rg-f`,
      IDS.foreign,
      IDS.foreign.toUpperCase(),
      vnetId(WATCHED, "..", "hub"),
    ]) {
      for (const dryRun of [true, false]) {
        const response = await post({ scope: [scope], dryRun }, logs);
        expect(response.status, scope).toBe(400);
        expect(response.jsonBody).toMatchObject({ error: { code: "InvalidRequest", target: "scope[0]" } });
        t.add({ cases: 1 });
      }
    }
    // Past the HTTP check (a message put on a queue directly): still nothing read outside.
    await resyncRun(
      {
        runId: "6f1f4f9e-0000-4000-8000-000000000001",
        scope: [`/subscriptions/${FOREIGN}`],
        correlationId: "c",
      },
      testContext("resyncRun", logs),
      mem.rt,
    );
    await reconcileVnet(
      { vnetId: IDS.foreign, cause: "event", correlationId: "c", enqueuedAt: new Date().toISOString() },
      testContext("reconcileVnet", logs),
      mem.rt,
    );
    await onNetworkEvent(
      {
        id: "e1",
        topic: `/subscriptions/${FOREIGN}`,
        subject: IDS.foreign,
        eventType: "Microsoft.Resources.ResourceWriteSuccess",
        eventTime: "2026-11-22T10:00:00Z",
        data: { operationName: "Microsoft.Network/virtualNetworks/write", resourceUri: IDS.foreign },
        dataVersion: "",
        metadataVersion: "1",
      },
      testContext("onNetworkEvent", logs),
      mem.rt,
    );
    t.add({ cases: 3 });
    expect(mem.reconcileQueue.sent).toEqual([]);
    expect(armCalls.filter((id) => id.toLowerCase().includes(FOREIGN))).toEqual([]);
    expect(rig.writes()).toBe(0);
  });

  it("status and resync answers never carry settings or secrets", async (context) => {
    const t = tally(context, "access");
    const logs: LogLine[] = [];
    const answers: Array<[string, HttpResponseInit]> = [];
    const dry = await post({ scope: [IDS.spoke], dryRun: true }, logs);
    answers.push(["dry run", dry]);
    expect(dry.status).toBe(200);
    const queued = await post({ scope: [IDS.spoke], dryRun: false }, logs);
    answers.push(["queued run", queued]);
    expect(queued.status).toBe(202);
    const { runId } = queued.jsonBody as { runId: string };
    for (const { message } of mem.resyncQueue.sent.splice(0))
      await resyncRun(message, testContext("resyncRun", logs), mem.rt);
    for (const id of [runId, "00000000-0000-4000-8000-000000000000", "not-a-run"]) {
      answers.push([
        `status of ${id}`,
        await resyncStatus(
          new HttpRequest({
            method: "GET",
            url: `http://localhost:7071/api/resync/${id}`,
            params: { runId: id },
          }),
          testContext("resyncStatus", logs),
          mem.rt,
        ),
      ]);
    }
    for (const accept of ["text/html", "application/json"]) {
      answers.push([
        `status page (${accept})`,
        await status(
          new HttpRequest({ method: "GET", url: "http://localhost:7071/api/status", headers: { accept } }),
          testContext("status", logs),
          mem.rt,
        ),
      ]);
    }
    // A failure inside a handler answers 500 with the invocation id only.
    const audit: AuditStore = Object.assign(Object.create(mem.audit) as AuditStore, {
      getRun: () => Promise.reject(new Error(`storage said no to ${SECRET_ENV.ALERT_WEBHOOK_URL}`)),
    });
    const broken: Runtime = { ...mem.rt, audit };
    answers.push([
      "a failing status call",
      await resyncStatus(
        new HttpRequest({
          method: "GET",
          url: `http://localhost:7071/api/resync/${runId}`,
          params: { runId },
        }),
        testContext("resyncStatus", logs),
        broken,
      ),
    ]);
    for (const [what, answer] of answers) {
      expectNoSecret(what, { body: answer.body, jsonBody: answer.jsonBody, headers: answer.headers });
      t.add({ cases: 1 });
    }
    expect(answers.at(-1)![1].status).toBe(500);
    expect(
      (answers.find(([w]) => w === `status of ${runId}`)![1].jsonBody as { status: string }).status,
    ).toBe("succeeded");
    for (const line of logs) expectNoSecret(`log ${line.message}`, line);
  });

  it("a representative day of the app, with every secret configured and ARM failing now and then, logs no secret", async (context) => {
    const t = tally(context, "access");
    const logs: LogLine[] = [];
    rig.emu.resetCounters();
    const fault = rig.emu.injectFault({ probability: 0.3, fault: { type: "status", status: 503 } });
    const fault2 = rig.emu.injectFault({
      method: "PUT",
      probability: 0.3,
      fault: { type: "status", status: 403, code: "AuthorizationFailed" },
    });
    try {
      for (let i = 0; i < 20; i++) {
        await onNetworkEvent(
          {
            id: `day-${i}`,
            topic: `/subscriptions/${WATCHED}`,
            subject: i % 2 ? IDS.hub : `${IDS.spoke}/virtualNetworkPeerings/spoke-to-hub`,
            eventType: "Microsoft.Resources.ResourceWriteSuccess",
            eventTime: "2026-11-22T10:00:00Z",
            data: {
              operationName:
                i % 2
                  ? "Microsoft.Network/virtualNetworks/write"
                  : "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write",
              resourceUri: IDS.hub,
            },
            dataVersion: "",
            metadataVersion: "1",
          },
          testContext("onNetworkEvent", logs),
          mem.rt,
        );
        for (const { message } of mem.reconcileQueue.sent.splice(0)) {
          for (const dequeueCount of [1, 5]) {
            await reconcileVnet(message, testContext("reconcileVnet", logs, { dequeueCount }), mem.rt).catch(
              (err: unknown) => expect(err).toBeInstanceOf(RetryLaterError),
            );
          }
          await reconcilePoison(message, testContext("reconcilePoison", logs), mem.rt);
        }
        await sweep({}, testContext("sweep", logs), mem.rt).catch(() => undefined);
        t.add({ cases: 1 });
      }
    } finally {
      rig.emu.removeFault(fault);
      rig.emu.removeFault(fault2);
    }
    t.add({ faults: rig.emu.count({ status: 503 }) + rig.emu.count({ status: 403 }) });
    expect(logs.length).toBeGreaterThan(50);
    for (const line of logs) expectNoSecret(`log ${line.message}`, line);
    for (const line of capturedLines()) expectNoSecret("console line", line);
    for (const notice of [...mem.notifier.failures, ...mem.notifier.runs]) expectNoSecret("alert", notice);
  });

  it("a bad secret setting fails start-up naming the setting, never quoting its value", (context) => {
    const t = tally(context, "access");
    for (const [name, value] of [
      ["TEAMS_WEBHOOK_URL", SECRET_ENV.TEAMS_WEBHOOK_URL!.replace("https:", "http:")],
      ["ALERT_WEBHOOK_URL", `ftp://x/${SECRET_ENV.ALERT_WEBHOOK_URL}`],
      ["ALERT_WEBHOOK_SECRET", "short"],
    ] as const) {
      let error: unknown;
      try {
        parseSettings({ WATCHED_SUBSCRIPTIONS: WATCHED, ...SECRET_ENV, [name]: value });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(name);
      expect((error as Error).message).not.toContain(value);
      expectNoSecret(`config error for ${name}`, (error as Error).message, { names: false });
      t.add({ cases: 1 });
    }
  });
});
