import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { ActionRecord } from "../app/ports.js";
import { errorResponse, internalError } from "./http.js";
import { READ_ROLES, refuseWithoutRole } from "./app-roles.js";
import { runtime, type Runtime } from "./runtime.js";
import { withoutSecretsIn } from "./telemetry.js";

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /api/resync/{runId}: the run's status and, once it ran, its actions and their results. */
export async function resyncStatus(
  request: HttpRequest,
  context: InvocationContext,
  rt?: Runtime,
): Promise<HttpResponseInit> {
  try {
    const r = rt ?? (await runtime());
    const unauthorized = refuseWithoutRole(request, r.settings.REQUIRE_APP_ROLES, READ_ROLES);
    if (unauthorized) return unauthorized;
    const runId = request.params.runId ?? "";
    if (!RUN_ID.test(runId))
      return errorResponse(400, "InvalidRunId", "runId must be a run id (a GUID).", "runId");
    const found = await r.audit.getRun(runId.toLowerCase());
    if (!found) return errorResponse(404, "RunNotFound", "No run with this id.", "runId");
    const { run, actions } = found;
    // The audit holds ARM's messages, which may quote a secret: redacted before they are answered.
    return { status: 200, jsonBody: withoutSecretsIn({ ...run, actions: actions.map(toJsonAction) }) };
  } catch (err) {
    return internalError(context, err);
  }
}

/** The CLI's JSON action fields (src/reconcile/plan-document.ts JsonAction), plus the peering before and after. */
function toJsonAction(a: ActionRecord): Record<string, unknown> {
  return {
    kind: a.kind,
    target: a.target,
    vnet: a.vnetId,
    reason: a.reason,
    ...(a.problem ? { problem: a.problem } : {}),
    ...(a.remedy ? { remedy: a.remedy } : {}),
    ...(a.skip ? { skip: a.skip } : {}),
    result: a.result,
    ...(a.detail ? { detail: a.detail } : {}),
    ...(a.error ? { error: { code: a.error.code, message: a.error.message } } : {}),
    ...(a.before ? { before: a.before } : {}),
    ...(a.after ? { after: a.after } : {}),
  };
}
