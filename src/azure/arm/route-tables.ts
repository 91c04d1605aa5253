import type { RouteTable as SdkRouteTable } from "@azure/arm-network";
import type { RouteTable } from "../../reconcile/types.js";
import { subscriptionOf } from "../../reconcile/ids.js";

/**
 * The SDK's all-optional route table as the what-if reads it (RouteTables_ListAll,
 * https://learn.microsoft.com/rest/api/virtualnetwork/route-tables/list-all). A route without a
 * prefix or next hop (never returned by ARM) is dropped rather than guessed.
 */
export function toRouteTable(t: SdkRouteTable): RouteTable {
  const id = t.id ?? "";
  return {
    id,
    name: t.name ?? id.split("/").pop() ?? "",
    subscriptionId: subscriptionOf(id) ?? "",
    routes: (t.routes ?? []).flatMap((r) =>
      r.addressPrefix && r.nextHopType
        ? [
            {
              name: r.name ?? "",
              addressPrefix: r.addressPrefix,
              nextHopType: r.nextHopType,
              ...(r.nextHopIpAddress ? { nextHopIpAddress: r.nextHopIpAddress } : {}),
            },
          ]
        : [],
    ),
    subnetIds: (t.subnets ?? []).flatMap((s) => (s.id ? [s.id] : [])),
  };
}
