import type { InvocationContext } from "@azure/functions";
import { redact, redactData } from "../alerts/redact.js";
import type { RunReport } from "../reconcile/run-report.js";
import { flatCounts } from "../reconcile/vocabulary.js";

/**
 * Structured log lines (the custom events and metrics for alerts and workbooks are ./metrics.ts):
 * every line is a stable event name followed by one JSON object. The Functions host formats log
 * arguments with util.format and ships them to Application Insights as traces (with the invocation
 * id), so in KQL:
 *
 *   traces
 *   | where message startswith "ReconcileAction "
 *   | extend d = parse_json(substring(message, strlen("ReconcileAction ")))
 *   | summarize count() by tostring(d.kind), tostring(d.result)
 *
 * The object is passed pre-serialised: util.format would print an object in Node's inspect syntax,
 * which KQL cannot parse. Nothing secret goes in: ids, codes, counts and ARM's error messages only.
 */
export type TelemetryEvent =
  | "NetworkEventAccepted"
  | "NetworkEventIgnored"
  | "NetworkEventMalformed"
  | "ReconcileMessageMalformed"
  | "ReconcileAction"
  | "ReconcileRun"
  | "ReconcileRetry"
  | "ReconcileRequeued"
  | "ReconcileRequeueLimit"
  | "ReconcileFailed"
  | "ReconcilePoisoned"
  | "SweepCompleted"
  | "ResourceGraphUnavailable"
  | "SubscriptionInaccessible"
  | "SubscriptionUnreadable"
  | "ResyncRejected"
  | "ResyncPlanned"
  | "ResyncQueued"
  | "ResyncRunSkipped"
  | "ResyncRunPoisoned"
  | "StatusServed"
  | "WhatIfAnswered"
  | "RequestFailed";

type Level = "debug" | "info" | "warn" | "error";

/** Values of the secret settings, registered by the runtime: no telemetry line ever carries one. */
const secretValues = new Set<string>();

export function redactInTelemetry(values: readonly (string | undefined)[]): void {
  for (const value of values) if (value) secretValues.add(value);
}

/** `text` with every registered secret value masked (the custom events' properties go through it too). */
export function withoutSecrets(text: string): string {
  return redact(text, [...secretValues]);
}

/** A copy of `value` (an HTTP answer's body) with every registered secret value masked in every string. */
export function withoutSecretsIn<T>(value: T): T {
  return redactData(value, [...secretValues]);
}

export function logEvent(
  context: InvocationContext,
  level: Level,
  event: TelemetryEvent,
  fields: Record<string, unknown>,
): void {
  // An error message may quote anything (an SDK error quotes URLs and connection strings). The fields
  // are redacted before they are serialised: JSON escaping would hide a secret holding `"` or `\`.
  const secrets = [...secretValues];
  context[level](event, redact(JSON.stringify({ event, ...redactData(fields, secrets) }), secrets));
}

/** One ReconcileAction line per action and one ReconcileRun line per run. */
export function logRun(context: InvocationContext, report: RunReport, writes: number): void {
  for (const { action, result } of report.results) {
    logEvent(context, result.status === "failed" ? "warn" : "info", "ReconcileAction", {
      runId: report.runId,
      correlationId: report.correlationId,
      trigger: report.trigger,
      kind: action.kind,
      result: result.status,
      target: action.target,
      vnetId: action.vnetId,
      ...(action.kind === "alertOnly" ? { problem: action.problem } : {}),
      ...(result.status === "failed"
        ? { errorCode: result.error.code, retryable: result.error.retryable }
        : {}),
    });
  }
  const counts = flatCounts(report.results);
  logEvent(context, "info", "ReconcileRun", {
    runId: report.runId,
    correlationId: report.correlationId,
    trigger: report.trigger,
    dryRun: report.dryRun,
    scope: report.scope,
    vnetsRead: report.vnetsRead,
    actions: report.results.length,
    writes,
    counts,
    durationMs: Date.parse(report.finishedAt) - Date.parse(report.startedAt),
  });
}
