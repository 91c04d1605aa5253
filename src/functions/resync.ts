import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { toJsonDocument } from "../reconcile/plan-document.js";
import { checkResyncRequest, refuseBeyondPolicy } from "../app/resync-request.js";
import { ArmError } from "../reconcile/errors.js";
import { reconcile } from "../reconcile/run.js";
import { armFailure, errorResponse, internalError, readJsonBody } from "./http.js";
import { APP_ROLES, refuseWithoutRole } from "./app-roles.js";
import { reportRun } from "./metrics.js";
import { refuseOverLimit } from "./rate-limit.js";
import { jobDeps } from "./shared.js";
import { runtime, type Runtime } from "./runtime.js";
import { coversEstate } from "./snapshot-cache.js";
import { logEvent, withoutSecretsIn } from "./telemetry.js";

/** Scope lists are short; anything bigger is a mistake or an attack. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * POST /api/resync {scope, dryRun, repairDisconnected}. `dryRun` is required. The request may only
 * narrow the configured policy (refuseBeyondPolicy): asking for more is answered 403 BeyondPolicy.
 * A dry run answers 200 with the plan (the CLI's
 * `--output json` shape). Otherwise the run is recorded as queued, put on the resync-runs queue
 * (resyncRun does the work, so this call returns fast and the work survives a restart) and answered
 * 202 with its id and a Location to poll.
 */
export async function resync(
  request: HttpRequest,
  context: InvocationContext,
  rt?: Runtime,
): Promise<HttpResponseInit> {
  try {
    const r = rt ?? (await runtime());
    const unauthorized = refuseWithoutRole(request, r.settings.REQUIRE_APP_ROLES, [APP_ROLES.resync]);
    if (unauthorized) return reject(context, unauthorized);
    const read = await readJsonBody(request, MAX_BODY_BYTES);
    if (!read.ok) return read.response.status === 413 ? read.response : reject(context, read.response);
    const body = read.body;

    const check = checkResyncRequest(body, r.policy.watchedSubscriptions);
    if (!check.ok) {
      return reject(
        context,
        errorResponse(400, "InvalidRequest", `${check.field} ${check.message}.`, check.field),
      );
    }
    const beyond = refuseBeyondPolicy(check.request, r.policy);
    if (beyond) {
      return reject(
        context,
        errorResponse(403, "BeyondPolicy", `${beyond.field}: ${beyond.message}.`, beyond.field),
      );
    }
    // Every dry run and run reads ARM: one caller must not spend the budget the reconciles need.
    const overLimit = refuseOverLimit(r.resyncLimiter, request, r.settings.REQUIRE_APP_ROLES);
    if (overLimit) return reject(context, overLimit);
    const { scope, dryRun, repairDisconnected } = check.request;
    const correlationId = context.invocationId;

    if (dryRun) {
      const counter = { writes: 0 };
      const readAt = r.now();
      let outcome;
      try {
        outcome = await reconcile(
          {
            trigger: "manual",
            correlationId,
            scope,
            dryRun: true,
            ...(repairDisconnected !== undefined ? { repairDisconnected } : {}),
          },
          jobDeps(r, context, counter),
        );
      } catch (err) {
        if (err instanceof ArmError) return armFailure(err);
        throw err;
      }
      // A dry run of every watched subscription read what the status page shows: keep it for the page.
      if (coversEstate(scope, r.policy.watchedSubscriptions))
        r.statusSnapshots.offer(outcome.snapshot, readAt);
      await r.audit.recordRun(outcome.report, outcome.snapshot, {
        ...(repairDisconnected !== undefined ? { repairDisconnected } : {}),
      });
      await reportRun(context, r.metrics, outcome.report, counter.writes);
      logEvent(context, "info", "ResyncPlanned", { runId: outcome.report.runId, correlationId, scope });
      const document = toJsonDocument(outcome.plan.actions.map((action) => ({ action })));
      // Names in the plan come from ARM: redacted like every other answer (docs/safety.md, "Threat model").
      return {
        status: 200,
        jsonBody: withoutSecretsIn({ runId: outcome.report.runId, dryRun: true, ...document }),
      };
    }

    const runId = r.newId();
    await r.audit.queueRun({
      runId,
      trigger: "manual",
      correlationId,
      status: "queued",
      dryRun: false,
      scope,
      ...(repairDisconnected !== undefined ? { repairDisconnected } : {}),
      queuedAt: r.now().toISOString(),
    });
    await r.resyncQueue.send({
      runId,
      scope,
      correlationId,
      ...(repairDisconnected !== undefined ? { repairDisconnected } : {}),
    });
    logEvent(context, "info", "ResyncQueued", { runId, correlationId, scope });
    const location = new URL(`/api/resync/${runId}`, request.url).toString();
    return { status: 202, headers: { Location: location }, jsonBody: { runId, status: "queued" } };
  } catch (err) {
    return internalError(context, err);
  }
}

function reject(context: InvocationContext, response: HttpResponseInit): HttpResponseInit {
  const error = (response.jsonBody as { error: { code: string; target?: string } }).error;
  logEvent(context, "warn", "ResyncRejected", {
    status: response.status,
    code: error.code,
    ...(error.target ? { field: error.target } : {}),
  });
  return response;
}
