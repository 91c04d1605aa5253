import type { FailureNotice } from "../reconcile/errors.js";
import { parsePeeringId, parseSubscriptionId, parseVnetId } from "../reconcile/ids.js";
import type { RunReport, RunTrigger } from "../reconcile/run-report.js";
import type { Action, AppliedAction, SyncAction } from "../reconcile/types.js";
import {
  PEER_PERMISSION_HINT,
  PROBLEMS,
  PROBLEM_CODES,
  farEndOf,
  lastSegment,
  problemName,
  problemTitle,
  vnetName,
} from "../reconcile/vocabulary.js";
import { redact } from "./redact.js";

const PROBLEM_NAMES: Partial<Record<string, string>> = Object.fromEntries(
  PROBLEM_CODES.map((code) => [code, problemName(code)]),
);

/**
 * The alert model: what one reconcile run (or one failed message) has to tell a human.
 * ONE digest per run, never one message per peering; renderers sample the items to fit each channel.
 */

export type Severity = "info" | "warning" | "error";

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/**
 * fixed: the product repaired something (info). needsAttention: a human must act (warning).
 * failed: the product tried and could not (error). resolved: a problem alerted earlier is gone (info).
 */
export type AlertCategory = "failed" | "needsAttention" | "resolved" | "fixed";

/** Display and sampling order: what a human must act on first. */
export const CATEGORY_ORDER: readonly AlertCategory[] = ["failed", "needsAttention", "resolved", "fixed"];

export const CATEGORY_SEVERITY: Record<AlertCategory, Severity> = {
  failed: "error",
  needsAttention: "warning",
  resolved: "info",
  fixed: "info",
};

/** Where a thing happened, in the words a network engineer uses. */
export interface AlertLocation {
  /** The VNet the item is about (full resource id). */
  vnetId: string;
  vnetName: string;
  resourceGroup?: string;
  subscriptionId?: string;
  /** The peering or VNet the action targeted (full resource id). */
  targetId: string;
  /** The peering's name when the target is a peering. */
  peeringName?: string;
  /** The VNet on the other side of the peering, when known. */
  remoteVnetId?: string;
  remoteVnetName?: string;
}

export interface AlertItem {
  category: AlertCategory;
  severity: Severity;
  /**
   * Dedupe key: problem code (or `Failed:<action kind>`) + lower-cased target id. The same problem on
   * the same target always gets the same key, run after run.
   */
  key: string;
  /** ProblemCode for needsAttention, ARM error code for failed, action kind for fixed. */
  code: string;
  /** Short line: "Synced peering hub-to-spoke1 on spoke1-vnet". */
  title: string;
  /** What happened (the planner's reason, or the error). */
  what: string;
  where: AlertLocation;
  /** What the product did about it. */
  done: string;
  /** What a human must do; absent when nothing is needed. */
  todo?: string;
  /** Set by the lifecycle: when the problem was first alerted (reminders and resolutions). */
  openSince?: string;
  /** Set by the lifecycle on a reminder for a problem that is still open. */
  reminder?: boolean;
  /** Failed items: Azure called the error retryable (busy, throttled, 5xx); the queue may still fix it. */
  retryable?: boolean;
  /** Cause shared by items that are summed up in one highlight ("after hub-vnet gained 10.2.0.0/16"). */
  cause?: string;
}

export interface DigestCounts {
  failed: number;
  needsAttention: number;
  resolved: number;
  fixed: number;
}

export interface Digest {
  /** Unique per run (the run id), so receivers can drop a duplicate delivery. */
  id: string;
  runId: string;
  correlationId: string;
  trigger: RunTrigger | "failure";
  /** Highest severity among the items. */
  severity: Severity;
  /** One line saying what happened and where: the email subject and the card title are built from it. */
  summary: string;
  /** A few grouped sentences ("Synced 3 peerings after hub-vnet gained 10.2.0.0/16"). */
  highlights: string[];
  /** Names of the VNets involved, most relevant first. */
  vnetNames: string[];
  counts: DigestCounts;
  /** Every item, in CATEGORY_ORDER; renderers show a sample and say "and N more". */
  items: AlertItem[];
  /** ISO time of the run's end (or of the failure). */
  at: string;
  dryRun: boolean;
  statusPageUrl?: string;
}

export interface DigestOptions {
  /** Items below this severity are left out (ALERT_MIN_SEVERITY). Resolved notices always pass. */
  minSeverity?: Severity;
  /** Include the fixed items (ALERT_ON_FIXED). */
  includeFixed?: boolean;
  /** Link shown as "Open status page" (STATUS_PAGE_URL). */
  statusPageUrl?: string;
  /** Secret values to scrub from any free text taken from the report (errors can quote anything). */
  secrets?: readonly string[];
}

export function maxSeverity(severities: Iterable<Severity>): Severity | undefined {
  let best: Severity | undefined;
  for (const s of severities) if (best === undefined || SEVERITY_RANK[s] > SEVERITY_RANK[best]) best = s;
  return best;
}

export function atLeast(severity: Severity, min: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[min];
}

export function problemKey(code: string, targetId: string): string {
  return `${code}|${targetId.toLowerCase()}`;
}

export function locate(action: Pick<Action, "vnetId" | "target">, remoteVnetId?: string): AlertLocation {
  const vnet = parseVnetId(action.vnetId);
  const peering = parsePeeringId(action.target);
  return {
    ...(remoteVnetId ? { remoteVnetId, remoteVnetName: vnetName(remoteVnetId) } : {}),
    vnetId: action.vnetId,
    vnetName: vnet?.vnetName ?? lastSegment(action.vnetId),
    ...(vnet ? { resourceGroup: vnet.resourceGroup, subscriptionId: vnet.subscriptionId } : {}),
    targetId: action.target,
    ...(peering ? { peeringName: peering.peeringName } : {}),
  };
}

/**
 * Prefixes the sync pulls in that the peering does not carry yet. From the plan's like-with-like
 * `pulls`, not `remoteVirtualNetworkAddressSpace`: for an IPv6-only or subnet-level peering that
 * field may hold prefixes the peering never carries, which would read as "not peered".
 */
export function gainedPrefixes(action: SyncAction): string[] {
  const peered = new Set(action.before.remoteAddressSpace.map((p) => p.toLowerCase()));
  const pulls = action.pulls ?? action.before.remoteVirtualNetworkAddressSpace;
  return pulls.filter((p) => !peered.has(p.toLowerCase()));
}

function peeringLabel(where: AlertLocation): string {
  return where.peeringName ? `peering ${where.peeringName} on ${where.vnetName}` : where.vnetName;
}

/**
 * A permission error names the action it lacked ("does not have authorization to perform action
 * 'Microsoft.Network/virtualNetworks/peer/action' over scope ..."): repeat it so the human knows what to grant.
 */
function missingActionIn(message: string): string | undefined {
  return /perform action '([^']+)'/i.exec(message)?.[1];
}

function failureTodo(code: string, message: string, retryable: boolean): string {
  const missing = missingActionIn(message);
  if (missing) {
    return `Grant the app's identity \`${missing}\` on the resource named in the error (Network Contributor includes it); the next sweep retries.`;
  }
  if (/^(AuthorizationFailed|LinkedAuthorizationFailed|Forbidden)$/i.test(code)) return PEER_PERMISSION_HINT;
  if (code === "RemotePeeringIsDisconnected") {
    return "Re-save (or delete) the Disconnected peering on the remote VNet first, or set REPAIR_DISCONNECTED=true.";
  }
  if (retryable)
    return "Nothing if it clears on the next attempt; if it repeats, check the VNet for a stuck operation.";
  return "Read the error, fix the cause in Azure, then run a resync (or wait for the next sweep).";
}

const KIND_VERB: Record<Action["kind"], string> = {
  sync: "sync the peering",
  createReciprocal: "create the missing reciprocal peering",
  resetDisconnected: "reset the Disconnected peering",
  alertOnly: "report the problem",
  skip: "skip",
};

/** Turn one applied action into an alert item, or nothing (skips, no-op results, dry-run writes). */
export function itemFor(
  applied: AppliedAction,
  clean: (s: string) => string = (s) => s,
): AlertItem | undefined {
  const { action, result } = applied;
  const where = locate(action, farEndOf(action));
  if (action.kind === "skip") return undefined;

  if (result.status === "failed") {
    const code = result.error.code || "Error";
    const message = clean(result.error.message);
    return {
      category: "failed",
      severity: "error",
      key: problemKey(`Failed:${action.kind}`, action.target),
      code,
      title: `Could not ${KIND_VERB[action.kind]}: ${peeringLabel(where)}`,
      what: clean(action.reason),
      where,
      done: `Tried to ${KIND_VERB[action.kind]}; Azure answered ${code}: ${message}${result.error.retryable ? " (retryable)" : ""}`,
      todo: failureTodo(code, message, result.error.retryable),
      ...(result.error.retryable ? { retryable: true } : {}),
    };
  }

  if (action.kind === "alertOnly") {
    const remedy = action.remedy.trim() ? clean(action.remedy) : PROBLEMS[action.problem].remedy;
    // The planner's remedy may not name the permission; the human needs the exact action to grant.
    const todo =
      action.problem === "PeerInaccessible" && !/peer\/action/i.test(remedy)
        ? `${remedy} Or let vnet-peering-sync do it: ${lowerFirst(PEER_PERMISSION_HINT)}`
        : remedy;
    const overlaps = (action.overlappingPrefixes ?? []).map(([ours, theirs]) => `${ours} with ${theirs}`);
    return {
      category: "needsAttention",
      severity: "warning",
      key: problemKey(action.problem, action.target),
      code: action.problem,
      title: `${problemTitle(action.problem)}: ${peeringLabel(where)}`,
      what:
        clean(action.reason) + (overlaps.length > 0 ? ` Overlapping prefixes: ${overlaps.join("; ")}.` : ""),
      where,
      done: "Nothing written: this needs a human.",
      todo,
    };
  }

  // A write that did not happen (dry run, report-only, already converged) fixed nothing.
  if (result.status !== "succeeded") return undefined;

  switch (action.kind) {
    case "sync": {
      const gained = gainedPrefixes(action);
      const remote = vnetName(action.remoteVnetId);
      return {
        category: "fixed",
        severity: "info",
        key: problemKey("Fixed:sync", action.target),
        code: "sync",
        title: `Synced ${peeringLabel(where)}`,
        what: clean(action.reason),
        where,
        cause:
          gained.length > 0
            ? `after ${remote} gained ${gained.join(", ")}`
            : `with ${remote}'s address space`,
        done:
          gained.length > 0
            ? `Synced the peering: ${remote}'s ${gained.join(", ")} is now reachable.`
            : `Synced the peering with ${remote}'s current address space.`,
      };
    }
    case "createReciprocal":
      return {
        category: "fixed",
        severity: "info",
        key: problemKey("Fixed:createReciprocal", action.target),
        code: "createReciprocal",
        title: `Created reciprocal ${peeringLabel(where)}`,
        what: clean(action.reason),
        where,
        done: `Created ${action.name}, mirroring the settings of the existing half.`,
      };
    case "resetDisconnected":
      return {
        category: "fixed",
        severity: "info",
        key: problemKey("Fixed:resetDisconnected", action.target),
        code: "resetDisconnected",
        title: `Reset Disconnected ${peeringLabel(where)}`,
        what: clean(action.reason),
        where,
        done: `Re-saved the peering (back to Initiated) so its partner with ${vnetName(action.remoteVnetId)} can reconnect.`,
      };
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Every alert item a run produced, before filtering and dedupe. */
export function collectItems(report: RunReport, options: Pick<DigestOptions, "secrets"> = {}): AlertItem[] {
  const secrets = options.secrets ?? [];
  const clean = (s: string) => redact(s, secrets);
  const items: AlertItem[] = [];
  for (const applied of report.results) {
    const item = itemFor(applied, clean);
    if (item) items.push(item);
  }
  return items;
}

/** Keep what the settings ask for: fixed items only if wanted, nothing below the minimum severity. */
export function filterItems(items: readonly AlertItem[], options: DigestOptions): AlertItem[] {
  const min = options.minSeverity ?? "info";
  return items.filter((item) => {
    if (item.category === "fixed" && options.includeFixed === false) return false;
    // A resolution closes a problem someone was told about; it is never filtered out.
    if (item.category === "resolved") return true;
    return atLeast(item.severity, min);
  });
}

export interface DigestMeta {
  id: string;
  runId: string;
  correlationId: string;
  trigger: Digest["trigger"];
  at: string;
  dryRun: boolean;
}

function plural(n: number, one: string, many = `${one}s`): string {
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

export function failureItem(failure: FailureNotice, secrets: readonly string[] = []): AlertItem {
  const message = redact(failure.error.message, secrets);
  // A failure whose target is a whole subscription, not a VNet.
  const subscription = parseSubscriptionId(failure.vnetId);
  if (subscription) return subscriptionFailureItem(failure, subscription, message);
  const where = locate({ vnetId: failure.vnetId, target: failure.vnetId });
  const tries = failure.attempts ? ` after ${plural(failure.attempts, "attempt")}` : "";
  return {
    category: "failed",
    severity: "error",
    key: problemKey("Failed:reconcile", failure.vnetId),
    code: failure.error.code || "Error",
    title: `Could not reconcile ${where.vnetName}`,
    what: `Reconciling ${where.vnetName} failed${tries}; the message was set aside and will not be retried.`,
    where,
    done: `Gave up${tries}. Last error ${failure.error.code}: ${message}`,
    todo: failureTodo(failure.error.code, message, false),
  };
}

/**
 * A whole subscription could not be read (the sweep's SubscriptionInaccessible): no VNet, no queue
 * message to set aside; the other subscriptions were swept and the next sweep tries this one again.
 */
function subscriptionFailureItem(failure: FailureNotice, subscription: string, message: string): AlertItem {
  const code = failure.error.code || "Error";
  const denied = /^(SubscriptionInaccessible|AuthorizationFailed|Forbidden)$/i.test(code);
  return {
    category: "failed",
    severity: "error",
    // The key of every failure notice: dedupe state written before this wording keeps matching.
    key: problemKey("Failed:reconcile", failure.vnetId),
    code,
    title: `Could not read subscription ${subscription}`,
    what: `The sweep could not list the VNets of subscription ${subscription}${denied ? " (access denied)" : ""}, so none of its peerings were checked or repaired.`,
    where: { vnetId: failure.vnetId, vnetName: `subscription ${subscription}`, targetId: failure.vnetId },
    done: `Swept the other watched subscriptions; nothing was read or written in this one. Error ${code}: ${message}`,
    todo: denied
      ? `Grant the app's identity Network Contributor (or the peering-sync role) on subscription ${subscription}, or remove it from WATCHED_SUBSCRIPTIONS; the next sweep reads it again.`
      : failureTodo(code, message, false),
  };
}

/** The alert for a poison message / exhausted retries. Always error severity, never filtered. */
export function buildFailureDigest(failure: FailureNotice, options: DigestOptions = {}): Digest {
  const digest = digestFrom([failureItem(failure, options.secrets)], failureMeta(failure), options);
  // digestFrom returns undefined only for zero items.
  return digest!;
}

export function failureMeta(failure: FailureNotice): DigestMeta {
  return {
    id: `failure-${failure.correlationId}`,
    runId: failure.correlationId,
    correlationId: failure.correlationId,
    // A subscription the sweep could not read is no failed queue message: say it was the sweep.
    trigger: parseSubscriptionId(failure.vnetId) ? "sweep" : "failure",
    at: failure.at,
    dryRun: false,
  };
}
