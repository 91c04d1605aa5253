/**
 * The what-if answer for people: Markdown for a pull-request comment or a job summary, plain text for
 * a terminal. Every value from ARM or a plan file is escaped: a VNet or peering name, a prefix typed
 * in a plan, is data, never markup.
 */
import type { WhatIfAnswer } from "./types.js";

const HEADLINE: Record<WhatIfAnswer["verdict"], string> = {
  refused: "refused: Azure would not accept this change as it stands",
  followUp: "follow-up needed: the change is accepted, then peerings must be synced",
  nothing: "nothing to do: no peering needs a sync",
};

// Control characters (and the Unicode line separators) are what a hostile name would use to forge
// lines or terminal escapes.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Markdown: backslash-escape what Markdown or HTML would interpret inside a line (emphasis, code,
 * links, tables, tags, entities); no line breaks, no control characters. Every line starts with our
 * own text, so line-start markers (#, +, -) need no escape.
 */
export function md(text: string): string {
  return text.replace(CONTROL, " ").replace(/[\\`*_{}[\]|<>~&]/g, (c) => `\\${c}`);
}

/** Plain text: control characters (terminal escapes) become visible, never interpreted. */
export function plain(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function seconds(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  return `${Math.round(s / 60)} min`;
}

export function toMarkdown(answer: WhatIfAnswer): string {
  const out: string[] = [];
  const icon = { refused: "❌", followUp: "⚠️", nothing: "✅" }[answer.verdict];
  out.push(`### ${icon} vnet-peering-sync what-if: ${HEADLINE[answer.verdict]}`, "");
  if (answer.changes.length > 0) {
    out.push("| VNet | before | after | added | removed |", "| --- | --- | --- | --- | --- |");
    for (const c of answer.changes)
      out.push(
        `| ${md(c.vnetName)}${c.source ? ` (${md(c.source)})` : ""} | ${md(c.before.join(", "))} | ${md(c.after.join(", "))} | ${md(c.added.join(", ") || "-")} | ${md(c.removed.join(", ") || "-")} |`,
      );
    out.push("");
  }
  if (answer.refused.length > 0) {
    out.push("#### Refused", "");
    for (const r of answer.refused)
      out.push(
        `- **${md(r.code)}** (${r.stage === "sync" ? "the sync afterwards" : "the VNet update"}): ${md(r.message)}`,
      );
    out.push("");
  }
  if (answer.followUp.length > 0) {
    out.push("#### Follow-up syncs", "");
    out.push("| peering | on VNet | subscription | side | by |", "| --- | --- | --- | --- | --- |");
    for (const f of answer.followUp)
      out.push(
        `| ${md(f.peeringName ?? `its peering to ${nameOf(f.remoteVnetId)}`)} | ${md(f.vnetName)} | ${md(f.subscriptionId)} | ${f.side} | ${f.by === "product" ? "vnet-peering-sync" : `a human (${md(f.manualReason ?? "")})`} |`,
      );
    out.push("");
    const e = answer.estimate;
    out.push(
      e.productWrites > 0
        ? `vnet-peering-sync makes ${e.productWrites} sync(s); at ARM's write limits that takes at least ${seconds(e.lowerBoundSeconds)}.`
        : "vnet-peering-sync makes none of these syncs itself.",
    );
    for (const f of answer.followUp.filter((x) => x.by === "human")) out.push(`- ${md(f.note)}`);
    out.push("");
  }
  if (answer.warnings.length > 0) {
    out.push("#### Warnings", "");
    for (const w of answer.warnings) out.push(`- **${md(w.code)}**: ${md(w.message)}`);
    out.push("");
  }
  if (answer.notChecked.length > 0) {
    out.push("#### Not checked", "");
    for (const n of answer.notChecked) out.push(`- ${md(n.source)}: ${md(n.reason)}`);
    out.push("");
  }
  return out.join("\n");
}

export function toText(answer: WhatIfAnswer): string {
  const out: string[] = [`what-if: ${HEADLINE[answer.verdict]}`];
  for (const c of answer.changes)
    out.push(
      `  ${plain(c.vnetName)}: ${plain(c.before.join(", "))} -> ${plain(c.after.join(", "))}${c.source ? `  (${plain(c.source)})` : ""}`,
    );
  if (answer.refused.length > 0) {
    out.push("", "REFUSED");
    for (const r of answer.refused)
      out.push(`  ${plain(r.code)} [${r.stage === "sync" ? "sync" : "VNet update"}]: ${plain(r.message)}`);
  }
  if (answer.followUp.length > 0) {
    out.push("", "FOLLOW-UP SYNCS");
    for (const f of answer.followUp)
      out.push(
        `  ${plain(f.peeringName ?? `its peering to ${nameOf(f.remoteVnetId)}`)} on ${plain(f.vnetName)} (subscription ${plain(f.subscriptionId)}, ${f.side} side): ${plain(f.note)}`,
      );
    const e = answer.estimate;
    if (e.productWrites > 0)
      out.push(
        `  vnet-peering-sync: ${e.productWrites} sync(s), at least ${seconds(e.lowerBoundSeconds)} at ARM's write limits.`,
      );
  }
  if (answer.warnings.length > 0) {
    out.push("", "WARNINGS");
    for (const w of answer.warnings) out.push(`  ${plain(w.code)}: ${plain(w.message)}`);
  }
  if (answer.notChecked.length > 0) {
    out.push("", "NOT CHECKED");
    for (const n of answer.notChecked) out.push(`  ${plain(n.source)}: ${plain(n.reason)}`);
  }
  return out.join("\n");
}

/** The last segment of a resource id: the VNet's name. */
function nameOf(id: string): string {
  return id.split("/").pop() ?? id;
}
