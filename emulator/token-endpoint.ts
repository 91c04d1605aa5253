import type { Env, Reply } from "./env.js";
import { TOKEN_EXCHANGE_AUDIENCE } from "./tenants.js";

/**
 * A local Entra ID token endpoint, enough for @azure/identity's real credential classes
 * (ClientAssertionCredential with `authorityHost` set to the emulator and
 * `disableInstanceDiscovery: true`): the OpenID metadata MSAL reads first, and the client-credentials
 * grant with a client assertion, which is how an application trusting a managed identity signs in
 * (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity).
 *
 * The assertion must be a token this emulator issued for `api://AzureADTokenExchange` to a managed
 * identity the application lists as a federated credential; the tenant in the path must have
 * consented to the application. Errors use Entra's OAuth shape (`error`, `error_description` with
 * the AADSTS code).
 */

const TENANT_PATH = /^\/([0-9a-f-]{36})\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/i;
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export function isTokenEndpointPath(pathname: string): boolean {
  return TENANT_PATH.test(pathname);
}

export function tokenEndpoint(env: Env, method: string, url: URL, baseUrl: string, rawBody: string): Reply {
  const m = TENANT_PATH.exec(url.pathname)!;
  const tenant = m[1]!.toLowerCase();
  if (m[2]!.startsWith("v2.0")) {
    if (method !== "GET") return oauthError(405, "invalid_request", "Use GET.");
    const base = `${baseUrl}/${tenant}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        issuer: `${base}/v2.0`,
        token_endpoint_auth_methods_supported: ["private_key_jwt"],
        response_types_supported: ["code", "id_token", "token"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        tenant_region_scope: "EU",
      },
    };
  }
  if (method !== "POST") return oauthError(405, "invalid_request", "Use POST.");
  const form = new URLSearchParams(rawBody);
  const clientId = form.get("client_id") ?? "";
  const app = env.tenancy.apps.get(clientId.toLowerCase());
  if (form.get("grant_type") !== "client_credentials")
    return oauthError(
      400,
      "unsupported_grant_type",
      "AADSTS70003: The app requested an unsupported grant type.",
    );
  if (!app)
    return oauthError(
      400,
      "unauthorized_client",
      `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
    );
  if (form.get("client_assertion_type") !== JWT_BEARER)
    return oauthError(
      400,
      "invalid_client",
      "AADSTS7000218: The request body must contain 'client_assertion'.",
    );
  const now = Math.floor(env.clock.now() / 1000);
  const assertion = env.tenancy.verify(form.get("client_assertion") ?? "", now);
  if (
    !assertion ||
    assertion.aud !== TOKEN_EXCHANGE_AUDIENCE ||
    assertion.tid.toLowerCase() !== app.homeTenantId.toLowerCase() ||
    !app.federatedSubjects.some((s) => s.toLowerCase() === assertion.oid.toLowerCase())
  )
    return oauthError(
      400,
      "invalid_client",
      `AADSTS700213: No matching federated identity record found for presented assertion subject '${assertion?.sub ?? "?"}'.`,
    );
  if (!env.tenancy.hasConsent(tenant, clientId))
    return oauthError(
      400,
      "unauthorized_client",
      `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  const scope = form.get("scope") ?? "";
  const resource = /^(.*)\/\.default$/.exec(scope.split(" ").find((s) => s.endsWith("/.default")) ?? "");
  if (!resource)
    return oauthError(
      400,
      "invalid_scope",
      `AADSTS1002012: The provided value for scope '${scope}' is not valid.`,
    );
  const aud = `${resource[1]!.replace(/\/$/, "")}/`;
  const token = env.tenancy.issue(
    { aud, tid: tenant, appid: app.clientId, oid: env.tenancy.servicePrincipalId(app.clientId, tenant) },
    now,
  );
  return {
    status: 200,
    body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: token },
  };
}

function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description, error_codes: [], correlation_id: "" } };
}
