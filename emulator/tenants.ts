import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { ArmHttpError, errors, type Principal } from "./errors.js";
import type { NetworkState } from "./state.js";
import { key } from "./state.js";

/**
 * Entra tenants as ARM sees them, for the cross-tenant tests (docs/cross-tenant.md).
 *
 * Off until the first application is registered: then every ARM call must carry a token this
 * emulator issued (its local token endpoint, emulator/token-endpoint.ts), for the subscription's own
 * tenant and for Resource Manager's audience, from an application that holds a role on the scope.
 * A peering write whose remote VNet lives in another tenant also needs an auxiliary token for that
 * tenant (`x-ms-authorization-auxiliary`), as Azure does
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/authenticate-multi-tenant).
 *
 * Tokens are HMAC-signed JWTs with a key made per emulator: nothing outside the test can mint one.
 */

/** Network Contributor allows every action here; PeerOnly is a custom role with read + peer/action. */
export type EmulatorRole = "Network Contributor" | "Reader" | "PeerOnly";

export interface RegisteredApp {
  clientId: string;
  homeTenantId: string;
  /** Object ids of managed identities trusted as federated credentials (their tokens are the assertion). */
  federatedSubjects: string[];
}

export interface RoleAssignment {
  clientId: string;
  /** A subscription, resource group or VNet id; the role holds for everything under it. */
  scope: string;
  role: EmulatorRole;
}

export interface TokenClaims {
  aud: string;
  tid: string;
  appid: string;
  oid: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  sub: string;
  ver: string;
  /** The identity's token for the federated-credential exchange carries its own audience. */
  idtyp?: string;
}

/** The audience Azure puts in Resource Manager tokens (v1 tokens: the resource URI). */
/** The actions of each role, as the permissions API lists them (Network Contributor: built-in role definition). */
const ROLE_ACTIONS: Record<EmulatorRole, readonly string[]> = {
  "Network Contributor": [
    "Microsoft.Authorization/*/read",
    "Microsoft.Network/*",
    "Microsoft.Resources/subscriptions/resourceGroups/read",
  ],
  Reader: ["*/read"],
  PeerOnly: [
    "Microsoft.Network/virtualNetworks/read",
    "Microsoft.Network/virtualNetworks/peer/action",
    "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/read",
  ],
};

export const ARM_AUDIENCES = new Set(["https://management.azure.com/", "https://management.azure.com"]);
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
const TOKEN_LIFETIME_SECONDS = 3600;

export class Tenancy {
  private readonly signingKey = randomBytes(32);
  readonly apps = new Map<string, RegisteredApp>();
  /** tenant (lower-cased) -> client ids an admin consented to. */
  private readonly consents = new Map<string, Set<string>>();
  readonly roles: RoleAssignment[] = [];
  /**
   * Every request that carried `x-ms-authorization-auxiliary`, with the tenants of its tokens
   * ("invalid" for one the emulator did not sign), in order: tests prove who got which token.
   */
  readonly auxiliaryHeadersSeen: Array<{ method: string; path: string; tenants: string[] }> = [];

  recordAuxiliary(method: string, path: string, header: string, nowSeconds: number): void {
    const tokens = parseAuxiliaryHeader(header);
    this.auxiliaryHeadersSeen.push({
      method,
      path,
      tenants:
        tokens === "invalid" ? ["invalid"] : tokens.map((t) => this.verify(t, nowSeconds)?.tid ?? "invalid"),
    });
  }

  constructor(private readonly state: NetworkState) {}

  /** Tokens are checked once any application is registered. */
  get enforced(): boolean {
    return this.apps.size > 0;
  }

  registerApp(app: RegisteredApp): void {
    this.apps.set(key(app.clientId), { ...app, federatedSubjects: [...app.federatedSubjects] });
    this.consent(app.homeTenantId, app.clientId);
  }

  /** An admin of `tenantId` granted consent: the application has a service principal there. */
  consent(tenantId: string, clientId: string): void {
    const set = this.consents.get(key(tenantId)) ?? new Set<string>();
    set.add(key(clientId));
    this.consents.set(key(tenantId), set);
  }

  revokeConsent(tenantId: string, clientId: string): void {
    this.consents.get(key(tenantId))?.delete(key(clientId));
  }

  hasConsent(tenantId: string, clientId: string): boolean {
    return this.consents.get(key(tenantId))?.has(key(clientId)) ?? false;
  }

  assignRole(clientId: string, scope: string, role: EmulatorRole): void {
    this.roles.push({ clientId, scope, role });
  }

  removeRoles(clientId: string, scope: string): void {
    for (let i = this.roles.length - 1; i >= 0; i--) {
      const r = this.roles[i]!;
      if (key(r.clientId) === key(clientId) && key(r.scope) === key(scope)) this.roles.splice(i, 1);
    }
  }

  /** The tenant a subscription belongs to. */
  tenantOf(subscriptionId: string): string {
    return this.state.subscriptions.get(key(subscriptionId))?.tenantId ?? this.state.defaults.tenantId;
  }

  /** The object id of an application's service principal in a tenant (stable, one per tenant). */
  servicePrincipalId(clientId: string, tenantId: string): string {
    const h = createHmac("sha256", "sp")
      .update(`${key(clientId)}/${key(tenantId)}`)
      .digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Mint a token (the token endpoint, and tests standing in for a managed identity's endpoint). */
  issue(claims: { aud: string; tid: string; appid: string; oid: string }, nowSeconds: number): string {
    const full: TokenClaims = {
      ...claims,
      iss: `https://sts.windows.net/${claims.tid}/`,
      iat: nowSeconds,
      nbf: nowSeconds,
      exp: nowSeconds + TOKEN_LIFETIME_SECONDS,
      sub: claims.oid,
      ver: "1.0",
    };
    const head = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
    const body = Buffer.from(JSON.stringify(full)).toString("base64url");
    return `${head}.${body}.${this.sign(`${head}.${body}`)}`;
  }

  /** The claims of a token this emulator signed and that has not expired, else undefined. */
  verify(token: string, nowSeconds: number): TokenClaims | undefined {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as TokenClaims;
      return claims.exp > nowSeconds ? claims : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(input: string): string {
    return createHmac("sha256", this.signingKey).update(input).digest("base64url");
  }

  /** Does the application hold a role allowing `action` ("read", "write", "peer") at `resourceId`? */
  allows(clientId: string, resourceId: string, action: "read" | "write" | "peer"): boolean {
    const target = key(resourceId);
    return this.roles.some((r) => {
      if (key(r.clientId) !== key(clientId)) return false;
      const scope = key(r.scope).replace(/\/$/, "");
      if (target !== scope && !target.startsWith(`${scope}/`)) return false;
      if (r.role === "Network Contributor") return true;
      if (r.role === "PeerOnly") return action !== "write";
      return action === "read";
    });
  }

  /**
   * What Microsoft.Authorization/permissions answers at `scope` for the token's application: the
   * actions of each role it holds there. With tenants off, everything.
   */
  permissionsOf(
    token: TokenClaims | undefined,
    scope: string,
  ): Array<{ actions: string[]; notActions: string[] }> {
    if (!token) return [{ actions: ["*"], notActions: [] }];
    const target = key(scope);
    return this.roles
      .filter((r) => {
        const s = key(r.scope).replace(/\/$/, "");
        return key(r.clientId) === key(token.appid) && (target === s || target.startsWith(`${s}/`));
      })
      .map((r) => ({ actions: [...ROLE_ACTIONS[r.role]], notActions: [] }));
  }

  /**
   * The primary token of an ARM call on `subscriptionId`: valid, for Resource Manager, for the
   * subscription's own tenant (Azure's 401 messages, docs/azure-behaviour.md#cross-tenant-tokens).
   */
  authenticate(token: string, subscriptionId: string | undefined, nowSeconds: number): TokenClaims {
    const claims = this.verify(token, nowSeconds);
    if (!claims) throw invalidToken("The access token is invalid or has expired.");
    if (!ARM_AUDIENCES.has(claims.aud))
      throw new ArmHttpError(401, {
        code: "InvalidAuthenticationTokenAudience",
        message: `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
      });
    if (subscriptionId !== undefined) {
      const tenant = this.tenantOf(subscriptionId);
      if (key(tenant) !== key(claims.tid))
        throw new ArmHttpError(401, {
          code: "InvalidAuthenticationTokenTenant",
          message: `The access token is from the wrong issuer 'https://sts.windows.net/${claims.tid}/'. It must match the tenant 'https://sts.windows.net/${tenant}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${tenant}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
        });
    }
    return claims;
  }

  /**
   * A peering write on `peeringId` naming `remoteVnetId`: the linked-scope check. Another tenant's
   * VNet needs an auxiliary token for that tenant from the same application (else Azure's
   * "current tenant ... is not authorized to access linked subscription"); either way the
   * application needs peer/action on the remote VNet.
   */
  checkLinkedScope(input: {
    primary: TokenClaims;
    principal: Principal;
    auxiliaryHeader: string | undefined;
    peeringId: string;
    remoteVnetId: string;
    remoteSubscriptionId: string;
    path: string;
    nowSeconds: number;
  }): void {
    const remoteTenant = this.tenantOf(input.remoteSubscriptionId);
    const aux = parseAuxiliaryHeader(input.auxiliaryHeader);
    if (aux === "invalid")
      throw invalidToken("The 'x-ms-authorization-auxiliary' header is provided in an invalid format.");
    const auxClaims = aux.map((t) => this.verify(t, input.nowSeconds));
    if (aux.length > 3)
      throw new ArmHttpError(400, {
        code: "InvalidAuxiliaryTokens",
        message: "At most three auxiliary tokens may be sent in 'x-ms-authorization-auxiliary'.",
      });
    if (auxClaims.some((c) => c === undefined))
      throw invalidToken("An auxiliary token in 'x-ms-authorization-auxiliary' is invalid or has expired.");
    if (key(remoteTenant) !== key(input.primary.tid)) {
      const match = auxClaims.find(
        (c) =>
          c !== undefined &&
          key(c.tid) === key(remoteTenant) &&
          ARM_AUDIENCES.has(c.aud) &&
          key(c.appid) === key(input.primary.appid),
      );
      if (!match)
        throw errors.linkedTenantNotAuthorized(
          input.peeringId,
          input.primary.tid,
          input.remoteSubscriptionId,
        );
    }
    if (!this.allows(input.primary.appid, input.remoteVnetId, "peer"))
      throw errors.linkedAuthorizationFailed(input.principal, input.peeringId, input.remoteVnetId);
  }
}

function invalidToken(message: string): ArmHttpError {
  return new ArmHttpError(401, { code: "InvalidAuthenticationToken", message });
}

/** `Bearer <t1>, Bearer <t2>` (the documented form); undefined or empty means none. */
export function parseAuxiliaryHeader(value: string | undefined): string[] | "invalid" {
  if (value === undefined || value.trim() === "") return [];
  const tokens: string[] = [];
  for (const part of value.split(",")) {
    const m = /^\s*(?:Encrypted)?Bearer\s+(\S+)\s*$/i.exec(part);
    if (!m) return "invalid";
    tokens.push(m[1]!);
  }
  return tokens;
}
