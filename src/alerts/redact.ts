/**
 * Secrets (webhook URLs carrying `sig=`, HMAC keys, connection strings with `accesskey=`) must never
 * reach a log, an error, an alert body, an HTTP answer or the CLI's output (docs/safety.md, "Threat
 * model"). Data from ARM is redacted before any renderer sees it (`redactData`), so every escaping a
 * renderer applies (HTML, JSON, Markdown, terminal) works on text that no longer holds a secret: an
 * escaped secret can no longer slip past a redaction that looks for the raw value.
 */

const MASK = "[redacted]";

/** Parts of a secret that are themselves secret when seen alone (a URL's query, a key in a connection string). */
function fragmentsOf(secret: string): string[] {
  const out = [secret];
  try {
    const url = new URL(secret);
    out.push(url.href);
    for (const value of url.searchParams.values()) if (value.length >= 8) out.push(value);
    // The raw values too: searchParams reads `+` as a space, and base64 signatures hold `+`.
    for (const pair of url.search.slice(1).split("&")) {
      const raw = pair.slice(pair.indexOf("=") + 1);
      if (pair.includes("=") && raw.length >= 8) out.push(raw, safeDecode(raw));
    }
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

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The forms a fragment takes once something upstream encoded it: an ARM error message can quote a
 * URL (percent-encoded, either hex case, `+` for a space), a JSON body (backslash-escaped, or with
 * `<>&'` as `\u00XX` as .NET serialisers write them), an HTML error page (entity-escaped) or
 * Markdown.
 */
function encodedForms(fragment: string): string[] {
  const url = encodeURIComponent(fragment);
  const json = JSON.stringify(fragment).slice(1, -1);
  const html = fragment
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
  const hex = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  return [
    fragment,
    url,
    url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    url.replace(/%20/g, "+"),
    json,
    json.replace(/[<>&']/g, hex),
    // A JSON document quoted as a string in another (an error body inside a log line).
    JSON.stringify(json).slice(1, -1),
    // Markdown-escaped, as a chat message or card quoted back to us would carry it.
    fragment.replace(/[\\*_[\]<>~{}|]/g, "\\$&"),
    html,
    html.replace(/'/g, "&#39;"),
    html.replace(/'/g, "&#x27;"),
    html.replace(/'/g, "&apos;"),
  ];
}

/** A function that masks every secret (its secret parts, and their encoded forms) in a text. */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const fragments = [
    ...new Set(
      secrets
        .filter((s): s is string => typeof s === "string" && s.length >= 8)
        .flatMap(fragmentsOf)
        .filter((f) => f.length >= 8)
        .flatMap(encodedForms),
    ),
  ].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const fragment of fragments) if (out.includes(fragment)) out = out.split(fragment).join(MASK);
    // Belt and braces: any signed URL query that slipped through (a URL we were not told about).
    return out.replace(/([?&](?:sig|signature|code|key)=)[^&\s"'<>\\]+/gi, `$1${MASK}`);
  };
}

/** Replace every occurrence of each secret (and its secret parts, in any encoding) in `text`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  return redactor(secrets)(text);
}

/**
 * A copy of `value` (a report, a model, log fields: plain objects, arrays and scalars) with every
 * string in it, keys included, redacted. The one step every output takes before it is rendered.
 */
export function redactData<T>(value: T, secrets: readonly (string | undefined)[]): T {
  const clean = redactor(secrets);
  const seen = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return clean(v);
    if (typeof v !== "object" || v === null) return v;
    const done = seen.get(v);
    if (done !== undefined) return done;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      seen.set(v, out);
      for (const item of v) out.push(walk(item));
      return out;
    }
    if (v instanceof Error) {
      const out = new Error(clean(v.message));
      out.name = v.name;
      seen.set(v, out);
      return out;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    // Dates, buffers and the like carry no user text worth walking; class instances are not data.
    if (proto !== Object.prototype && proto !== null) return v;
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const [key, item] of Object.entries(v))
      // defineProperty, not assignment: a `__proto__` key from the wire stays an own key.
      Object.defineProperty(out, clean(key), {
        value: walk(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  };
  return walk(value) as T;
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
