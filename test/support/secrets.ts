/**
 * The secret values tests use (webhook URLs with their `sig=`, HMAC keys, connection strings and their
 * account keys), for the log capture every vitest project runs (test/support/log-capture.ts, a
 * setupFiles entry): every console line, every Azure SDK log line, everything a test's code writes to
 * stdout/stderr and every line logged through an InvocationContext of test/support/queue-harness.ts is
 * searched for them, and the file fails if one shows up.
 *
 * A test declares each secret where it defines it: `const SIG = secret("TeamsSig0123...")`. Whatever
 * is not declared is still caught by its shape when it is one (an unredacted `sig=`, `accesskey=`,
 * `AccountKey=` or `SharedAccessKey=` value, see SECRET_SHAPES); a shapeless secret such as an HMAC
 * key is only caught if declared.
 *
 * State lives on globalThis, not in this module: the setup file and a test file may load this module
 * through different module graphs and must still see the same registry.
 */

export interface CaptureState {
  /** Declared secrets and their secret parts, longest first once sorted. */
  secrets: Set<string>;
  /** Console, stdout/stderr and Azure SDK lines of the current file (kept to re-search at its end). */
  lines: string[];
  /** Lines found to carry a secret (from any source, including invocation logs, which are not kept). */
  leaks: Array<{ source: string; line: string; secret: string }>;
}

const KEY = Symbol.for("vnet-peering-sync.test.log-capture");

export function captureState(): CaptureState {
  const g = globalThis as { [KEY]?: CaptureState };
  return (g[KEY] ??= { secrets: new Set(), lines: [], leaks: [] });
}

/** Forget the previous file's lines and leaks (the setup file calls it as each file starts). */
export function resetCapture(): void {
  const state = captureState();
  state.lines.length = 0;
  state.leaks.length = 0;
}

/**
 * Secret-looking values whatever they are: an unredacted signature or key in a URL or a connection
 * string. `[redacted]` (the product's mask) and short placeholders do not count.
 */
export const SECRET_SHAPES: readonly RegExp[] = [
  /[?&](?:sig|signature)=(?!\[redacted\])[^&\s"'\\]{8,}/i,
  /\b(?:accesskey|AccountKey|SharedAccessKey)=(?!\[redacted\])[^;\s"'\\]{8,}/i,
];

/** A secret and the parts of it that are secret alone (a URL's query values, a connection string's keys). */
export function fragmentsOf(value: string): string[] {
  const out = [value];
  try {
    const url = new URL(value);
    for (const v of url.searchParams.values()) if (v.length >= 8) out.push(v, encodeURIComponent(v));
  } catch {
    // not a URL
  }
  for (const part of value.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && /key|secret|sig|password/i.test(part.slice(0, eq))) {
      const v = part.slice(eq + 1);
      if (v.length >= 8) out.push(v);
    }
  }
  return out.filter((f) => f.length >= 8);
}

/** Declares a secret value the test uses (and so its secret parts) and returns it unchanged. */
export function secret<T extends string>(value: T): T {
  const { secrets } = captureState();
  for (const f of fragmentsOf(value)) secrets.add(f);
  return value;
}

/** Declares every string value of a settings object (the secret ones: pass only those). */
export function secretValues<T extends Record<string, string | undefined>>(settings: T): T {
  for (const value of Object.values(settings)) if (value) secret(value);
  return settings;
}

/** What in `line` is a secret: a declared value, or a secret-shaped one. */
export function secretIn(line: string): string | undefined {
  for (const s of captureState().secrets) if (line.includes(s)) return s;
  for (const shape of SECRET_SHAPES) {
    const m = shape.exec(line);
    if (m) return m[0];
  }
  return undefined;
}

/** Searches one log line now; `keep` lines are searched again when the file ends. */
export function recordLogLine(source: string, line: string, keep = false): void {
  const state = captureState();
  if (keep) state.lines.push(line);
  const found = secretIn(line);
  if (found !== undefined) state.leaks.push({ source, line, secret: found });
}

/** The console, stdout/stderr and Azure SDK lines of the current file so far. */
export function capturedLines(): readonly string[] {
  return captureState().lines;
}

/** `line` with every secret in it masked, so a failure that quotes it does not leak it again. */
export function maskSecrets(line: string): string {
  let out = line;
  const declared = [...captureState().secrets].sort((a, b) => b.length - a.length);
  for (const s of declared) out = out.split(s).join(`[SECRET ${s.slice(0, 4)}...]`);
  for (const shape of SECRET_SHAPES)
    out = out.replace(new RegExp(shape.source, "gi"), (m) => `[SECRET ${m.slice(0, 8)}...]`);
  return out;
}

/** A leak as the failure shows it: where, and the line with its secrets masked. */
export function describeLeak(leak: { source: string; line: string }): string {
  const masked = maskSecrets(leak.line.trimEnd());
  return `${leak.source}: ${masked.length > 300 ? `${masked.slice(0, 300)}...` : masked}`;
}
