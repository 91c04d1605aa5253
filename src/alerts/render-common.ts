import type { AlertCategory, AlertItem, AlertLocation, Digest, Severity } from "./model.js";
import { CATEGORY_ORDER } from "./model.js";

/** Shared wording so every channel says the same thing the same way. */

export const PRODUCT = "vnet-peering-sync";

export const SEVERITY_LABEL: Record<Severity, string> = { error: "ERROR", warning: "WARNING", info: "INFO" };

export const CATEGORY_HEADING: Record<AlertCategory, string> = {
  failed: "Failed: the product tried and could not",
  needsAttention: "Needs a human",
  resolved: "Resolved",
  fixed: "Fixed automatically",
};

export const CATEGORY_NOUN: Record<AlertCategory, string> = {
  failed: "failed",
  needsAttention: "needing attention",
  resolved: "resolved",
  fixed: "fixed",
};

export function whereText(where: AlertLocation): string {
  const context = [
    where.resourceGroup ? `resource group ${where.resourceGroup}` : undefined,
    where.subscriptionId ? `subscription ${where.subscriptionId}` : undefined,
  ]
    .filter((s): s is string => s !== undefined)
    .join(", ");
  let head = where.peeringName ? `${where.vnetName} / peering ${where.peeringName}` : where.vnetName;
  if (where.remoteVnetName) head += ` → ${where.remoteVnetName}`;
  return context ? `${head} (${context})` : head;
}

/** Long free text (ARM error messages) is shortened, never the structure around it. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export interface Fact {
  title: string;
  value: string;
}

export function factsOf(item: AlertItem, maxText = 600): Fact[] {
  const facts: Fact[] = [
    { title: "What", value: shorten(item.what, maxText) },
    { title: "Where", value: whereText(item.where) },
    { title: "Done", value: shorten(item.done, maxText) },
  ];
  if (item.todo) facts.push({ title: "To do", value: shorten(item.todo, maxText) });
  if (item.category !== "fixed") facts.push({ title: "Code", value: item.code });
  if (item.openSince)
    facts.push({
      title: item.category === "resolved" ? "Was open since" : "Open since",
      value: item.openSince,
    });
  return facts;
}

export interface Section {
  category: AlertCategory;
  total: number;
  shown: AlertItem[];
  /** How many of this category are not shown ("and N more"). */
  more: number;
}

/**
 * A readable sample of at most `limit` items and, per category, the count left out. Slots are dealt
 * round-robin in CATEGORY_ORDER so twenty failures do not hide every problem that needs a human.
 * The digest keeps every item; only what is shown shrinks.
 */
export function sample(digest: Digest, limit: number): Section[] {
  const groups = CATEGORY_ORDER.map((category) => ({
    category,
    all: digest.items.filter((i) => i.category === category),
    taken: 0,
  })).filter((g) => g.all.length > 0);
  let left = Math.max(0, limit);
  while (left > 0 && groups.some((g) => g.taken < g.all.length)) {
    for (const g of groups) {
      if (left > 0 && g.taken < g.all.length) {
        g.taken += 1;
        left -= 1;
      }
    }
  }
  return groups.map((g) => ({
    category: g.category,
    total: g.all.length,
    shown: g.all.slice(0, g.taken),
    more: g.all.length - g.taken,
  }));
}

export function runLine(digest: Digest): string {
  const kind = digest.trigger === "failure" ? "failed message" : `${digest.trigger} run`;
  return `${kind} ${digest.runId} at ${digest.at}${digest.dryRun ? " (dry run: nothing was written)" : ""}`;
}

export function moreLine(section: Section): string {
  return `…and ${section.more} more ${CATEGORY_NOUN[section.category]} (${section.total} in total).`;
}
