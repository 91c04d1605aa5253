import type { Clock } from "./clock.js";
import { ArmHttpError } from "./errors.js";
import { renderPeering } from "./render.js";
import { key, type NetworkState } from "./state.js";

/** What Resource Graph reads of the emulator (not the whole Env, which refers to this module). */
export interface GraphEnv {
  clock: Clock;
  state: NetworkState;
}

/** The answer to one query, as the server sends it. */
export interface GraphReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * Azure Resource Graph's query API (POST /providers/Microsoft.ResourceGraph/resources,
 * docs/azure-behaviour.md#resource-graph) for the one query vnet-peering-sync sends: every virtual
 * network of the given subscriptions with its peerings, ordered by id. Anything else is refused
 * with a 400 naming what is not supported, so a product change that sends another query fails
 * loudly here instead of being answered as if it had been understood.
 *
 * Modelled: rows only from subscriptions the caller may read; pages of `$top` rows (at most 1,000)
 * with `$skipToken`; a quota per caller of `quota` queries per `windowSeconds` with the
 * `x-ms-user-quota-remaining` / `x-ms-user-quota-resets-after` headers on every answer and 429 once
 * spent; and a lag: with `stalenessSeconds` > 0 answers come from a copy of the state taken at most
 * that long ago (emulated seconds), refreshed when older.
 */

export interface ResourceGraphOptions {
  /** Queries per window per caller. Default 15 (docs/azure-behaviour.md#resource-graph). */
  quota: number;
  /** Default 5 emulated seconds. */
  windowSeconds: number;
  /** Default 0: answers reflect the state as it is. */
  stalenessSeconds: number;
}

export const defaultResourceGraphOptions = (): ResourceGraphOptions => ({
  quota: 15,
  windowSeconds: 5,
  stalenessSeconds: 0,
});

/** The query the product sends, whitespace-insensitive (src/azure/arm/resource-graph-inventory.ts). */
export const SUPPORTED_QUERY =
  "Resources | where type =~ 'microsoft.network/virtualnetworks' " +
  "| project id, subscriptionId, peerings = properties.virtualNetworkPeerings | order by id asc";

const MAX_TOP = 1000;
/** Subscriptions one request may name (docs/azure-behaviour.md#resource-graph). */
const MAX_SUBSCRIPTIONS = 1000;
const DEFAULT_TOP = 100;

interface Row {
  id: string;
  subscriptionId: string;
  peerings: unknown[];
}

interface Copy {
  takenAtMs: number;
  rows: Row[];
}

interface Chain {
  /** Row ids (keys) this query matched, in order; rendered page by page (or taken from a copy). */
  keys: string[];
  copy?: Copy;
}

const normalise = (q: string) =>
  q
    .replace(/\s+/g, " ")
    .replace(/\s*\|\s*/g, " | ")
    .trim()
    .toLowerCase();

export class ResourceGraph {
  private readonly used = new Map<string, { windowStartMs: number; count: number }>();
  private readonly chains = new Map<string, Chain>();
  private copy: Copy | undefined;
  private nextChain = 1;

  constructor(
    private readonly env: GraphEnv,
    readonly options: ResourceGraphOptions,
  ) {}

  /** The caller's quota; throws 429 once spent. Every answer, 429 or not, carries the headers. */
  takeQuota(caller: string): Record<string, string> {
    const now = this.env.clock.now();
    const windowMs = this.env.clock.realMs(this.options.windowSeconds);
    let u = this.used.get(caller);
    if (!u || now - u.windowStartMs >= windowMs) {
      u = { windowStartMs: now, count: 0 };
      this.used.set(caller, u);
    }
    const resetsAfter = Math.max(
      1,
      Math.ceil(this.env.clock.emulatedSeconds(u.windowStartMs + windowMs - now)),
    );
    const headers = (remaining: number) => ({
      "x-ms-user-quota-remaining": String(remaining),
      "x-ms-user-quota-resets-after": hms(resetsAfter),
    });
    if (u.count >= this.options.quota) {
      throw new ArmHttpError(
        429,
        {
          code: "RateLimiting",
          message: `Please provide below info when asking for support: timestamp = ${new Date(now).toISOString()}. Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.`,
        },
        headers(0),
      );
    }
    u.count++;
    return headers(this.options.quota - u.count);
  }

  query(req: { rawBody: string }, headers: Record<string, string>): GraphReply {
    const body = parseBody(req.rawBody);
    const top = body.top ?? DEFAULT_TOP;
    let chainId: string;
    let offset: number;
    let chain: Chain | undefined;
    if (body.skipToken !== undefined) {
      const token = decodeToken(body.skipToken);
      chain = token ? this.chains.get(token.chain) : undefined;
      if (!token || !chain)
        throw badRequest("InvalidSkipToken", "The $skipToken is not valid for this query.");
      chainId = token.chain;
      offset = token.offset;
    } else {
      chain = this.startChain(body.subscriptions);
      chainId = String(this.nextChain++);
      this.chains.set(chainId, chain);
      // The product pages through one query at a time; a few are kept for concurrent callers.
      for (const old of this.chains.keys()) if (this.chains.size > 16) this.chains.delete(old);
      offset = 0;
    }
    const pageKeys = chain.keys.slice(offset, offset + top);
    // A copy's rows are in the chain's order: the page is the same slice of them.
    const data = chain.copy
      ? chain.copy.rows.slice(offset, offset + top)
      : pageKeys.flatMap((k) => {
          const row = this.row(k);
          return row ? [row] : [];
        });
    const next = offset + pageKeys.length;
    const more = next < chain.keys.length;
    if (!more) this.chains.delete(chainId);
    return {
      status: 200,
      headers,
      body: {
        totalRecords: chain.keys.length,
        count: data.length,
        resultTruncated: "false",
        ...(more ? { $skipToken: encodeToken({ chain: chainId, offset: next }) } : {}),
        data,
      },
    };
  }

  private startChain(subscriptions: string[]): Chain {
    const readable = new Set(
      subscriptions.map((s) => s.toLowerCase()).filter((s) => this.env.state.isAccessible(s)),
    );
    if (this.options.stalenessSeconds > 0) {
      const now = this.env.clock.now();
      if (
        !this.copy ||
        this.env.clock.emulatedSeconds(now - this.copy.takenAtMs) > this.options.stalenessSeconds
      ) {
        this.copy = { takenAtMs: now, rows: this.allKeys().flatMap((k) => this.row(k) ?? []) };
      }
      const rows = this.copy.rows.filter((r) => readable.has(r.subscriptionId.toLowerCase()));
      return { keys: rows.map((r) => key(r.id)), copy: { takenAtMs: this.copy.takenAtMs, rows } };
    }
    return {
      keys: this.allKeys().filter((k) =>
        readable.has(this.env.state.vnets.get(k)!.subscriptionId.toLowerCase()),
      ),
    };
  }

  private allKeys(): string[] {
    return [...this.env.state.vnets.keys()].sort();
  }

  private row(vnetKey: string): Row | undefined {
    const v = this.env.state.vnets.get(vnetKey);
    if (!v) return undefined;
    return {
      id: v.id,
      // Resource Graph reports subscription ids in lower case.
      subscriptionId: v.subscriptionId.toLowerCase(),
      peerings: [...v.peerings.values()].map((p) => renderPeering(this.env.state, p)),
    };
  }
}

function parseBody(raw: string): { subscriptions: string[]; top?: number; skipToken?: string } {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw badRequest("InvalidRequestContent", "The request content is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw badRequest("InvalidRequestContent", "The request content must be a JSON object.");
  const b = body as Record<string, unknown>;
  for (const field of Object.keys(b)) {
    if (!["subscriptions", "query", "options"].includes(field))
      throw badRequest("UnsupportedRequest", `The emulator does not support the request field '${field}'.`);
  }
  if (typeof b.query !== "string" || normalise(b.query) !== normalise(SUPPORTED_QUERY))
    throw badRequest(
      "UnsupportedQuery",
      `The emulator answers only the query vnet-peering-sync sends (${SUPPORTED_QUERY}); 'query' was ${JSON.stringify(String(b.query).slice(0, 300))}.`,
    );
  const subs = b.subscriptions;
  if (!Array.isArray(subs) || subs.length === 0 || !subs.every((s) => typeof s === "string"))
    throw badRequest(
      "InvalidSubscriptions",
      "'subscriptions' must be a non-empty array of subscription ids.",
    );
  if (subs.length > MAX_SUBSCRIPTIONS)
    throw badRequest(
      "TooManySubscriptions",
      `'subscriptions' names ${subs.length} subscriptions; at most ${MAX_SUBSCRIPTIONS} per request.`,
    );
  const out: { subscriptions: string[]; top?: number; skipToken?: string } = {
    subscriptions: subs as string[],
  };
  if (b.options !== undefined) {
    if (typeof b.options !== "object" || b.options === null)
      throw badRequest("InvalidOptions", "'options' must be an object.");
    const o = b.options as Record<string, unknown>;
    for (const [name, value] of Object.entries(o)) {
      if (name === "$top") {
        if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_TOP)
          throw badRequest("InvalidOptions", `'options.$top' must be an integer from 1 to ${MAX_TOP}.`);
        out.top = value;
      } else if (name === "$skipToken") {
        if (typeof value !== "string" || value === "")
          throw badRequest("InvalidOptions", "'options.$skipToken' must be a non-empty string.");
        out.skipToken = value;
      } else if (name === "resultFormat") {
        if (value !== "objectArray")
          throw badRequest(
            "UnsupportedOptions",
            "The emulator supports only 'options.resultFormat' objectArray.",
          );
      } else {
        throw badRequest("UnsupportedOptions", `The emulator does not support 'options.${name}'.`);
      }
    }
  }
  return out;
}

function badRequest(code: string, message: string): ArmHttpError {
  return new ArmHttpError(400, {
    code: "BadRequest",
    message: "Please provide below info when asking for support: the request is invalid.",
    details: [{ code, message }],
  });
}

function hms(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h, m, s].map((n) => String(n).padStart(2, "0")).join(":");
}

function encodeToken(t: { chain: string; offset: number }): string {
  return Buffer.from(JSON.stringify(t)).toString("base64url");
}

function decodeToken(token: string): { chain: string; offset: number } | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (
      typeof t === "object" &&
      t !== null &&
      typeof (t as { chain?: unknown }).chain === "string" &&
      Number.isInteger((t as { offset?: unknown }).offset)
    )
      return t as { chain: string; offset: number };
  } catch {
    // falls through
  }
  return undefined;
}
