import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { errorResponse } from "./http.js";

/** Callers remembered at once; beyond it the least recently seen are forgotten (memory stays bounded). */
const MAX_CALLERS = 10_000;

/**
 * A sliding-window limit per caller: at most `limit` requests in any `windowMs`. In memory, per
 * Functions instance (docs/functions.md "HTTP endpoints: who may ask for what" says why that is
 * enough). The window runs on the injected clock, so it is tested without waiting.
 */
export class RateLimiter {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly now: () => Date,
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts the request when allowed; otherwise says in how many seconds the oldest one leaves the window. */
  take(caller: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now().getTime();
    const recent = (this.seen.get(caller) ?? []).filter((t) => now - t < this.windowMs);
    this.seen.delete(caller);
    if (recent.length >= this.limit) {
      this.seen.set(caller, recent);
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000)),
      };
    }
    recent.push(now);
    this.seen.set(caller, recent);
    if (this.seen.size > MAX_CALLERS) this.seen.delete(this.seen.keys().next().value!);
    return { ok: true };
  }
}

/**
 * Who is asking, for the rate limit. Function keys do not identify a caller, so: the principal App
 * Service Authentication vouches for (only when it is in front: external requests cannot set its
 * headers then, https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities),
 * else the client address the platform's front end appended last to X-Forwarded-For (the entries before
 * it are whatever the client sent), else one bucket shared by all.
 */
export function callerOf(request: HttpRequest, trustEasyAuth: boolean): string {
  if (trustEasyAuth) {
    const principal = request.headers.get("x-ms-client-principal-id")?.trim();
    if (principal) return `principal:${principal.toLowerCase()}`;
  }
  const forwarded = request.headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  if (last) return `address:${addressOnly(last)}`;
  return "anyone";
}

/** "203.0.113.7:51234" -> "203.0.113.7", "[2001:db8::1]:443" -> "2001:db8::1": the port changes per connection. */
function addressOnly(value: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1]!.toLowerCase();
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(value);
  if (v4) return v4[1]!;
  return value.toLowerCase();
}

/**
 * Takes one request of the caller's budget of ARM-reading requests (what-ifs, dry runs and runs share
 * it: each reads the watched subscriptions); a 429 with Retry-After when it is spent, else undefined.
 */
export function refuseOverLimit(
  limiter: RateLimiter,
  request: HttpRequest,
  trustEasyAuth: boolean,
): HttpResponseInit | undefined {
  const allowed = limiter.take(callerOf(request, trustEasyAuth));
  if (allowed.ok) return undefined;
  const response = errorResponse(
    429,
    "TooManyRequests",
    `At most ${limiter.limit} what-ifs, dry runs and runs per caller per hour (RESYNC_RATE_LIMIT_PER_HOUR); try again in ${allowed.retryAfterSeconds} s.`,
  );
  return { ...response, headers: { "Retry-After": String(allowed.retryAfterSeconds) } };
}
