import { HttpRequest } from "@azure/functions";
import type * as Functions from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_TOPOLOGY } from "../../../src/cli/emulator-target.js";
import { SnapshotCache } from "../../../src/functions/snapshot-cache.js";
import { status } from "../../../src/functions/status.js";
import { sweep } from "../../../src/functions/sweep.js";
import type { Runtime } from "../../../src/functions/runtime.js";
import { reconcile } from "../../../src/reconcile/run.js";
import type { StatusReport } from "../../../src/status/index.js";
import { testContext } from "../../support/queue-harness.js";
import { logsOf, startStack, type Stack } from "./stack.js";
import { secretValues } from "../../support/secrets.js";

// Registrations are recorded instead of skipped (test mode would skip them), to check the options.
const registered = vi.hoisted(() => new Map<string, Record<string, unknown>>());
vi.mock("@azure/functions", async (importOriginal) =>
  (await import("../../support/functions-app-mock.js")).recordingFunctions(
    await importOriginal<typeof Functions>(),
    (_trigger, name, options) => void registered.set(name, options),
  ),
);

const DEMO_SUBSCRIPTIONS = [
  "11111111-1111-4111-8111-111111111111",
  "22222222-2222-4222-8222-222222222222",
  "99999999-9999-4999-8999-999999999999",
];
const DEMO = (rg: string, name: string, sub = DEMO_SUBSCRIPTIONS[1]!) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${name}`;

/** Secret and other distinctive setting values: none may appear in the page or its JSON. */
const SETTINGS = {
  ...secretValues({
    TEAMS_WEBHOOK_URL:
      "https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual?sig=TeamsSig0123456789abcdef",
    ALERT_WEBHOOK_URL: "https://hooks.example.com/vnet-peering?code=WebhookCode0123456789",
    ALERT_WEBHOOK_SECRET: "hmac-secret-0123456789-abcdef",
    EMAIL_CONNECTION_STRING:
      "endpoint=https://acs-demo.communication.azure.com/;accesskey=EmailKey0123456789abcdefABCDEF==",
  }),
  EMAIL_SENDER: "donotreply@alerts-demo.example.com",
  EMAIL_RECIPIENTS: "netops-oncall@example.com",
  STATUS_PAGE_URL: "https://status-page.example.com/api/status?code=FunctionKey0123456789",
  AUDIT_TABLE: "peeringauditstatuspage",
  RECONCILE_QUEUE: "reconcile-statuspage",
};

let stack: Stack;
let runId: string;
beforeAll(async () => {
  stack = await startStack({
    env: { WATCHED_SUBSCRIPTIONS: DEMO_SUBSCRIPTIONS.join(","), ...SETTINGS },
  });
  await stack.emulator.emu.loadTopology(DEMO_TOPOLOGY);
  // One real run with a write, recorded in the audit: the page lists it.
  const outcome = await reconcile(
    { trigger: "event", correlationId: "evt-1", scope: [DEMO("rg-spokes", "spoke-data")], dryRun: false },
    {
      port: stack.rt.port,
      policy: stack.rt.policy,
      now: stack.rt.now,
      newRunId: stack.rt.newId,
      sleep: async () => undefined,
      maxParallelVnets: 2,
      maxAttempts: 1,
    },
  );
  runId = outcome.report.runId;
  await stack.rt.audit.recordRun(outcome.report, outcome.snapshot);
});
afterAll(async () => {
  await stack?.stop();
});

const writes = () =>
  stack.emulator.emu.count({ method: "PUT" }) + stack.emulator.emu.count({ method: "DELETE" });

async function get(accept?: string, rt: Runtime = stack.rt) {
  const request = new HttpRequest({
    method: "GET",
    url: "http://localhost:7071/api/status",
    headers: accept ? { accept } : {},
  });
  return status(request, testContext("status", stack.logs), rt);
}

/** ARM reads of VNets: list pages and single GETs. */
const armReads = () =>
  stack.emulator.emu.count({ kind: "virtualNetworkList" }) +
  stack.emulator.emu.count({ kind: "virtualNetwork" });

/** The stack's runtime with its own status snapshot and a clock the test moves. */
function withClock(refreshSeconds = 60) {
  const clock = { t: Date.parse("2026-03-01T10:00:00Z") };
  const now = () => new Date(clock.t);
  const rt: Runtime = { ...stack.rt, now, statusSnapshots: new SnapshotCache(now, refreshSeconds * 1000) };
  return { rt, clock };
}

describe("GET /api/status", () => {
  it("is registered as an HTTP GET on /api/status behind a function key", async () => {
    await import("../../../src/index.js");
    expect(registered.get("status")).toMatchObject({
      methods: ["GET"],
      authLevel: "function",
      route: "status",
    });
  });

  it("answers the self-contained HTML page with every problem of the dry-run plan, and writes nothing", async () => {
    const before = writes();
    const response = await get("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    expect(writes()).toBe(before);
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
    });
    const html = String(response.body);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<link\b|<img\b|\bsrc=|@import|url\(http/i);

    const json = (await get("application/json")).body;
    const report = JSON.parse(String(json)) as StatusReport;
    expect(report.problems.length).toBeGreaterThan(0);
    for (const problem of report.problems) expect(html).toContain(`data-target="${problem.target}"`);
    // The run recorded above, and its write.
    expect(html).toContain(`data-run="${runId}"`);
    expect(report.recentRuns.map((r) => r.runId)).toContain(runId);
    // Both halves of spoke-data's pair needed a sync (both VNets grew): two writes, both shown.
    expect(report.recentActions.map((a) => [a.kind, a.result, a.where]).sort()).toEqual([
      ["sync", "succeeded", "hub-vnet/hub-to-spoke-data"],
      ["sync", "succeeded", "spoke-data/spoke-data-to-hub"],
    ]);
    for (const action of report.recentActions) expect(html).toContain(action.where.split("/")[1]);
    expect(logsOf(stack.logs, "StatusServed").at(-1)?.data).toMatchObject({ json: true });
  });

  it("answers the same data as JSON for Accept: application/json", async () => {
    const response = await get("application/json");
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ "Content-Type": "application/json; charset=utf-8" });
    const report = JSON.parse(String(response.body)) as StatusReport;
    expect(report.summary).toMatchObject({ inaccessibleSubscriptions: [DEMO_SUBSCRIPTIONS[2]] });
    const hub = report.topology.vnets.find((v) => v.name === "hub-vnet");
    expect(hub).toMatchObject({ role: "hub", services: { bastion: true, gateway: true } });
    expect(report.sharedServices.map((s) => s.vnetName)).toEqual(["hub-vnet"]);
    // spoke-web is Connected with gateway transit: the only one of the hub's gateway users.
    const blocked = report.sharedServices[0]!.blocked;
    expect(blocked.find((b) => b.spokeName === "spoke-api")?.services).toContain("gateway");
    expect(blocked.find((b) => b.spokeName === "spoke-legacy")?.reasons.join(" ")).toMatch(/Disconnected/);
    const codes = report.problems.map((p) => p.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        "PeerInaccessible",
        "AddressSpaceOverlap",
        "Disconnected",
        "MissingReciprocal",
      ]),
    );
  });

  it("shows no secret and no setting value, in the page or its JSON", async () => {
    const bodies = [String((await get()).body), String((await get("application/json")).body)];
    const values = [
      ...Object.values(SETTINGS),
      ...Object.values(SETTINGS).flatMap((v) =>
        [...v.matchAll(/(?:sig|code|accesskey)=([^&;]+)/gi)].map((m) => m[1]!),
      ),
      stack.rt.settings.AzureWebJobsStorage!,
      /AccountKey=([^;]+)/.exec(stack.rt.settings.AzureWebJobsStorage!)![1]!,
      stack.rt.settings.ARM_ENDPOINT!,
      stack.rt.settings.ARM_CA_FILE!,
    ];
    for (const body of bodies) {
      for (const value of values) expect(body, value).not.toContain(value);
      expect(body).not.toMatch(/sig=|accesskey=|AccountKey=/i);
    }
  });

  it("answers 503 with Retry-After when ARM is busy, without details of the app", async () => {
    const busy = {
      ...withClock().rt,
      port: {
        ...stack.rt.port,
        listVnets: async () => {
          const { ArmError } = await import("../../../src/reconcile/errors.js");
          throw new ArmError(429, "RetryableError", "Too many requests", 7000);
        },
      },
    };
    const request = new HttpRequest({ method: "GET", url: "http://localhost:7071/api/status" });
    const response = await status(request, testContext("status", stack.logs), busy);
    expect(response.status).toBe(503);
    expect(response.headers).toEqual({ "Retry-After": "7" });
  });
});

describe("GET /api/status and the ARM read budget", () => {
  it("two views within STATUS_REFRESH_SECONDS read ARM once; the second shows the first read and its age", async () => {
    const { rt, clock } = withClock(60);
    const before = armReads();
    const first = JSON.parse(String((await get("application/json", rt)).body)) as StatusReport;
    const oneRead = armReads() - before;
    expect(oneRead).toBeGreaterThan(0);
    expect(first.readAt).toBe("2026-03-01T10:00:00.000Z");

    clock.t += 45_000;
    const second = await get(undefined, rt);
    expect(armReads() - before).toBe(oneRead);
    const html = String(second.body);
    expect(html).toContain('data-read-at="2026-03-01T10:00:00.000Z"');
    expect(html).toContain("45 s ago");
    const json = JSON.parse(String((await get("application/json", rt)).body)) as StatusReport;
    expect(json).toMatchObject({
      generatedAt: "2026-03-01T10:00:45.000Z",
      readAt: "2026-03-01T10:00:00.000Z",
    });
    expect(json.problems).toEqual(first.problems);
    expect(armReads() - before).toBe(oneRead);
  });

  it("re-reads ARM once the last read is older than STATUS_REFRESH_SECONDS", async () => {
    const { rt, clock } = withClock(60);
    await get("application/json", rt);
    const before = armReads();
    clock.t += 61_000;
    const report = JSON.parse(String((await get("application/json", rt)).body)) as StatusReport;
    expect(armReads()).toBeGreaterThan(before);
    expect(report.readAt).toBe("2026-03-01T10:01:01.000Z");
  });

  it("concurrent views share one read (single-flight)", async () => {
    const { rt } = withClock(60);
    const before = armReads();
    await get("application/json", withClock(60).rt);
    const oneRead = armReads() - before;
    const again = armReads();
    const views = await Promise.all(Array.from({ length: 5 }, () => get("application/json", rt)));
    expect(views.map((v) => v.status)).toEqual([200, 200, 200, 200, 200]);
    expect(armReads() - again).toBe(oneRead);
  });

  it("a view after the sweep reads nothing from ARM: the sweep's read is the page's", async () => {
    const { rt, clock } = withClock(60);
    await sweep({}, testContext("sweep", stack.logs), rt);
    clock.t += 10_000;
    const before = armReads();
    const report = JSON.parse(String((await get("application/json", rt)).body)) as StatusReport;
    expect(armReads()).toBe(before);
    expect(report.readAt).toBe("2026-03-01T10:00:00.000Z");
    expect(report.summary.inaccessibleSubscriptions).toEqual([DEMO_SUBSCRIPTIONS[2]]);
    expect(report.problems.length).toBeGreaterThan(0);
  });
});
