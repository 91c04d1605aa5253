import { createHash } from "node:crypto";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlerting, secretsOf } from "../../src/alerts/alerting.js";
import { renderEmail } from "../../src/alerts/render-email.js";
import type { AlertSender } from "../../src/alerts/sender.js";
import type { Digest } from "../../src/alerts/model.js";
import { emulatorPort } from "../../src/cli/emulator-target.js";
import { printedRun } from "../../src/cli/main.js";
import { actionTelemetryOf } from "../../src/functions/metrics.js";
import { onNetworkEvent } from "../../src/functions/on-network-event.js";
import { reconcilePoison } from "../../src/functions/reconcile-poison.js";
import { reconcileVnet } from "../../src/functions/reconcile-vnet.js";
import { RateLimiter } from "../../src/functions/rate-limit.js";
import { resyncRun } from "../../src/functions/resync-run.js";
import { resyncStatus } from "../../src/functions/resync-status.js";
import { resync } from "../../src/functions/resync.js";
import { status } from "../../src/functions/status.js";
import { STATUS_PAGE_CSP } from "../../src/status/index.js";
import { logRun } from "../../src/functions/telemetry.js";
import { whatIf } from "../../src/functions/what-if.js";
import { RetryLaterError } from "../../src/functions/shared.js";
import { subscriptionOf } from "../../src/reconcile/ids.js";
import type { NetworkPort } from "../../src/reconcile/port.js";
import type { RunReport } from "../../src/reconcile/run-report.js";
import { activeMarkdown, encodedForms } from "../support/untrusted-text.js";
import { testContext, type LogLine } from "../support/queue-harness.js";
import { startRig, type Rig } from "./support/estate.js";
import {
  FOREIGN,
  IDS,
  WATCHED,
  WATCHED_DENIED,
  cloudEvent,
  decorate,
  decoration,
  eventGridEvent,
  expectNoPollution,
  hostileId,
  isStrictVnetId,
  junk,
  mostly,
  realEvent,
  untrustedText,
  type Decoration,
} from "./support/hostile.js";
import { memoryRuntime, type MemoryRuntime } from "./support/memory-runtime.js";
import { SECRETS, SECRET_ENV } from "./support/secrets.js";
import { FULL, sample, tally } from "./support/tally.js";

/**
 * Fuzzing every input the app takes from outside: Event Grid events (both schemas), messages on its
 * queues, the resync and what-if HTTP bodies and the run id, and the text ARM hands back (names, error messages) as it
 * reaches every output. Every case must end in a clear, named outcome (a
 * malformed/ignored/accepted line naming the field, a 4xx naming the field, a run that writes
 * nothing), never a crash, never an ARM write, never a read outside the watched subscriptions, never
 * a secret in an answer or a log line, with memory bounded and Object.prototype untouched.
 */

/** Cases per input under `npm run test:reliability`: at least 10,000 each (docs/safety.md). */
const FULL_CASES = 10_000;
const CASES = sample(300, FULL_CASES);
/** Each case of the untrusted-text input renders every output, the status page through ARM: a smaller sample. */
const UNTRUSTED_CASES = sample(100, FULL_CASES);
/** Its full count renders 10,000 status pages (each reading ARM): more than the project's 5 minutes. */
const UNTRUSTED_TIMEOUT_MS = sample(300_000, 3_600_000);
const WATCHED_SUBS = [WATCHED, WATCHED_DENIED];
const LOG_LINE_LIMIT = 16 * 1024;

let rig: Rig;
let mem: MemoryRuntime;
/** Every id the product asked ARM about. */
const armCalls: Array<{ method: string; id: string }> = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let gc: () => void = () => undefined;
let heapBefore = 0;

function recording(inner: NetworkPort): NetworkPort {
  const note = (method: string, id: string) => armCalls.push({ method, id });
  return {
    listVnets: (s) => (note("listVnets", s), inner.listVnets(s)),
    getVnet: (id) => (note("getVnet", id), inner.getVnet(id)),
    getPeering: (id) => (note("getPeering", id), inner.getPeering(id)),
    putPeering: (v, n, b, o) => (note("putPeering", v), inner.putPeering(v, n, b, o)),
    ...(inner.listRouteTables
      ? { listRouteTables: (s: string) => (note("listRouteTables", s), inner.listRouteTables!(s)) }
      : {}),
  };
}

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  setFlagsFromString("--expose-gc");
  gc = runInNewContext("gc") as () => void;
  rig = await startRig();
  const seed = rig.emu.seed;
  // A healthy pair the app may write (a legitimate run has nothing to do there), and work it must
  // never do: an opted-out VNet, a VNet in a subscription it may not read, one outside its watch.
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
  seed.connect(IDS.hub, IDS.spoke);
  seed.vnet({
    subscriptionId: WATCHED,
    resourceGroup: "rg-net",
    name: "private",
    addressPrefixes: ["10.2.0.0/16"],
    tags: { "peering-sync": "off" },
  });
  seed.peering({ vnetId: IDS.optedOut, remoteVnetId: IDS.hub });
  seed.vnet({
    subscriptionId: WATCHED_DENIED,
    resourceGroup: "rg-x",
    name: "locked",
    addressPrefixes: ["10.3.0.0/16"],
  });
  seed.peering({ vnetId: IDS.denied, remoteVnetId: IDS.hub });
  seed.setSubscriptionAccessible(WATCHED_DENIED, false);
  seed.vnet({
    subscriptionId: FOREIGN,
    resourceGroup: "rg-f",
    name: "theirs",
    addressPrefixes: ["10.4.0.0/16"],
  });
  seed.peering({ vnetId: IDS.foreign, remoteVnetId: IDS.spoke });
  mem = await memoryRuntime(
    { WATCHED_SUBSCRIPTIONS: WATCHED_SUBS.join(","), MAX_ATTEMPTS: "1", ...SECRET_ENV },
    recording(rig.port),
  );
  // Thousands of bodies from one caller: the per-caller limit (tested on its own) would answer most.
  mem.rt.resyncLimiter = new RateLimiter(() => new Date(), Number.MAX_SAFE_INTEGER, 3_600_000);
  gc();
  heapBefore = process.memoryUsage().heapUsed;
});

afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await rig?.stop();
});

/** Checked after every case of every input. */
function expectSafe(logs: LogLine[], allowed: readonly string[]): void {
  expectNoPollution();
  expect(rig.writes(), "an ARM write").toBe(0);
  for (const line of logs) {
    expect(allowed, `log line ${line.message}`).toContain(line.message);
    const text = `${line.message} ${JSON.stringify(line.data ?? {})}`;
    expect(text.length, `log line ${line.message} of ${text.length} characters`).toBeLessThan(LOG_LINE_LIMIT);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  }
  for (const call of armCalls.splice(0)) {
    const listed = call.method === "listVnets" || call.method === "listRouteTables";
    const sub = listed ? call.id.toLowerCase() : subscriptionOf(call.id);
    expect(
      WATCHED_SUBS,
      `${call.method} outside the watched subscriptions: ${call.id.slice(0, 300)}`,
    ).toContain(sub);
    if (!listed) expect(isStrictVnetId(call.id), `${call.method} ${call.id.slice(0, 300)}`).toBe(true);
  }
  expect(unhandled).toEqual([]);
}

/** Every reconcile the app queued is for a real watched VNet the input named. */
function expectQueuedOnlyRealVnets(): void {
  const real = [IDS.hub, IDS.spoke, IDS.optedOut, IDS.missing, IDS.denied].map((id) => id.toLowerCase());
  for (const { message } of mem.reconcileQueue.sent.splice(0)) {
    expect(isStrictVnetId(message.vnetId), `queued ${message.vnetId.slice(0, 300)}`).toBe(true);
    expect(real).toContain(message.vnetId.toLowerCase());
    expect(message.correlationId.length).toBeLessThanOrEqual(256);
  }
}

const asInput = (value: unknown, how: Decoration, asString: boolean): unknown => {
  const decorated = decorate(value, how, "data");
  if (!asString) return decorated;
  try {
    return JSON.stringify(decorated) ?? "undefined";
  } catch {
    return String(decorated);
  }
};

const EVENT_LINES = ["NetworkEventMalformed", "NetworkEventIgnored", "NetworkEventAccepted"];

describe("hostile input", () => {
  for (const [schema, arb, real] of [
    ["Event Grid schema", eventGridEvent as fc.Arbitrary<unknown>, realEvent("EventGrid")],
    ["CloudEvents 1.0", cloudEvent as fc.Arbitrary<unknown>, realEvent("CloudEvents")],
  ] as const) {
    it(`${schema} events: every one is malformed, ignored or a reconcile of the real VNet it names`, async (context) => {
      const t = tally(context, "hostile input");
      const verdicts = { malformed: 0, ignored: 0, accepted: 0 };
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { weight: 8, arbitrary: arb },
            { weight: 3, arbitrary: real },
            { weight: 1, arbitrary: fc.array(fc.oneof(arb, real), { maxLength: 5 }) },
            { weight: 1, arbitrary: junk },
          ),
          decoration,
          fc.boolean(),
          async (event, how, asString) => {
            const logs: LogLine[] = [];
            await onNetworkEvent(asInput(event, how, asString), testContext("onNetworkEvent", logs), mem.rt);
            expectSafe(logs, EVENT_LINES);
            for (const line of logs) {
              if (line.message === "NetworkEventMalformed") {
                verdicts.malformed++;
                expect(line.data?.field, "a malformed event names its field").toEqual(expect.any(String));
              }
              if (line.message === "NetworkEventIgnored") verdicts.ignored++;
              if (line.message === "NetworkEventAccepted") verdicts.accepted++;
            }
            expectQueuedOnlyRealVnets();
            expect(rig.emu.count(), "onNetworkEvent never calls ARM").toBe(0);
            t.add({ cases: 1 });
          },
        ),
        { numRuns: CASES, seed: 20261122 },
      );
      // Not vacuous: the generator reaches every verdict.
      expect(verdicts.accepted).toBeGreaterThan(CASES / 100);
      expect(verdicts.ignored).toBeGreaterThan(CASES / 100);
      expect(verdicts.malformed).toBeGreaterThan(CASES / 100);
    });
  }

  const RECONCILE_LINES = [
    "ReconcileMessageMalformed",
    "ReconcileRun",
    "ReconcileAction",
    "ReconcileRetry",
    "ReconcileFailed",
    "ReconcilePoisoned",
  ];

  it("reconcile queue messages: dropped by name, or a run that reads only watched VNets and writes nothing", async (context) => {
    const t = tally(context, "hostile input");
    let runs = 0;
    const message = fc.record(
      {
        vnetId: mostly(hostileId),
        cause: mostly(fc.constantFrom("event", "sweep")),
        correlationId: mostly(fc.oneof(fc.uuid(), fc.constant("c".repeat(300)))),
        enqueuedAt: mostly(fc.constantFrom("2026-11-22T10:00:00.000Z", "2026-13-45T99:99:99Z")),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 6, arbitrary: message }, { weight: 1, arbitrary: junk }),
        decoration,
        fc.boolean(),
        fc.constantFrom("reconcileVnet", "reconcilePoison"),
        async (item, how, asString, target) => {
          const logs: LogLine[] = [];
          const context = testContext(target, logs, { dequeueCount: 1 });
          const handler = target === "reconcileVnet" ? reconcileVnet : reconcilePoison;
          try {
            await handler(asInput(item, how, asString), context, mem.rt);
          } catch (err) {
            // The only throw allowed: "retry me later", by name.
            expect(err).toBeInstanceOf(RetryLaterError);
          }
          if (logs.some((l) => l.message === "ReconcileRun")) runs++;
          expectSafe(logs, RECONCILE_LINES);
          for (const line of logs.filter((l) => l.message === "ReconcileMessageMalformed"))
            expect(line.data?.field).toEqual(expect.any(String));
          t.add({ cases: 1 });
        },
      ),
      { numRuns: CASES, seed: 7 },
    );
    expect(runs).toBeGreaterThan(0);
  });

  it("resync-runs queue messages: dropped by name, or a run inside the watched subscriptions that writes nothing", async (context) => {
    const t = tally(context, "hostile input");
    const scopeEntry = fc.oneof(
      hostileId,
      fc.constantFrom(
        `/subscriptions/${WATCHED}`,
        `/subscriptions/${FOREIGN}`,
        `/subscriptions/${FOREIGN}/resourceGroups/rg-f`,
        `/subscriptions/${WATCHED}/resourceGroups/..`,
        `/subscriptions/${WATCHED}/resourceGroups/rg-net/../../../subscriptions/${FOREIGN}`,
        "/",
        "",
      ),
    );
    const message = fc.record(
      {
        runId: mostly(fc.uuid()),
        scope: mostly(fc.array(mostly(scopeEntry), { maxLength: 4 })),
        repairDisconnected: mostly(fc.boolean()),
        correlationId: mostly(fc.uuid()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 6, arbitrary: message }, { weight: 1, arbitrary: junk }),
        decoration,
        fc.boolean(),
        async (item, how, asString) => {
          const logs: LogLine[] = [];
          try {
            await resyncRun(
              asInput(item, how, asString),
              testContext("resyncRun", logs, { dequeueCount: 1 }),
              mem.rt,
            );
          } catch (err) {
            expect(err).toBeInstanceOf(RetryLaterError);
          }
          expectSafe(logs, [...RECONCILE_LINES, "ResyncRunSkipped"]);
          t.add({ cases: 1 });
        },
      ),
      { numRuns: sample(200, FULL_CASES), seed: 11 },
    );
  });

  it("POST /api/resync bodies: 4xx naming the field, or a dry run / queued run inside the watched subscriptions", async (context) => {
    const t = tally(context, "hostile input");
    const statuses = new Map<number, number>();
    const scopeEntry = fc.oneof(
      { weight: 3, arbitrary: hostileId },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          `/subscriptions/${WATCHED}`,
          `/subscriptions/${FOREIGN}`,
          IDS.hub,
          `/subscriptions/${WATCHED}/resourceGroups/..`,
        ),
      },
    );
    const body = fc.record(
      {
        scope: mostly(fc.array(mostly(scopeEntry), { maxLength: 60 })),
        dryRun: mostly(fc.boolean()),
        repairDisconnected: mostly(fc.boolean()),
        dryrun: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    const realBody = fc.record({
      scope: fc.subarray(
        [IDS.hub, IDS.spoke, IDS.missing, `/subscriptions/${WATCHED}/resourceGroups/rg-net`],
        {
          minLength: 1,
        },
      ),
      dryRun: fc.boolean(),
    });
    const raw = fc.oneof(
      { weight: 3, arbitrary: realBody.map((b) => JSON.stringify(b)) },
      {
        weight: 8,
        arbitrary: fc.tuple(body, decoration).map(([b, how]) => JSON.stringify(decorate(b, how, "extra"))),
      },
      { weight: 1, arbitrary: junk.map((j) => JSON.stringify(j) ?? "") },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "[".repeat(30_000),
          `{"scope":${"[".repeat(10_000)}${"]".repeat(10_000)}}`,
          "\uFEFF{}",
          '{"scope":["' + "a".repeat(70_000) + '"]}',
          "",
        ),
      },
    );
    await fc.assert(
      fc.asyncProperty(
        raw,
        fc.constantFrom(undefined, "0", "1", "999999999", "-5", "abc"),
        async (text, length) => {
          const logs: LogLine[] = [];
          const request = new HttpRequest({
            method: "POST",
            url: "http://localhost:7071/api/resync",
            body: { string: text },
            headers: { "content-type": "application/json", ...(length ? { "content-length": length } : {}) },
          });
          const queuedBefore = mem.resyncQueue.sent.length;
          const response: HttpResponseInit = await resync(request, testContext("resync", logs), mem.rt);
          const status = response.status ?? 200;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          expect([200, 202, 400, 403, 413], JSON.stringify(response.jsonBody)?.slice(0, 500)).toContain(
            status,
          );
          const answer = JSON.stringify(response.jsonBody ?? response.body ?? "");
          for (const secret of SECRETS) expect(answer).not.toContain(secret);
          if (status >= 400) {
            const error = (response.jsonBody as { error?: { code?: unknown; target?: unknown } }).error;
            expect(error?.code).toEqual(expect.any(String));
            expect(error?.target).toEqual(expect.any(String));
            expect(mem.resyncQueue.sent.length).toBe(queuedBefore);
          }
          for (const { message } of mem.resyncQueue.sent.slice(queuedBefore)) {
            for (const id of message.scope) {
              expect(WATCHED_SUBS).toContain(subscriptionOf(id));
              expect(id.split("/")).not.toContain("..");
            }
          }
          expectSafe(logs, [
            "ResyncRejected",
            "ResyncPlanned",
            "ResyncQueued",
            "ReconcileRun",
            "ReconcileAction",
          ]);
          t.add({ cases: 1 });
        },
      ),
      { numRuns: CASES, seed: 5 },
    );
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect((statuses.get(200) ?? 0) + (statuses.get(202) ?? 0)).toBeGreaterThan(0);
    // Run what was queued: a legitimate run inside the watched subscriptions, writing nothing here.
    for (const { message } of mem.resyncQueue.sent.splice(0, 50)) {
      const logs: LogLine[] = [];
      await resyncRun(message, testContext("resyncRun", logs, { dequeueCount: 1 }), mem.rt).catch(
        (err: unknown) => expect(err).toBeInstanceOf(RetryLaterError),
      );
      expectSafe(logs, [...RECONCILE_LINES, "ResyncRunSkipped"]);
    }
  });

  it("POST /api/what-if bodies: 4xx naming the field, or an answer read inside the watched subscriptions", async (context) => {
    const t = tally(context, "hostile input");
    const statuses = new Map<number, number>();
    const vnet = fc.oneof(
      { weight: 2, arbitrary: hostileId },
      { weight: 2, arbitrary: fc.constantFrom(IDS.hub, IDS.spoke, IDS.missing, IDS.denied, IDS.foreign) },
    );
    const prefix = fc.oneof(
      fc.constantFrom(
        "10.5.0.0/16",
        "10.0.0.0/16",
        "10.1.128.0/17",
        "2001:db8::/64",
        "10.0.0.1/16",
        "300.1.0.0/16",
        "",
      ),
      fc.string({ maxLength: 40 }),
    );
    const prefixes = mostly(fc.array(mostly(prefix), { maxLength: 250 }));
    const change = fc.record(
      { vnet: mostly(vnet), add: prefixes, remove: prefixes, addressSpace: prefixes },
      { requiredKeys: [] },
    );
    const tfPlan = fc.record({
      resource_changes: mostly(
        fc.array(
          fc.record({
            type: fc.constantFrom("azurerm_virtual_network", "azapi_resource", "azapi_update_resource", "x"),
            address: mostly(fc.string({ maxLength: 40 })),
            change: mostly(
              fc.record({
                actions: mostly(fc.subarray(["update", "create", "delete", "no-op"])),
                before: mostly(
                  fc.record({
                    id: mostly(vnet),
                    address_space: prefixes,
                    type: mostly(fc.string()),
                    body: junk,
                  }),
                ),
                after: mostly(fc.record({ address_space: prefixes, body: junk })),
              }),
            ),
          }),
          { maxLength: 20 },
        ),
      ),
    });
    const body = fc.oneof(
      { weight: 4, arbitrary: change },
      { weight: 1, arbitrary: fc.record({ changes: mostly(fc.array(mostly(change), { maxLength: 30 })) }) },
      { weight: 1, arbitrary: fc.record({ terraformPlan: mostly(tfPlan) }) },
      {
        weight: 1,
        arbitrary: fc.record({
          armWhatIf: mostly(fc.record({ changes: mostly(fc.array(junk, { maxLength: 10 })) })),
        }),
      },
    );
    const realBody = fc.record({
      vnet: fc.constantFrom(IDS.hub, IDS.spoke),
      add: fc.subarray(["10.5.0.0/16", "10.6.0.0/16", "10.1.128.0/17", "10.0.0.0/8"], { minLength: 1 }),
    });
    const raw = fc.oneof(
      { weight: 3, arbitrary: realBody.map((b) => JSON.stringify(b)) },
      {
        weight: 8,
        arbitrary: fc.tuple(body, decoration).map(([b, how]) => JSON.stringify(decorate(b, how, "extra"))),
      },
      { weight: 1, arbitrary: junk.map((j) => JSON.stringify(j) ?? "") },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "[".repeat(30_000),
          "\uFEFF{}",
          "",
          '{"vnet":"' + "a".repeat(70_000) + '"}',
        ),
      },
    );
    await fc.assert(
      fc.asyncProperty(raw, async (text) => {
        const logs: LogLine[] = [];
        const request = new HttpRequest({
          method: "POST",
          url: "http://localhost:7071/api/what-if",
          body: { string: text },
          headers: { "content-type": "application/json" },
        });
        const response: HttpResponseInit = await whatIf(request, testContext("whatIf", logs), mem.rt);
        const status = response.status ?? 200;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        expect([200, 400, 413], JSON.stringify(response.jsonBody)?.slice(0, 500)).toContain(status);
        const answer = JSON.stringify(response.jsonBody ?? response.body ?? "");
        for (const secret of SECRETS) expect(answer).not.toContain(secret);
        if (status >= 400) {
          const error = (response.jsonBody as { error?: { code?: unknown; target?: unknown } }).error;
          expect(error?.code).toEqual(expect.any(String));
          expect(error?.target).toEqual(expect.any(String));
        }
        expectSafe(logs, ["WhatIfAnswered"]);
        t.add({ cases: 1 });
      }),
      { numRuns: CASES, seed: 7 },
    );
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(200)).toBeGreaterThan(0);
  });

  it("GET /api/resync/{runId}: 400 or 404 by name for anything but a known run id", async (context) => {
    const t = tally(context, "hostile input");
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uuid(), fc.string({ maxLength: 100 }), hostileId), async (runId) => {
        const logs: LogLine[] = [];
        const request = new HttpRequest({
          method: "GET",
          url: "http://localhost:7071/api/resync/x",
          params: { runId },
        });
        const response = await resyncStatus(request, testContext("resyncStatus", logs), mem.rt);
        expect([200, 400, 404]).toContain(response.status);
        if (response.status !== 200)
          expect((response.jsonBody as { error: { code: string } }).error.code).toMatch(
            /^(InvalidRunId|RunNotFound)$/,
          );
        expectSafe(logs, []);
        t.add({ cases: 1 });
      }),
      { numRuns: sample(100, FULL_CASES), seed: 3 },
    );
  });

  it(
    "untrusted ARM text (control characters, Markdown, HTML, escaped secrets): inert in every output",
    async (context) => {
      const t = tally(context, "hostile input");
      // The secrets the app is configured with (the storage key is not: this runtime uses Azurite's).
      const secretSettings = secretsOf(mem.rt.settings);
      const known = SECRETS.filter((x) => secretSettings.some((v) => v.includes(x)));
      const forms = [...new Set(known.flatMap(encodedForms))];
      const noSecret = (where: string, text: string) => {
        for (const form of forms) expect(text.includes(form), `${where} shows a secret`).toBe(false);
      };
      // eslint-disable-next-line no-control-regex
      const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
      const peering = `${IDS.hub}/virtualNetworkPeerings/to-spoke`;
      // The page reads ARM: through a port with the SDK's usual timeout, not the rig's 250 ms one, so a
      // busy machine cannot turn a case into a 503.
      const page = await memoryRuntime(
        { WATCHED_SUBSCRIPTIONS: WATCHED_SUBS.join(","), ...SECRET_ENV },
        emulatorPort(rig.emu),
      );
      let sentCards = 0;
      await fc.assert(
        fc.asyncProperty(
          untrustedText(known),
          untrustedText(known),
          fc.boolean(),
          fc.constantFrom(undefined, "application/json"),
          async (message, reason, colour, accept) => {
            const runId = `untrusted-${sentCards}`;
            const report: RunReport = {
              runId,
              trigger: "event",
              correlationId: "c-untrusted",
              startedAt: "2026-11-22T10:00:00.000Z",
              finishedAt: "2026-11-22T10:00:01.000Z",
              dryRun: false,
              scope: [IDS.hub],
              vnetsRead: 2,
              results: [
                {
                  action: {
                    kind: "sync",
                    id: `sync:${peering}`,
                    target: peering,
                    vnetId: IDS.hub,
                    remoteVnetId: IDS.spoke,
                    reason,
                    before: {
                      syncLevel: "LocalNotInSync",
                      remoteAddressSpace: [],
                      remoteVirtualNetworkAddressSpace: [],
                    },
                  },
                  result: {
                    status: "failed",
                    error: { code: "InvalidRequestFormat", message, retryable: false },
                  },
                },
              ],
            };

            // The CLI: table (with and without colour) and JSON.
            for (const output of ["table", "json"] as const) {
              const text = printedRun(report, "apply", output, {
                secrets: secretSettings,
                colour,
                width: 120,
              });
              noSecret(`CLI ${output}`, text);
              // eslint-disable-next-line no-control-regex
              const bare = colour && output === "table" ? text.replace(/\u001b\[[0-9;]*m/g, "") : text;
              expect(CONTROL.test(bare), `CLI ${output} prints a control character`).toBe(false);
              if (output === "json") JSON.parse(text);
            }

            // The status page or its JSON, through the handler, with the run in the audit.
            await page.audit.recordRun(report, undefined);
            try {
              const response = await status(
                new HttpRequest({
                  method: "GET",
                  url: "http://localhost:7071/api/status",
                  headers: accept ? { accept } : {},
                }),
                testContext("status", []),
                page.rt,
              );
              expect(response.status, JSON.stringify(response.jsonBody ?? response.body).slice(0, 300)).toBe(
                200,
              );
              const body = String(response.body);
              noSecret(`status ${accept ?? "page"}`, body);
              if (!accept)
                // Only the page's own scripts: each one's hash is in the policy that lets it run.
                for (const [, script] of body.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/gi))
                  expect(STATUS_PAGE_CSP, "a script the page did not write").toContain(
                    `'sha256-${createHash("sha256")
                      .update(script ?? "", "utf8")
                      .digest("base64")}'`,
                  );
              else JSON.parse(body);
            } finally {
              page.audit.runs.delete(runId);
            }

            // Alerts: what Teams, the webhook and email would get, and the alert log lines.
            const posted: string[] = [];
            const alertLines: string[] = [];
            let digest: Digest | undefined;
            const capture: AlertSender = {
              channel: "capture",
              async send(d) {
                digest = d;
                return { attempts: 1 };
              },
            };
            const alerting = createAlerting(page.rt.settings, {
              logger: {
                info: (m) => alertLines.push(m),
                warn: (m) => alertLines.push(m),
                error: (m) => alertLines.push(m),
              },
              extraSenders: [capture],
              fetch: async (_url, init) => {
                posted.push(String(init?.body));
                return new Response(null, { status: 202 });
              },
            });
            await alerting.afterRun(report);
            expect(digest, "the failure is alerted").toBeDefined();
            const email = renderEmail(digest!);
            for (const [where, text] of [
              ...posted.map((p) => ["posted alert", p] as const),
              ["email", `${email.subject}\n${email.html}\n${email.text}`] as const,
              ["alert log", alertLines.join("\n")] as const,
            ])
              noSecret(where, text);
            const teams = posted.find((p) => p.includes("AdaptiveCard"));
            expect(teams, "a Teams card was posted").toBeDefined();
            const walk = (value: unknown, path: string): void => {
              if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}[${i}]`));
              if (value === null || typeof value !== "object") return;
              const o = value as Record<string, unknown>;
              const texts = [o.type === "TextBlock" ? o.text : undefined, o.title, o.value];
              for (const text of texts)
                if (typeof text === "string")
                  expect(
                    activeMarkdown(text, path.endsWith("body[1]")),
                    `${path}: ${text.slice(0, 200)}`,
                  ).toEqual([]);
              for (const [k, v] of Object.entries(o)) walk(v, `${path}.${k}`);
            };
            walk(
              (JSON.parse(teams!) as { attachments: Array<{ content: unknown }> }).attachments[0]!.content,
              "card",
            );
            sentCards++;

            // Log lines and App Insights custom events.
            const logs: LogLine[] = [];
            logRun(testContext("reconcileVnet", logs), report, 1);
            noSecret("log lines", logs.map((l) => `${l.message} ${JSON.stringify(l.data ?? {})}`).join("\n"));
            noSecret("custom events", JSON.stringify(actionTelemetryOf(report)));
            t.add({ cases: 1 });
          },
        ),
        { numRuns: UNTRUSTED_CASES, seed: 20261206 },
      );
      expect(sentCards).toBe(UNTRUSTED_CASES);
    },
    UNTRUSTED_TIMEOUT_MS,
  );

  it(`every input was fuzzed with ${FULL ? `at least ${FULL_CASES}` : "its sample of"} cases`, (context) => {
    tally(context, "hostile input");
    const fuzzed = context.task.suite!.tasks.filter(
      (task) => task !== context.task && (task.meta.reliability?.cases ?? 0) > 0,
    );
    expect(fuzzed.map((task) => task.name)).toHaveLength(8);
    for (const task of fuzzed)
      expect(task.meta.reliability!.cases, task.name).toBeGreaterThanOrEqual(FULL ? FULL_CASES : 100);
  });

  it("memory stays bounded and nothing leaked across all of it", (context) => {
    tally(context, "hostile input");
    gc();
    const grownMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    expect(grownMb, `heap grew ${grownMb.toFixed(1)} MB`).toBeLessThan(150);
    expect(unhandled).toEqual([]);
    expect(rig.emu.internalErrors).toEqual([]);
    expectNoPollution();
  });
});
