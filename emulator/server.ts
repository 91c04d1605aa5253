import type { IncomingMessage, ServerResponse } from "node:http";
import { parseJsonBody } from "./body.js";
import type { Env, Reply, RequestInfo } from "./env.js";
import { ArmHttpError, errors } from "./errors.js";
import type { FaultRule } from "./faults.js";
import { retryAfterHeaders } from "./handlers/common.js";
import { deleteGateway, getGateway, putGateway } from "./handlers/gateways.js";
import {
  getOperationResult,
  getOperationStatus,
  getResourceGroup,
  putResourceGroup,
} from "./handlers/misc.js";
import { deletePeering, getPeering, listPeerings, putPeering } from "./handlers/peerings.js";
import { getRouteTable, listRouteTables } from "./handlers/route-tables.js";
import {
  deleteVnet,
  getSubnets,
  getVnet,
  listVnets,
  patchVnetTags,
  putVnet,
} from "./handlers/virtual-networks.js";
import type { Route } from "./routes.js";
import { isTokenEndpointPath, tokenEndpoint } from "./token-endpoint.js";
import type { TokenClaims } from "./tenants.js";
import { actionFor, counterKind, parseRoute, requestClass } from "./routes.js";

/**
 * The HTTP front: what ARM does before the resource provider sees a request (authentication,
 * api-version, throttling, authorization) plus the emulator's fault injection, then dispatch.
 * Every answer is ARM-style JSON; nothing escapes as a crash or an HTML page.
 */

const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
const MAX_BODY = 4 * 1024 * 1024;

export interface ControlHooks {
  loadTopology(topology: unknown): Promise<void>;
}

export function createRequestHandler(env: Env, control: ControlHooks, internalErrors: Error[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(env, control, internalErrors, req, res).catch((e: unknown) => {
      internalErrors.push(e instanceof Error ? e : new Error(String(e)));
      if (!res.headersSent && !res.destroyed)
        send(res, { status: 500, body: { error: errors.internalServerError().body } });
    });
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(
          new ArmHttpError(413, {
            code: "RequestEntityTooLarge",
            message: "The request content is too large.",
          }),
        );
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, reply: Reply, common: Record<string, string> = {}): void {
  const headers: Record<string, string> = {
    "cache-control": "no-cache",
    ...common,
    ...(reply.headers ?? {}),
  };
  let payload = "";
  if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers["content-type"] = "application/json; charset=utf-8";
  }
  headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function errorReply(e: ArmHttpError): Reply {
  const headers = { ...e.headers };
  // docs/azure-behaviour.md#errors: a missing parent is answered by ARM itself.
  if (e.body.code === "ResourceNotFound" || e.body.code === "ResourceGroupNotFound")
    headers["x-ms-failure-cause"] = "gateway";
  return { status: e.status, body: { error: e.body }, headers };
}

function decodeClaims(token: string): Record<string, string> {
  const parts = token.split(".");
  if (parts.length !== 3) return {};
  try {
    const json = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(json).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
  } catch {
    return {};
  }
}

async function handle(
  env: Env,
  control: ControlHooks,
  internalErrors: Error[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  // Appended, not resolved: a request target such as `//host:port/...` is a path here, where URL
  // resolution would read an authority from it (and throw on a hostile one).
  const target = req.url ?? "/";
  const url = new URL(`https://emulator.invalid${target.startsWith("/") ? "" : "/"}${target}`);
  const requestId = env.rng.guid();
  const correlationId = headerValue(req, "x-ms-correlation-request-id") ?? requestId;
  const common: Record<string, string> = {
    "x-ms-request-id": requestId,
    "x-ms-correlation-request-id": correlationId,
  };

  if (isTokenEndpointPath(url.pathname)) {
    const rawBody = await readBody(req).catch(() => "");
    send(res, tokenEndpoint(env, method, url, `https://${req.headers.host ?? "127.0.0.1"}`, rawBody), common);
    return;
  }

  if (url.pathname.startsWith("/_emulator/")) {
    const rawBody = await readBody(req).catch(() => "");
    send(res, await controlEndpoint(env, control, method, url.pathname, rawBody));
    return;
  }

  const route = parseRoute(url.pathname);
  const kind = counterKind(route);
  const resourceId = resourceIdOf(route, url.pathname);
  const reply = (r: Reply) => {
    env.counters.record(method, kind, r.status, resourceId);
    send(res, r, common);
  };

  try {
    const rawBody = await readBody(req);
    const auth = headerValue(req, "authorization");
    if (!auth) throw withTenantChallenge(env, route, errors.missingAuthorization());
    const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!bearer) throw errors.invalidAuthorization();

    const apiVersions = url.searchParams.getAll("api-version");
    if (apiVersions.length === 0 || apiVersions[0] === "") throw errors.missingApiVersion();
    const apiVersion = apiVersions[0]!;
    if (!API_VERSION.test(apiVersion)) throw errors.invalidApiVersion(apiVersion);

    const decision = env.faults.decide(method, url.pathname);
    const latency = env.options.requestLatencySeconds + decision.delaySeconds;
    if (latency > 0) await env.clock.sleep(latency);
    if (decision.fault?.type === "reset") {
      env.counters.recordReset();
      req.socket.destroy();
      return;
    }
    if (decision.fault?.type === "status") {
      const f = decision.fault;
      const base = f.status === 503 ? errors.serviceUnavailable() : errors.internalServerError();
      const body = {
        ...base.body,
        code: f.code ?? (f.status >= 500 ? base.body.code : `Injected${f.status}`),
        message: f.message ?? base.body.message,
      };
      const headers: Record<string, string> = {};
      if (f.retryAfterSeconds !== undefined)
        Object.assign(headers, retryAfterHeaders(env, f.retryAfterSeconds));
      throw new ArmHttpError(f.status, body, headers);
    }

    if (route.kind === "resourceGraphQuery") {
      // Resource Graph has its own quota per caller, not ARM's subscription buckets.
      const quota = env.resourceGraph.takeQuota(principalOf(env, bearer[1]!).objectId);
      if (env.tenancy.enforced)
        throw new ArmHttpError(
          400,
          {
            code: "BadRequest",
            message: "The emulator does not model Resource Graph with tenants on: use ARM lists.",
          },
          quota,
        );
      if (decision.fault?.type === "linkBase") {
        // The only link a query answer can carry is a redirect: send the client elsewhere.
        reply({ status: 307, headers: { ...quota, location: `${decision.fault.baseUrl}${target}` } });
        return;
      }
      if (method !== "POST") throw errors.methodNotAllowed(method, "Microsoft.ResourceGraph/resources");
      reply(env.resourceGraph.query({ rawBody }, quota));
      return;
    }
    if (route.kind !== "noRoute" || route.sub) {
      const sub = route.sub!;
      const cls = requestClass(method);
      const d = env.throttle.take(sub, cls);
      // On every answer of the subscription, 429s included, as ARM's (docs/azure-behaviour.md#throttling).
      common[`x-ms-ratelimit-remaining-subscription-${cls}`] = String(d.remaining);
      common[`x-ms-ratelimit-remaining-subscription-global-${cls}`] = String(d.globalRemaining);
      if (!d.allowed) {
        const e = errors.throttled(
          cls === "reads" ? "read" : cls === "writes" ? "write" : "delete",
          sub,
          principalOf(env, bearer[1]!).objectId,
          d.retryAfterSeconds,
        );
        Object.assign(e.headers, retryAfterHeaders(env, d.retryAfterSeconds));
        throw e;
      }
      if (!env.state.isAccessible(sub))
        throw errors.authorizationFailed(
          principalOf(env, bearer[1]!),
          actionFor(route, method),
          decodeURIComponent(url.pathname),
        );
    }

    const token = checkToken(env, route, method, url.pathname, bearer[1]!);
    const auxiliary = headerValue(req, "x-ms-authorization-auxiliary");
    if (auxiliary !== undefined)
      env.tenancy.recordAuxiliary(
        method,
        decodeURIComponent(url.pathname),
        auxiliary,
        Math.floor(env.clock.now() / 1000),
      );
    const claims = decodeClaims(bearer[1]!);
    const principal = principalOf(env, bearer[1]!);
    const info: RequestInfo = {
      method,
      url,
      apiVersion,
      rawBody,
      baseUrl:
        decision.fault?.type === "linkBase"
          ? decision.fault.baseUrl
          : `https://${req.headers.host ?? "127.0.0.1"}`,
      requestId,
      correlationId,
      clientRequestId: headerValue(req, "x-ms-client-request-id") ?? requestId,
      clientIpAddress: req.socket.remoteAddress ?? "127.0.0.1",
      principal,
      claims: {
        aud: "https://management.azure.com/",
        iss: `https://sts.windows.net/${principal.tenantId}/`,
        appid: principal.clientId,
        "http://schemas.microsoft.com/identity/claims/objectidentifier": principal.objectId,
        "http://schemas.microsoft.com/identity/claims/tenantid": principal.tenantId,
        ver: "1.0",
        ...claims,
      },
      ...(token ? { token } : {}),
      ...(headerValue(req, "x-ms-authorization-auxiliary") !== undefined
        ? { auxiliaryHeader: headerValue(req, "x-ms-authorization-auxiliary")! }
        : {}),
      ...(decision.fault?.type === "linkBase" && decision.fault.pollByLocation
        ? { pollByLocation: true }
        : {}),
      ...(decision.fault?.type === "lroFailure"
        ? {
            lroFailure: {
              ...(decision.fault.code ? { code: decision.fault.code } : {}),
              ...(decision.fault.message ? { message: decision.fault.message } : {}),
            },
          }
        : {}),
    };
    reply(dispatch(env, info, route));
  } catch (e) {
    if (e instanceof ArmHttpError) {
      reply(errorReply(e));
      return;
    }
    internalErrors.push(e instanceof Error ? e : new Error(String(e)));
    reply(errorReply(errors.internalServerError()));
  }
}

/**
 * A call without a token on a subscription answers 401 with the tenant's authority in
 * `WWW-Authenticate`, which is how the Azure CLI and PowerShell learn a subscription's tenant
 * (docs/azure-behaviour.md#tenant-discovery).
 */
function withTenantChallenge(env: Env, route: Route, e: ArmHttpError): ArmHttpError {
  const sub = route.sub;
  if (sub === undefined || !env.state.subscriptions.has(sub.toLowerCase())) return e;
  const tenant = env.tenancy.tenantOf(sub);
  e.headers["www-authenticate"] =
    `Bearer authorization_uri="https://login.windows.net/${tenant}", error="invalid_token", ` +
    `error_description="The authentication failed because of missing 'Authorization' header."`;
  return e;
}

/**
 * With tenants on (emulator/tenants.ts): the token must be one the emulator issued, for Resource
 * Manager and the subscription's tenant, and its application must hold a role on what it touches.
 */
function checkToken(
  env: Env,
  route: Route,
  method: string,
  pathname: string,
  token: string,
): TokenClaims | undefined {
  if (!env.tenancy.enforced) return undefined;
  const now = Math.floor(env.clock.now() / 1000);
  const claims = env.tenancy.authenticate(token, route.sub, now);
  // Anyone may list their own permissions on a scope (an empty list where they have none).
  if (route.sub === undefined || route.kind === "permissions") return claims;
  const path = decodeURIComponent(pathname).replace(/\/$/, "");
  const verb = method === "GET" || method === "HEAD" ? "read" : "write";
  const subscriptionWide =
    route.kind === "virtualNetworkList" ||
    route.kind === "routeTableList" ||
    route.kind === "operationStatus" ||
    route.kind === "operationResult" ||
    route.kind === "noRoute";
  const allowed = subscriptionWide
    ? env.tenancy.roles.some(
        (r) =>
          r.clientId.toLowerCase() === claims.appid.toLowerCase() &&
          r.scope.toLowerCase().startsWith(`/subscriptions/${route.sub!.toLowerCase()}`),
      )
    : env.tenancy.allows(claims.appid, path, verb);
  if (!allowed)
    throw errors.authorizationFailed(
      { clientId: claims.appid, objectId: claims.oid, tenantId: claims.tid },
      actionFor(route, method),
      path,
    );
  return claims;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function principalOf(env: Env, token: string) {
  const c = decodeClaims(token);
  return {
    clientId: c.appid ?? c.azp ?? env.options.principal.clientId,
    objectId: c.oid ?? env.options.principal.objectId,
    tenantId: c.tid ?? env.options.principal.tenantId,
  };
}

function resourceIdOf(route: Route, pathname: string): string | undefined {
  switch (route.kind) {
    case "virtualNetwork":
    case "virtualNetworkPeering":
    case "resourceGroup":
      return decodeURIComponent(pathname).replace(/\/$/, "");
    case "virtualNetworkGateway":
      return route.gateway ? decodeURIComponent(pathname).replace(/\/$/, "") : undefined;
    default:
      return undefined;
  }
}

function dispatch(env: Env, req: RequestInfo, route: Route): Reply {
  const m = req.method;
  const notAllowed = (type: string) => errors.methodNotAllowed(m, type);
  switch (route.kind) {
    case "resourceGroup":
      if (m === "GET") return getResourceGroup(env, req, route);
      if (m === "PUT") return putResourceGroup(env, req, route);
      throw notAllowed("Microsoft.Resources/resourceGroups");
    case "virtualNetworkList":
      if (m === "GET") return listVnets(env, req, route);
      throw notAllowed("Microsoft.Network/virtualNetworks");
    case "virtualNetwork":
      if (m === "GET") return getVnet(env, req, route);
      if (m === "PUT") return putVnet(env, req, route);
      if (m === "PATCH") return patchVnetTags(env, req, route);
      if (m === "DELETE") return deleteVnet(env, req, route);
      throw notAllowed("Microsoft.Network/virtualNetworks");
    case "subnet":
      if (m === "GET") return getSubnets(env, req, route);
      throw notAllowed("Microsoft.Network/virtualNetworks/subnets");
    case "virtualNetworkPeeringList":
      if (m === "GET") return listPeerings(env, req, route);
      throw notAllowed("Microsoft.Network/virtualNetworks/virtualNetworkPeerings");
    case "virtualNetworkPeering":
      if (m === "GET") return getPeering(env, req, route);
      if (m === "PUT") return putPeering(env, req, route);
      if (m === "DELETE") return deletePeering(env, req, route);
      throw notAllowed("Microsoft.Network/virtualNetworks/virtualNetworkPeerings");
    case "virtualNetworkGateway":
      if (m === "GET") return getGateway(env, req, route);
      if (route.gateway !== undefined && m === "PUT")
        return putGateway(env, req, { ...route, gateway: route.gateway });
      if (route.gateway !== undefined && m === "DELETE")
        return deleteGateway(env, req, { ...route, gateway: route.gateway });
      throw notAllowed("Microsoft.Network/virtualNetworkGateways");
    case "routeTableList":
      if (m === "GET") return listRouteTables(env, req, route);
      throw notAllowed("Microsoft.Network/routeTables");
    case "routeTable":
      if (m === "GET") return getRouteTable(env, req, route);
      throw notAllowed("Microsoft.Network/routeTables");
    case "operationStatus":
      if (m === "GET") return getOperationStatus(env, req, route);
      throw notAllowed("Microsoft.Network/locations/operations");
    case "operationResult":
      if (m === "GET") return getOperationResult(env, req, route);
      throw notAllowed("Microsoft.Network/locations/operationResults");
    case "permissions":
      if (m === "GET")
        return { status: 200, body: { value: env.tenancy.permissionsOf(req.token, route.scope) } };
      throw notAllowed("Microsoft.Authorization/permissions");
    case "resourceGraphQuery":
      throw errors.methodNotAllowed(m, "Microsoft.ResourceGraph/resources");
    case "unknownType":
      throw errors.invalidResourceType(route.type, req.apiVersion);
    case "noRoute":
      throw errors.noRoute(req.url.pathname);
  }
}

async function controlEndpoint(
  env: Env,
  control: ControlHooks,
  method: string,
  path: string,
  rawBody: string,
): Promise<Reply> {
  try {
    if (method === "GET" && path === "/_emulator/health") return { status: 200, body: { status: "ok" } };
    if (method === "GET" && path === "/_emulator/counters")
      return { status: 200, body: env.counters.snapshot() };
    if (method === "POST" && path === "/_emulator/counters/reset") {
      env.counters.reset();
      return { status: 204 };
    }
    if (method === "POST" && path === "/_emulator/faults") {
      const rule = parseJsonBody(rawBody) as FaultRule;
      return { status: 200, body: { id: env.faults.add(rule) } };
    }
    if (method === "DELETE" && path === "/_emulator/faults") {
      env.faults.clear();
      return { status: 204 };
    }
    if (method === "POST" && path === "/_emulator/topology") {
      await control.loadTopology(parseJsonBody(rawBody));
      return { status: 204 };
    }
    return {
      status: 404,
      body: { error: { code: "NotFound", message: `No emulator control endpoint ${method} ${path}.` } },
    };
  } catch (e) {
    if (e instanceof ArmHttpError) return errorReply(e);
    return {
      status: 400,
      body: { error: { code: "InvalidRequest", message: e instanceof Error ? e.message : String(e) } },
    };
  }
}
