import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { errorResponse } from "./http.js";

/** Entra app roles (docs/functions.md "HTTP endpoints: who may ask for what"). */
export const APP_ROLES = {
  /** POST /api/resync: plans and runs that write to the networks. */
  resync: "PeeringSync.Resync",
  /** GET /api/status and GET /api/resync/{runId}: read-only. */
  read: "PeeringSync.Read",
} as const;

/** The read-only endpoints (status page, a run's status, what-if): either role opens them. */
export const READ_ROLES: readonly string[] = [APP_ROLES.read, APP_ROLES.resync];

/**
 * The decoded X-MS-CLIENT-PRINCIPAL header App Service Authentication sets: the token's claims, with
 * `role_typ` naming the claim type that carries app roles
 * (https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities).
 */
const principalSchema = z.object({
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })).max(1000),
});

/** The app roles in the principal header; none when it is missing or malformed. */
export function rolesOf(request: HttpRequest): Set<string> {
  const header = request.headers.get("x-ms-client-principal");
  if (!header || header.length > 64 * 1024) return new Set();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as unknown;
  } catch {
    return new Set();
  }
  const parsed = principalSchema.safeParse(decoded);
  if (!parsed.success) return new Set();
  const roleTypes = new Set(["roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"]);
  if (parsed.data.role_typ) roleTypes.add(parsed.data.role_typ);
  return new Set(parsed.data.claims.filter((c) => roleTypes.has(c.typ)).map((c) => c.val));
}

/**
 * With REQUIRE_APP_ROLES on, the caller must hold one of `roles`; a function key alone is not enough
 * then. Off, nothing is checked here (the function key is the only gate) and undefined is returned.
 */
export function refuseWithoutRole(
  request: HttpRequest,
  required: boolean,
  roles: readonly string[],
): HttpResponseInit | undefined {
  if (!required) return undefined;
  const held = rolesOf(request);
  if (roles.some((role) => held.has(role))) return undefined;
  return errorResponse(
    403,
    "AppRoleRequired",
    `This call needs the app role ${roles.join(" or ")}; ask an owner of the app registration to assign it.`,
    "x-ms-client-principal",
  );
}
