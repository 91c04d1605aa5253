import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { redactData } from "../alerts/redact.js";
import type { ActionRecord, AuditStore, RunRecord } from "../app/ports.js";
import { ArmError } from "../reconcile/errors.js";
import { plan } from "../reconcile/plan.js";
import { readSnapshot } from "../reconcile/run.js";
import { withTenantAccess } from "../reconcile/tenants.js";
import { buildStatusReport, renderStatusPage, STATUS_PAGE_CSP, type StatusReport } from "../status/index.js";
import { armFailure, internalError } from "./http.js";
import { READ_ROLES, refuseWithoutRole } from "./app-roles.js";
import { runtime, type Runtime } from "./runtime.js";
import { logEvent } from "./telemetry.js";

/** Runs listed on the page, and how many of them (with writes) are opened for their actions. */
export const RECENT_RUNS = 15;
const RUNS_WITH_ACTIONS = 5;

/**
 * GET /api/status: the health page. Takes the last read of every watched subscription (statusReport),
 * plans (a dry run: nothing is written, nothing is recorded), reads the recent runs from the audit, and answers
 * the self-contained HTML page, or the same data as JSON when the caller accepts application/json.
 */
export async function status(
  request: HttpRequest,
  context: InvocationContext,
  rt?: Runtime,
): Promise<HttpResponseInit> {
  try {
    const r = rt ?? (await runtime());
    const unauthorized = refuseWithoutRole(request, r.settings.REQUIRE_APP_ROLES, READ_ROLES);
    if (unauthorized) return unauthorized;
    let report: StatusReport;
    try {
      report = await statusReport(r);
    } catch (err) {
      if (err instanceof ArmError) return armFailure(err);
      throw err;
    }
    logEvent(context, "info", "StatusServed", {
      vnets: report.summary.vnets,
      readAt: report.readAt,
      problems: report.problems.length,
      json: wantsJson(request),
    });
    // The page shows ARM and audit data, and an error message quoted from either could carry
    // anything: secrets are taken out of the data before it is rendered, so no escaping (HTML, JSON)
    // can hide one from the redaction.
    const safe = redactData(report, r.secrets);
    const headers = {
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": STATUS_PAGE_CSP,
      "Referrer-Policy": "no-referrer",
    };
    if (wantsJson(request)) {
      return {
        status: 200,
        headers: { ...headers, "Content-Type": "application/json; charset=utf-8" },
        body: JSON.stringify(safe),
      };
    }
    return {
      status: 200,
      headers: { ...headers, "Content-Type": "text/html; charset=utf-8" },
      body: renderStatusPage(safe),
    };
  } catch (err) {
    return internalError(context, err);
  }
}

/**
 * The report the page shows: the last read of the estate (re-read through the port only when older
 * than STATUS_REFRESH_SECONDS, one read for concurrent views), planned with the runtime's policy, and
 * the audit's recent runs, which are read on every view (Table reads, not ARM's budget).
 */
export async function statusReport(r: Runtime): Promise<StatusReport> {
  const [{ snapshot, readAt }, recent] = await Promise.all([
    r.statusSnapshots.get(
      async () => (await readSnapshot(r.port, r.policy, [], r.settings.MAX_PARALLEL_VNETS)).snapshot,
    ),
    recentActivity(r.audit),
  ]);
  // Across tenants, the page shows what a run would really do and groups subscriptions by tenant.
  const tenants = await withTenantAccess(r.port, snapshot, plan(snapshot, r.policy), r.policy);
  return buildStatusReport({
    snapshot,
    plan: tenants.plan,
    ...(tenants.tenantOfSubscription ? { tenantOfSubscription: tenants.tenantOfSubscription } : {}),
    generatedAt: r.now().toISOString(),
    readAt: readAt.toISOString(),
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
