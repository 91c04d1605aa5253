import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import type { TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicyName,
  isRestError,
  redirectPolicyName,
} from "@azure/core-rest-pipeline";
import type { InventoryPage, InventoryScan, VnetInventory } from "../../app/ports.js";
import type { InventoryPeering, InventoryVnet } from "../../app/vnet-index.js";
import { ArmError } from "../../reconcile/errors.js";
import { isWellFormedVnetId, subscriptionOf } from "../../reconcile/ids.js";
import { ARM_CLOUDS } from "../clouds.js";
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  foreignOriginError,
  requestTimeoutPolicy,
  toArmError,
} from "./arm-network-port.js";
import { originPinPolicy } from "./origin-pin.js";

/**
 * The one query the sweep sends (docs/azure-behaviour.md#resource-graph): every VNet with its
 * peerings, ordered by id so that pages are stable. The emulator answers exactly this query.
 */
export const RESOURCE_GRAPH_QUERY =
  "Resources | where type =~ 'microsoft.network/virtualnetworks' " +
  "| project id, subscriptionId, peerings = properties.virtualNetworkPeerings | order by id asc";
/** Subscriptions one request may name; rows one page may hold (docs/azure-behaviour.md#resource-graph). */
export const MAX_SUBSCRIPTIONS_PER_QUERY = 1000;
export const MAX_PAGE_ROWS = 1000;
/** The longest quota reset worth waiting for; past it the subscriptions go to ARM lists. */
export const DEFAULT_MAX_QUOTA_WAIT_MS = 60_000;

export interface ResourceGraphInventoryOptions {
  credential: TokenCredential;
  /** ARM's endpoint: Resource Graph is a provider behind it. Every request is pinned to its origin. */
  endpoint?: string;
  credentialScope?: string;
  caPem?: string;
  /** Default DEFAULT_MAX_QUOTA_WAIT_MS. */
  maxQuotaWaitMs?: number;
  /**
   * Wall-clock ms per second named by the quota headers. Default 1000; the benchmark's emulator runs
   * on a scaled clock and names emulated seconds.
   */
  msPerSecond?: number;
  /** Retries the SDK pipeline makes on 5xx and network errors before the batch falls back. Default 1. */
  sdkMaxRetries?: number;
  requestTimeoutMs?: number;
  /** Tests: smaller batches and pages than the service's maxima. */
  subscriptionsPerQuery?: number;
  pageRows?: number;
  /** Tests and the benchmark: how a wait is made (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The sweep's inventory from Azure Resource Graph: one query per 1,000 subscriptions, pages of up to
 * 1,000 compact rows, the caller's quota obeyed from the headers of every answer. What it cannot
 * vouch for is handed back as `failed`, for the sweep to list through ARM: a batch that was
 * throttled past its reset, answered 5xx, could not be reached, came back truncated or with a row
 * that does not parse; and each subscription it returned no row for (empty, not readable by the
 * identity, or not indexed yet cannot be told apart, and a VNet must never look deleted because of it).
 */
export class ResourceGraphInventory implements VnetInventory {
  readonly source = "resource-graph" as const;
  private readonly client: ResourceGraphClient;
  private blockedUntil = 0;

  constructor(private readonly options: ResourceGraphInventoryOptions) {
    const endpoint = options.endpoint ?? ARM_CLOUDS.AzureCloud.endpoint;
    this.client = new ResourceGraphClient(options.credential, {
      endpoint,
      credentials: { scopes: [options.credentialScope ?? ARM_CLOUDS.AzureCloud.audience] },
      ...(options.caPem ? { tlsOptions: { ca: options.caPem } } : {}),
      retryOptions: { maxRetries: options.sdkMaxRetries ?? 1 },
      userAgentOptions: { userAgentPrefix: "vnet-peering-sync" },
    });
    // After the redirect policy, which re-sends from its own place in the pipeline: a redirect to
    // another origin is refused there, before the bearer policy attaches the token (docs/safety.md).
    this.client.pipeline.addPolicy(originPinPolicy(endpoint, foreignOriginError), {
      afterPolicies: [redirectPolicyName],
      beforePolicies: [bearerTokenAuthenticationPolicyName],
    });
    this.client.pipeline.addPolicy(
      requestTimeoutPolicy(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
    );
  }

  async scan(
    subscriptions: readonly string[],
    onPage: (page: InventoryPage) => void | Promise<void>,
  ): Promise<InventoryScan> {
    const scan: InventoryScan = { covered: [], inaccessible: [], failed: [], requests: 0 };
    const size = Math.min(
      this.options.subscriptionsPerQuery ?? MAX_SUBSCRIPTIONS_PER_QUERY,
      MAX_SUBSCRIPTIONS_PER_QUERY,
    );
    for (let i = 0; i < subscriptions.length; i += size) {
      const batch = subscriptions.slice(i, i + size);
      const seen = new Set<string>();
      try {
        // The next page is asked for before this one's rows are indexed: the quota, not our CPU, paces.
        const fetch = (skipToken: string | undefined) => {
          const p = this.page(batch, skipToken, scan);
          p.catch(() => undefined); // awaited below; a page left behind by a failure is not unhandled
          return p;
        };
        let pending: ReturnType<typeof fetch> | undefined = fetch(undefined);
        while (pending) {
          const page: Awaited<ReturnType<typeof fetch>> = await pending;
          if (page.resultTruncated !== "false")
            throw new ArmError(
              0,
              "ResultTruncated",
              "Resource Graph truncated its answer (resultTruncated is not false); its subscriptions are listed through ARM.",
            );
          const vnets = rowsOf(page.data, new Set(batch.map((s) => s.toLowerCase())));
          for (const v of vnets) seen.add(subscriptionOf(v.id)!);
          pending = page.skipToken ? fetch(page.skipToken) : undefined;
          await onPage({ vnets });
        }
      } catch (err) {
        const e = toArmError(err);
        for (const subscriptionId of batch)
          scan.failed.push({ subscriptionId, code: e.code, message: e.message });
        continue;
      }
      for (const subscriptionId of batch) {
        if (seen.has(subscriptionId.toLowerCase())) scan.covered.push(subscriptionId);
        else
          scan.failed.push({
            subscriptionId,
            code: "NoResourceGraphRows",
            message:
              "Resource Graph returned no VNet of this subscription (empty, not readable, or not indexed yet).",
          });
      }
    }
    return scan;
  }

  /** One page, after the quota allows it; a 429 is waited out once, up to its reset. */
  private async page(
    subscriptions: string[],
    skipToken: string | undefined,
    scan: InventoryScan,
  ): Promise<{ resultTruncated: string; skipToken?: string; data: unknown }> {
    for (let attempt = 0; ; attempt++) {
      await this.waitForQuota();
      scan.requests++;
      try {
        return await this.client.resources(
          {
            subscriptions,
            query: RESOURCE_GRAPH_QUERY,
            options: {
              top: this.options.pageRows ?? MAX_PAGE_ROWS,
              resultFormat: "objectArray",
              ...(skipToken ? { skipToken } : {}),
            },
          },
          { onResponse: (response) => this.learn((name) => response.headers.get(name)) },
        );
      } catch (err) {
        if (!isRestError(err) || err.statusCode !== 429) throw err;
        const headers = err.response?.headers;
        const resetMs = this.learn((name) => headers?.get(name)) ?? this.msOf(5);
        if (attempt > 0 || resetMs > (this.options.maxQuotaWaitMs ?? DEFAULT_MAX_QUOTA_WAIT_MS)) {
          throw new ArmError(
            429,
            "ResourceGraphThrottled",
            `Resource Graph throttled the sweep ${attempt > 0 ? "again after its quota reset" : `for ${resetMs} ms`}; its subscriptions are listed through ARM.`,
          );
        }
        this.blockedUntil = Math.max(this.blockedUntil, Date.now() + resetMs);
      }
    }
  }

  /**
   * Reads the quota headers (docs/azure-behaviour.md#resource-graph): with none left, the next query
   * waits for the reset. Returns the reset in ms when the headers name one.
   */
  private learn(header: (name: string) => string | undefined): number | undefined {
    const resets = parseHms(header("x-ms-user-quota-resets-after"));
    const remaining = Number(header("x-ms-user-quota-remaining"));
    const resetMs = resets === undefined ? undefined : this.msOf(resets);
    if (resetMs !== undefined && Number.isFinite(remaining) && remaining <= 0)
      this.blockedUntil = Math.max(this.blockedUntil, Date.now() + resetMs);
    return resetMs;
  }

  private msOf(seconds: number): number {
    return seconds * (this.options.msPerSecond ?? 1000);
  }

  private async waitForQuota(): Promise<void> {
    const wait = this.blockedUntil - Date.now();
    const bound = this.options.maxQuotaWaitMs ?? DEFAULT_MAX_QUOTA_WAIT_MS;
    if (wait > bound)
      throw new ArmError(
        429,
        "ResourceGraphThrottled",
        `Resource Graph's quota resets in ${Math.ceil(wait)} ms, longer than the sweep waits (${bound} ms); its subscriptions are listed through ARM.`,
      );
    if (wait > 0) await (this.options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(wait);
  }
}

/** `hh:mm:ss` (the header's format) in seconds; undefined for anything else. */
export function parseHms(value: string | undefined): number | undefined {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(value?.trim() ?? "");
  if (!m) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/**
 * The rows of one page, checked: Resource Graph's answer is untrusted input. A row that does not
 * parse fails the batch (its subscriptions are then listed through ARM) with the field named.
 */
export function rowsOf(data: unknown, subscriptions: ReadonlySet<string>): InventoryVnet[] {
  const bad = (field: string, problem: string) =>
    new ArmError(0, "InvalidResourceGraphAnswer", `Resource Graph's answer: ${field} ${problem}.`);
  if (!Array.isArray(data)) throw bad("data", "is not an array of rows");
  return data.map((row: unknown, i): InventoryVnet => {
    const r = (row ?? {}) as Record<string, unknown>;
    const id = r.id;
    if (typeof id !== "string" || !isWellFormedVnetId(id))
      throw bad(`data[${i}].id`, "is not a virtual network resource id");
    if (!subscriptions.has(subscriptionOf(id)!))
      throw bad(`data[${i}].id`, "lies in a subscription the query did not name");
    const peerings = r.peerings ?? [];
    if (!Array.isArray(peerings)) throw bad(`data[${i}].peerings`, "is not an array");
    return {
      id,
      peerings: peerings.map((p: unknown, j): InventoryPeering => {
        const field = `data[${i}].peerings[${j}]`;
        const q = (p ?? {}) as { name?: unknown; properties?: Record<string, unknown> };
        const props = q.properties ?? {};
        const remote = (props.remoteVirtualNetwork as { id?: unknown } | undefined)?.id;
        if (typeof q.name !== "string" || q.name === "") throw bad(`${field}.name`, "is not a name");
        if (typeof remote !== "string" || !isWellFormedVnetId(remote))
          throw bad(`${field}.properties.remoteVirtualNetwork.id`, "is not a virtual network resource id");
        // Absent fields read as the ARM port reads them (toPeering in arm-network-port.ts).
        const state = props.peeringState ?? "Initiated";
        const level = props.peeringSyncLevel ?? "FullyInSync";
        if (typeof state !== "string") throw bad(`${field}.properties.peeringState`, "is not a string");
        if (typeof level !== "string") throw bad(`${field}.properties.peeringSyncLevel`, "is not a string");
        return { name: q.name, remoteVnetId: remote, state, syncLevel: level };
      }),
    };
  });
}
