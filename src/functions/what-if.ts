import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { ArmError } from "../reconcile/errors.js";
import { parseWhatIfBody, runWhatIf, toMarkdown, WhatIfInputError } from "../what-if/index.js";
import { armFailure, errorResponse, internalError, readJsonBody } from "./http.js";
import { runtime, type Runtime } from "./runtime.js";
import { READ_ROLES, refuseWithoutRole } from "./app-roles.js";
import { refuseOverLimit } from "./rate-limit.js";
import { logEvent, withoutSecretsIn } from "./telemetry.js";

/** A Terraform plan of a large estate is megabytes; more than this is a mistake or an attack. */
export const MAX_WHAT_IF_BODY_BYTES = 4 * 1024 * 1024;

/**
 * POST /api/what-if: the CLI's `what-if` over HTTP, read-only. The body is one change
 * `{vnet, add | remove | addressSpace}`, a list `{changes: [...]}`, or a plan file's JSON under
 * `terraformPlan` or `armWhatIf`. Answers 200 with the same document as `what-if --output json`
 * (`?format=markdown` answers the Markdown summary instead); a bad body is 400 naming its field.
 */
export async function whatIf(
  request: HttpRequest,
  context: InvocationContext,
  rt?: Runtime,
): Promise<HttpResponseInit> {
  try {
    const r = rt ?? (await runtime());
    // Read-only, so the page's role is enough (docs/functions.md "HTTP endpoints: who may ask for what").
    const unauthorized = refuseWithoutRole(request, r.settings.REQUIRE_APP_ROLES, READ_ROLES);
    if (unauthorized) return unauthorized;
    const read = await readJsonBody(request, MAX_WHAT_IF_BODY_BYTES);
    if (!read.ok) return read.response;
    const body = read.body;
    const format = request.query.get("format") ?? "json";
    if (format !== "json" && format !== "markdown")
      return errorResponse(400, "InvalidRequest", "format must be json or markdown.", "format");
    // A what-if reads the watched subscriptions like a dry run, and shares its per-caller budget.
    const overLimit = refuseOverLimit(r.resyncLimiter, request, r.settings.REQUIRE_APP_ROLES);
    if (overLimit) return overLimit;
    try {
      const answer = await runWhatIf(r.port, parseWhatIfBody(body), r.policy);
      logEvent(context, "info", "WhatIfAnswered", {
        verdict: answer.verdict,
        changes: answer.changes.length,
        refused: answer.refused.length,
        followUp: answer.followUp.length,
      });
      if (format === "markdown")
        return {
          status: 200,
          headers: { "Content-Type": "text/markdown; charset=utf-8" },
          body: toMarkdown(withoutSecretsIn(answer)),
        };
      // Names and route data come from ARM: redacted like every other answer (docs/safety.md).
      return { status: 200, jsonBody: withoutSecretsIn(answer) };
    } catch (err) {
      if (err instanceof WhatIfInputError)
        return errorResponse(400, "InvalidRequest", err.message, err.field);
      if (err instanceof ArmError) return armFailure(err);
      throw err;
    }
  } catch (err) {
    return internalError(context, err);
  }
}
