import { subscriptionOf } from "../reconcile/ids.js";
import type { RunReport } from "../reconcile/run-report.js";
import { countsByKindAndResult } from "../reconcile/vocabulary.js";
import type { InvocationContext } from "@azure/functions";
import type { ActionTelemetry, Metrics, RunTelemetry } from "../app/ports.js";
import { logRun, withoutSecrets } from "./telemetry.js";

export type { ActionStatus, ActionTelemetry, Metrics, RunTelemetry } from "../app/ports.js";
export { noMetrics } from "../app/ports.js";

/**
 * Application Insights custom events and metrics (per action (kind, result) and per run, so
 * users can build Azure Monitor alerts and workbooks on them; nothing secret in them), built from a
 * run report for the Metrics port (src/app/ports.ts, with the other ports).
 * src/azure/app-insights-metrics.ts is the adapter (and the only importer of the OpenTelemetry SDK).
 * Without APPLICATIONINSIGHTS_CONNECTION_STRING the runtime uses `noMetrics`.
 *
 * The JSON log lines of ./telemetry.ts stay: they reach Application Insights as traces through the
 * host, with the invocation id, and are what a person reads. These are what a query counts.
 */

/**
 * The fields are ids and codes, but some come from outside (an event id, ARM's error code): they go
 * through the same redaction as the log lines, so a secret setting's value can never ride along.
 */
export function actionTelemetryOf(report: RunReport): ActionTelemetry[] {
  const correlationId = withoutSecrets(report.correlationId);
  return report.results.map(({ action, result }) => ({
    runId: report.runId,
    correlationId,
    trigger: report.trigger,
    dryRun: report.dryRun,
    kind: action.kind,
    result: result.status,
    subscriptionId: subscriptionOf(action.vnetId) ?? "",
    vnetId: withoutSecrets(action.vnetId),
    target: withoutSecrets(action.target),
    ...(result.status === "failed"
      ? { errorCode: withoutSecrets(result.error.code), retryable: result.error.retryable }
      : {}),
    ...(action.kind === "alertOnly" ? { problem: action.problem } : {}),
    ...(action.kind === "skip" ? { skip: action.skip } : {}),
  }));
}

export function runTelemetryOf(report: RunReport, writes: number): RunTelemetry {
  const { byResult, byKind: counts } = countsByKindAndResult(report.results);
  return {
    runId: report.runId,
    correlationId: withoutSecrets(report.correlationId),
    trigger: report.trigger,
    dryRun: report.dryRun,
    result: byResult.failed > 0 ? "failed" : "succeeded",
    vnetsRead: report.vnetsRead,
    actions: report.results.length,
    writes,
    durationMs: Math.max(0, Date.parse(report.finishedAt) - Date.parse(report.startedAt)),
    byResult,
    counts,
  };
}

/**
 * One ReconcileAction per action and one ReconcileRun per run, sent before the handler goes on (it
 * emits nothing after a run, so this is the flush before the invocation ends). Never throws.
 */
export async function publishRun(metrics: Metrics, report: RunReport, writes: number): Promise<void> {
  try {
    for (const action of actionTelemetryOf(report)) metrics.actionCompleted(action);
    metrics.runCompleted(runTelemetryOf(report, writes));
  } catch (err) {
    console.warn(
      "TelemetryFailed",
      JSON.stringify({ event: "TelemetryFailed", error: err instanceof Error ? err.name : "unknown" }),
    );
  }
  await metrics.flush();
}

/** How a handler that ran a reconcile reports it: its log lines, then its custom events and metrics. */
export async function reportRun(
  context: InvocationContext,
  metrics: Metrics,
  report: RunReport,
  writes: number,
): Promise<void> {
  logRun(context, report, writes);
  await publishRun(metrics, report, writes);
}
