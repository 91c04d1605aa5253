import { ArmError } from "../../reconcile/errors.js";
import { idKey, subscriptionOf } from "../../reconcile/ids.js";
import type { TenantAccess } from "../../reconcile/tenants.js";
import { ArmNetworkPort, type ArmConnectionOptions } from "./arm-network-port.js";
import type { CrossTenantApp, TenantDirectory } from "./tenants.js";

/**
 * The ARM port of a cross-tenant setup (docs/cross-tenant.md): every call on a subscription carries
 * the multi-tenant application's token for that subscription's tenant, a peering write into another
 * tenant also the auxiliary token for it (src/azure/arm/auxiliary-tokens.ts), and before planning it
 * tells the engine what the application may do in each tenant, so a write Azure would refuse
 * becomes a precise alert instead (src/reconcile/tenants.ts).
 */
export interface CrossTenantPortOptions extends Omit<
  ArmConnectionOptions,
  "credentialFor" | "auxiliaryTokens"
> {
  app: CrossTenantApp;
  directory: TenantDirectory;
  /** The token audience for Resource Manager (ARM_CLOUD's). */
  audience: string;
  /** The cloud's Entra sign-in origin, for admin consent links. */
  authorityHost: string;
}

const PEER_ACTION = "Microsoft.Network/virtualNetworks/peer/action";
const PEERING_WRITE = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write";

export class CrossTenantNetworkPort extends ArmNetworkPort {
  private readonly cross: CrossTenantPortOptions;

  constructor(options: CrossTenantPortOptions) {
    const { app, directory, audience } = options;
    super({
      ...options,
      credentialScope: audience,
      credentialFor: (sub) => app.credentialFor(sub, directory),
      auxiliaryTokens: {
        tenantOf: (sub) => directory.tenantOf(sub),
        mayUse: (tenant) => app.mayUse(tenant),
        token: async (tenant) => (await app.tokenFor(tenant, audience)).token,
      },
    });
    this.cross = options;
  }

  async tenantAccess(vnetIds: string[], peers: Array<[string, string]>): Promise<TenantAccess> {
    const { app, directory, audience } = this.cross;
    const subs = [...new Set(vnetIds.map((id) => subscriptionOf(id)).filter((s): s is string => !!s))];
    const tenantOfSubscription: Record<string, string> = {};
    await Promise.all(
      subs.map(async (sub) => {
        const tenant = await directory.tenantOf(sub);
        if (tenant) tenantOfSubscription[sub] = tenant;
      }),
    );
    const tenants = new Set(Object.values(tenantOfSubscription));
    const notConsented: string[] = [];
    await Promise.all(
      [...tenants]
        .filter((t) => t !== app.homeTenantId && app.allowed.has(t))
        .map(async (t) => {
          try {
            await app.tokenFor(t, audience);
          } catch (err) {
            if (err instanceof ArmError && err.code === "TenantNotConsented") notConsented.push(t);
            else throw err;
          }
        }),
    );
    const usable = (t: string | undefined) => !!t && app.mayUse(t) && !notConsented.includes(t);
    const tenantOfVnet = (id: string) => tenantOfSubscription[subscriptionOf(id) ?? ""];
    // Only the ends of cross-tenant pairs are probed: a same-tenant write needs nothing new.
    const probe = new Map<string, string>();
    for (const [a, b] of peers) {
      const ta = tenantOfVnet(a);
      const tb = tenantOfVnet(b);
      if (!ta || !tb || ta === tb || !usable(ta) || !usable(tb)) continue;
      probe.set(idKey(a), a);
      probe.set(idKey(b), b);
    }
    const peerDenied: string[] = [];
    const writeDenied: string[] = [];
    await Promise.all(
      [...probe].map(async ([key, id]) => {
        let permissions: Array<{ actions: string[]; notActions: string[] }>;
        try {
          permissions = await this.permissionsAt(id);
        } catch (err) {
          if (err instanceof ArmError && err.status === 404) return;
          if (err instanceof ArmError && (err.status === 401 || err.status === 403)) permissions = [];
          else throw err;
        }
        if (!allows(permissions, PEER_ACTION)) peerDenied.push(key);
        if (!allows(permissions, PEERING_WRITE)) writeDenied.push(key);
      }),
    );
    return {
      appClientId: app.clientId,
      homeTenantId: app.homeTenantId,
      allowedTenants: [...app.allowed].sort(),
      authorityHost: this.cross.authorityHost,
      tenantOfSubscription,
      notConsented: notConsented.sort(),
      peerDenied: peerDenied.sort(),
      writeDenied: writeDenied.sort(),
    };
  }
}

/** An action is allowed when one role's actions match it and none of that role's notActions do. */
export function allows(
  permissions: Array<{ actions: string[]; notActions: string[] }>,
  action: string,
): boolean {
  return permissions.some(
    (p) => p.actions.some((a) => matches(a, action)) && !p.notActions.some((n) => matches(n, action)),
  );
}

function matches(pattern: string, action: string): boolean {
  const rx = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return rx.test(action);
}
