import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { isRetryable, type ArmError } from "../reconcile/errors.js";
import { logEvent, withoutSecrets } from "./telemetry.js";

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

/**
 * An ARM read failed while answering (a dry run, the status page): say what ARM said, since its codes
 * and messages are about resources, not our settings; but ARM quotes what people typed, which may be
 * a secret, so the message is redacted first. Busy becomes 503 with Retry-After.
 */
export function armFailure(err: ArmError): HttpResponseInit {
  const message = withoutSecrets(err.message);
  if (isRetryable(err)) {
    return {
      ...errorResponse(503, err.code, `Azure Resource Manager is busy: ${message}`),
      headers: { "Retry-After": String(Math.ceil((err.retryAfterMs ?? 30_000) / 1000)) },
    };
  }
  return errorResponse(502, err.code, `Azure Resource Manager refused the read: ${message}`);
}

/**
 * The JSON body of a request, at most `maxBytes` by its declared length and by its real one, or the
 * 413 / 400 to answer instead (both name the field `body`).
 */
export async function readJsonBody(
  request: HttpRequest,
  maxBytes: number,
): Promise<{ ok: true; body: unknown } | { ok: false; response: HttpResponseInit }> {
  const tooLarge = {
    ok: false as const,
    response: errorResponse(413, "PayloadTooLarge", `The body may be at most ${maxBytes} bytes.`, "body"),
  };
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) return tooLarge;
  const text = await request.text();
  if (Buffer.byteLength(text, "utf8") > maxBytes) return tooLarge;
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return {
      ok: false,
      response: errorResponse(400, "InvalidJson", "The body must be a JSON object.", "body"),
    };
  }
}
