import type { HttpResponseInit, InvocationContext } from "@azure/functions";
import { logEvent } from "./telemetry.js";

/** `{error:{code,message}}` like ARM's own errors; `target` names the offending field. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  target?: string,
): HttpResponseInit {
  return { status, jsonBody: { error: { code, message, ...(target ? { target } : {}) } } };
}

/**
 * The last resort of an HTTP handler: log the cause, answer 500 with the invocation id only. An
 * unexpected error may quote anything (a setting, a connection string): it never reaches the caller.
 */
export function internalError(context: InvocationContext, err: unknown): HttpResponseInit {
  logEvent(context, "error", "RequestFailed", {
    invocationId: context.invocationId,
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
  });
  return errorResponse(
    500,
    "InternalError",
    `The request could not be processed. Quote ${context.invocationId} when asking for help.`,
  );
}
