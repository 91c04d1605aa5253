import type { AlertItem, AlertLocation, Severity } from "./model.js";

/**
 * Dedupe and lifecycle. A problem (problem code + target id) alerts when it first appears, again every
 * ALERT_REMINDER_HOURS while it stays open, and once more when a run that covered its target no longer
 * reports it. Fixed items are events, not problems: they are never deduped.
 */

/** An alerted problem that has not been seen resolved yet. */
export interface OpenProblem {
  key: string;
  code: string;
  category: "needsAttention" | "failed";
  severity: Severity;
  title: string;
  where: AlertLocation;
  /** ISO times from the injected clock. */
  firstAlertedAt: string;
  lastAlertedAt: string;
}

/** The port. Adapters: InMemoryAlertStateStore (CLI, tests), TableAlertStateStore (src/azure/storage/alert-state-table.ts). */
export interface AlertStateStore {
  listOpen(): Promise<OpenProblem[]>;
  /** Insert or replace by key. */
  put(problem: OpenProblem): Promise<void>;
  /** Deleting a key that is not there is not an error. */
  remove(key: string): Promise<void>;
}

export class InMemoryAlertStateStore implements AlertStateStore {
  private readonly problems = new Map<string, OpenProblem>();

  async listOpen(): Promise<OpenProblem[]> {
    return [...this.problems.values()].map((p) => structuredClone(p));
  }

  async put(problem: OpenProblem): Promise<void> {
    this.problems.set(problem.key, structuredClone(problem));
  }

  async remove(key: string): Promise<void> {
    this.problems.delete(key);
  }
}

/** What a run looked at: problems outside it are neither confirmed nor resolved by its silence. */
export interface RunCoverage {
  /** VNet, resource-group or subscription ids. Empty = everything that is watched (a full sweep). */
  scope: readonly string[];
  /**
   * False for dry runs and failure alerts: a dry run writes nothing, so a write that failed before
   * shows as skipped, not as fixed, and must not be reported resolved.
   */
  canResolve: boolean;
}

export function covers(scope: readonly string[], targetId: string): boolean {
  if (scope.length === 0) return true;
  const target = targetId.toLowerCase();
  return scope.some((s) => {
    const prefix = s.toLowerCase().replace(/\/+$/, "");
    return target === prefix || target.startsWith(`${prefix}/`);
  });
}

export interface LifecycleOptions {
  /** ISO time of this run (injected clock). */
  now: string;
  reminderHours: number;
}

function resolvedItem(problem: OpenProblem): AlertItem {
  return {
    category: "resolved",
    severity: "info",
    key: problem.key,
    code: problem.code,
    title: `Resolved: ${problem.title}`,
    what: "The last run that looked at this VNet no longer found the problem.",
    where: problem.where,
    done: "Closed the alert; nothing more to do.",
    openSince: problem.firstAlertedAt,
  };
}

/**
 * Decide which of this run's (already filtered) items to send, and add resolution notices. Writes the
 * new state to the store. Items keep their order; resolved items are appended.
 */
export async function applyLifecycle(
  items: readonly AlertItem[],
  coverage: RunCoverage,
  store: AlertStateStore,
  options: LifecycleOptions,
): Promise<AlertItem[]> {
  const open = new Map((await store.listOpen()).map((p) => [p.key, p]));
  const nowMs = Date.parse(options.now);
  const reminderMs = options.reminderHours * 3_600_000;
  const seen = new Set<string>();
  const out: AlertItem[] = [];

  for (const item of items) {
    if (item.category === "fixed" || item.category === "resolved") {
      out.push(item);
      continue;
    }
    if (seen.has(item.key)) continue;
    seen.add(item.key);
    const known = open.get(item.key);
    if (!known) {
      out.push(item);
      await store.put({
        key: item.key,
        code: item.code,
        category: item.category,
        severity: item.severity,
        title: item.title,
        where: item.where,
        firstAlertedAt: options.now,
        lastAlertedAt: options.now,
      });
    } else if (nowMs - Date.parse(known.lastAlertedAt) >= reminderMs) {
      out.push({ ...item, reminder: true, openSince: known.firstAlertedAt });
      await store.put({ ...known, title: item.title, severity: item.severity, lastAlertedAt: options.now });
    }
    // else: still open and reminded recently; stay quiet.
  }

  if (coverage.canResolve) {
    for (const problem of open.values()) {
      if (seen.has(problem.key) || !covers(coverage.scope, problem.where.targetId)) continue;
      out.push(resolvedItem(problem));
      await store.remove(problem.key);
    }
  }
  return out;
}
