// The status page's sections in tables and lists: summary, problems, shared services, VNets, recent activity.
import { idKey } from "../reconcile/ids.js";
import { esc } from "./html.js";
import {
  HEALTH_ORDER,
  SERVICE_LABEL,
  type HubServices,
  type StatusEdge,
  type StatusReport,
} from "./model.js";
import { lineSample } from "./diagram.js";
import { pairWord, plural, servicesWords, visibilityWords } from "./words.js";

export function summarySection(report: StatusReport): string {
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

export function problemsSection(report: StatusReport, anchors: Map<string, string>): string {
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

export function sharedServicesSection(report: StatusReport, anchors: Map<string, string>): string {
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

export function vnetsSection(report: StatusReport, anchors: Map<string, string>): string {
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

export function recentActionsSection(report: StatusReport): string {
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

export function recentRunsSection(report: StatusReport): string {
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

export function skippedSection(report: StatusReport): string {
  if (report.skipped.length === 0) return "";
  const rows = report.skipped.map(
    (s) =>
      `<tr><td data-label="What" class="where">${esc(s.where)}</td><td data-label="Why">${esc(s.skip)}</td><td data-label="Detail">${esc(s.reason)}</td></tr>`,
  );
  return `<section id="skipped" aria-labelledby="skipped-h"><h2 id="skipped-h">Left alone</h2><div class="table-wrap"><table><thead><tr><th scope="col">What</th><th scope="col">Why</th><th scope="col">Detail</th></tr></thead><tbody>${rows.join("")}</tbody></table></div></section>`;
}

/** `2026-11-22 10:00 UTC` in a <time> element carrying the exact instant. */
export function time(iso: string): string {
  const shown =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) && iso.endsWith("Z")
      ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
      : iso;
  return `<time datetime="${esc(iso)}">${esc(shown)}</time>`;
}
