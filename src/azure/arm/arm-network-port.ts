import {
  NetworkManagementClient,
  type VirtualNetwork as SdkVnet,
  type VirtualNetworkPeering as SdkPeering,
} from "@azure/arm-network";
import type { TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicyName,
  createHttpHeaders,
  createPipelineRequest,
  isRestError,
  type PipelinePolicy,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { ArmError, FOREIGN_ORIGIN } from "../../reconcile/errors.js";
import { idKey, parsePeeringId, parseVnetId, sameId, subscriptionOf } from "../../reconcile/ids.js";
import type { NetworkPort } from "../../reconcile/port.js";
import { LIST_PEERS_THRESHOLD } from "../../reconcile/run.js";
import type {
  Peering,
  PeeringBody,
  PeeringState,
  RouteTable,
  Subnet,
  SyncLevel,
  Vnet,
} from "../../reconcile/types.js";
import type { Agent } from "node:https";
import { armAgent, proxyConfigured } from "./connections.js";
import { toRouteTable } from "./route-tables.js";
import { ARM_CLOUDS, ARM_CLOUD_NAMES } from "../clouds.js";
import { auxiliaryTokenPolicy, type AuxiliaryTokenSource } from "./auxiliary-tokens.js";
import {
  ORIGIN_PIN_POLICY_NAME,
  foreignOriginOf,
  originPinPolicy,
  type ForeignOriginDetails,
} from "./origin-pin.js";
import { PollPace, type OperationPoller } from "./poll-pace.js";
import { ReadCoalescer } from "./read-coalescer.js";
import { ARM_REQUEST_BUDGET, requestBudgetPolicy, type RequestBudget } from "./request-budget.js";

export interface ArmConnectionOptions {
  credential: TokenCredential;
  /**
   * ARM endpoint; default the public cloud's. Every request, including pages and operation polls the
   * answers name, is pinned to its origin (src/azure/arm/origin-pin.ts).
   */
  endpoint?: string;
  /**
   * The token audience. Default: that of the known cloud the endpoint belongs to (src/azure/clouds.ts),
   * else the endpoint's own, as the SDK would ask; never another cloud's.
   */
  credentialScope?: string;
  /** Extra trusted CA (PEM) for a private endpoint such as the local emulator. */
  caPem?: string;
  /**
   * Connections to ARM open at once, shared by every subscription (default DEFAULT_MAX_SOCKETS,
   * src/azure/arm/connections.ts); requests beyond it wait for one to be free.
   */
  maxConnections?: number;
  /**
   * LRO polling interval (default the SDK's 2 s). A write's polls are held back until it is likely
   * done (src/azure/arm/poll-pace.ts); this is the interval before that is learned and after it has passed.
   */
  pollIntervalMs?: number;
  /** Learn how long writes take and hold polls back until then (default true). */
  learnOperationDurations?: boolean;
  /**
   * The first poll of a write, before any write has finished to learn from. Default 10 s
   * (NRP's former `Retry-After: 10`, docs/azure-behaviour.md#long-running-operations) when pollIntervalMs is unset, else pollIntervalMs.
   */
  firstPollDelayMs?: number;
  /**
   * Poll interval of the oldest write while nothing is learned and other writes wait for its
   * duration (src/azure/arm/poll-pace.ts). Default an eighth of the poll interval.
   */
  learningPollIntervalMs?: number;
  /**
   * Answer many VNet and peering reads of one subscription asked for together from one list of it,
   * when that takes fewer requests (src/azure/arm/read-coalescer.ts). Default on; `false` reads one by one.
   */
  coalesceReads?: false | { windowMs?: number; minVnets?: number };
  /** Retries the SDK pipeline itself makes on 429-with-Retry-After, 5xx and network errors. */
  sdkMaxRetries?: number;
  /**
   * Requests per subscription are paced to ARM's token buckets (src/azure/arm/request-budget.ts); every
   * HTTP attempt, poll and page takes a token. Default ARM_REQUEST_BUDGET; `false` sends at once.
   */
  requestBudget?: RequestBudget | false;
  /**
   * How long one HTTP request to ARM may take (each page, each poll, each retry) before it is
   * abandoned as a retryable `RequestTimeout`. The SDK's own default is no limit: a hung connection
   * would hold a Function until the host kills it. Default 60 s.
   */
  requestTimeoutMs?: number;
  /**
   * How long a long-running write (the PUT and its polling) may take before it is abandoned as a
   * retryable `OperationTimedOut`. ARM keeps running it: the next attempt re-reads the peering first.
   * Default 10 min.
   */
  operationTimeoutMs?: number;
  /**
   * Cross-tenant (docs/cross-tenant.md): the credential for calls on one subscription (a token of
   * that subscription's tenant) instead of `credential`, and where auxiliary tokens for peering
   * writes into another tenant come from (src/azure/arm/auxiliary-tokens.ts).
   */
  credentialFor?: (subscriptionId: string) => TokenCredential;
  auxiliaryTokens?: AuxiliaryTokenSource;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** The SDK's own default poll interval (docs/azure-behaviour.md#sdk-and-transport: updateIntervalInMs, 2000 ms). */
export const DEFAULT_POLL_INTERVAL_MS = 2_000;
/**
 * NRP used to answer peering operation polls with `Retry-After: 10` (docs/azure-behaviour.md#long-running-operations); today it sends none.
 * Unconfirmed how long a peering PUT takes in every region: 10 s is the service's own old hint.
 */
export const DEFAULT_FIRST_POLL_DELAY_MS = 10_000;
export const DEFAULT_OPERATION_TIMEOUT_MS = 10 * 60_000;
/** The api-version @azure/arm-network 36 sends for peerings; the PUT that bypasses its poller speaks the same. */
export const PEERING_API_VERSION = "2025-05-01";

/**
 * The NetworkPort on @azure/arm-network: the only file that speaks the SDK's all-optional models.
 * It maps them once into our precise types and maps failures into ArmError.
 */
export class ArmNetworkPort implements NetworkPort {
  private readonly clients = new Map<string, NetworkManagementClient>();
  private readonly putPace: PollPace;
  /** Pages the last list of each subscription took (lower-cased id). */
  private readonly listPages = new Map<string, number>();
  private readonly reads: ReadCoalescer;

  /** Where every request goes (the public cloud's Resource Manager unless set), without a trailing slash for paths. */
  private readonly endpoint: string;
  private readonly base: string;

  constructor(private readonly options: ArmConnectionOptions) {
    this.endpoint = options.endpoint ?? ARM_CLOUDS.AzureCloud.endpoint;
    this.base = this.endpoint.endsWith("/") ? this.endpoint.slice(0, -1) : this.endpoint;
    const coalesce = options.coalesceReads ?? {};
    const tuning = coalesce === false ? {} : coalesce;
    this.reads = new ReadCoalescer({
      windowMs: tuning.windowMs ?? 5,
      // readSnapshot's bar for listing instead of reading peers one by one: below it a list rarely pays.
      minVnets: tuning.minVnets ?? LIST_PEERS_THRESHOLD,
      list: (sub) => this.listVnets(sub),
      pagesOf: (sub) => (coalesce === false ? undefined : this.listPages.get(idKey(sub))),
    });
    const intervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    const learn = options.learnOperationDurations ?? true;
    // An explicit interval (tests, the emulator) means "poll at that pace" from the first poll on.
    const firstPollMs =
      options.firstPollDelayMs ??
      (options.pollIntervalMs === undefined ? DEFAULT_FIRST_POLL_DELAY_MS : intervalMs);
    const { learningPollIntervalMs } = options;
    this.putPace = new PollPace({
      intervalMs,
      learn,
      firstPollMs,
      ...(learningPollIntervalMs !== undefined ? { learningIntervalMs: learningPollIntervalMs } : {}),
    });
  }

  private connections: Agent | undefined;

  /** One pool of connections for every subscription's client (src/azure/arm/connections.ts). */
  private agent(): Agent {
    return (this.connections ??= armAgent({
      ...(this.options.caPem ? { caPem: this.options.caPem } : {}),
      ...(this.options.maxConnections !== undefined ? { maxSockets: this.options.maxConnections } : {}),
    }));
  }

  private client(subscriptionId: string): NetworkManagementClient {
    const key = subscriptionId.toLowerCase();
    let client = this.clients.get(key);
    if (!client) {
      const { caPem, sdkMaxRetries } = this.options;
      const credential = this.options.credentialFor?.(subscriptionId) ?? this.options.credential;
      const { endpoint } = this;
      client = new NetworkManagementClient(credential, subscriptionId, {
        endpoint,
        credentialScopes: [this.options.credentialScope ?? audienceFor(endpoint)],
        ...(proxyConfigured() ? (caPem ? { tlsOptions: { ca: caPem } } : {}) : { agent: this.agent() }),
        ...(sdkMaxRetries !== undefined ? { retryOptions: { maxRetries: sdkMaxRetries } } : {}),
        userAgentOptions: { userAgentPrefix: "vnet-peering-sync" },
      });
      // Before the bearer-token policy, so a request to another origin is refused before the token
      // is attached, and before the retry policy, so the refusal is final (docs/safety.md).
      client.pipeline.addPolicy(originPinPolicy(endpoint, foreignOriginError), {
        beforePolicies: [bearerTokenAuthenticationPolicyName],
      });
      // After the pin, so a write that never reaches ARM's origin never gets a partner tenant's token.
      if (this.options.auxiliaryTokens)
        client.pipeline.addPolicy(auxiliaryTokenPolicy(endpoint, this.options.auxiliaryTokens), {
          afterPolicies: [ORIGIN_PIN_POLICY_NAME],
          beforePolicies: [bearerTokenAuthenticationPolicyName],
        });
      const budget = this.options.requestBudget ?? ARM_REQUEST_BUDGET;
      // After the retry policy, so each retry spends a token too (ARM counts every request).
      if (budget) client.pipeline.addPolicy(requestBudgetPolicy(budget), { afterPhase: "Retry" });
      client.pipeline.addPolicy(
        requestTimeoutPolicy(this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
      );
      this.clients.set(key, client);
    }
    return client;
  }

  async listVnets(subscriptionId: string): Promise<Vnet[]> {
    return call(async () => {
      const vnets: Vnet[] = [];
      let pages = 0;
      for await (const page of this.client(subscriptionId).virtualNetworks.listAll().byPage()) {
        pages++;
        for (const vnet of page) vnets.push(toVnet(vnet));
      }
      this.listPages.set(idKey(subscriptionId), pages);
      return vnets;
    });
  }

  /** Every route table of a subscription (the what-if's route warnings). */
  async listRouteTables(subscriptionId: string): Promise<RouteTable[]> {
    return call(async () => {
      const tables: RouteTable[] = [];
      for await (const t of this.client(subscriptionId).routeTables.listAll()) tables.push(toRouteTable(t));
      return tables;
    });
  }

  async getVnet(vnetId: string): Promise<Vnet | undefined> {
    const parts = requireVnetId(vnetId);
    return this.reads.read(
      parts.subscriptionId,
      vnetId,
      () =>
        orUndefinedOn404(() =>
          this.client(parts.subscriptionId).virtualNetworks.get(parts.resourceGroup, parts.vnetName),
        ).then((vnet) => (vnet ? toVnet(vnet) : undefined)),
      (vnet) => vnet,
    );
  }

  async getPeering(peeringId: string): Promise<Peering | undefined> {
    const { vnetId, peeringName } = requirePeeringId(peeringId);
    const parts = requireVnetId(vnetId);
    return this.reads.read(
      parts.subscriptionId,
      vnetId,
      async () => {
        const peering = await orUndefinedOn404(() =>
          this.client(parts.subscriptionId).virtualNetworkPeerings.get(
            parts.resourceGroup,
            parts.vnetName,
            peeringName,
          ),
        );
        return peering ? toPeering(peering, vnetId) : undefined;
      },
      (vnet) => vnet?.peerings.find((p) => sameId(p.id, peeringId)),
    );
  }

  async putPeering(
    vnetId: string,
    peeringName: string,
    body: PeeringBody,
    options: { syncRemoteAddressSpace?: boolean } = {},
  ): Promise<Peering> {
    const parts = requireVnetId(vnetId);
    const result = await this.longRunning(async (abortSignal) => {
      const operation = await this.beginPut(parts, peeringName, body, options, abortSignal);
      return this.putPace.untilDone(operation, abortSignal);
    });
    return toPeering(result, vnetId);
  }

  /**
   * The PUT of a peering, and its long-running operation as the pace polls it. Not the SDK's
   * beginCreateOrUpdate: that polls the operation's status once right after the PUT was accepted
   * (generated `await poller.poll()`), a read per write that can only answer "in progress", and
   * after success it GETs the peering again, a second read per write. Both spend the subscription's
   * read bucket the other writes' polls and re-reads need (docs/azure-behaviour.md#long-running-operations).
   *
   * Here a poll is a GET of the peering itself, done once its provisioningState is terminal, as ARM's
   * resource provider contract describes clients (and template deployments) waiting for a PUT
   * (https://github.com/Azure/azure-resource-manager-rpc/blob/master/v1.0/async-api-reference.md#provisioningstate-property):
   * the poll that sees Succeeded is the result, so a write costs one read, not a status poll plus a
   * GET. The operation's own URL (`Azure-AsyncOperation` or `Location`) is read only when the peering
   * ended Failed or Canceled, for the code and message the failure is classified and reported by.
   * That URL must still lie on ARM's origin: an answer naming another one is refused at once, as the
   * pin would refuse the poll (src/azure/arm/origin-pin.ts), and the write is not reported done.
   * Same client, so the same pipeline: pinned, paced, retried, timed out, cross-tenant tokens; same
   * wire body and api-version as the SDK's.
   */
  private async beginPut(
    parts: { subscriptionId: string; resourceGroup: string; vnetName: string },
    peeringName: string,
    body: PeeringBody,
    options: { syncRemoteAddressSpace?: boolean },
    abortSignal: AbortSignal,
  ): Promise<OperationPoller<SdkPeering>> {
    const client = this.client(parts.subscriptionId);
    const { endpoint, base } = this;
    const path =
      `/subscriptions/${encodeURIComponent(parts.subscriptionId)}` +
      `/resourceGroups/${encodeURIComponent(parts.resourceGroup)}` +
      `/providers/Microsoft.Network/virtualNetworks/${encodeURIComponent(parts.vnetName)}` +
      `/virtualNetworkPeerings/${encodeURIComponent(peeringName)}`;
    const query = `api-version=${PEERING_API_VERSION}${options.syncRemoteAddressSpace ? "&syncRemoteAddressSpace=true" : ""}`;
    const accepted = await client.sendRequest(
      createPipelineRequest({
        url: `${base}${path}?${query}`,
        method: "PUT",
        body: JSON.stringify(toWirePeering(body)),
        headers: createHttpHeaders({ "content-type": "application/json" }),
        abortSignal,
      }),
    );
    if (accepted.status >= 300) throw errorOf(accepted);
    const asyncOperation = accepted.headers.get("azure-asyncoperation");
    const link = asyncOperation ?? accepted.headers.get("location");
    // Resolved as the SDK's poller resolves it, and judged now: it is read only on failure, but an
    // answer that names another origin for it is not one to report as done.
    const statusUrl = link ? resolveLink(endpoint, link) : undefined;
    if (statusUrl !== undefined) {
      const expected = new URL(endpoint).origin;
      const foreign = foreignOriginOf(statusUrl, expected);
      if (foreign !== undefined) throw foreignOriginError({ expected, foreign, method: "GET" });
    }
    // Running while there is an operation to wait for; without one, what the answer itself says.
    const answered = parseJson(accepted.bodyAsText) as { properties?: { provisioningState?: unknown } };
    let state = statusUrl ? "accepted" : terminalOrRunning(answered?.properties?.provisioningState);
    let last: SdkPeering | undefined;
    const read = (signal: AbortSignal) =>
      client.virtualNetworkPeerings.get(parts.resourceGroup, parts.vnetName, peeringName, {
        abortSignal: signal,
      });
    // Why a peering ended Failed or Canceled: the operation's error when its URL says, else the state.
    const failure = async (signal: AbortSignal, ended: string): Promise<ArmError> => {
      const fallback = new ArmError(
        400,
        `Provisioning${ended}`,
        `The peering's provisioningState ended ${ended} and the operation gave no error.`,
      );
      if (statusUrl === undefined) return fallback;
      const answer = await client.sendRequest(
        createPipelineRequest({ url: statusUrl, method: "GET", abortSignal: signal }),
      );
      // No error when the operation claims success or is still running: the peering's state said otherwise.
      return (asyncOperation ? operationError(answer) : locationError(answer)) ?? fallback;
    };
    return {
      isDone: () => isTerminal(state),
      poll: async ({ abortSignal: signal }) => {
        last = await read(signal);
        state = terminalOrRunning(last.provisioningState);
        if (isTerminal(state) && state !== "succeeded")
          throw await failure(signal, String(last.provisioningState));
      },
      // A PUT that ARM finished at once (terminal in its own answer) is read back, as the SDK would.
      pollUntilDone: async ({ abortSignal: signal }) => last ?? read(signal),
    };
  }

  /**
   * The caller's effective permissions at a resource (Microsoft.Authorization permissions API,
   * https://learn.microsoft.com/rest/api/authorization/permissions/list-for-resource), through the
   * same pinned pipeline and token as every other call on its subscription.
   */
  async permissionsAt(resourceId: string): Promise<Array<{ actions: string[]; notActions: string[] }>> {
    const parts = requireVnetId(resourceId);
    const { base } = this;
    return call(async () => {
      const response = await this.client(parts.subscriptionId).sendRequest(
        createPipelineRequest({
          url: `${base}${resourceId}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`,
          method: "GET",
        }),
      );
      if (response.status !== 200)
        throw new ArmError(response.status, `Http${response.status}`, "Permissions could not be read.");
      const body = JSON.parse(response.bodyAsText ?? "{}") as {
        value?: Array<{ actions?: unknown; notActions?: unknown }>;
      };
      const strings = (v: unknown) =>
        Array.isArray(v) ? v.filter((a): a is string => typeof a === "string") : [];
      return (body.value ?? []).map((p) => ({
        actions: strings(p.actions),
        notActions: strings(p.notActions),
      }));
    });
  }

  /** A long-running write under the operation deadline; past it, a retryable OperationTimedOut. */
  private async longRunning<T>(run: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const limitMs = this.options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    const deadline = AbortSignal.timeout(limitMs);
    try {
      return await call(() => run(deadline));
    } catch (err) {
      if (deadline.aborted && err instanceof ArmError && err.code === "RequestTimeout") {
        throw new ArmError(
          0,
          "OperationTimedOut",
          `The operation did not finish within ${limitMs} ms; Azure may still complete it.`,
          undefined,
          { cause: err.cause },
        );
      }
      throw err;
    }
  }
}

/** A known cloud's endpoint gets that cloud's audience; anything else, its own origin's. */
function audienceFor(endpoint: string): string {
  const origin = new URL(endpoint).origin;
  const cloud = ARM_CLOUD_NAMES.find((name) => new URL(ARM_CLOUDS[name].endpoint).origin === origin);
  return cloud ? ARM_CLOUDS[cloud].audience : `${origin}/.default`;
}

/**
 * Gives every request of a client that did not set its own a timeout: each page, poll and retry is
 * one request, and without a timeout one that is never answered would hold its run forever.
 */
export function requestTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: "vnetPeeringSyncRequestTimeout",
    sendRequest: (request, next) => {
      if (!(request.timeout > 0)) request.timeout = timeoutMs;
      return next(request);
    },
  };
}

/**
 * An answer sent the client to another origin. Terminal (src/reconcile/errors.ts): what that answer
 * led to cannot be trusted, and a list cut short there must fail the run, not be planned on as if the
 * rest of the VNets were gone.
 */
export function foreignOriginError(d: ForeignOriginDetails): ArmError {
  return new ArmError(
    0,
    FOREIGN_ORIGIN,
    `Azure Resource Manager (${d.expected}) named another origin, ${d.foreign}, for a follow-up ${d.method} ` +
      `(a nextLink or an operation to poll); refused without sending it the token. Nothing it would ` +
      `have answered was used.`,
  );
}

function requireVnetId(id: string) {
  const parts = parseVnetId(id);
  if (!parts) throw new ArmError(400, "InvalidResourceId", `Not a virtual network resource id: ${id}`);
  return parts;
}

function requirePeeringId(id: string) {
  const parts = parsePeeringId(id);
  if (!parts)
    throw new ArmError(400, "InvalidResourceId", `Not a virtual network peering resource id: ${id}`);
  return parts;
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toArmError(err);
  }
}

async function orUndefinedOn404<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call(fn);
  } catch (err) {
    if (err instanceof ArmError && err.status === 404) return undefined;
    throw err;
  }
}

/** Normalise whatever the SDK throws (RestError, LRO failure, network error) into ArmError. */
export function toArmError(err: unknown): ArmError {
  if (err instanceof ArmError) return err;
  // The pipeline aborts a request past requestTimeoutMs (and a write past its deadline) this way.
  if (err instanceof Error && err.name === "AbortError") {
    return new ArmError(0, "RequestTimeout", "Azure Resource Manager did not answer in time.", undefined, {
      cause: err,
    });
  }
  if (isRestError(err)) {
    const status = err.statusCode ?? 0;
    const body = err.details as { error?: { code?: string; message?: string } } | undefined;
    const code = body?.error?.code ?? err.code ?? (status === 0 ? "REQUEST_SEND_ERROR" : `Http${status}`);
    const message = body?.error?.message ?? err.message;
    return new ArmError(status, code, message, retryAfterMs(err.response?.headers.get("retry-after")), {
      cause: err,
    });
  }
  // A failed long-running operation: core-lro throws a plain Error whose message alone carries the
  // operation's error ("The long-running operation has failed. <code>. <message>"). Its code decides
  // whether to retry: read as an unknown 500, a terminal failure was retried and reported without it.
  const lro =
    err instanceof Error
      ? /^The long-running operation has failed\. ([A-Za-z0-9_.-]+)\. ([\s\S]*)$/.exec(err.message)
      : null;
  if (lro) return new ArmError(400, lro[1]!, lro[2]!, undefined, { cause: err });
  const e = err as { code?: unknown; message?: unknown; statusCode?: unknown };
  const code = typeof e?.code === "string" ? e.code : "UnknownError";
  const message = typeof e?.message === "string" ? e.message : String(err);
  const status = typeof e?.statusCode === "number" ? e.statusCode : code === "UnknownError" ? 500 : 400;
  return new ArmError(status, code, message, undefined, { cause: err });
}

/**
 * A link from an answer, resolved as @azure/core-client resolves the paths of follow-up requests
 * (`getRequestUrl`): absolute when it holds "://", else a path appended to the endpoint's.
 */
export function resolveLink(endpoint: string, link: string): string {
  if (link.includes("://")) return link;
  const url = new URL(endpoint);
  const base = url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`;
  const rest = link.startsWith("/") ? link.slice(1) : link;
  const queryAt = rest.indexOf("?");
  if (queryAt === -1) {
    url.pathname = base + rest;
  } else {
    url.pathname = base + rest.slice(0, queryAt);
    const search = rest.slice(queryAt + 1);
    if (search) url.search = url.search ? `${url.search}&${search}` : search;
  }
  return url.toString();
}

/** A failed answer to a request sent past the SDK's operations, as toArmError maps the SDK's RestError. */
function errorOf(response: PipelineResponse): ArmError {
  const body = parseJson(response.bodyAsText) as
    { error?: { code?: unknown; message?: unknown } } | undefined;
  const code = typeof body?.error?.code === "string" ? body.error.code : `Http${response.status}`;
  const message =
    typeof body?.error?.message === "string"
      ? body.error.message
      : `Azure Resource Manager answered ${response.status}.`;
  return new ArmError(response.status, code, message, retryAfterMs(response.headers.get("retry-after")));
}

function parseJson(text: string | null | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The error an Azure-AsyncOperation answer reports: `status` InProgress until Succeeded, Failed or
 * Canceled, with `error` when it failed (docs/azure-behaviour.md#long-running-operations). A failed
 * operation gives what the SDK's poller would have thrown (a terminal ArmError with the operation's
 * code); undefined while it runs or once it succeeded.
 */
function operationError(answer: PipelineResponse): ArmError | undefined {
  if (answer.status >= 300) return errorOf(answer);
  const body = parseJson(answer.bodyAsText) as {
    status?: unknown;
    error?: { code?: unknown; message?: unknown };
  };
  const status = body?.status;
  if (typeof status !== "string")
    return new ArmError(
      502,
      "InvalidOperationStatus",
      "The operation's status answer has no string field `status`.",
    );
  switch (status.toLowerCase()) {
    case "failed":
    case "canceled":
    case "cancelled": {
      const code = typeof body.error?.code === "string" ? body.error.code : status;
      const message =
        typeof body.error?.message === "string" ? body.error.message : `The operation ended ${status}.`;
      return new ArmError(400, code, message);
    }
    default:
      return undefined;
  }
}

/** The error a Location answer reports: none while it runs (202) or once done (200/201/204). */
function locationError(answer: PipelineResponse): ArmError | undefined {
  return answer.status >= 300 ? errorOf(answer) : undefined;
}

/**
 * A resource's provisioningState, lower-cased; "succeeded" when it has none, as ARM's contract
 * reads a missing one (https://github.com/Azure/azure-resource-manager-rpc/blob/master/v1.0/async-api-reference.md#provisioningstate-property).
 */
function terminalOrRunning(provisioningState: unknown): string {
  return typeof provisioningState === "string" && provisioningState !== ""
    ? provisioningState.toLowerCase()
    : "succeeded";
}

/** Succeeded, Failed and Canceled end an operation; every other state is the provider's own "running". */
function isTerminal(state: string): boolean {
  return state === "succeeded" || state === "failed" || state === "canceled" || state === "cancelled";
}

/** The PUT body on the wire: the SDK model (toSdkPeering) under `properties`, as its serializer writes it. */
export function toWirePeering(body: PeeringBody): { properties: Record<string, unknown> } {
  const { remoteVirtualNetwork, remoteBgpCommunities, localAddressSpace, remoteAddressSpace, ...flags } =
    toSdkPeering(body);
  return {
    properties: {
      ...flags,
      remoteVirtualNetwork: { id: remoteVirtualNetwork?.id },
      ...(remoteBgpCommunities ? { remoteBgpCommunities: { ...remoteBgpCommunities } } : {}),
      ...(localAddressSpace
        ? { localAddressSpace: { addressPrefixes: localAddressSpace.addressPrefixes } }
        : {}),
      ...(remoteAddressSpace
        ? { remoteAddressSpace: { addressPrefixes: remoteAddressSpace.addressPrefixes } }
        : {}),
    },
  };
}

function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

const prefixes = (space: { addressPrefixes?: string[] } | undefined): string[] => [
  ...(space?.addressPrefixes ?? []),
];

export function toVnet(vnet: SdkVnet): Vnet {
  const id = vnet.id ?? "";
  const parts = parseVnetId(id);
  const subnets: Subnet[] = (vnet.subnets ?? []).map((s) => ({
    name: s.name ?? "",
    addressPrefixes: s.addressPrefixes?.length
      ? [...s.addressPrefixes]
      : s.addressPrefix
        ? [s.addressPrefix]
        : [],
    ...(s.privateEndpoints?.length ? { privateEndpointCount: s.privateEndpoints.length } : {}),
  }));
  // A gateway shows up as an IP configuration of GatewaySubnet whose id lies under virtualNetworkGateways.
  const hasGateway = (vnet.subnets ?? []).some(
    (s) =>
      s.name?.toLowerCase() === "gatewaysubnet" &&
      (s.ipConfigurations ?? []).some((ip) => /\/virtualNetworkGateways\//i.test(ip.id ?? "")),
  );
  return {
    id,
    name: vnet.name ?? parts?.vnetName ?? "",
    subscriptionId: parts?.subscriptionId.toLowerCase() ?? subscriptionOf(id) ?? "",
    resourceGroup: parts?.resourceGroup ?? "",
    location: vnet.location ?? "",
    addressPrefixes: prefixes(vnet.addressSpace),
    subnets,
    tags: { ...(vnet.tags ?? {}) },
    hasGateway,
    peerings: (vnet.virtualNetworkPeerings ?? []).map((p) => toPeering(p, id)),
  };
}

export function toPeering(p: SdkPeering, vnetId: string): Peering {
  const id = p.id ?? "";
  return {
    id,
    name: p.name ?? parsePeeringId(id)?.peeringName ?? "",
    vnetId: parsePeeringId(id)?.vnetId ?? vnetId,
    remoteVnetId: p.remoteVirtualNetwork?.id ?? "",
    state: (p.peeringState ?? "Initiated") as PeeringState,
    syncLevel: (p.peeringSyncLevel ?? "FullyInSync") as SyncLevel,
    provisioningState: (p.provisioningState ?? "Succeeded") as Peering["provisioningState"],
    ...(p.resourceGuid ? { resourceGuid: p.resourceGuid } : {}),
    ...(p.etag ? { etag: p.etag } : {}),
    settings: {
      // Defaults are the service's own when a field is absent (docs/azure-behaviour.md#peering-model).
      allowVirtualNetworkAccess: p.allowVirtualNetworkAccess ?? true,
      allowForwardedTraffic: p.allowForwardedTraffic ?? false,
      allowGatewayTransit: p.allowGatewayTransit ?? false,
      useRemoteGateways: p.useRemoteGateways ?? false,
      doNotVerifyRemoteGateways: p.doNotVerifyRemoteGateways ?? false,
      peerCompleteVnets: p.peerCompleteVnets ?? true,
      enableOnlyIPv6Peering: p.enableOnlyIPv6Peering ?? false,
      localSubnetNames: [...(p.localSubnetNames ?? [])],
      remoteSubnetNames: [...(p.remoteSubnetNames ?? [])],
      ...(p.remoteBgpCommunities?.virtualNetworkCommunity
        ? { remoteBgpCommunity: p.remoteBgpCommunities.virtualNetworkCommunity }
        : {}),
    },
    remoteAddressSpace: prefixes(p.remoteAddressSpace),
    remoteVirtualNetworkAddressSpace: prefixes(p.remoteVirtualNetworkAddressSpace),
    localAddressSpace: prefixes(p.localAddressSpace),
    localVirtualNetworkAddressSpace: prefixes(p.localVirtualNetworkAddressSpace),
  };
}

/**
 * The PUT body. A PUT replaces the peering, so every user setting is written back explicitly:
 * a sync that sent less would silently reset the user's flags (docs/azure-behaviour.md#sync-is-a-put: GET, then PUT the same).
 */
export function toSdkPeering(body: PeeringBody): SdkPeering {
  const s = body.settings;
  return {
    remoteVirtualNetwork: { id: body.remoteVnetId },
    allowVirtualNetworkAccess: s.allowVirtualNetworkAccess,
    allowForwardedTraffic: s.allowForwardedTraffic,
    allowGatewayTransit: s.allowGatewayTransit,
    useRemoteGateways: s.useRemoteGateways,
    doNotVerifyRemoteGateways: s.doNotVerifyRemoteGateways,
    peerCompleteVnets: s.peerCompleteVnets,
    enableOnlyIPv6Peering: s.enableOnlyIPv6Peering,
    ...(s.localSubnetNames.length ? { localSubnetNames: [...s.localSubnetNames] } : {}),
    ...(s.remoteSubnetNames.length ? { remoteSubnetNames: [...s.remoteSubnetNames] } : {}),
    ...(s.remoteBgpCommunity
      ? { remoteBgpCommunities: { virtualNetworkCommunity: s.remoteBgpCommunity } }
      : {}),
    ...(body.localAddressSpace?.length
      ? { localAddressSpace: { addressPrefixes: [...body.localAddressSpace] } }
      : {}),
    ...(body.remoteAddressSpace?.length
      ? { remoteAddressSpace: { addressPrefixes: [...body.remoteAddressSpace] } }
      : {}),
  };
}
