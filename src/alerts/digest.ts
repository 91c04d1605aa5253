// One digest per run: the items sorted, counted and summed up in a few sentences.
import type { RunReport } from "../reconcile/run-report.js";
import { PROBLEM_CODES, problemName } from "../reconcile/vocabulary.js";
import { collectItems, filterItems } from "./items.js";
import {
  CATEGORY_ORDER,
  maxSeverity,
  type AlertCategory,
  type AlertItem,
  type Digest,
  type DigestCounts,
  type DigestMeta,
  type DigestOptions,
  type Severity,
} from "./types.js";

const PROBLEM_NAMES: Partial<Record<string, string>> = Object.fromEntries(
  PROBLEM_CODES.map((code) => [code, problemName(code)]),
);

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** VNet names ordered by how much needs a human there (failed, then attention, ...), then by count. */
function rankVnets(items: readonly AlertItem[]): string[] {
  const score = new Map<string, number>();
  for (const item of items) {
    const weight = 10 ** (3 - CATEGORY_ORDER.indexOf(item.category));
    score.set(item.where.vnetName, (score.get(item.where.vnetName) ?? 0) + weight);
  }
  return [...score.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
}

function vnetPhrase(names: readonly string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return names[0]!;
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  return `${names[0]}, ${names[1]} and ${plural(names.length - 2, "more VNet")}`;
}

/** Grouped sentences for people who read only the top of the message. */
function highlightsOf(items: readonly AlertItem[]): string[] {
  const lines: string[] = [];
  const byCategory = (c: AlertCategory) => items.filter((i) => i.category === c);

  const failed = byCategory("failed");
  if (failed.length > 0) lines.push(`${plural(failed.length, "action")} failed: ${countCodes(failed)}.`);
  const attention = byCategory("needsAttention");
  if (attention.length > 0) {
    lines.push(
      `${plural(attention.length, "problem")} need${attention.length === 1 ? "s" : ""} a human: ${countCodes(attention, PROBLEM_NAMES)}.`,
    );
  }
  const resolved = byCategory("resolved");
  if (resolved.length > 0) lines.push(`${plural(resolved.length, "problem")} resolved since the last alert.`);

  const fixed = byCategory("fixed");
  // Syncs grouped by the remote VNet and the prefixes it gained: one cause, one sentence.
  const syncGroups = new Map<string, number>();
  for (const item of fixed.filter((i) => i.code === "sync")) {
    const cause = item.cause ?? "with their remote VNet's address space";
    syncGroups.set(cause, (syncGroups.get(cause) ?? 0) + 1);
  }
  for (const [cause, n] of [...syncGroups.entries()].sort((a, b) => b[1] - a[1])) {
    lines.push(`Synced ${plural(n, "peering")} ${cause}.`);
  }
  const created = fixed.filter((i) => i.code === "createReciprocal").length;
  if (created > 0) lines.push(`Created ${plural(created, "missing reciprocal peering")}.`);
  const reset = fixed.filter((i) => i.code === "resetDisconnected").length;
  if (reset > 0) lines.push(`Reset ${plural(reset, "Disconnected peering")}.`);
  return lines;
}

function countCodes(items: readonly AlertItem[], labels: Partial<Record<string, string>> = {}): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.code, (counts.get(item.code) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code, n]) => `${n} × ${labels[code] ?? code}`)
    .join(", ");
}

function summaryOf(items: readonly AlertItem[], severity: Severity, vnets: readonly string[]): string {
  const count = (c: AlertCategory) => items.filter((i) => i.category === c).length;
  const on = vnets.length > 0 ? ` on ${vnetPhrase(vnets)}` : "";
  if (severity === "error") return `Failed: ${plural(count("failed"), "action")}${on}`;
  if (severity === "warning") {
    const reminders = items.filter((i) => i.category === "needsAttention" && i.reminder).length;
    const still = reminders === count("needsAttention") ? "Still open" : "Action needed";
    return `${still}: ${plural(count("needsAttention"), "problem")}${on}`;
  }
  const fixed = count("fixed") > 0 ? `fixed ${plural(count("fixed"), "peering")}` : "";
  if (count("resolved") > 0) {
    return `Resolved: ${plural(count("resolved"), "problem")}${on}${fixed ? `; ${fixed}` : ""}`;
  }
  return `Fixed ${plural(count("fixed"), "peering")}${on}`;
}

/** Assemble a digest from already-filtered items; undefined when there is nothing to say. */
export function digestFrom(
  items: readonly AlertItem[],
  meta: DigestMeta,
  options: DigestOptions = {},
): Digest | undefined {
  if (items.length === 0) return undefined;
  const sorted = [...items].sort(
    (a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category),
  );
  const severity = maxSeverity(sorted.map((i) => i.severity)) ?? "info";
  // The subject names the VNets where the most urgent items are.
  const urgent = sorted.filter((i) => i.severity === severity);
  const vnetNames = rankVnets(sorted);
  const counts: DigestCounts = { failed: 0, needsAttention: 0, resolved: 0, fixed: 0 };
  for (const item of sorted) counts[item.category] += 1;
  return {
    ...meta,
    severity,
    summary: summaryOf(sorted, severity, rankVnets(urgent)),
    highlights: highlightsOf(sorted),
    vnetNames,
    counts,
    items: sorted,
    ...(options.statusPageUrl ? { statusPageUrl: options.statusPageUrl } : {}),
  };
}

/**
 * The digest for one run, without dedupe (createAlerting adds the lifecycle). Pure: same report and
 * options, same digest. Undefined when the run has nothing to tell anyone.
 */
export function buildDigest(report: RunReport, options: DigestOptions = {}): Digest | undefined {
  const items = filterItems(collectItems(report, options), options);
  return digestFrom(items, metaOf(report), options);
}

export function metaOf(report: RunReport): DigestMeta {
  return {
    id: report.runId,
    runId: report.runId,
    correlationId: report.correlationId,
    trigger: report.trigger,
    at: report.finishedAt,
    dryRun: report.dryRun,
  };
}
