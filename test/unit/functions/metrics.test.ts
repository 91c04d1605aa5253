import { describe, expect, it } from "vitest";
import { ingestionIdentity } from "../../../src/azure/app-insights-metrics.js";
import { ConfigError, parseSettings } from "../../../src/config.js";
import {
  actionTelemetryOf,
  publishRun,
  runTelemetryOf,
  type ActionTelemetry,
  type Metrics,
  type RunTelemetry,
} from "../../../src/functions/metrics.js";
import { redactInTelemetry } from "../../../src/functions/telemetry.js";
import type { RunReport } from "../../../src/reconcile/run-report.js";

const SUB = "aaaaaaaa-0000-4000-8000-000000000001";
const HUB = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub`;
const SPOKE = `/subscriptions/${SUB.toUpperCase()}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/spoke`;
const CLIENT_ID = "0f0e0d0c-0b0a-4909-8807-060504030201";
const CONNECTION = "InstrumentationKey=11111111-2222-4333-8444-555555555555;IngestionEndpoint=https://x/";

const report: RunReport = {
  runId: "run-1",
  trigger: "event",
  correlationId: "evt-1",
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: "2026-01-01T00:00:01.500Z",
  dryRun: false,
  scope: [HUB],
  vnetsRead: 2,
  results: [
    {
      action: {
        kind: "sync",
        id: "a1",
        target: `${SPOKE}/virtualNetworkPeerings/spoke-to-hub`,
        vnetId: SPOKE,
        reason: "the hub grew",
        remoteVnetId: HUB,
        before: { syncLevel: "LocalNotInSync", remoteAddressSpace: [], remoteVirtualNetworkAddressSpace: [] },
      },
      result: {
        status: "failed",
        error: { code: "AnotherOperationInProgress", message: "busy: another operation", retryable: true },
      },
    },
    {
      action: {
        kind: "alertOnly",
        id: "a2",
        target: `${HUB}/virtualNetworkPeerings/hub-to-spoke`,
        vnetId: HUB,
        reason: "r",
        problem: "AddressSpaceOverlap",
        remedy: "renumber",
      },
      result: { status: "succeeded" },
    },
    {
      action: { kind: "skip", id: "a3", target: HUB, vnetId: HUB, reason: "r", skip: "OptOutTag" },
      result: { status: "skipped", why: "tagged" },
    },
  ],
};

describe("custom events of a run", () => {
  it("give one ReconcileAction per action with kind, result, subscription and the error code, never the message", () => {
    const actions = actionTelemetryOf(report);
    expect(actions).toEqual([
      {
        runId: "run-1",
        correlationId: "evt-1",
        trigger: "event",
        dryRun: false,
        kind: "sync",
        result: "failed",
        subscriptionId: SUB,
        vnetId: SPOKE,
        target: `${SPOKE}/virtualNetworkPeerings/spoke-to-hub`,
        errorCode: "AnotherOperationInProgress",
        retryable: true,
      },
      expect.objectContaining({ kind: "alertOnly", result: "succeeded", problem: "AddressSpaceOverlap" }),
      expect.objectContaining({ kind: "skip", result: "skipped", skip: "OptOutTag" }),
    ]);
    expect(JSON.stringify(actions)).not.toContain("busy");
  });

  it("mask a secret setting's value wherever it turns up, as the log lines do", () => {
    const leaked = "not-really-a-key-but-a-secret-0123";
    redactInTelemetry([leaked]);
    const actions = actionTelemetryOf({ ...report, correlationId: `evt-${leaked}` });
    expect(JSON.stringify(actions)).not.toContain(leaked);
    expect(actions[0]?.correlationId).toBe("evt-[redacted]");
    expect(runTelemetryOf({ ...report, correlationId: leaked }, 0).correlationId).toBe("[redacted]");
  });

  it("give one ReconcileRun with counts by kind and result, writes and duration", () => {
    expect(runTelemetryOf(report, 1)).toEqual({
      runId: "run-1",
      correlationId: "evt-1",
      trigger: "event",
      dryRun: false,
      result: "failed",
      vnetsRead: 2,
      actions: 3,
      writes: 1,
      durationMs: 1500,
      byResult: { succeeded: 1, skipped: 1, failed: 1 },
      counts: { sync: { failed: 1 }, alertOnly: { succeeded: 1 }, skip: { skipped: 1 } },
    });
  });

  it("are published, then flushed, and a failing adapter does not fail the caller", async () => {
    const seen: string[] = [];
    const recording: Metrics = {
      actionCompleted: (a: ActionTelemetry) => void seen.push(`action ${a.kind}`),
      runCompleted: (r: RunTelemetry) => void seen.push(`run ${r.result}`),
      flush: async () => void seen.push("flush"),
    };
    await publishRun(recording, report, 1);
    expect(seen).toEqual(["action sync", "action alertOnly", "action skip", "run failed", "flush"]);

    const broken: Metrics = {
      actionCompleted: () => {
        throw new Error("boom");
      },
      runCompleted: () => undefined,
      flush: async () => void seen.push("flushed anyway"),
    };
    await expect(publishRun(broken, report, 1)).resolves.toBeUndefined();
    expect(seen.at(-1)).toBe("flushed anyway");
  });
});

describe("telemetry settings", () => {
  const base = { WATCHED_SUBSCRIPTIONS: SUB };

  it("accept a connection string and the Functions host's authentication string, in either order", () => {
    const s = parseSettings({
      ...base,
      APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${CLIENT_ID};Authorization=AAD`,
    });
    expect(s.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe(CONNECTION);
    expect(s.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toEqual({
      authorization: "AAD",
      clientId: CLIENT_ID,
    });
    expect(
      parseSettings({ ...base, APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD" })
        .APPLICATIONINSIGHTS_AUTHENTICATION_STRING,
    ).toEqual({ authorization: "AAD" });
  });

  it.each([
    ["APPLICATIONINSIGHTS_CONNECTION_STRING", "IngestionEndpoint=https://x/"],
    ["APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=not-a-guid"],
    ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING", `ClientId=${CLIENT_ID}`],
    ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "Authorization=ikey"],
  ])("refuse a malformed %s by name, without echoing it", (name, value) => {
    let error: unknown;
    try {
      parseSettings({ ...base, [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.setting)).toEqual([name]);
    expect((error as ConfigError).message).not.toContain(value);
  });

  it("send with the identity the authentication string names, else AZURE_CLIENT_ID, else the system-assigned one", () => {
    const parse = (env: Record<string, string>) => ingestionIdentity(parseSettings({ ...base, ...env }));
    expect(parse({})).toBeUndefined();
    expect(parse({ AZURE_CLIENT_ID: CLIENT_ID })).toBeUndefined();
    const other = "99999999-8888-4777-8666-555555555555";
    expect(
      parse({
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `Authorization=AAD;ClientId=${CLIENT_ID}`,
        AZURE_CLIENT_ID: other,
      }),
    ).toEqual({ clientId: CLIENT_ID });
    expect(
      parse({ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD", AZURE_CLIENT_ID: other }),
    ).toEqual({ clientId: other });
    expect(parse({ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD" })).toEqual({});
  });
});
