import type { PipelinePolicy, PipelineRequest } from "@azure/core-rest-pipeline";
import { parsePeeringId, parseVnetId } from "../../reconcile/ids.js";
import { foreignOriginOf } from "./origin-pin.js";

/**
 * Adds `x-ms-authorization-auxiliary` to a peering write whose remote VNet lives in another tenant:
 * Resource Manager checks `peer/action` on the remote VNet in its own tenant, so it needs a token
 * for that tenant next to the primary one
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/authenticate-multi-tenant).
 *
 * Only on a PUT of a peering, only when the body's `remoteVirtualNetwork.id` is in a tenant other
 * than the written subscription's, only for a tenant the settings allow, and only to the pinned ARM
 * origin: this policy sits after the origin pin (src/azure/origin-pin.ts) and checks the origin
 * again itself, so a token for a partner's tenant can never leave for another host, not even for a
 * follow-up (poll, page) of the same write, which carries no body and so never gets one.
 */
export const AUXILIARY_TOKEN_POLICY_NAME = "vnetPeeringSyncAuxiliaryToken";
export const AUXILIARY_HEADER = "x-ms-authorization-auxiliary";

export interface AuxiliaryTokenSource {
  /** The tenant of a subscription, undefined when unknown (then nothing is attached). */
  tenantOf(subscriptionId: string): Promise<string | undefined>;
  /** Is the application allowed to ask for tokens in this tenant? */
  mayUse(tenantId: string): boolean;
  /** The application's token for Resource Manager in `tenantId`. */
  token(tenantId: string): Promise<string>;
}

export function auxiliaryTokenPolicy(endpoint: string, source: AuxiliaryTokenSource): PipelinePolicy {
  const expected = new URL(endpoint).origin;
  return {
    name: AUXILIARY_TOKEN_POLICY_NAME,
    sendRequest: async (request, next) => {
      // Whatever set it before (nothing should), only this policy decides the header.
      request.headers.delete(AUXILIARY_HEADER);
      if (foreignOriginOf(request.url, expected) === undefined) {
        const tenant = await auxiliaryTenantFor(request, source);
        if (tenant !== undefined) {
          const token = await source.token(tenant);
          request.headers.set(AUXILIARY_HEADER, `Bearer ${token}`);
        }
      }
      return next(request);
    },
  };
}

/** The tenant whose token a request needs as auxiliary, or undefined when it needs none. */
export async function auxiliaryTenantFor(
  request: Pick<PipelineRequest, "method" | "url" | "body">,
  source: Pick<AuxiliaryTokenSource, "tenantOf" | "mayUse">,
): Promise<string | undefined> {
  if (request.method !== "PUT" || typeof request.body !== "string") return undefined;
  const path = decodeURIComponent(new URL(request.url).pathname);
  const peering = parsePeeringId(path);
  if (!peering) return undefined;
  const local = parseVnetId(peering.vnetId);
  const remoteId = remoteVnetIdOf(request.body);
  const remote = remoteId ? parseVnetId(remoteId) : undefined;
  if (!local || !remote) return undefined;
  if (local.subscriptionId.toLowerCase() === remote.subscriptionId.toLowerCase()) return undefined;
  const [localTenant, remoteTenant] = await Promise.all([
    source.tenantOf(local.subscriptionId),
    source.tenantOf(remote.subscriptionId),
  ]);
  if (!localTenant || !remoteTenant || localTenant === remoteTenant) return undefined;
  return source.mayUse(remoteTenant) ? remoteTenant : undefined;
}

function remoteVnetIdOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { properties?: { remoteVirtualNetwork?: { id?: unknown } } };
    const id = parsed.properties?.remoteVirtualNetwork?.id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}
