import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { Seeder } from "./seed.js";
import { mirrorSettings } from "./seed.js";
import { parseVnetId, vnetIdOf } from "./state.js";

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
 *               "bgpCommunity"?: "12076:20000" } ] } ] } ],
 *   "peerings"?: [
 *     { "from": "hub", "to": "spoke1", "name"?: "hub-to-spoke1",
 *       "settings"?: { "allowGatewayTransit": true, ... },   // any peering flag, subnet lists
 *       "reverse"?: { "name"?: "...", "settings"?: { "useRemoteGateways": true } } | false } ],
 *   "steps"?: [   // applied in order after the peerings exist
 *     { "op": "setAddressSpace", "vnet": "hub", "addressPrefixes": ["10.0.0.0/16", "10.100.0.0/16"] },
 *     { "op": "setSubnets", "vnet": "hub", "subnets": [...] },
 *     { "op": "deletePeering", "vnet": "spoke5", "name": "spoke5-to-hub" },
 *     { "op": "deleteVnet", "vnet": "old" },
 *     { "op": "setTags", "vnet": "hub", "tags": {...} } ]
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
  })
  .strict();

export type Topology = z.input<typeof topologySchema>;

export interface LoadedTopology {
  /** VNet name (and "<rg>/<name>") -> resource id. */
  vnets: Record<string, string>;
  /** Peering name -> resource id (the last one wins if two peerings share a name). */
  peerings: Record<string, string>;
  gateways: Record<string, string>;
}

export async function readTopology(source: Topology | string): Promise<Topology> {
  if (typeof source !== "string") return source;
  return JSON.parse(await readFile(source, "utf8")) as Topology;
}

export function loadTopology(seed: Seeder, input: unknown): LoadedTopology {
  const parsed = topologySchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`invalid topology: ${issues}`);
  }
  const t = parsed.data;
  const out: LoadedTopology = { vnets: {}, peerings: {}, gateways: {} };
  const byName = new Map<string, string[]>();

  for (const sub of t.subscriptions) {
    seed.subscription(sub.id, { ...(sub.tenantId ? { tenantId: sub.tenantId } : {}) });
    for (const rg of sub.resourceGroups) {
      seed.resourceGroup(sub.id, rg.name, rg.location);
      for (const v of rg.vnets) {
        const id = seed.vnet({
          subscriptionId: sub.id,
          resourceGroup: rg.name,
          name: v.name,
          addressPrefixes: v.addressPrefixes,
          ...((v.location ?? rg.location) ? { location: (v.location ?? rg.location)! } : {}),
          ...(v.subnets ? { subnets: v.subnets } : {}),
          ...(v.tags ? { tags: v.tags } : {}),
          ...(v.bgpCommunity ? { bgpCommunity: v.bgpCommunity } : {}),
        });
        out.vnets[`${rg.name}/${v.name}`] = id;
        byName.set(v.name.toLowerCase(), [...(byName.get(v.name.toLowerCase()) ?? []), id]);
        if (v.gateway) out.gateways[v.gateway] = seed.gateway(id, { name: v.gateway });
      }
    }
  }
  for (const [name, ids] of byName) if (ids.length === 1) out.vnets[name] = ids[0]!;

  const resolve = (ref: string): string => {
    if (parseVnetId(ref)) return ref;
    const hit = out.vnets[ref] ?? out.vnets[ref.toLowerCase()];
    if (hit) return hit;
    const rgName = ref.split("/");
    if (rgName.length === 2) {
      for (const sub of t.subscriptions)
        for (const rg of sub.resourceGroups)
          if (rg.name.toLowerCase() === rgName[0]!.toLowerCase())
            return vnetIdOf(sub.id, rg.name, rgName[1]!);
    }
    const ambiguous = (byName.get(ref.toLowerCase())?.length ?? 0) > 1;
    throw new Error(
      `invalid topology: VNet reference '${ref}' ${ambiguous ? "is ambiguous" : "matches no VNet"}`,
    );
  };

  for (const p of t.peerings ?? []) {
    const from = resolve(p.from);
    const to = resolve(p.to);
    const idAB = seed.peering({
      vnetId: from,
      remoteVnetId: to,
      ...(p.name ? { name: p.name } : {}),
      settings: p.settings ?? {},
    });
    out.peerings[idAB.split("/").pop()!] = idAB;
    if (p.reverse === false) continue;
    const mirrored = { ...mirrorSettings(p.settings ?? {}), ...(p.reverse?.settings ?? {}) };
    const idBA = seed.peering({
      vnetId: to,
      remoteVnetId: from,
      ...(p.reverse?.name ? { name: p.reverse.name } : {}),
      settings: mirrored,
    });
    out.peerings[idBA.split("/").pop()!] = idBA;
  }

  for (const step of t.steps ?? []) {
    const vnet = resolve(step.vnet);
    switch (step.op) {
      case "setAddressSpace":
        seed.setAddressSpace(vnet, step.addressPrefixes);
        break;
      case "setSubnets":
        seed.setSubnets(vnet, step.subnets);
        break;
      case "setTags":
        seed.setTags(vnet, step.tags);
        break;
      case "deletePeering":
        seed.deletePeering(`${vnet}/virtualNetworkPeerings/${step.name}`);
        break;
      case "deleteVnet":
        seed.deleteVnet(vnet);
        break;
    }
  }
  // Last, so that the external side could be seeded above: seeding ignores accessibility anyway.
  for (const sub of t.subscriptions)
    if (sub.accessible === false) seed.setSubscriptionAccessible(sub.id, false);
  return out;
}
