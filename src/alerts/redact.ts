/**
 * Secrets (webhook URLs carrying `sig=`, HMAC keys, connection strings with `accesskey=`) must never
 * reach a log, an error or an alert body (docs/safety.md; docs/azure-behaviour.md#teams-webhook: the
 * webhook URL carries its own signature, `sig=`).
 */

const MASK = "[redacted]";

/** Parts of a secret that are themselves secret when seen alone (a URL's query, a key in a connection string). */
function fragmentsOf(secret: string): string[] {
  const out = [secret];
  try {
    const url = new URL(secret);
    out.push(url.href);
    for (const value of url.searchParams.values())
      if (value.length >= 8) out.push(value, encodeURIComponent(value));
    if (url.search.length > 1) out.push(url.search.slice(1));
  } catch {
    // not a URL
  }
  for (const part of secret.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && /key|secret|signature|sig|password/i.test(part.slice(0, eq))) {
      const value = part.slice(eq + 1);
      if (value.length >= 8) out.push(value);
    }
  }
  return out;
}

/** Replace every occurrence of each secret (and its secret parts) in `text`. Longest first. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  const fragments = [
    ...new Set(
      secrets.filter((s): s is string => typeof s === "string" && s.length >= 8).flatMap(fragmentsOf),
    ),
  ].sort((a, b) => b.length - a.length);
  let out = text;
  for (const fragment of fragments) out = out.split(fragment).join(MASK);
  // Belt and braces: any signed URL query that slipped through (a URL we were not told about).
  return out.replace(/([?&](?:sig|signature|code|key)=)[^&\s"']+/gi, `$1${MASK}`);
}

/**
 * An error a sender may throw: its message is safe to log (it names the channel and the HTTP status,
 * never the URL or a key).
 */
export class AlertSendError extends Error {
  override readonly name = "AlertSendError";
  constructor(
    readonly channel: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The loggable description of anything a sender threw. Unknown throws are reduced to their name and code. */
export function describeSendError(err: unknown, secrets: readonly (string | undefined)[]): string {
  if (err instanceof AlertSendError) return redact(err.message, secrets);
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const status = (err as { statusCode?: unknown }).statusCode;
    const bits = [err.name];
    if (typeof status === "number") bits.push(`status ${status}`);
    if (typeof code === "string") bits.push(code);
    // The raw message is dropped: SDK errors quote URLs and request details.
    return redact(bits.join(" "), secrets);
  }
  return "unknown error";
}
