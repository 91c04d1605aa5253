import type { Rng } from "./rng.js";

/**
 * Targeted fault injection (docs/azure-behaviour.md#emulator-choices): a rule matches by method and path and fires a number of
 * times or with a probability drawn from the seeded fault stream, so a test can inject exactly one
 * fault and a benchmark a reproducible rate of them.
 */

export type Fault =
  /** Answer with this status instead of processing (500 InternalServerError, 503 ServiceUnavailable...). */
  | { type: "status"; status: number; code?: string; message?: string; retryAfterSeconds?: number }
  /** Destroy the socket without an answer (the client sees ECONNRESET). */
  | { type: "reset" }
  /** Wait this many emulated seconds, then process normally. */
  | { type: "delay"; seconds: number }
  /** Accept the write, then end its long-running operation Failed. */
  | { type: "lroFailure"; code?: string; message?: string }
  /**
   * Answer normally, but name this base (scheme://host:port, or any hostile prefix) instead of the
   * emulator's own in the answer's nextLink, Azure-AsyncOperation and Location: a server sending the
   * client elsewhere, which real ARM never does and a client must not follow.
   */
  | {
      type: "linkBase";
      baseUrl: string;
      /** A write answers with Location (operationResults) only, the other polling header ARM uses. */
      pollByLocation?: boolean;
    };

export interface FaultRule {
  /** HTTP method(s), case-insensitive; all when omitted. */
  method?: string | string[];
  /** Regular expression (or its source) tested against the URL path (no query string). */
  path?: RegExp | string;
  /** Fire at most this many times (default: unlimited). */
  count?: number;
  /** Let the first `skip` matching requests through. */
  skip?: number;
  /** Chance to fire on each match, from the seeded stream (default 1). */
  probability?: number;
  fault: Fault;
}

interface ActiveRule {
  id: string;
  rule: FaultRule;
  methods?: Set<string>;
  path?: RegExp;
  seen: number;
  fired: number;
}

export interface FaultDecision {
  delaySeconds: number;
  fault?: Exclude<Fault, { type: "delay" }>;
}

export class Faults {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  constructor(private readonly rng: Rng) {}

  add(rule: FaultRule): string {
    const id = `fault-${this.nextId++}`;
    const methods = rule.method
      ? new Set((Array.isArray(rule.method) ? rule.method : [rule.method]).map((m) => m.toUpperCase()))
      : undefined;
    const path =
      rule.path === undefined
        ? undefined
        : typeof rule.path === "string"
          ? new RegExp(rule.path, "i")
          : rule.path;
    this.rules.push({
      id,
      rule,
      seen: 0,
      fired: 0,
      ...(methods ? { methods } : {}),
      ...(path ? { path } : {}),
    });
    return id;
  }

  remove(id: string): void {
    this.rules = this.rules.filter((r) => r.id !== id);
  }

  clear(): void {
    this.rules = [];
  }

  /** How often each rule fired, by id. */
  firedCounts(): Record<string, number> {
    return Object.fromEntries(this.rules.map((r) => [r.id, r.fired]));
  }

  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { delaySeconds: 0 };
    for (const r of this.rules) {
      if (r.methods && !r.methods.has(method.toUpperCase())) continue;
      if (r.path && !r.path.test(path)) continue;
      if (r.rule.count !== undefined && r.fired >= r.rule.count) continue;
      if (decision.fault && r.rule.fault.type !== "delay") continue;
      r.seen++;
      if (r.seen <= (r.rule.skip ?? 0)) continue;
      const p = r.rule.probability ?? 1;
      if (p < 1 && this.rng.next() >= p) continue;
      r.fired++;
      const f = r.rule.fault;
      if (f.type === "delay") decision.delaySeconds += f.seconds;
      else if (!decision.fault) decision.fault = f;
    }
    return decision;
  }
}
