import type { Env, Reply, RequestInfo } from "../env.js";
import type { ArmErrorBody } from "../errors.js";
import { errors } from "../errors.js";
import type { CompletedWrite } from "../events.js";
import { Operations } from "../lro.js";
import type { Operation } from "../lro.js";
import type { VnetRecord } from "../state.js";
import { key } from "../state.js";

export function absolute(req: RequestInfo, path: string): string {
  return `${req.baseUrl}${path}?api-version=${encodeURIComponent(req.apiVersion)}`;
}

/**
 * Start a long-running operation and build the accepted answer's headers (docs/azure-behaviour.md#long-running-operations): PUT carries only
 * Azure-AsyncOperation; DELETE adds Location (operationResults) and Retry-After.
 */
export function startOperation(
  env: Env,
  req: RequestInfo,
  spec: {
    subscriptionId: string;
    location: string;
    resourceId: string;
    name: string;
    lockKey?: string;
    failWith?: ArmErrorBody;
    onSucceeded: () => void;
    onFailed?: (e: ArmErrorBody) => void;
  },
): { op: Operation; headers: Record<string, string> } {
  const injected = req.lroFailure
    ? {
        code: req.lroFailure.code ?? "InternalServerError",
        message: req.lroFailure.message ?? "An error occurred while processing the operation.",
        details: [],
      }
    : undefined;
  const failWith = spec.failWith ?? injected;
  const op = env.ops.start({
    ...spec,
    durationSeconds: env.options.lroDurationSeconds,
    ...(failWith ? { failWith } : {}),
  });
  const headers: Record<string, string> = req.pollByLocation
    ? { location: absolute(req, Operations.operationResultPath(op)) }
    : { "azure-asyncoperation": absolute(req, Operations.asyncOperationPath(op)) };
  if (req.method === "DELETE") {
    headers.location = absolute(req, Operations.operationResultPath(op));
    headers["retry-after"] = String(env.options.lroRetryAfterSeconds);
  } else if (env.options.lroRetryAfterSeconds > 0) {
    headers["retry-after"] = String(env.options.lroRetryAfterSeconds);
  }
  return { op, headers };
}

/** docs/azure-behaviour.md#errors: a write on a VNet that another operation holds is refused, 409 or 429 as configured. */
export function assertNotBusy(env: Env, req: RequestInfo, vnet: VnetRecord): void {
  if (env.options.busy === "off") return;
  const op = env.ops.busy(key(vnet.id));
  if (!op) return;
  if (env.options.busy === "409")
    throw errors.anotherOperationInProgress(absolute(req, Operations.asyncOperationPath(op)));
  const seconds = Math.max(1, Math.ceil(env.clock.emulatedSeconds(op.completesAtMs - env.clock.now())));
  const e = errors.retryableDueToAnotherOperation(op.name, op.id, vnet.id, seconds);
  Object.assign(e.headers, retryAfterHeaders(env, seconds));
  throw e;
}

export function completedWrite(
  env: Env,
  req: RequestInfo,
  w: {
    kind: "write" | "delete";
    resourceId: string;
    subscriptionId: string;
    operationName: string;
    existed: boolean;
  },
): CompletedWrite {
  return {
    ...w,
    tenantId: env.state.subscription(w.subscriptionId).tenantId,
    method: req.method,
    // Events show the request as ARM logged it, on management.azure.com (docs/azure-behaviour.md#event-grid-events).
    url: `https://management.azure.com${req.url.pathname}${req.url.search}`,
    clientRequestId: req.clientRequestId,
    correlationId: req.correlationId,
    clientIpAddress: req.clientIpAddress,
    claims: req.claims,
  };
}

/** `{value, nextLink}` paging (docs/azure-behaviour.md#rest-shapes): nextLink is absolute and carries the api-version. */
export function page<T>(env: Env, req: RequestInfo, items: T[], render: (t: T) => unknown): Reply {
  const raw = req.url.searchParams.get("$skipToken") ?? req.url.searchParams.get("$skiptoken") ?? "0";
  const start = Number.parseInt(raw, 10);
  if (!Number.isFinite(start) || start < 0)
    throw errors.invalidRequestFormat("$skipToken", `Invalid skip token '${raw}'.`);
  const size = env.options.pageSize;
  const slice = items.slice(start, start + size);
  const body: Record<string, unknown> = { value: slice.map(render) };
  if (start + size < items.length)
    body.nextLink = `${absolute(req, req.url.pathname)}&$skipToken=${start + size}`;
  return { status: 200, body };
}

export function locationOf(env: Env, location: string | undefined): string {
  return (location ?? env.options.defaultLocation).replace(/\s+/g, "").toLowerCase();
}

/**
 * Retry-After in whole emulated seconds (what ARM sends). Under a time scale, also the wall-clock
 * wait in x-ms-retry-after-ms, which the SDK's retry policy prefers, so SDK clients wait emulated
 * rather than real seconds. That second header is an emulator-only addition.
 */
export function retryAfterHeaders(env: Env, seconds: number): Record<string, string> {
  const h: Record<string, string> = { "retry-after": String(seconds) };
  if (env.options.timeScale !== 1) h["x-ms-retry-after-ms"] = String(Math.ceil(env.clock.realMs(seconds)));
  return h;
}
