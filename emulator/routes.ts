import type { ResourceKind } from "./counters.js";
import type { RequestClass } from "./throttle.js";

/**
 * The Microsoft.Network paths the emulator serves (docs/azure-behaviour.md#rest-shapes), matched case-insensitively with the
 * caller's casing of each name kept.
 */
export type Route =
  | { kind: "resourceGroup"; sub: string; rg: string }
  | { kind: "virtualNetworkList"; sub: string; rg?: string }
  | { kind: "virtualNetwork"; sub: string; rg: string; vnet: string }
  | { kind: "subnet"; sub: string; rg: string; vnet: string; subnet?: string }
  | { kind: "virtualNetworkPeeringList"; sub: string; rg: string; vnet: string }
  | { kind: "virtualNetworkPeering"; sub: string; rg: string; vnet: string; peering: string }
  | { kind: "virtualNetworkGateway"; sub: string; rg: string; gateway?: string }
  | { kind: "routeTableList"; sub: string; rg?: string }
  | { kind: "routeTable"; sub: string; rg: string; table: string }
  | { kind: "operationStatus"; sub: string; location: string; id: string }
  | { kind: "operationResult"; sub: string; location: string; id: string }
  | { kind: "permissions"; sub: string; scope: string }
  | { kind: "resourceGraphQuery"; sub?: undefined }
  | { kind: "unknownType"; sub: string; type: string }
  | { kind: "noRoute"; sub?: string };

const S = "/subscriptions/([^/]+)";
const RG = `${S}/resourceGroups/([^/]+)`;
const NET = "/providers/Microsoft\\.Network";
const re = (s: string) => new RegExp(`^${s}/?$`, "i");

const patterns: Array<[RegExp, (m: string[]) => Route]> = [
  [re("/providers/Microsoft\\.ResourceGraph/resources"), () => ({ kind: "resourceGraphQuery" })],
  [re(`${S}/resourcegroups/([^/]+)`), (m) => ({ kind: "resourceGroup", sub: m[1]!, rg: m[2]! })],
  [re(`${S}${NET}/virtualNetworks`), (m) => ({ kind: "virtualNetworkList", sub: m[1]! })],
  [re(`${RG}${NET}/virtualNetworks`), (m) => ({ kind: "virtualNetworkList", sub: m[1]!, rg: m[2]! })],
  [
    re(`${RG}${NET}/virtualNetworks/([^/]+)`),
    (m) => ({ kind: "virtualNetwork", sub: m[1]!, rg: m[2]!, vnet: m[3]! }),
  ],
  [
    re(`${RG}${NET}/virtualNetworks/([^/]+)/subnets(?:/([^/]+))?`),
    (m) => ({ kind: "subnet", sub: m[1]!, rg: m[2]!, vnet: m[3]!, ...(m[4] ? { subnet: m[4] } : {}) }),
  ],
  [
    re(`${RG}${NET}/virtualNetworks/([^/]+)/virtualNetworkPeerings`),
    (m) => ({ kind: "virtualNetworkPeeringList", sub: m[1]!, rg: m[2]!, vnet: m[3]! }),
  ],
  [
    re(`${RG}${NET}/virtualNetworks/([^/]+)/virtualNetworkPeerings/([^/]+)`),
    (m) => ({ kind: "virtualNetworkPeering", sub: m[1]!, rg: m[2]!, vnet: m[3]!, peering: m[4]! }),
  ],
  [
    re(`${RG}${NET}/virtualNetworkGateways(?:/([^/]+))?`),
    (m) => ({ kind: "virtualNetworkGateway", sub: m[1]!, rg: m[2]!, ...(m[3] ? { gateway: m[3] } : {}) }),
  ],
  [re(`${S}${NET}/routeTables`), (m) => ({ kind: "routeTableList", sub: m[1]! })],
  [re(`${RG}${NET}/routeTables`), (m) => ({ kind: "routeTableList", sub: m[1]!, rg: m[2]! })],
  [
    re(`${RG}${NET}/routeTables/([^/]+)`),
    (m) => ({ kind: "routeTable", sub: m[1]!, rg: m[2]!, table: m[3]! }),
  ],
  [
    re(`${S}${NET}/locations/([^/]+)/operations/([^/]+)`),
    (m) => ({ kind: "operationStatus", sub: m[1]!, location: m[2]!, id: m[3]! }),
  ],
  [
    re(`${S}${NET}/locations/([^/]+)/operationResults/([^/]+)`),
    (m) => ({ kind: "operationResult", sub: m[1]!, location: m[2]!, id: m[3]! }),
  ],
  [
    new RegExp(
      `^(${S}(?:/resourceGroups/[^/]+(?:${NET}/virtualNetworks/[^/]+)?)?)/providers/Microsoft\\.Authorization/permissions/?$`,
      "i",
    ),
    (m) => ({ kind: "permissions", sub: m[2]!, scope: m[1]! }),
  ],
  [
    new RegExp(`^${S}(?:/resourceGroups/[^/]+)?/providers/([^/]+/[^/]+)(?:/.*)?$`, "i"),
    (m) => ({ kind: "unknownType", sub: m[1]!, type: m[2]! }),
  ],
  [new RegExp(`^${S}(?:/.*)?$`, "i"), (m) => ({ kind: "noRoute", sub: m[1]! })],
];

export function parseRoute(pathname: string): Route {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return { kind: "noRoute" };
  }
  for (const [rx, make] of patterns) {
    const m = rx.exec(path);
    if (m) return make([...m]);
  }
  return { kind: "noRoute" };
}

export function counterKind(r: Route): ResourceKind {
  switch (r.kind) {
    case "subnet":
      return "virtualNetwork";
    case "routeTableList":
      return "routeTable";
    case "resourceGraphQuery":
      return "resourceGraph";
    case "permissions":
    case "unknownType":
    case "noRoute":
      return "unknown";
    default:
      return r.kind;
  }
}

export function requestClass(method: string): RequestClass {
  if (method === "GET" || method === "HEAD") return "reads";
  if (method === "DELETE") return "deletes";
  return "writes";
}

/** The RBAC action ARM would check (names the action in AuthorizationFailed, docs/azure-behaviour.md#permissions). */
export function actionFor(r: Route, method: string): string {
  const verb = method === "GET" || method === "HEAD" ? "read" : method === "DELETE" ? "delete" : "write";
  switch (r.kind) {
    case "resourceGroup":
      return `Microsoft.Resources/subscriptions/resourceGroups/${verb}`;
    case "virtualNetwork":
    case "virtualNetworkList":
      return `Microsoft.Network/virtualNetworks/${verb}`;
    case "subnet":
      return `Microsoft.Network/virtualNetworks/subnets/${verb}`;
    case "virtualNetworkPeering":
    case "virtualNetworkPeeringList":
      return `Microsoft.Network/virtualNetworks/virtualNetworkPeerings/${verb}`;
    case "virtualNetworkGateway":
      return `Microsoft.Network/virtualNetworkGateways/${verb}`;
    case "routeTable":
    case "routeTableList":
      return `Microsoft.Network/routeTables/${verb}`;
    case "operationStatus":
    case "operationResult":
      return "Microsoft.Network/locations/operations/read";
    case "permissions":
      return "Microsoft.Authorization/permissions/read";
    case "resourceGraphQuery":
      return "Microsoft.ResourceGraph/resources/read";
    default:
      return `Microsoft.Network/${verb}`;
  }
}
