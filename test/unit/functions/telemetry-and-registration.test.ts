import { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { logEvent, logRun } from "../../../src/functions/telemetry.js";
import type { RunReport } from "../../../src/reconcile/run-report.js";
import { connectedPair, vnet } from "../../support/builders.js";

function capture() {
  const lines: { level: string; args: unknown[] }[] = [];
  const context = new InvocationContext({
    invocationId: "inv-1",
    functionName: "t",
    logHandler: (level, ...args) => lines.push({ level, args }),
  });
  return { context, lines };
}

describe("telemetry lines", () => {
  it("are a stable event name followed by one JSON object (KQL parse_json, not util.inspect)", () => {
    const { context, lines } = capture();
    logEvent(context, "warn", "NetworkEventMalformed", { field: "subject" });
    expect(lines).toEqual([
      {
        level: "warning",
        args: ["NetworkEventMalformed", '{"event":"NetworkEventMalformed","field":"subject"}'],
      },
    ]);
  });

  it("give one ReconcileAction per action and one ReconcileRun per run, with kind, result and counts", () => {
    const hub = vnet("hub");
    const spoke = vnet("spoke");
    const [hs] = connectedPair(hub, spoke);
    const report: RunReport = {
      runId: "r1",
      trigger: "event",
      correlationId: "evt-1",
      startedAt: "2026-01-01T00:00:00.000Z",
      finishedAt: "2026-01-01T00:00:02.000Z",
      dryRun: false,
      scope: [hub.id],
      vnetsRead: 2,
      results: [
        {
          action: {
            kind: "sync",
            id: "a1",
            target: hs.id,
            vnetId: hub.id,
            reason: "r",
            remoteVnetId: spoke.id,
            before: {
              syncLevel: "LocalNotInSync",
              remoteAddressSpace: [],
              remoteVirtualNetworkAddressSpace: [],
            },
          },
          result: {
            status: "failed",
            error: { code: "AnotherOperationInProgress", message: "busy", retryable: true },
          },
        },
      ],
    };
    const { context, lines } = capture();
    logRun(context, report, 1);
    const parsed = lines.map((l) => [
      l.level,
      l.args[0],
      JSON.parse(String(l.args[1])) as Record<string, unknown>,
    ]);
    expect(parsed[0]).toEqual([
      "warning",
      "ReconcileAction",
      expect.objectContaining({
        kind: "sync",
        result: "failed",
        errorCode: "AnotherOperationInProgress",
        retryable: true,
      }),
    ]);
    expect(parsed[1]).toEqual([
      "information",
      "ReconcileRun",
      expect.objectContaining({ runId: "r1", writes: 1, durationMs: 2000, counts: { sync: 1, failed: 1 } }),
    ]);
  });
});

describe("registration", () => {
  it("src/index.ts loads outside the host (test mode skips the registrations) without reading settings", async () => {
    await expect(import("../../../src/index.js")).resolves.toBeDefined();
  });
});
