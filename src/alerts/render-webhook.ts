import type { AlertCategory, Digest, DigestCounts, Severity } from "./model.js";

/**
 * The generic webhook payload, schema version 1 (documented in docs/alerts.md). Additive changes keep
 * version 1; renaming or removing a field, or changing a meaning, bumps schemaVersion.
 */

export const WEBHOOK_SCHEMA_VERSION = 1;
/** A receiver gets counts for everything and the details of at most this many items. */
export const WEBHOOK_MAX_ITEMS = 500;

export interface WebhookItemV1 {
  category: AlertCategory;
  severity: Severity;
  /** Stable across runs for the same problem on the same target: use it to dedupe or to open/close tickets. */
  key: string;
  code: string;
  title: string;
  what: string;
  done: string;
  todo?: string;
  vnetId: string;
  vnetName: string;
  targetId: string;
  peeringName?: string;
  resourceGroup?: string;
  subscriptionId?: string;
  openSince?: string;
  reminder?: boolean;
}

export interface WebhookPayloadV1 {
  schemaVersion: 1;
  /** Unique per digest: drop a second delivery with the same id. */
  id: string;
  severity: Severity;
  summary: string;
  highlights: string[];
  runId: string;
  correlationId: string;
  trigger: Digest["trigger"];
  at: string;
  dryRun: boolean;
  counts: DigestCounts;
  items: WebhookItemV1[];
  /** Items counted in `counts` but not listed in `items`. */
  omittedItems: number;
  statusPageUrl?: string;
}

export function renderWebhookPayload(digest: Digest, maxItems: number = WEBHOOK_MAX_ITEMS): WebhookPayloadV1 {
  const items = digest.items.slice(0, maxItems).map((item): WebhookItemV1 => {
    const { where } = item;
    return {
      category: item.category,
      severity: item.severity,
      key: item.key,
      code: item.code,
      title: item.title,
      what: item.what,
      done: item.done,
      ...(item.todo ? { todo: item.todo } : {}),
      vnetId: where.vnetId,
      vnetName: where.vnetName,
      targetId: where.targetId,
      ...(where.peeringName ? { peeringName: where.peeringName } : {}),
      ...(where.resourceGroup ? { resourceGroup: where.resourceGroup } : {}),
      ...(where.subscriptionId ? { subscriptionId: where.subscriptionId } : {}),
      ...(item.openSince ? { openSince: item.openSince } : {}),
      ...(item.reminder ? { reminder: true } : {}),
    };
  });
  return {
    schemaVersion: WEBHOOK_SCHEMA_VERSION,
    id: digest.id,
    severity: digest.severity,
    summary: digest.summary,
    highlights: digest.highlights,
    runId: digest.runId,
    correlationId: digest.correlationId,
    trigger: digest.trigger,
    at: digest.at,
    dryRun: digest.dryRun,
    counts: digest.counts,
    items,
    omittedItems: digest.items.length - items.length,
    ...(digest.statusPageUrl ? { statusPageUrl: digest.statusPageUrl } : {}),
  };
}
