import type { TenantAccess } from "./tenants.js";
import type { Peering, PeeringBody, RouteTable, Vnet } from "./types.js";

/**
 * Everything the engine needs from Azure Resource Manager. The only implementation talks to ARM
 * (or the emulator) through @azure/arm-network; tests satisfy it with the emulator, not with mocks.
 * Every method throws `ArmError` (src/reconcile/errors.ts) on a failed call.
 */
export interface NetworkPort {
  /** Every VNet of a subscription with its peerings embedded (the list-all call, paged). */
  listVnets(subscriptionId: string): Promise<Vnet[]>;
  /** undefined when the VNet does not exist (404). */
  getVnet(vnetId: string): Promise<Vnet | undefined>;
  /** undefined when the peering does not exist (404). */
  getPeering(peeringId: string): Promise<Peering | undefined>;
  /**
   * PUT a peering and wait for the long-running operation. With `syncRemoteAddressSpace` the body
   * must be the current peering's full body (a PUT replaces: anything left out is lost).
   */
  putPeering(
    vnetId: string,
    peeringName: string,
    body: PeeringBody,
    options?: { syncRemoteAddressSpace?: boolean },
  ): Promise<Peering>;
  /**
   * Every route table of a subscription with its routes and subnet associations (the what-if reads
   * them to warn about routes that miss a new prefix). Optional: a port without it gives no route
   * warnings.
   */
  listRouteTables?(subscriptionId: string): Promise<RouteTable[]>;
  /**
   * Cross-tenant setups only (docs/cross-tenant.md): the tenants of these VNets' subscriptions and,
   * for each (local, remote) pair of a planned write across tenants, whether the application may
   * write on the one and peer with the other, so plans never make a write Azure would refuse.
   */
  tenantAccess?(vnetIds: string[], peers: Array<[string, string]>): Promise<TenantAccess>;
}
