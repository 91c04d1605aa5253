import { HttpRequest } from "@azure/functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AppInsightsMetrics,
  appInsightsMetricsFromSettings,
} from "../../../src/azure/app-insights-metrics.js";
import { SECRET_SETTINGS, type Settings } from "../../../src/config.js";
import { noMetrics } from "../../../src/functions/metrics.js";
import { reconcileVnet } from "../../../src/functions/reconcile-vnet.js";
import { resync } from "../../../src/functions/resync.js";
import { testContext } from "../../support/queue-harness.js";
import { secret } from "../../support/secrets.js";
import { SUB_A, SUB_B, logsOf, seedVnets, startStack, vnetId, type Stack } from "../functions/stack.js";
import { INSTRUMENTATION_KEY, startIngestionSink, type IngestionSink } from "./ingestion-sink.js";

/**
 * The custom events and metrics as Application Insights would receive them: the real handlers, the
 * real runtime (Azurite, the emulator) and the real Azure Monitor exporter, posting to a local HTTPS
 * stand-in for the ingestion endpoint (the exporter turns every endpoint into https://).
 */

const HUB = vnetId("hub");
const SPOKE1 = vnetId("spoke1");
const SPOKE2 = vnetId("spoke2", SUB_B);

let stack: Stack | undefined;
let sink: IngestionSink;
const adapters: AppInsightsMetrics[] = [];
let flushFailures: string[];

async function startWith(env: Record<string, string> = {}): Promise<Stack> {
  const s = await startStack({ env });
  // The stack's storage connection string is a secret setting (it carries Azurite's account key).
  for (const name of SECRET_SETTINGS) {
    const value = s.rt.settings[name as keyof Settings];
    if (typeof value === "string") secret(value);
  }
  seedVnets(s, [
    ["hub", SUB_A, "10.0.0.0/16"],
    ["spoke1", SUB_A, "10.1.0.0/16"],
    ["spoke2", SUB_B, "10.2.0.0/16"],
  ]);
  s.emulator.emu.seed.connect(HUB, SPOKE1);
  s.emulator.emu.seed.connect(HUB, SPOKE2);
  return s;
}

/** The adapter the runtime builds from these settings, trusting the sink's throw-away CA. */
function sendToSink(s: Stack, flushTimeoutMs?: number): AppInsightsMetrics {
  const metrics = appInsightsMetricsFromSettings(
    { ...s.rt.settings, APPLICATIONINSIGHTS_CONNECTION_STRING: sink.connectionString },
    {
      ...(sink.caPem ? { caPem: sink.caPem } : {}),
      ...(flushTimeoutMs ? { flushTimeoutMs } : {}),
      onFlushFailure: (reason) => flushFailures.push(reason),
    },
  );
  adapters.push(metrics);
  s.rt.metrics = metrics;
  return metrics;
}

const message = (vnet: string, correlationId: string) => ({
  vnetId: vnet,
  cause: "event" as const,
  correlationId,
  enqueuedAt: new Date().toISOString(),
});

beforeEach(async () => {
  sink = await startIngestionSink({ https: true });
  flushFailures = [];
});
afterEach(async () => {
  for (const a of adapters.splice(0)) await a.shutdown();
  await stack?.stop();
  stack = undefined;
  await sink.close();
});

describe("Application Insights custom events and metrics", () => {
  it("a reconcile run sends one ReconcileAction per action, one ReconcileRun, and the action and duration metrics", async () => {
    stack = await startWith({
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${INSTRUMENTATION_KEY};IngestionEndpoint=https://127.0.0.1:9/`,
    });
    // The runtime loaded the adapter because a connection string is set; point it at the sink.
    expect(stack.rt.metrics).toBeInstanceOf(AppInsightsMetrics);
    adapters.push(stack.rt.metrics as AppInsightsMetrics);
    sendToSink(stack);

    stack.emulator.emu.seed.setAddressSpace(HUB, ["10.0.0.0/16", "10.100.0.0/16"]);
    stack.emulator.emu.injectFault({
      method: "PUT",
      path: "spoke2-to-hub",
      fault: {
        type: "status",
        status: 400,
        code: "InvalidRequestFormat",
        message: "Cannot parse the request.",
      },
    });
    await reconcileVnet(message(HUB, "evt-42"), testContext("reconcileVnet", stack.logs), stack.rt);

    // The log lines are still there, and the events say the same.
    const runLine = logsOf(stack.logs, "ReconcileRun")[0]?.data;
    // Two PUTs went out (the failed one counts as a write too).
    expect(runLine).toMatchObject({ correlationId: "evt-42", writes: 2 });
    const runId = String(runLine?.runId);

    const events = sink.events();
    const actions = events.filter((e) => e.name === "ReconcileAction").map((e) => e.properties);
    expect(actions.map((a) => [a.kind, a.result, a.subscriptionId, a.errorCode]).sort()).toEqual([
      ["sync", "failed", SUB_B, "InvalidRequestFormat"],
      ["sync", "succeeded", SUB_A, undefined],
    ]);
    for (const a of actions) {
      expect(a).toMatchObject({ trigger: "event", dryRun: "false", runId, correlationId: "evt-42" });
    }
    expect(actions.find((a) => a.result === "failed")).toMatchObject({
      target: `${SPOKE2}/virtualNetworkPeerings/spoke2-to-hub`,
      vnetId: SPOKE2,
      retryable: "false",
    });

    const runs = events.filter((e) => e.name === "ReconcileRun");
    expect(runs).toHaveLength(1);
    expect(runs[0]?.properties).toMatchObject({
      trigger: "event",
      result: "failed",
      dryRun: "false",
      runId,
      correlationId: "evt-42",
    });
    expect(JSON.parse(String(runs[0]?.properties.counts))).toEqual({ sync: { succeeded: 1, failed: 1 } });
    expect(runs[0]?.measurements).toMatchObject({
      actions: 2,
      writes: 2,
      succeeded: 1,
      failed: 1,
      skipped: 0,
    });
    expect(runs[0]?.measurements.durationMs).toBeGreaterThanOrEqual(0);

    const counted = sink
      .metrics()
      .filter((m) => m.name === "peering_sync.actions")
      .map((m) => [m.properties.kind, m.properties.result, m.properties.subscriptionId, m.value]);
    expect(counted.sort()).toEqual([
      ["sync", "failed", SUB_B, 1],
      ["sync", "succeeded", SUB_A, 1],
    ]);
    const durations = sink.metrics().filter((m) => m.name === "peering_sync.run.duration");
    expect(durations).toEqual([
      expect.objectContaining({
        count: 1,
        properties: expect.objectContaining({ trigger: "event", result: "failed", dryRun: "false" }),
      }),
    ]);

    for (const envelope of sink.envelopes()) expect(envelope.iKey).toBe(INSTRUMENTATION_KEY);
    // Nothing secret and no free text: not a setting's secret value, not ARM's error message.
    const posted = sink.requests.map((r) => r.body).join("\n");
    for (const name of SECRET_SETTINGS) {
      const value = stack.rt.settings[name as keyof Settings];
      if (typeof value === "string") expect(posted, name).not.toContain(value);
    }
    expect(posted).not.toContain("AccountKey");
    expect(posted).not.toContain("Cannot parse the request");
    expect(flushFailures).toEqual([]);
  });

  it("a resync dry run is counted as dry-run actions that were skipped", async () => {
    stack = await startWith();
    sendToSink(stack);
    stack.emulator.emu.seed.setAddressSpace(HUB, ["10.0.0.0/16", "10.100.0.0/16"]);
    const request = new HttpRequest({
      method: "POST",
      url: "http://localhost:7071/api/resync",
      body: { string: JSON.stringify({ scope: [HUB], dryRun: true }) },
      headers: { "content-type": "application/json" },
    });
    const response = await resync(request, testContext("resync", stack.logs), stack.rt);
    expect(response.status).toBe(200);

    const actions = sink.events().filter((e) => e.name === "ReconcileAction");
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) {
      expect(a.properties).toMatchObject({
        kind: "sync",
        result: "skipped",
        trigger: "manual",
        dryRun: "true",
      });
    }
    expect(sink.events().filter((e) => e.name === "ReconcileRun")[0]?.properties).toMatchObject({
      trigger: "manual",
      dryRun: "true",
    });
    expect(stack.emulator.emu.count({ method: "PUT" })).toBe(0);
  });

  it("sends nothing and fails nothing without a connection string", async () => {
    stack = await startWith();
    expect(stack.rt.metrics).toBe(noMetrics);
    stack.emulator.emu.seed.setAddressSpace(HUB, ["10.0.0.0/16", "10.100.0.0/16"]);

    await reconcileVnet(message(HUB, "evt-1"), testContext("reconcileVnet", stack.logs), stack.rt);

    expect(logsOf(stack.logs, "ReconcileRun")[0]?.data).toMatchObject({ writes: 2 });
    expect(sink.requests).toEqual([]);
  });

  it("an ingestion endpoint answering 500 does not fail the handler, and says so in one warning", async () => {
    stack = await startWith();
    sendToSink(stack);
    sink.always({ status: 500 });
    stack.emulator.emu.seed.setAddressSpace(HUB, ["10.0.0.0/16", "10.100.0.0/16"]);

    await expect(
      reconcileVnet(message(HUB, "evt-500"), testContext("reconcileVnet", stack.logs), stack.rt),
    ).resolves.toBeUndefined();

    expect(stack.emulator.emu.count({ method: "PUT" })).toBe(2);
    expect(sink.requests.length).toBeGreaterThan(0);
    expect(flushFailures).toEqual(["HTTP 500"]);
  });

  it("an ingestion endpoint that never answers holds the handler no longer than the flush timeout", async () => {
    stack = await startWith();
    sendToSink(stack, 400);
    sink.always("hang");
    stack.emulator.emu.seed.setAddressSpace(HUB, ["10.0.0.0/16", "10.100.0.0/16"]);

    // The sink never answers: that the handler returns at all, with the flush given up after its
    // timeout, is the proof (a handler that waited for the sink would hang past the test timeout).
    // No wall-clock bound: how long the reconcile itself takes depends on the machine.
    await reconcileVnet(message(HUB, "evt-hang"), testContext("reconcileVnet", stack.logs), stack.rt);

    expect(stack.emulator.emu.count({ method: "PUT" })).toBe(2);
    expect(flushFailures).toHaveLength(1);
    expect(flushFailures[0]).toMatch(/no answer within 400 ms/);
  });

  it("sends with an Entra ID bearer token when APPLICATIONINSIGHTS_AUTHENTICATION_STRING asks for it", async () => {
    const scopes: string[] = [];
    const metrics = new AppInsightsMetrics({
      connectionString: sink.connectionString,
      ...(sink.caPem ? { caPem: sink.caPem } : {}),
      credential: {
        getToken: async (scope) => {
          scopes.push(...(Array.isArray(scope) ? scope : [scope]));
          return { token: "entra-token-for-test", expiresOnTimestamp: Date.now() + 3_600_000 };
        },
      },
      onFlushFailure: (reason) => flushFailures.push(reason),
    });
    adapters.push(metrics);
    metrics.runCompleted({
      runId: "r1",
      correlationId: "c1",
      trigger: "sweep",
      dryRun: false,
      result: "succeeded",
      vnetsRead: 1,
      actions: 0,
      writes: 0,
      durationMs: 5,
      byResult: { succeeded: 0, skipped: 0, failed: 0 },
      counts: {},
    });
    await metrics.flush();

    expect(sink.requests.length).toBeGreaterThan(0);
    for (const r of sink.requests) expect(r.headers.authorization).toBe("Bearer entra-token-for-test");
    expect(new Set(scopes)).toEqual(new Set(["https://monitor.azure.com/.default"]));
    expect(flushFailures).toEqual([]);
  });

  it("a credential that cannot get a token loses the telemetry, not the run", async () => {
    const metrics = new AppInsightsMetrics({
      connectionString: sink.connectionString,
      ...(sink.caPem ? { caPem: sink.caPem } : {}),
      credential: {
        getToken: async () => {
          throw new Error("no managed identity here");
        },
      },
      onFlushFailure: (reason) => flushFailures.push(reason),
    });
    adapters.push(metrics);
    metrics.actionCompleted({
      runId: "r1",
      correlationId: "c1",
      trigger: "event",
      dryRun: false,
      kind: "sync",
      result: "succeeded",
      subscriptionId: SUB_A,
      vnetId: HUB,
      target: `${HUB}/virtualNetworkPeerings/hub-to-spoke1`,
    });
    await expect(metrics.flush()).resolves.toBeUndefined();

    expect(sink.requests).toEqual([]);
    expect(flushFailures).toEqual([expect.stringMatching(/^no token: /)]);
  });
});
