import type { Digest, Severity } from "./model.js";
import { CATEGORY_SEVERITY } from "./model.js";
import {
  CATEGORY_HEADING,
  PRODUCT,
  SEVERITY_LABEL,
  factsOf,
  moreLine,
  runLine,
  sample,
  shorten,
} from "./render-common.js";

/**
 * Email: a subject that says severity and where, an HTML body with inline styles only (mail clients
 * drop <style> blocks), every value escaped, and a plain-text body with the same content.
 */

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Email has no 28 KB limit, but a mail listing 1,000 peerings is not read: show a sample and count. */
export const EMAIL_MAX_ITEMS = 100;

const COLOURS: Record<Severity, { fg: string; bg: string }> = {
  error: { fg: "#a4262c", bg: "#fde7e9" },
  warning: { fg: "#8a5300", bg: "#fff4ce" },
  info: { fg: "#0b6a0b", bg: "#dff6dd" },
};

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function emailSubject(digest: Digest): string {
  // Header injection: a subject is one line.
  const summary = shorten(digest.summary.replace(/[\r\n]+/g, " "), 180);
  return `[${PRODUCT}]${digest.dryRun ? " (dry run)" : ""} ${summary}`;
}

export function renderEmail(digest: Digest, maxItems: number = EMAIL_MAX_ITEMS): RenderedEmail {
  const sections = sample(digest, maxItems);
  const colour = COLOURS[digest.severity];
  const font = "font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#242424";

  const html: string[] = [];
  html.push(`<!DOCTYPE html><html><body style="margin:0;padding:16px;${font}">`);
  html.push(
    `<div style="border-left:6px solid ${colour.fg};background:${colour.bg};padding:12px 16px;margin-bottom:12px">` +
      `<div style="font-weight:bold;color:${colour.fg};font-size:12px;letter-spacing:1px">${SEVERITY_LABEL[digest.severity]} · ${PRODUCT}</div>` +
      `<div style="font-weight:bold;font-size:18px;margin-top:4px">${escapeHtml(digest.summary)}</div></div>`,
  );
  if (digest.highlights.length > 0) {
    html.push(`<ul style="margin:0 0 8px 0;padding-left:20px">`);
    for (const h of digest.highlights) html.push(`<li>${escapeHtml(h)}</li>`);
    html.push(`</ul>`);
  }
  html.push(`<p style="color:#616161;font-size:12px;margin:0 0 12px 0">${escapeHtml(runLine(digest))}</p>`);
  for (const section of sections) {
    const fg = COLOURS[CATEGORY_SEVERITY[section.category]].fg;
    html.push(
      `<h3 style="color:${fg};font-size:15px;margin:16px 0 6px 0;border-bottom:1px solid #e0e0e0;padding-bottom:4px">` +
        `${escapeHtml(CATEGORY_HEADING[section.category])} (${section.total})</h3>`,
    );
    for (const item of section.shown) {
      html.push(
        `<div style="margin:8px 0 12px 0"><div style="font-weight:bold">${item.reminder ? "Reminder: " : ""}${escapeHtml(item.title)}</div>`,
      );
      html.push(`<table style="border-collapse:collapse;${font}" role="presentation">`);
      for (const fact of factsOf(item, 2000)) {
        html.push(
          `<tr><td style="padding:2px 12px 2px 0;vertical-align:top;color:#616161;white-space:nowrap">${escapeHtml(fact.title)}</td>` +
            `<td style="padding:2px 0;vertical-align:top">${escapeHtml(fact.value)}</td></tr>`,
        );
      }
      html.push(`</table></div>`);
    }
    if (section.more > 0)
      html.push(`<p style="color:#616161;margin:4px 0">${escapeHtml(moreLine(section))}</p>`);
  }
  if (digest.statusPageUrl) {
    html.push(
      `<p style="margin-top:16px"><a href="${escapeHtml(digest.statusPageUrl)}" style="color:#0f6cbd">Open the status page</a></p>`,
    );
  }
  html.push(`</body></html>`);

  const text: string[] = [];
  text.push(`${SEVERITY_LABEL[digest.severity]}: ${digest.summary}`, "");
  for (const h of digest.highlights) text.push(`- ${h}`);
  text.push("", runLine(digest));
  for (const section of sections) {
    text.push("", `== ${CATEGORY_HEADING[section.category]} (${section.total}) ==`);
    for (const item of section.shown) {
      text.push("", `* ${item.reminder ? "Reminder: " : ""}${item.title}`);
      for (const fact of factsOf(item, 2000)) text.push(`  ${fact.title}: ${fact.value}`);
    }
    if (section.more > 0) text.push("", moreLine(section));
  }
  if (digest.statusPageUrl) text.push("", `Status page: ${digest.statusPageUrl}`);
  text.push("");

  return { subject: emailSubject(digest), html: html.join("\n"), text: text.join("\n") };
}
