import { readFile } from "node:fs/promises";
import type { Seeder } from "./seed.js";
import { mirrorSettings } from "./seed.js";
import { parseVnetId, vnetIdOf } from "./state.js";
import { topologySchema, type Topology } from "./topology-schema.js";

export { topologySchema } from "./topology-schema.js";
export type { Topology } from "./topology-schema.js";

export interface LoadedTopology {
  /** VNet name (and "<rg>/<name>") -> resource id. */
  vnets: Record<string, string>;
  /** Peering name -> resource id (the last one wins if two peerings share a name). */
  peerings: Record<string, string>;
  gateways: Record<string, string>;
  /** The topology's multi-tenant application, when it turns tenants on. */
  crossTenant?: {
    appClientId: string;
    homeTenantId: string;
    managedIdentity: string;
    consentedTenants: string[];
  };
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

  // Route tables after every VNet exists: a table may steer traffic of (and sit in) any of them.
  for (const sub of t.subscriptions)
    for (const rg of sub.resourceGroups)
      for (const rt of rg.routeTables ?? [])
        seed.routeTable({
          subscriptionId: sub.id,
          resourceGroup: rg.name,
          name: rt.name,
          ...(rg.location ? { location: rg.location } : {}),
          routes: rt.routes.map((r) => ({
            name: r.name,
            addressPrefix: r.addressPrefix,
            nextHopType: r.nextHopType,
            ...(r.nextHopIpAddress ? { nextHopIpAddress: r.nextHopIpAddress } : {}),
          })),
          subnets: (rt.subnets ?? []).map((s) => {
            if (/\/subnets\//i.test(s)) return s;
            const [vnet, subnet] = s.split("/");
            return `${vnetIdOf(sub.id, rg.name, vnet!)}/subnets/${subnet ?? ""}`;
          }),
        });

  for (const p of t.peerings ?? []) {
    const from = resolve(p.from);
    const to = resolve(p.to);
    const idAB = seed.peering({
      vnetId: from,
      remoteVnetId: to,
      ...(p.name ? { name: p.name } : {}),
      settings: definedOnly(p.settings ?? {}),
    });
    out.peerings[idAB.split("/").pop()!] = idAB;
    if (p.reverse === false) continue;
    const mirrored = {
      ...mirrorSettings(definedOnly(p.settings ?? {})),
      ...definedOnly(p.reverse?.settings ?? {}),
    };
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
  if (t.crossTenant) {
    const c = t.crossTenant;
    const tenancy = seed.tenancy;
    tenancy.registerApp({
      clientId: c.appClientId,
      homeTenantId: c.homeTenantId,
      federatedSubjects: [c.managedIdentity],
    });
    for (const tenant of c.consentedTenants ?? []) tenancy.consent(tenant, c.appClientId);
    for (const r of c.roles)
      tenancy.assignRole(
        c.appClientId,
        /^[0-9a-f-]{36}$/i.test(r.scope) ? `/subscriptions/${r.scope}` : resolve(r.scope),
        r.role,
      );
    out.crossTenant = {
      appClientId: c.appClientId,
      homeTenantId: c.homeTenantId,
      managedIdentity: c.managedIdentity,
      consentedTenants: c.consentedTenants ?? [],
    };
  }
  // Last, so that the external side could be seeded above: seeding ignores accessibility anyway.
  for (const sub of t.subscriptions)
    if (sub.accessible === false) seed.setSubscriptionAccessible(sub.id, false);
  return out;
}

/** A topology file's absent setting parses as `undefined`; the seed wants it left out, not set to that. */
function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
