import type { PipelinePolicy } from "@azure/core-rest-pipeline";

/**
 * Pins every request of an SDK client to one origin (scheme, host and port).
 *
 * The SDKs follow the URLs a response names (a list's `nextLink`, a long-running operation's
 * `Azure-AsyncOperation`, `Location` or `Operation-Location`) wherever they point, and attach the
 * client's credential to them. Azure never names another host, but the product must not depend on
 * that: a response that does would receive the identity's token, and its answers (a page of VNets,
 * an operation's "Succeeded") would be believed. This policy refuses such a request before anything
 * is sent. It must sit before the policy that signs requests, so the token is never even attached.
 */
export const ORIGIN_PIN_POLICY_NAME = "vnetPeeringSyncOriginPin";

/** Longest piece of a foreign URL quoted in an error: enough to recognise it, not a log flood. */
const QUOTE_LIMIT = 200;

export interface ForeignOriginDetails {
  /** The origin the client is pinned to, e.g. https://management.azure.com */
  expected: string;
  /** What the refused request named: its origin, or its scheme when it has none (e.g. `data:`). */
  foreign: string;
  method: string;
}

/**
 * Builds the policy. `refuse` turns the details into the error the caller's code understands (an
 * ArmError for the network port, a plain Error for email).
 */
export function originPinPolicy(
  endpoint: string,
  refuse: (details: ForeignOriginDetails) => Error,
): PipelinePolicy {
  const expected = new URL(endpoint).origin;
  return {
    name: ORIGIN_PIN_POLICY_NAME,
    sendRequest: async (request, next) => {
      const foreign = foreignOriginOf(request.url, expected);
      if (foreign !== undefined) throw refuse({ expected, foreign, method: request.method });
      return next(request);
    },
  };
}

/**
 * undefined when `url` lies on `expected`, else a printable name for where it points. A URL with
 * user info is refused too: the SDK has no business sending credentials of a response's choosing.
 */
export function foreignOriginOf(url: string, expected: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return quote(`unparsable URL ${JSON.stringify(url.slice(0, QUOTE_LIMIT))}`);
  }
  if (parsed.origin === expected && !parsed.username && !parsed.password) return undefined;
  const name = parsed.origin === "null" ? parsed.protocol : parsed.origin;
  return quote(parsed.username || parsed.password ? `${name} (with user info)` : name);
}

/** Control characters and overlong hosts never reach a log line or an alert as-is. */
function quote(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "?");
  return clean.length > QUOTE_LIMIT ? `${clean.slice(0, QUOTE_LIMIT)}...` : clean;
}
