// The status page's topology diagram: the SVG of VNets and peerings and its legend.
import { idKey } from "../reconcile/ids.js";
import { esc } from "./html.js";
import { fmt, LABEL_CHARS, layoutTopology, sectorPath, type Layout } from "./layout.js";
import {
  HEALTH_LABEL,
  HEALTH_ORDER,
  type EdgeHealth,
  type StatusEdge,
  type StatusReport,
  type StatusVnet,
} from "./model.js";
import { describe, plural, servicesWords, shortSub, visibilityWords } from "./words.js";

/** Above this width (px) the diagram is shown at full size in a scrolling box instead of shrunk. */
const FIT_LIMIT = 1100;

/** With more lines than this, healthy ones are drawn faint so the problems stand out. */
const DENSE_EDGES = 60;

export function topologySection(report: StatusReport, anchors: Map<string, string>): string {
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

export function diagram(report: StatusReport, layout: Layout, anchors: Map<string, string>): string {
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

export function lineSample(h: EdgeHealth): string {
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
