import { createHash } from "node:crypto";
import { idKey } from "../reconcile/ids.js";
import { esc } from "./html.js";
import { WHAT_IF_SCRIPT, whatIfSection } from "./what-if-form.js";
import { fmt, LABEL_CHARS, layoutTopology, sectorPath, type Layout } from "./layout.js";
import {
  HEALTH_LABEL,
  HEALTH_ORDER,
  SERVICE_LABEL,
  type EdgeHealth,
  type HubServices,
  type StatusEdge,
  type StatusReport,
  type StatusVnet,
} from "./model.js";

/**
 * The status page: one self-contained HTML document (inline CSS and SVG, no script needed, nothing
 * fetched), rendered on the server. Every value that comes from Azure or the audit goes through
 * `esc()`: VNet, peering and tag names are user input.
 */

export interface RenderOptions {
  /** Shown in the header; default "VNet peering status". */
  title?: string;
}

/** Above this width (px) the diagram is shown at full size in a scrolling box instead of shrunk. */
const FIT_LIMIT = 1100;
/** With more lines than this, healthy ones are drawn faint so the problems stand out. */
const DENSE_EDGES = 60;

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

function summarySection(report: StatusReport): string {
  const s = report.summary;
  const card = (cls: string, n: number, text: string, sample = "") =>
    `<li class="card ${cls}">${sample}<span class="n">${n}</span> <span class="t">${esc(text)}</span></li>`;
  const cards = [
    ...HEALTH_ORDER.slice()
      .reverse()
      .map((h) => card(`h-${h}`, s.byHealth[h], pairWord(h), lineSample(h))),
    card("c-human", s.needHuman, "problem(s) need a human"),
    card(
      "c-auto",
      s.automatic,
      report.reportOnly ? "fix(es) to make by hand" : "fix(es) the product will write",
    ),
  ];
  const notes =
    s.inaccessibleSubscriptions.length > 0
      ? `<p class="note">Not readable (403): subscription${plural(s.inaccessibleSubscriptions.length)} ${s.inaccessibleSubscriptions.map((id) => `<code>${esc(id)}</code>`).join(", ")}. Peerings into ${s.inaccessibleSubscriptions.length > 1 ? "them" : "it"} show only the half this side can see.</p>`
      : "";
  return `<section aria-labelledby="summary-h"><h2 id="summary-h" class="visually-hidden">Summary</h2><ul class="cards">${cards.join("")}</ul>${notes}</section>`;
}

function pairWord(h: EdgeHealth): string {
  return `${HEALTH_LABEL[h].toLowerCase()}`;
}

function topologySection(report: StatusReport, anchors: Map<string, string>): string {
  const { vnets } = report.topology;
  if (vnets.length === 0) {
    return `<section id="topology" aria-labelledby="topology-h"><h2 id="topology-h">Topology</h2><p>No VNets were found in the watched subscriptions.</p></section>`;
  }
  const layout = layoutTopology(vnets);
  const scroll = layout.width > FIT_LIMIT;
  const svg = diagram(report, layout, anchors);
  const hint = scroll
    ? `<p class="hint">${vnets.length} VNets: the diagram is drawn at full size; scroll it to pan. Every VNet is also listed under <a href="#vnets">VNets and peerings</a>.</p>`
    : "";
  return [
    `<section id="topology" aria-labelledby="topology-h">`,
    `<h2 id="topology-h">Topology</h2>`,
    `<p class="intro">Hubs (VNets with many peerings) are in the centre, on a disc labelled with their subscription; the others sit around them, grouped by subscription. Each line is a peered pair; line style and colour show its state, and every VNet is a link to its row below (Tab moves through them). <a class="skip-inline" href="#problems">Skip the diagram</a></p>`,
    hint,
    `<figure class="topology">`,
    `<div class="diagram${scroll ? " scroll" : ""}" ${scroll ? 'tabindex="0" role="region" aria-label="Topology diagram (scrollable)"' : ""}>${svg}</div>`,
    `<figcaption>${legend()}</figcaption>`,
    `</figure>`,
    `</section>`,
  ].join("\n");
}

function diagram(report: StatusReport, layout: Layout, anchors: Map<string, string>): string {
  const { vnets, edges } = report.topology;
  const byId = new Map(vnets.map((v) => [idKey(v.id), v]));
  const out: string[] = [];
  const widthAttr =
    layout.width > FIT_LIMIT ? `width="${fmt(layout.width)}" height="${fmt(layout.height)}"` : "";
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${fmt(layout.minX)} ${fmt(layout.minY)} ${fmt(layout.width)} ${fmt(layout.height)}" ${widthAttr} style="max-width:${fmt(layout.width)}px" aria-labelledby="topo-title topo-desc" role="group" class="topo${edges.length > DENSE_EDGES ? " dense" : ""}">`,
    `<title id="topo-title">Peering topology</title>`,
    `<desc id="topo-desc">${esc(describe(report))}</desc>`,
    `<defs>`,
    ...HEALTH_ORDER.map(
      (h) =>
        `<marker id="arrow-${h}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" class="arrow a-${h}"/></marker>`,
    ),
    `</defs>`,
  );

  // Subscription sectors, behind everything.
  out.push(`<g class="sectors">`);
  layout.sectors.forEach((s, i) => {
    const sub = report.topology.subscriptions.find((x) => x.subscriptionId === s.subscriptionId);
    const name = `Subscription ${s.subscriptionId}${sub && !sub.accessible ? " (not readable)" : ""}: ${s.count} VNet${plural(s.count)}`;
    out.push(
      `<path class="sector s${i % 4}" d="${sectorPath(s)}" fill-rule="evenodd"><title>${esc(name)}</title></path>`,
    );
    if (s.label) {
      out.push(
        `<text class="sector-label" x="${fmt(s.label.x)}" y="${fmt(s.label.y)}" text-anchor="${s.label.anchor}">${esc(`sub ${shortSub(s.subscriptionId)}`)}<tspan class="count"> · ${s.count} VNet${plural(s.count)}${sub && !sub.accessible ? " · no access" : ""}</tspan></text>`,
      );
    }
  });
  // The hubs' subscriptions: the disc inside the rings, in the colour of the same subscription's
  // ring sector when it has one.
  const hubZones = layout.hubSectors.map((s, k) => {
    const ring = layout.sectors.findIndex((x) => x.subscriptionId === s.subscriptionId);
    const colour = (ring >= 0 ? ring : layout.sectors.length + k) % 4;
    const name = `Subscription ${s.subscriptionId}: ${s.count} hub${plural(s.count)}`;
    return `<path class="sector hub-zone s${colour}" d="${sectorPath(s)}"><title>${esc(name)}</title></path>`;
  });
  out.push(...hubZones, `</g>`);

  // Healthy pairs first, the worst on top.
  out.push(`<g class="edges">`);
  for (const edge of [...edges].reverse()) {
    const a = layout.nodes.get(idKey(edge.from));
    const b = layout.nodes.get(idKey(edge.to));
    if (!a || !b) continue;
    out.push(edgeSvg(edge, a, b, byId));
  }
  out.push(`</g>`);

  // The hubs' subscription labels sit where lines run, so on a plate above them.
  out.push(`<g class="hub-sectors">`);
  for (const s of layout.hubSectors) {
    if (!s.label) continue;
    const text = `sub ${shortSub(s.subscriptionId)}`;
    const count = ` · ${s.count} hub${plural(s.count)}`;
    const width = text.length * 8 + count.length * 6.6 + 16;
    const left =
      s.label.anchor === "middle"
        ? s.label.x - width / 2
        : s.label.anchor === "end"
          ? s.label.x - width + 7
          : s.label.x - 7;
    out.push(
      `<rect class="sector-plate" x="${fmt(left)}" y="${fmt(s.label.y - 14)}" width="${fmt(width)}" height="20" rx="4"/>`,
      `<text class="sector-label" x="${fmt(s.label.x)}" y="${fmt(s.label.y)}" text-anchor="${s.label.anchor}">${esc(text)}<tspan class="count">${esc(count)}</tspan></text>`,
    );
  }
  out.push(`</g>`);

  out.push(`<g class="nodes">`);
  for (const vnet of vnets) {
    const p = layout.nodes.get(idKey(vnet.id));
    if (!p) continue;
    const anchor = anchors.get(idKey(vnet.id))!;
    const cls = [
      "node",
      vnet.role,
      `v-${vnet.visibility}`,
      vnet.optedOut ? "opted-out" : "",
      vnet.problems > 0 ? "has-problems" : "",
    ]
      .filter(Boolean)
      .join(" ");
    const label = vnet.name.length > LABEL_CHARS ? `${vnet.name.slice(0, LABEL_CHARS - 1)}…` : vnet.name;
    const transform = p.label.rotate
      ? ` transform="rotate(${fmt(p.label.rotate)} ${fmt(p.label.x)} ${fmt(p.label.y)})"`
      : "";
    const services = servicesWords(vnet);
    out.push(
      `<a class="${cls}" href="#${anchor}" aria-label="${esc(nodeAria(vnet))}">`,
      `<title>${esc(nodeTitle(vnet))}</title>`,
      `<circle cx="${fmt(p.x)}" cy="${fmt(p.y)}" r="${p.r}"/>`,
      vnet.role === "hub"
        ? `<rect class="label-bg" x="${fmt(p.label.x - hubLabelWidth(vnet) / 2)}" y="${fmt(p.label.y - 12)}" width="${fmt(hubLabelWidth(vnet))}" height="${services ? 31 : 17}" rx="4"/>`
        : "",
      `<text class="label" x="${fmt(p.label.x)}" y="${fmt(p.label.y)}" text-anchor="${p.label.anchor}" dominant-baseline="${vnet.role === "hub" ? "auto" : "central"}"${transform}>${esc(label)}</text>`,
      vnet.role === "hub" && services
        ? `<text class="services" x="${fmt(p.label.x)}" y="${fmt(p.label.y + 14)}" text-anchor="middle">${esc(services)}</text>`
        : "",
      `</a>`,
    );
  }
  out.push(`</g>`, `</svg>`);
  return out.join("");
}

/** Hub labels sit on a plate so the lines running under them do not hide them. */
function hubLabelWidth(v: StatusVnet): number {
  const name = Math.min(v.name.length, LABEL_CHARS) * 7.6;
  const services = servicesWords(v).length * 6;
  return Math.max(name, services) + 10;
}

function edgeSvg(
  edge: StatusEdge,
  a: { x: number; y: number; r: number },
  b: { x: number; y: number; r: number },
  byId: Map<string, StatusVnet>,
): string {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const x1 = a.x + ux * (a.r + 2);
  const y1 = a.y + uy * (a.r + 2);
  const x2 = b.x - ux * (b.r + 3);
  const y2 = b.y - uy * (b.r + 3);
  const from = byId.get(idKey(edge.from))?.name ?? edge.from;
  const to = byId.get(idKey(edge.to))?.name ?? edge.to;
  const halves = edge.halves.map((h) => `${h.name}: ${h.state}, ${h.syncLevel}`).join("; ");
  const arrow = edge.health === "oneSided";
  const title = `${from} ${arrow ? "→" : "⇄"} ${to}: ${edge.label}${edge.problems ? ` (${edge.problems} open problem${plural(edge.problems)})` : ""}. ${halves}`;
  const cls = `edge e-${edge.health}`;
  // The what-if form finds a pair's line by its two VNet ids, lower-cased and sorted.
  const pair = `data-pair="${esc([idKey(edge.from), idKey(edge.to)].sort().join(" "))}"`;
  if (edge.health === "disconnected") {
    // A broken line: two pieces with a cross in the gap.
    const mx = (x1 + x2) / 2;
    const my = (y1 + y2) / 2;
    const gap = Math.min(7, len / 6);
    const c = 4;
    return `<g class="${cls}" ${pair}><title>${esc(title)}</title><line x1="${fmt(x1)}" y1="${fmt(y1)}" x2="${fmt(mx - ux * gap)}" y2="${fmt(my - uy * gap)}"/><line x1="${fmt(mx + ux * gap)}" y1="${fmt(my + uy * gap)}" x2="${fmt(x2)}" y2="${fmt(y2)}"/><path class="cross" d="M${fmt(mx - c)} ${fmt(my - c)}L${fmt(mx + c)} ${fmt(my + c)}M${fmt(mx + c)} ${fmt(my - c)}L${fmt(mx - c)} ${fmt(my + c)}"/></g>`;
  }
  return `<g class="${cls}" ${pair}><title>${esc(title)}</title><line x1="${fmt(x1)}" y1="${fmt(y1)}" x2="${fmt(x2)}" y2="${fmt(y2)}"${arrow ? ` marker-end="url(#arrow-${edge.health})"` : ""}/></g>`;
}

function lineSample(h: EdgeHealth): string {
  const body =
    h === "disconnected"
      ? `<line x1="2" y1="6" x2="17" y2="6"/><line x1="27" y1="6" x2="42" y2="6"/><path class="cross" d="M18 2L26 10M26 2L18 10"/>`
      : `<line x1="2" y1="6" x2="${h === "oneSided" ? 38 : 42}" y2="6"${h === "oneSided" ? ` marker-end="url(#legend-arrow)"` : ""}/>`;
  const defs =
    h === "oneSided"
      ? `<defs><marker id="legend-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0 L10 5 L0 10 z" class="arrow a-oneSided"/></marker></defs>`
      : "";
  return `<svg class="sample" width="44" height="12" viewBox="0 0 44 12" aria-hidden="true" focusable="false">${defs}<g class="edge e-${h}">${body}</g></svg>`;
}

function legend(): string {
  const lines = [...HEALTH_ORDER]
    .reverse()
    .map((h) => `<li>${lineSample(h)}<span>${esc(HEALTH_LABEL[h])}${LEGEND_NOTE[h]}</span></li>`);
  const nodes = [
    `<li><svg class="sample" width="44" height="18" viewBox="0 0 44 18" aria-hidden="true" focusable="false"><g class="node hub"><circle cx="22" cy="9" r="8"/></g></svg><span>Hub (many peerings)</span></li>`,
    `<li><svg class="sample" width="44" height="18" viewBox="0 0 44 18" aria-hidden="true" focusable="false"><g class="node spoke"><circle cx="22" cy="9" r="6"/></g></svg><span>VNet</span></li>`,
    `<li><svg class="sample" width="44" height="18" viewBox="0 0 44 18" aria-hidden="true" focusable="false"><g class="node spoke has-problems"><circle cx="22" cy="9" r="6"/></g></svg><span>Red ring: open problems</span></li>`,
    `<li><svg class="sample" width="44" height="18" viewBox="0 0 44 18" aria-hidden="true" focusable="false"><g class="node spoke v-notRead"><circle cx="22" cy="9" r="6"/></g></svg><span>Dashed: not readable (no access, deleted or outside the watched subscriptions)</span></li>`,
    `<li><svg class="sample" width="44" height="18" viewBox="0 0 44 18" aria-hidden="true" focusable="false"><g class="node spoke opted-out"><circle cx="22" cy="9" r="6"/></g></svg><span>Grey: opted out (left alone)</span></li>`,
  ];
  return `<h3 class="legend-h">Legend</h3><ul class="legend">${lines.join("")}${nodes.join("")}</ul>`;
}

const LEGEND_NOTE: Record<EdgeHealth, string> = {
  healthy: " (solid)",
  syncNeeded: " (dashed): an address space changed, the peering must be synced",
  oneSided: " (dotted arrow): only the arrow's side exists",
  disconnected: " (broken, ✕): the other half was deleted",
  failed: " (dash-dot): a half failed to provision",
};

function problemsSection(report: StatusReport, anchors: Map<string, string>): string {
  const head = `<section id="problems" aria-labelledby="problems-h" tabindex="-1"><h2 id="problems-h">Problems <span class="count">(${report.problems.length})</span></h2>`;
  if (report.problems.length === 0) {
    return `${head}<p class="ok-note">Nothing to do: every peering in scope is Connected and in sync.</p></section>`;
  }
  const rows = report.problems.map((p, i) => {
    const vnetLink = anchors.get(idKey(p.vnetId));
    const slash = p.where.indexOf("/");
    const [vnetName, peeringName] =
      slash > 0 ? [p.where.slice(0, slash), p.where.slice(slash + 1)] : [p.where, ""];
    const where = `${vnetLink ? `<a href="#${vnetLink}">${esc(vnetName)}</a>` : esc(vnetName)}${peeringName ? `<span class="peering">${esc(peeringName)}</span>` : ""}`;
    return `<tr id="problem-${i + 1}" data-target="${esc(p.target)}" data-kind="${esc(p.kind)}" data-code="${esc(p.code)}"><td data-label="Problem"><span class="tag t-${p.handling}">${esc(p.title)}</span></td><td data-label="Where" class="where">${where}</td><td data-label="What is wrong">${esc(p.reason)}</td><td data-label="What to do">${esc(p.remedy)}</td><td data-label="Handled by">${p.handling === "automatic" ? "vnet-peering-sync" : "<strong>a person</strong>"}</td></tr>`;
  });
  return `${head}<p class="intro">${report.summary.needHuman} need a person; ${report.summary.automatic} ${report.reportOnly ? "would be fixed automatically outside report-only mode" : "are fixed automatically on the next run"}.</p><div class="table-wrap"><table class="problems"><thead><tr><th scope="col">Problem</th><th scope="col">Where</th><th scope="col">What is wrong</th><th scope="col">What to do</th><th scope="col">Handled by</th></tr></thead><tbody>${rows.join("")}</tbody></table></div></section>`;
}

function sharedServicesSection(report: StatusReport, anchors: Map<string, string>): string {
  const head = `<section id="shared-services" aria-labelledby="shared-h"><h2 id="shared-h">Hub shared services</h2><p class="intro">Spokes that cannot use a hub's Bastion, gateway or private endpoints because their peering to the hub is not Connected, not in sync, or lacks a flag (virtual network access; for a gateway, allowGatewayTransit on the hub's side and useRemoteGateways on the spoke's). Private endpoints are counted where ARM reports them on subnets.</p>`;
  if (report.sharedServices.length === 0) {
    return `${head}<p>No peered VNet holds an Azure Bastion subnet, a gateway or private endpoints.</p></section>`;
  }
  const hubs = report.sharedServices.map((hub) => hubServices(hub, anchors));
  return `${head}${hubs.join("")}</section>`;
}

function hubServices(hub: HubServices, anchors: Map<string, string>): string {
  const offered = [
    hub.services.bastion ? "Azure Bastion" : "",
    hub.services.gateway ? "a VPN/ExpressRoute gateway" : "",
    hub.services.privateEndpoints > 0
      ? `${hub.services.privateEndpoints} private endpoint${plural(hub.services.privateEndpoints)}`
      : "",
  ].filter(Boolean);
  const link = anchors.get(idKey(hub.vnetId));
  const name = link ? `<a href="#${link}">${esc(hub.vnetName)}</a>` : esc(hub.vnetName);
  const intro = `<p>Offers ${esc(offered.join(", "))} to ${hub.peered} peered VNet${plural(hub.peered)}.</p>`;
  if (hub.blocked.length === 0) {
    return `<h3>${name}</h3>${intro}<p class="ok-note">Every peered VNet can use them.</p>`;
  }
  const rows = hub.blocked.map((b) => {
    const spokeLink = anchors.get(idKey(b.spokeId));
    const spoke = spokeLink ? `<a href="#${spokeLink}">${esc(b.spokeName)}</a>` : esc(b.spokeName);
    const reasons = `<ul class="reasons">${b.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>`;
    return `<tr data-spoke="${esc(b.spokeId)}" data-services="${esc(b.services.join(" "))}"><td data-label="Spoke" class="where">${spoke}</td><td data-label="Cannot use">${esc(b.services.map((x) => SERVICE_LABEL[x]).join(", "))}</td><td data-label="Why">${reasons}</td></tr>`;
  });
  return `<h3>${name}</h3>${intro}<p><strong>${hub.blocked.length} of ${hub.peered}</strong> cannot use ${hub.blocked.length === 1 ? "some of them" : "some or all of them"}:</p><div class="table-wrap"><table class="services-table"><thead><tr><th scope="col">Spoke</th><th scope="col">Cannot use</th><th scope="col">Why</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

function vnetsSection(report: StatusReport, anchors: Map<string, string>): string {
  const byId = new Map(report.topology.vnets.map((v) => [idKey(v.id), v]));
  const peeringsOf = new Map<string, { edge: StatusEdge; text: string }[]>();
  for (const edge of report.topology.edges) {
    for (const h of edge.halves) {
      const list = peeringsOf.get(idKey(h.vnetId)) ?? [];
      list.push({
        edge,
        text: `${h.name} → ${byId.get(idKey(h.remoteVnetId))?.name ?? h.remoteVnetId}: ${h.state}, ${h.syncLevel}`,
      });
      peeringsOf.set(idKey(h.vnetId), list);
    }
  }
  // In a cross-tenant setup the subscriptions come grouped by tenant, each tenant with its heading.
  const byTenant = report.topology.subscriptions.some((s) => s.tenantId !== undefined);
  const h = byTenant ? "h4" : "h3";
  let lastTenant: string | undefined;
  const groups = report.topology.subscriptions.map((sub) => {
    let tenantHeading = "";
    if (byTenant && sub.tenantId !== lastTenant) {
      lastTenant = sub.tenantId;
      tenantHeading = `<h3>${sub.tenantId ? `Tenant <code>${esc(sub.tenantId)}</code>` : "Tenant unknown"}</h3>`;
    }
    const rows = sub.vnets.map((id) => {
      const v = byId.get(idKey(id))!;
      const peerings = peeringsOf.get(idKey(id)) ?? [];
      const list = peerings.length
        ? `<ul class="peerings">${peerings.map((p) => `<li><span class="dot e-${p.edge.health}" aria-hidden="true"></span>${esc(p.text)}</li>`).join("")}</ul>`
        : v.visibility === "read"
          ? "none"
          : `<em>${esc(visibilityWords(v))}</em>`;
      const flags = [
        v.role === "hub" ? "hub" : "",
        v.optedOut ? "opted out" : "",
        servicesWords(v),
        v.problems > 0 ? `${v.problems} problem${plural(v.problems)}` : "",
      ].filter(Boolean);
      return `<tr id="${anchors.get(idKey(id))}" tabindex="-1"><th scope="row" data-label="VNet"><span class="vname">${esc(v.name)}</span><span class="rg">${esc(v.resourceGroup)}</span>${flags.length ? `<span class="flags">${esc(flags.join(" · "))}</span>` : ""}</th><td data-label="Address space">${v.addressPrefixes.length ? esc(v.addressPrefixes.join(", ")) : "-"}</td><td data-label="Peerings">${list}</td></tr>`;
    });
    return `${tenantHeading}<${h}>Subscription <code>${esc(sub.subscriptionId)}</code>${sub.accessible ? "" : " (not readable)"}</${h}><div class="table-wrap"><table class="vnets"><thead><tr><th scope="col">VNet</th><th scope="col">Address space</th><th scope="col">Peerings (name → remote: state, sync level)</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
  });
  return `<section id="vnets" aria-labelledby="vnets-h"><h2 id="vnets-h">VNets and peerings</h2>${groups.join("")}</section>`;
}

function recentActionsSection(report: StatusReport): string {
  const head = `<section id="recent-actions" aria-labelledby="actions-h"><h2 id="actions-h">Recent actions</h2>`;
  if (report.recentActions.length === 0) {
    return `${head}<p>No writes recorded recently.</p></section>`;
  }
  const rows = report.recentActions.map(
    (a) =>
      `<tr><td data-label="When">${time(a.at)}</td><td data-label="Action">${esc(a.kind)}</td><td data-label="Peering" class="where">${esc(a.where)}</td><td data-label="Result"><span class="tag r-${esc(a.result)}">${esc(a.result)}</span></td><td data-label="Detail">${esc(a.error ? `${a.error.code}: ${a.error.message}` : (a.detail ?? a.reason))}</td></tr>`,
  );
  return `${head}<div class="table-wrap"><table><thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Peering</th><th scope="col">Result</th><th scope="col">Detail</th></tr></thead><tbody>${rows.join("")}</tbody></table></div></section>`;
}

function recentRunsSection(report: StatusReport): string {
  const head = `<section id="recent-runs" aria-labelledby="runs-h"><h2 id="runs-h">Recent runs</h2>`;
  if (report.recentRuns.length === 0) {
    return `${head}<p>No runs recorded yet.</p></section>`;
  }
  const rows = report.recentRuns.map((r) => {
    const summary = r.summary
      ? Object.entries(r.summary)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ")
      : "";
    return `<tr data-run="${esc(r.runId)}"><td data-label="Started">${r.at ? time(r.at) : "-"}</td><td data-label="Trigger">${esc(r.trigger)}</td><td data-label="Mode">${r.dryRun ? "dry run" : "apply"}</td><td data-label="Status"><span class="tag r-${esc(r.status)}">${esc(r.status)}</span></td><td data-label="VNets read">${r.vnetsRead ?? "-"}</td><td data-label="Actions">${esc(summary || "-")}</td><td data-label="Error">${r.error ? esc(`${r.error.code}: ${r.error.message}`) : "-"}</td></tr>`;
  });
  return `${head}<div class="table-wrap"><table><thead><tr><th scope="col">Started</th><th scope="col">Trigger</th><th scope="col">Mode</th><th scope="col">Status</th><th scope="col">VNets read</th><th scope="col">Actions</th><th scope="col">Error</th></tr></thead><tbody>${rows.join("")}</tbody></table></div></section>`;
}

function skippedSection(report: StatusReport): string {
  if (report.skipped.length === 0) return "";
  const rows = report.skipped.map(
    (s) =>
      `<tr><td data-label="What" class="where">${esc(s.where)}</td><td data-label="Why">${esc(s.skip)}</td><td data-label="Detail">${esc(s.reason)}</td></tr>`,
  );
  return `<section id="skipped" aria-labelledby="skipped-h"><h2 id="skipped-h">Left alone</h2><div class="table-wrap"><table><thead><tr><th scope="col">What</th><th scope="col">Why</th><th scope="col">Detail</th></tr></thead><tbody>${rows.join("")}</tbody></table></div></section>`;
}

function describe(report: StatusReport): string {
  const s = report.summary;
  const hubs = report.topology.vnets.filter((v) => v.role === "hub").map((v) => v.name);
  return `${report.topology.vnets.length} VNets${hubs.length ? ` around ${hubs.length === 1 ? "hub" : "hubs"} ${hubs.join(", ")}` : ""}; ${HEALTH_ORDER.map((h) => `${s.byHealth[h]} ${HEALTH_LABEL[h].toLowerCase()}`).join(", ")}.`;
}

function nodeAria(v: StatusVnet): string {
  const bits = [v.name, v.role === "hub" ? "hub" : "", visibilityWords(v), v.optedOut ? "opted out" : ""];
  bits.push(`${v.neighbours} peered VNet${plural(v.neighbours)}`);
  if (v.problems > 0) bits.push(`${v.problems} open problem${plural(v.problems)}`);
  return bits.filter(Boolean).join(", ");
}

function nodeTitle(v: StatusVnet): string {
  const lines = [
    `${v.name} (${v.resourceGroup}, subscription ${v.subscriptionId})`,
    v.addressPrefixes.length ? v.addressPrefixes.join(", ") : "",
    v.role === "hub" ? "hub" : "",
    visibilityWords(v),
    v.optedOut ? "opted out: left alone" : "",
    servicesWords(v),
    `${v.neighbours} peered VNet${plural(v.neighbours)}`,
    v.problems > 0 ? `${v.problems} open problem${plural(v.problems)}` : "no open problems",
  ];
  return lines.filter(Boolean).join("\n");
}

function visibilityWords(v: StatusVnet): string {
  switch (v.visibility) {
    case "read":
      return "";
    case "inaccessible":
      return "not readable: its subscription answered 403";
    case "missing":
      return "deleted (its peers still point at it)";
    case "notRead":
      return "outside the watched subscriptions";
  }
}

function servicesWords(v: StatusVnet): string {
  return [
    v.services.bastion ? "Bastion" : "",
    v.services.gateway ? "Gateway" : "",
    v.services.privateEndpoints > 0 ? `${v.services.privateEndpoints} PE` : "",
  ]
    .filter(Boolean)
    .join(" · ");
}

function shortSub(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

/** `2026-11-22 10:00 UTC` in a <time> element carrying the exact instant. */
function time(iso: string): string {
  const shown =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) && iso.endsWith("Z")
      ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
      : iso;
  return `<time datetime="${esc(iso)}">${esc(shown)}</time>`;
}

function plural(n: number): string {
  return n === 1 ? "" : "s";
}

const CSS = `
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;--accent:#0969da;
--ok:#1a7f37;--sync:#bc4c00;--one:#8250df;--disc:#cf222e;--fail:#82071e;--hub:#0b3d6b;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg);line-height:1.45}
*{box-sizing:border-box}
body{margin:0}
.wrap{max-width:1240px;margin:0 auto;padding:0 20px}
.skip{position:absolute;left:8px;top:-60px;background:var(--accent);color:#fff;padding:8px 14px;border-radius:6px;z-index:10}
.skip:focus{top:8px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
a{color:var(--accent)}
a:focus-visible,[tabindex]:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
header.top{background:#0d1f33;color:#fff;padding:18px 0 14px}
header.top h1{margin:0;font-size:1.6rem;font-weight:650;letter-spacing:.01em}
header.top .meta{margin:4px 0 0;color:#c9d6e3;font-size:.92rem}
nav.sections ul{list-style:none;display:flex;flex-wrap:wrap;gap:6px 18px;padding:10px 0;margin:0;font-size:.95rem}
main{display:block}
main:focus{outline:none}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin:0 0 18px}
section:first-child{background:none;border:0;padding:0}
h2{margin:0 0 8px;font-size:1.3rem}
h2 .count{color:var(--muted);font-weight:500}
h3{margin:18px 0 6px;font-size:1.05rem}
.intro,.hint,.note{color:var(--muted);margin:0 0 10px;max-width:80ch}
.ok-note{color:var(--ok);font-weight:600}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:anywhere}
.cards{list-style:none;display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;padding:0;margin:6px 0 10px}
.card{background:var(--card);border:1px solid var(--line);border-left-width:5px;border-radius:8px;padding:10px 12px}
.card .n{display:block;font-size:1.9rem;font-weight:700;line-height:1.1}
.card .t{color:var(--muted);font-size:.9rem}
.card .sample{float:right;margin-top:6px}
.card.h-healthy{border-left-color:var(--ok)}.card.h-syncNeeded{border-left-color:var(--sync)}
.card.h-oneSided{border-left-color:var(--one)}.card.h-disconnected{border-left-color:var(--disc)}
.card.h-failed{border-left-color:var(--fail)}.card.c-human{border-left-color:#9a6700}.card.c-auto{border-left-color:var(--accent)}
figure.topology{margin:0;display:grid;grid-template-columns:minmax(0,1fr) 250px;gap:16px;align-items:start}
.diagram{min-width:0;border:1px solid var(--line);border-radius:8px;background:#fbfcfd}
.diagram.scroll{overflow:auto;max-height:80vh}
.diagram svg{display:block;width:100%;height:auto;margin:0 auto}
.diagram.scroll svg{width:auto;max-width:none}
figcaption{font-size:.88rem}
.legend-h{margin:0 0 6px;font-size:.95rem}
.legend{list-style:none;padding:0;margin:0;display:grid;gap:6px}
.legend li{display:flex;gap:8px;align-items:flex-start}
.legend .sample{flex:none;margin-top:3px}
.edge line,.edge path.cross{fill:none;stroke-width:2.2;stroke-linecap:round}
.e-healthy line{stroke:var(--ok);stroke-width:1.6;opacity:.85}
.dense .e-healthy line{stroke-width:.7;opacity:.4}
.e-syncNeeded line{stroke:var(--sync);stroke-dasharray:7 4;stroke-linecap:butt}
.e-oneSided line{stroke:var(--one);stroke-dasharray:0.1 4.5;stroke-width:2.6}
.e-disconnected line,.e-disconnected path.cross{stroke:var(--disc)}
.e-disconnected line{stroke-width:2.4}
.e-failed line{stroke:var(--fail);stroke-dasharray:10 3 2 3;stroke-width:2.4}
.arrow{stroke:none}.a-oneSided{fill:var(--one)}.a-healthy{fill:var(--ok)}.a-syncNeeded{fill:var(--sync)}.a-disconnected{fill:var(--disc)}.a-failed{fill:var(--fail)}
.sector.s0{fill:#eef4fb}.sector.s1{fill:#f4f0fb}.sector.s2{fill:#eef8f1}.sector.s3{fill:#fbf5ec}
.sector-label{font-size:13px;font-weight:650;fill:#33414f}
.sector.hub-zone{stroke:#b7c3cf;stroke-width:1;stroke-dasharray:4 3}
.sector-plate{fill:#fbfcfd;fill-opacity:.92;stroke:#d1d9e0;stroke-width:1}
.sector-label .count{font-weight:400;fill:var(--muted)}
.node circle{fill:#fff;stroke:#57606a;stroke-width:1.6}
.node.hub circle{fill:var(--hub);stroke:#fff;stroke-width:2}
.node.has-problems circle{stroke:var(--disc);stroke-width:2.6}
.node.hub.has-problems circle{stroke:var(--disc);stroke-width:3}
.node.v-inaccessible circle,.node.v-missing circle,.node.v-notRead circle{fill:var(--bg);stroke-dasharray:2.5 2}
.node.opted-out circle{fill:#d0d7de}
.node .label{font-size:11px;fill:var(--ink);paint-order:stroke;stroke:#fbfcfd;stroke-width:3px;stroke-linejoin:round}
.node.hub .label{font-size:13px;font-weight:700}
.node.v-inaccessible .label,.node.v-missing .label,.node.v-notRead .label{font-style:italic;fill:var(--muted)}
.node .label-bg{fill:#fbfcfd;fill-opacity:.92;stroke:#d1d9e0;stroke-width:1}
.node .services{font-size:10.5px;fill:#1f4f82;font-weight:600;paint-order:stroke;stroke:#fbfcfd;stroke-width:3px}
.node:focus{outline:none}
.node:focus-visible circle,.node:hover circle{stroke:var(--accent);stroke-width:4}
.node:focus-visible .label{fill:var(--accent);font-weight:700}
.table-wrap{max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;vertical-align:top;padding:7px 9px;border-bottom:1px solid var(--line)}
thead th{background:var(--bg);font-weight:650;font-size:.85rem;color:#33414f}
td.where,th .vname{font-weight:600;overflow-wrap:break-word;min-width:9em}
td.where .peering{display:block;font-weight:400;color:var(--muted);font-size:.9em}
ul.reasons{margin:0;padding-left:1.1em}
table.problems td:first-child{width:13em}
th .rg,th .flags{display:block;font-weight:400;color:var(--muted);font-size:.85em}
tr:target,tr:focus{background:#fff8c5;outline:none}
.tag{display:inline-block;border-radius:999px;padding:1px 9px;font-size:.84rem;font-weight:600;border:1px solid;white-space:nowrap}
.t-human{color:#9a3412;border-color:#f3b08a;background:#fff4ed}
.t-automatic{color:#0b4f8a;border-color:#9cc3ea;background:#eef6ff}
.r-succeeded{color:var(--ok);border-color:#9bd3ab;background:#effaf2}
.r-failed{color:var(--disc);border-color:#f0a5ab;background:#fff0f1}
.r-skipped,.r-queued,.r-running{color:var(--muted);border-color:var(--line);background:var(--bg)}
ul.peerings{list-style:none;margin:0;padding:0}
ul.peerings li{overflow-wrap:anywhere}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:-1px;border:2px solid}
.dot.e-healthy{border-color:var(--ok);background:var(--ok)}
.dot.e-syncNeeded{border-color:var(--sync);border-style:dashed}
.dot.e-oneSided{border-color:var(--one);border-style:dotted}
.dot.e-disconnected{border-color:var(--disc);background:var(--disc);border-radius:2px}
.dot.e-failed{border-color:var(--fail);background:#fff}
footer{color:var(--muted);font-size:.85rem;padding-bottom:24px}
@media (max-width:900px){figure.topology{grid-template-columns:1fr}}
@media (max-width:700px){
.wrap{padding:0 10px}
section{padding:12px}
header.top h1{font-size:1.3rem}
table,thead,tbody,tr,th,td{display:block;width:100%}
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
tr{border-bottom:2px solid var(--line);padding:6px 0}
th,td{border:0;padding:3px 4px}
td::before,tbody th::before{content:attr(data-label);display:block;font-size:.76rem;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.tag{white-space:normal}
}
`;
