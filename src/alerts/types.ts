import type { RunTrigger } from "../reconcile/run-report.js";

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

export interface DigestMeta {
  id: string;
  runId: string;
  correlationId: string;
  trigger: Digest["trigger"];
  at: string;
  dryRun: boolean;
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
