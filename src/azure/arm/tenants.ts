import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createPipelineRequest,
  tlsPolicy,
  type HttpClient,
} from "@azure/core-rest-pipeline";
import { ClientAssertionCredential, ManagedIdentityCredential } from "@azure/identity";
import { ArmError } from "../../reconcile/errors.js";
import type { ArmCloudName } from "../clouds.js";
import { originPinPolicy } from "./origin-pin.js";

/**
 * Which Entra tenant a subscription belongs to, learnt without any token: Resource Manager answers
 * an unauthenticated call on a subscription with 401 and a `WWW-Authenticate` header whose
 * `authorization_uri` names the tenant's authority, which is how the Azure CLI and PowerShell find
 * it (docs/azure-behaviour.md#tenant-discovery). The answer is cached per subscription: a
 * subscription moves to another tenant rarely, and then every call fails loudly until restart.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An API version of Microsoft.Resources that serves GET /subscriptions/{id}. */
const SUBSCRIPTIONS_API_VERSION = "2022-12-01";

/** The tenant GUID in a `WWW-Authenticate: Bearer authorization_uri="https://host/<tenant>"` header. */
export function tenantFromChallenge(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const uri = /authorization_uri\s*=\s*"([^"]*)"/i.exec(header)?.[1];
  if (!uri) return undefined;
  let path: string;
  try {
    path = new URL(uri).pathname;
  } catch {
    return undefined;
  }
  const tenant = path.split("/").find((segment) => segment.length > 0);
  return tenant && GUID.test(tenant) ? tenant.toLowerCase() : undefined;
}

export interface TenantDirectoryOptions {
  /** The ARM endpoint; discovery calls go there and nowhere else (src/azure/origin-pin.ts). */
  endpoint: string;
  caPem?: string;
  /** Tests: the transport. */
  httpClient?: HttpClient;
}

export class TenantDirectory {
  private readonly cache = new Map<string, Promise<string | undefined>>();
  private readonly endpoint: string;
  private readonly pipeline = createEmptyPipeline();
  private readonly http: HttpClient;

  constructor(private readonly options: TenantDirectoryOptions) {
    this.endpoint = options.endpoint.endsWith("/") ? options.endpoint : `${options.endpoint}/`;
    this.pipeline.addPolicy(
      originPinPolicy(
        this.endpoint,
        (d) => new ArmError(0, "ForeignOrigin", `Tenant discovery refused ${d.foreign}.`),
      ),
    );
    if (options.caPem) this.pipeline.addPolicy(tlsPolicy({ ca: options.caPem }));
    this.http = options.httpClient ?? createDefaultHttpClient();
  }

  /** The subscription's tenant (lower-case GUID), or undefined when ARM did not name one. */
  tenantOf(subscriptionId: string): Promise<string | undefined> {
    const key = subscriptionId.toLowerCase();
    let found = this.cache.get(key);
    if (!found) {
      found = this.discover(key).catch(() => {
        // A failed discovery is not cached: the next run asks again.
        this.cache.delete(key);
        return undefined;
      });
      this.cache.set(key, found);
    }
    return found;
  }

  /** Seed the cache (the home tenant's own subscriptions need no call). */
  remember(subscriptionId: string, tenantId: string): void {
    this.cache.set(subscriptionId.toLowerCase(), Promise.resolve(tenantId.toLowerCase()));
  }

  private async discover(subscriptionId: string): Promise<string | undefined> {
    if (!GUID.test(subscriptionId)) return undefined;
    const request = createPipelineRequest({
      url: `${this.endpoint}subscriptions/${subscriptionId}?api-version=${SUBSCRIPTIONS_API_VERSION}`,
      method: "GET",
      timeout: 30_000,
    });
    const response = await this.pipeline.sendRequest(this.http, request);
    if (response.status !== 401) return undefined;
    return tenantFromChallenge(response.headers.get("www-authenticate"));
  }
}

export interface CrossTenantAppOptions {
  /** The multi-tenant Entra application's client id. */
  clientId: string;
  /** The tenant the application (and the managed identity trusted by it) lives in. */
  homeTenantId: string;
  /** Other tenants whose admins consented; tokens for any other tenant are never asked for. */
  allowedTenants: readonly string[];
  /**
   * The managed identity's token for `api://AzureADTokenExchange`, the application's federated
   * credential: no secret anywhere (docs/cross-tenant.md).
   */
  assertion: () => Promise<string>;
  /** The cloud's Entra authority (src/azure/clouds.ts); the emulator's own origin in tests. */
  authorityHost: string;
  /** A custom authority (the emulator) has no instance metadata to discover. */
  disableInstanceDiscovery?: boolean;
  caPem?: string;
}

/**
 * The application's tokens for its home tenant and for the tenants allowed, from one
 * ClientAssertionCredential (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity).
 * A tenant outside the list is refused here, before Entra is asked.
 */
export class CrossTenantApp {
  readonly clientId: string;
  readonly homeTenantId: string;
  readonly allowed: ReadonlySet<string>;
  private readonly credential: ClientAssertionCredential;

  constructor(options: CrossTenantAppOptions) {
    this.clientId = options.clientId;
    this.homeTenantId = options.homeTenantId.toLowerCase();
    this.allowed = new Set(options.allowedTenants.map((t) => t.toLowerCase()));
    this.credential = new ClientAssertionCredential(
      options.homeTenantId,
      options.clientId,
      options.assertion,
      {
        authorityHost: options.authorityHost,
        additionallyAllowedTenants: [...this.allowed],
        ...(options.disableInstanceDiscovery ? { disableInstanceDiscovery: true } : {}),
        ...(options.caPem ? { tlsOptions: { ca: options.caPem } } : {}),
      },
    );
  }

  /** Home, or allowed: the tenants this app may ever ask a token for. */
  mayUse(tenantId: string): boolean {
    const t = tenantId.toLowerCase();
    return t === this.homeTenantId || this.allowed.has(t);
  }

  /**
   * A token for `tenantId`. A tenant not allowed is an ArmError 401 `TenantNotAllowed`; Entra's
   * refusal (no consent there) an ArmError 401 `TenantNotConsented`: both read as "cannot read"
   * by the engine, never retried.
   */
  async tokenFor(
    tenantId: string,
    scopes: string | string[],
    options?: GetTokenOptions,
  ): Promise<AccessToken> {
    const t = tenantId.toLowerCase();
    if (!this.mayUse(t))
      throw new ArmError(
        401,
        "TenantNotAllowed",
        `Tenant ${t} is not in CROSS_TENANT_ALLOWED_TENANTS; no token is asked for it.`,
      );
    try {
      const token = await this.credential.getToken(scopes, {
        ...(options?.abortSignal ? { abortSignal: options.abortSignal } : {}),
        ...(t === this.homeTenantId ? {} : { tenantId: t }),
      });
      if (!token) throw new Error("no token");
      return token;
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      // Entra's answer decides: no consent there, another sign-in refusal (a configuration error a
      // human fixes, terminal), or no answer at all (Entra unreachable: status 0, retried).
      const consent = /AADSTS(700016|650052|500011|90002)\b/.test(text);
      const refused = /AADSTS\d+/.test(text);
      throw new ArmError(
        consent || refused ? 401 : 0,
        consent ? "TenantNotConsented" : refused ? "CrossTenantSignInFailed" : "CrossTenantTokenFailed",
        consent
          ? `Tenant ${t} has not consented to application ${this.clientId} (Entra ID refused the token).`
          : `No token for tenant ${t} from application ${this.clientId}: ${firstLine(text)}`,
        undefined,
        { cause: err },
      );
    }
  }

  /** The primary credential for calls on a subscription: the token of the subscription's tenant. */
  credentialFor(subscriptionId: string, directory: TenantDirectory): TokenCredential {
    return {
      getToken: async (scopes, options) => {
        const tenant = (await directory.tenantOf(subscriptionId)) ?? this.homeTenantId;
        return this.tokenFor(tenant, scopes, options);
      },
    };
  }
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

/**
 * The audience of the managed identity's token that a federated credential accepts, per cloud
 * (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity).
 */
export const TOKEN_EXCHANGE_AUDIENCE: Record<ArmCloudName, string> = {
  AzureCloud: "api://AzureADTokenExchange",
  AzureUSGovernment: "api://AzureADTokenExchangeUSGov",
  AzureChinaCloud: "api://AzureADTokenExchangeChina",
};

/** The user-assigned managed identity's token for the exchange: the application's only credential. */
export function managedIdentityAssertion(
  clientId: string | undefined,
  cloud: ArmCloudName,
): () => Promise<string> {
  const identity = new ManagedIdentityCredential(clientId ? { clientId } : {});
  const scope = `${TOKEN_EXCHANGE_AUDIENCE[cloud]}/.default`;
  return async () => {
    const token = await identity.getToken(scope);
    if (!token) throw new Error("The managed identity gave no token for the federated credential exchange.");
    return token.token;
  };
}
