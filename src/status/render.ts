import { createHash } from "node:crypto";
import { idKey } from "../reconcile/ids.js";
import { esc } from "./html.js";
import { WHAT_IF_SCRIPT, whatIfSection } from "./what-if-form.js";
import type { StatusReport } from "./model.js";
import { topologySection } from "./diagram.js";
import { CSS } from "./styles.js";
import {
  problemsSection,
  recentActionsSection,
  recentRunsSection,
  sharedServicesSection,
  skippedSection,
  summarySection,
  time,
  vnetsSection,
} from "./tables.js";
import { plural } from "./words.js";

/**
 * The status page: one self-contained HTML document (inline CSS and SVG, no script needed, nothing
 * fetched), rendered on the server. Every value that comes from Azure or the audit goes through
 * `esc()`: VNet, peering and tag names are user input.
 */

export interface RenderOptions {
  /** Shown in the header; default "VNet peering status". */
  title?: string;
}

/** The page's only script: start a large, scrolling diagram at its centre (the hubs). */
const PAGE_SCRIPT =
  "for(const d of document.querySelectorAll('.diagram.scroll')){d.scrollLeft=(d.scrollWidth-d.clientWidth)/2;d.scrollTop=(d.scrollHeight-d.clientHeight)/2;}";

/**
 * The page's Content-Security-Policy. Its own script is allowed by its SHA-256 hash, so a `<script>`
 * that got into the page any other way (a value that escaped `esc()`) does not run: CSP Level 3,
 * "hash-source" (https://www.w3.org/TR/CSP3/#grammardef-hash-source). Styles stay inline (the SVG
 * carries a style attribute); nothing is fetched from anywhere.
 */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src ${[PAGE_SCRIPT, WHAT_IF_SCRIPT].map(scriptHash).join(" ")}`,
  "img-src data:",
  // The what-if form's POST to /api/what-if, next to /api/status, is the only request the page makes.
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

function scriptHash(script: string): string {
  return `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`;
}

export { esc };

export function renderStatusPage(report: StatusReport, options: RenderOptions = {}): string {
  const title = options.title ?? "VNet peering status";
  const anchors = new Map<string, string>(
    report.topology.vnets.map((v, i) => [idKey(v.id), `vnet-${i + 1}`]),
  );
  const parts = [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    '<a class="skip" href="#main">Skip to main content</a>',
    '<header class="top"><div class="wrap">',
    `<h1>${esc(title)}</h1>`,
    `<p class="meta">${metaLine(report)}</p>`,
    "</div></header>",
    '<nav class="wrap sections" aria-label="Sections"><ul>',
    '<li><a href="#topology">Topology</a></li>',
    `<li><a href="#problems">Problems (${report.problems.length})</a></li>`,
    '<li><a href="#shared-services">Shared services</a></li>',
    '<li><a href="#vnets">VNets and peerings</a></li>',
    '<li><a href="#recent-actions">Recent actions</a></li>',
    '<li><a href="#recent-runs">Recent runs</a></li>',
    "</ul></nav>",
    '<main id="main" class="wrap" tabindex="-1">',
    summarySection(report),
    topologySection(report, anchors),
    whatIfSection(report),
    problemsSection(report, anchors),
    sharedServicesSection(report, anchors),
    vnetsSection(report, anchors),
    recentActionsSection(report),
    recentRunsSection(report),
    skippedSection(report),
    "</main>",
    `<footer class="wrap"><p>vnet-peering-sync status, generated ${time(report.generatedAt)} from a read of Azure Resource Manager made ${time(report.readAt)} (${esc(ageText(report))}) and a dry-run plan (nothing was written). <a href="#main">Back to top</a></p></footer>`,
    // Optional nicety: start a large, scrolling diagram at its centre (the hubs). The page works without it.
    `<script>${PAGE_SCRIPT}</script>`,
    "</body>",
    "</html>",
  ];
  return parts.join("\n");
}

/** How old the ARM read behind the page is, in words ("just now", "4 min ago"). */
export function ageText(report: Pick<StatusReport, "generatedAt" | "readAt">): string {
  const seconds = Math.max(
    0,
    Math.round((Date.parse(report.generatedAt) - Date.parse(report.readAt)) / 1000),
  );
  if (!Number.isFinite(seconds) || seconds < 5) return "just now";
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

function metaLine(report: StatusReport): string {
  const s = report.summary;
  const bits = [
    `Generated ${time(report.generatedAt)}`,
    `<span data-read-at="${esc(report.readAt)}">Azure read ${time(report.readAt)}, ${esc(ageText(report))}</span>`,
    `${s.vnets} VNet${plural(s.vnets)} read in ${s.subscriptions} subscription${plural(s.subscriptions)}`,
    `${s.pairs} peered pair${plural(s.pairs)}`,
  ];
  if (report.reportOnly) bits.push("<strong>report-only mode: nothing is fixed automatically</strong>");
  return bits.join(" · ");
}
