import { z } from "zod";

/**
 * Topology files: a whole network estate in one JSON document, seeded directly into the emulator.
 *
 * {
 *   "subscriptions": [
 *     { "id": "<guid>", "tenantId"?: "<guid>", "accessible"?: true,
 *       "resourceGroups": [
 *         { "name": "rg-hub", "location"?: "westeurope",
 *           "vnets": [
 *             { "name": "hub", "addressPrefixes": ["10.0.0.0/16"],
 *               "subnets"?: [{ "name": "GatewaySubnet", "addressPrefixes": ["10.0.255.0/27"] }],
 *               "tags"?: { "env": "prod" },
 *               "gateway"?: "hub-gw",
 *               "bgpCommunity"?: "12076:20000" } ],
 *           "routeTables"?: [{ "name": "rt-spokes", "subnets"?: ["hub/GatewaySubnet"],
 *               "routes": [{ "name": "to-spoke1", "addressPrefix": "10.1.0.0/16",
 *                            "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.3.4" }] }]
 *         } ] } ],
 *   "peerings"?: [
 *     { "from": "hub", "to": "spoke1", "name"?: "hub-to-spoke1",
 *       "settings"?: { "allowGatewayTransit": true, ... },   // any peering flag, subnet lists
 *       "reverse"?: { "name"?: "...", "settings"?: { "useRemoteGateways": true } } | false } ],
 *   "steps"?: [   // applied in order after the peerings exist
 *     { "op": "setAddressSpace", "vnet": "hub", "addressPrefixes": ["10.0.0.0/16", "10.100.0.0/16"] },
 *     { "op": "setSubnets", "vnet": "hub", "subnets": [...] },
 *     { "op": "deletePeering", "vnet": "spoke5", "name": "spoke5-to-hub" },
 *     { "op": "deleteVnet", "vnet": "old" },
 *     { "op": "setTags", "vnet": "hub", "tags": {...} } ],
 *   "crossTenant"?: {   // tenants on (emulator/tenants.ts): a multi-tenant application and its access
 *     "appClientId": "<guid>", "homeTenantId": "<guid>", "managedIdentity": "<guid>",
 *     "consentedTenants"?: ["<guid>"],
 *     "roles": [{ "scope": "<subscription guid or VNet reference>", "role": "Network Contributor" }] }
 * }
 *
 * A VNet reference is a full resource id, "<resourceGroup>/<vnet>", or a VNet name that is unique in
 * the topology. A peering is created in both directions (reverse mirrors the settings with the subnet
 * lists swapped and no gateway flags) unless `"reverse": false`, which leaves it one-sided (Initiated).
 * `"accessible": false` makes a subscription answer 403 to every call while its VNets still exist
 * (an external peer).
 */

const prefixes = z.array(z.string().min(1));
const subnet = z.object({ name: z.string().min(1), addressPrefixes: prefixes });
const settings = z
  .object({
    allowVirtualNetworkAccess: z.boolean(),
    allowForwardedTraffic: z.boolean(),
    allowGatewayTransit: z.boolean(),
    useRemoteGateways: z.boolean(),
    doNotVerifyRemoteGateways: z.boolean(),
    peerCompleteVnets: z.boolean(),
    enableOnlyIPv6Peering: z.boolean(),
    localSubnetNames: z.array(z.string()),
    remoteSubnetNames: z.array(z.string()),
    remoteBgpCommunities: z.object({ virtualNetworkCommunity: z.string() }),
  })
  .partial()
  .strict();

const vnetRef = z.string().min(1);

export const topologySchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    subscriptions: z.array(
      z
        .object({
          id: z.string().min(1),
          tenantId: z.string().optional(),
          accessible: z.boolean().optional(),
          resourceGroups: z.array(
            z
              .object({
                name: z.string().min(1),
                location: z.string().optional(),
                vnets: z.array(
                  z
                    .object({
                      name: z.string().min(1),
                      location: z.string().optional(),
                      addressPrefixes: prefixes,
                      subnets: z.array(subnet).optional(),
                      tags: z.record(z.string(), z.string()).optional(),
                      gateway: z.string().optional(),
                      /** bgpCommunities.virtualNetworkCommunity; the regional one comes from the location. */
                      bgpCommunity: z.string().optional(),
                    })
                    .strict(),
                ),
                routeTables: z
                  .array(
                    z
                      .object({
                        name: z.string().min(1),
                        routes: z.array(
                          z
                            .object({
                              name: z.string().min(1),
                              addressPrefix: z.string().min(1),
                              nextHopType: z.string().min(1),
                              nextHopIpAddress: z.string().optional(),
                            })
                            .strict(),
                        ),
                        /** "<vnet>/<subnet>" of this resource group, or a full subnet id. */
                        subnets: z.array(z.string().min(1)).optional(),
                      })
                      .strict(),
                  )
                  .optional(),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
    peerings: z
      .array(
        z
          .object({
            from: vnetRef,
            to: vnetRef,
            name: z.string().optional(),
            settings: settings.optional(),
            reverse: z
              .union([
                z.literal(false),
                z.object({ name: z.string().optional(), settings: settings.optional() }).strict(),
              ])
              .optional(),
          })
          .strict(),
      )
      .optional(),
    steps: z
      .array(
        z.discriminatedUnion("op", [
          z.object({ op: z.literal("setAddressSpace"), vnet: vnetRef, addressPrefixes: prefixes }).strict(),
          z.object({ op: z.literal("setSubnets"), vnet: vnetRef, subnets: z.array(subnet) }).strict(),
          z
            .object({ op: z.literal("setTags"), vnet: vnetRef, tags: z.record(z.string(), z.string()) })
            .strict(),
          z.object({ op: z.literal("deletePeering"), vnet: vnetRef, name: z.string().min(1) }).strict(),
          z.object({ op: z.literal("deleteVnet"), vnet: vnetRef }).strict(),
        ]),
      )
      .optional(),
    crossTenant: z
      .object({
        appClientId: z.string().min(1),
        homeTenantId: z.string().min(1),
        managedIdentity: z.string().min(1),
        consentedTenants: z.array(z.string().min(1)).optional(),
        roles: z.array(
          z
            .object({
              scope: z.string().min(1),
              role: z.enum(["Network Contributor", "Reader", "PeerOnly"]),
            })
            .strict(),
        ),
      })
      .strict()
      .optional(),
  })
  .strict();

export type Topology = z.input<typeof topologySchema>;
