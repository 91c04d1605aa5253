import type { Env, Reply, RequestInfo } from "../env.js";
import { errors } from "../errors.js";
import type { NetworkState, RouteTableRecord } from "../state.js";
import { key } from "../state.js";
import { page } from "./common.js";

/**
 * Route tables, read-only (RouteTables_Get and RouteTables_ListAll / List of
 * https://learn.microsoft.com/rest/api/virtualnetwork/route-tables): vnet-peering-sync reads them for
 * the what-if and never writes them. A table's `subnets` are computed from the subnets that reference
 * it (`subnets[].properties.routeTable.id` of each VNet), as ARM does.
 */

export function renderRouteTable(state: NetworkState, t: RouteTableRecord): Record<string, unknown> {
  const subnets: Array<{ id: string }> = [];
  for (const v of state.vnets.values())
    for (const sn of v.subnets) {
      const ref = (sn.extra.routeTable as { id?: unknown } | undefined)?.id;
      if (typeof ref === "string" && key(ref) === key(t.id))
        subnets.push({ id: `${v.id}/subnets/${sn.name}` });
    }
  return {
    name: t.name,
    id: t.id,
    etag: t.etag,
    type: "Microsoft.Network/routeTables",
    location: t.location,
    properties: {
      provisioningState: "Succeeded",
      resourceGuid: `00000000-0000-4000-8000-${key(t.name)
        .padEnd(12, "0")
        .slice(0, 12)
        .replace(/[^0-9a-f]/g, "0")}`,
      disableBgpRoutePropagation: false,
      routes: t.routes.map((r) => ({
        name: r.name,
        id: `${t.id}/routes/${r.name}`,
        etag: t.etag,
        type: "Microsoft.Network/routeTables/routes",
        properties: {
          provisioningState: "Succeeded",
          addressPrefix: r.addressPrefix,
          nextHopType: r.nextHopType,
          ...(r.nextHopIpAddress ? { nextHopIpAddress: r.nextHopIpAddress } : {}),
          hasBgpOverride: false,
        },
      })),
      ...(subnets.length ? { subnets } : {}),
    },
  };
}

export function listRouteTables(env: Env, req: RequestInfo, r: { sub: string; rg?: string }): Reply {
  const prefix = key(`/subscriptions/${r.sub}/resourceGroups/${r.rg ?? ""}`);
  const tables = [...env.state.routeTables.values()]
    .filter(
      (t) =>
        key(t.subscriptionId) === key(r.sub) && (r.rg === undefined || key(t.id).startsWith(`${prefix}/`)),
    )
    .sort((a, b) => key(a.id).localeCompare(key(b.id)));
  return page(env, req, tables, (t) => renderRouteTable(env.state, t));
}

export function getRouteTable(
  env: Env,
  _req: RequestInfo,
  r: { sub: string; rg: string; table: string },
): Reply {
  const id = `/subscriptions/${r.sub}/resourceGroups/${r.rg}/providers/Microsoft.Network/routeTables/${r.table}`;
  const t = env.state.routeTables.get(key(id));
  if (!t) throw errors.resourceNotFound("Microsoft.Network/routeTables", r.table, r.rg);
  return { status: 200, body: renderRouteTable(env.state, t), headers: { etag: t.etag } };
}
