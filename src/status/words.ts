// The short phrases the status page's diagram and tables share.
import { HEALTH_LABEL, HEALTH_ORDER, type EdgeHealth, type StatusReport, type StatusVnet } from "./model.js";

export function pairWord(h: EdgeHealth): string {
  return `${HEALTH_LABEL[h].toLowerCase()}`;
}

export function describe(report: StatusReport): string {
  const s = report.summary;
  const hubs = report.topology.vnets.filter((v) => v.role === "hub").map((v) => v.name);
  return `${report.topology.vnets.length} VNets${hubs.length ? ` around ${hubs.length === 1 ? "hub" : "hubs"} ${hubs.join(", ")}` : ""}; ${HEALTH_ORDER.map((h) => `${s.byHealth[h]} ${HEALTH_LABEL[h].toLowerCase()}`).join(", ")}.`;
}

export function visibilityWords(v: StatusVnet): string {
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

export function servicesWords(v: StatusVnet): string {
  return [
    v.services.bastion ? "Bastion" : "",
    v.services.gateway ? "Gateway" : "",
    v.services.privateEndpoints > 0 ? `${v.services.privateEndpoints} PE` : "",
  ]
    .filter(Boolean)
    .join(" · ");
}

export function shortSub(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

export function plural(n: number): string {
  return n === 1 ? "" : "s";
}
