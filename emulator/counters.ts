/**
 * Request counters for tests and benchmarks: every answered request by method, resource kind and
 * status, plus the number of write calls (PUT/DELETE/PATCH, any outcome) per resource id.
 */

export type ResourceKind =
  | "resourceGroup"
  | "virtualNetwork"
  | "virtualNetworkList"
  | "virtualNetworkPeering"
  | "virtualNetworkPeeringList"
  | "virtualNetworkGateway"
  | "routeTable"
  | "operationStatus"
  | "operationResult"
  | "resourceGraph"
  | "unknown";

export interface CounterEntry {
  method: string;
  kind: ResourceKind;
  status: number;
  count: number;
}

export interface CounterSnapshot {
  total: number;
  entries: CounterEntry[];
  byMethod: Record<string, number>;
  byKind: Record<string, number>;
  byStatus: Record<string, number>;
  /** Lower-cased resource id -> write calls (PUT/PATCH/DELETE) that reached it, whatever the outcome. */
  writesByResource: Record<string, number>;
  /** Connections destroyed by an injected reset (no status). */
  resets: number;
}

export interface CounterQuery {
  method?: string;
  kind?: ResourceKind;
  status?: number;
}

export class Counters {
  private entries = new Map<string, CounterEntry>();
  private writes = new Map<string, number>();
  private resets = 0;

  record(method: string, kind: ResourceKind, status: number, resourceId?: string): void {
    const k = `${method} ${kind} ${status}`;
    const e = this.entries.get(k) ?? { method, kind, status, count: 0 };
    e.count++;
    this.entries.set(k, e);
    if (resourceId && (method === "PUT" || method === "DELETE" || method === "PATCH")) {
      const id = resourceId.toLowerCase();
      this.writes.set(id, (this.writes.get(id) ?? 0) + 1);
    }
  }

  recordReset(): void {
    this.resets++;
  }

  count(q: CounterQuery = {}): number {
    let n = 0;
    for (const e of this.entries.values())
      if (
        (q.method === undefined || e.method === q.method.toUpperCase()) &&
        (q.kind === undefined || e.kind === q.kind) &&
        (q.status === undefined || e.status === q.status)
      )
        n += e.count;
    return n;
  }

  writesTo(resourceId: string): number {
    return this.writes.get(resourceId.toLowerCase()) ?? 0;
  }

  snapshot(): CounterSnapshot {
    const entries = [...this.entries.values()]
      .map((e) => ({ ...e }))
      .sort((a, b) => `${a.kind} ${a.method} ${a.status}`.localeCompare(`${b.kind} ${b.method} ${b.status}`));
    const sum = (f: (e: CounterEntry) => string) => {
      const out: Record<string, number> = {};
      for (const e of entries) out[f(e)] = (out[f(e)] ?? 0) + e.count;
      return out;
    };
    return {
      total: entries.reduce((n, e) => n + e.count, 0),
      entries,
      byMethod: sum((e) => e.method),
      byKind: sum((e) => e.kind),
      byStatus: sum((e) => String(e.status)),
      writesByResource: Object.fromEntries(this.writes),
      resets: this.resets,
    };
  }

  reset(): void {
    this.entries.clear();
    this.writes.clear();
    this.resets = 0;
  }
}
