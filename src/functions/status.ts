import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { redact } from "../alerts/redact.js";
import { SECRET_SETTINGS } from "../config.js";
import type { ActionRecord, AuditStore, RunRecord } from "../events/ports.js";
import { ArmError } from "../reconcile/errors.js";
import { plan } from "../reconcile/plan.js";
import { readSnapshot } from "../reconcile/run.js";
import { buildStatusReport, renderStatusPage, type StatusReport } from "../status/index.js";
import { armFailure, internalError } from "./http.js";
import { runtime, type Runtime } from "./runtime.js";
import { logEvent } from "./telemetry.js";

/** Runs listed on the page, and how many of them (with writes) are opened for their actions. */
export const RECENT_RUNS = 15;
const RUNS_WITH_ACTIONS = 5;

/**
 * GET /api/status: the health page. Reads every watched subscription through the port, plans (a dry
 * run: nothing is written, nothing is recorded), reads the recent runs from the audit, and answers
 * the self-contained HTML page, or the same data as JSON when the caller accepts application/json.
 */
export async function status(
  request: HttpRequest,
  context: InvocationContext,
  rt?: Runtime,
): Promise<HttpResponseInit> {
  try {
    const r = rt ?? (await runtime());
    let report: StatusReport;
    try {
      report = await statusReport(r);
    } catch (err) {
      if (err instanceof ArmError) return armFailure(err);
      throw err;
    }
    logEvent(context, "info", "StatusServed", {
      vnets: report.summary.vnets,
      problems: report.problems.length,
      json: wantsJson(request),
    });
    const secrets = [...SECRET_SETTINGS].map((name) => r.settings[name as keyof typeof r.settings]);
    const headers = {
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      // Inline CSS and scripts; the only request the page makes is the what-if form's POST to this
      // same app (connect-src 'self').
      "Content-Security-Policy":
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      "Referrer-Policy": "no-referrer",
    };
    // Belt and braces: the page shows ARM and audit data only, but an error message quoted from the
    // audit could carry anything; secrets never leave.
    if (wantsJson(request)) {
      return {
        status: 200,
        headers: { ...headers, "Content-Type": "application/json; charset=utf-8" },
        body: redact(JSON.stringify(report), secrets as (string | undefined)[]),
      };
    }
    return {
      status: 200,
      headers: { ...headers, "Content-Type": "text/html; charset=utf-8" },
      body: redact(renderStatusPage(report), secrets as (string | undefined)[]),
    };
  } catch (err) {
    return internalError(context, err);
  }
}

/** The report the page shows, built from the runtime's port, policy and audit. */
export async function statusReport(r: Runtime): Promise<StatusReport> {
  const [{ snapshot }, recent] = await Promise.all([
    readSnapshot(r.port, r.policy, [], r.settings.MAX_PARALLEL_VNETS),
    recentActivity(r.audit),
  ]);
  return buildStatusReport({
    snapshot,
    plan: plan(snapshot, r.policy),
    generatedAt: r.now().toISOString(),
    reportOnly: r.policy.reportOnly,
    recentRuns: recent.runs,
    recentActions: recent.actions,
  });
}

/** The latest runs, and the actions of the latest few that wrote something. */
export async function recentActivity(
  audit: AuditStore,
): Promise<{ runs: RunRecord[]; actions: ActionRecord[] }> {
  const runs = await audit.listRecentRuns(RECENT_RUNS);
  const withWrites = runs.filter((run) => !run.dryRun && writesOf(run) > 0).slice(0, RUNS_WITH_ACTIONS);
  const found = await Promise.all(withWrites.map((run) => audit.getRun(run.runId)));
  return { runs, actions: found.flatMap((f) => f?.actions ?? []) };
}

function writesOf(run: RunRecord): number {
  const s = run.summary ?? {};
  return (s.sync ?? 0) + (s.createReciprocal ?? 0) + (s.resetDisconnected ?? 0);
}

/** JSON when the caller asks for it and does not prefer HTML (a browser sends text/html first). */
function wantsJson(request: HttpRequest): boolean {
  const accept = (request.headers.get("accept") ?? "").toLowerCase();
  if (!accept.includes("application/json")) return false;
  const html = accept.indexOf("text/html");
  return html === -1 || accept.indexOf("application/json") < html;
}
