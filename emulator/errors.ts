/**
 * ARM-style errors: `{"error": {"code", "message", "target"?, "details"?}}` (docs/azure-behaviour.md#rest-shapes CloudError).
 * Messages follow the recorded ones (docs/azure-behaviour.md#errors) with the ids filled in. Where the
 * reference marks a code unconfirmed the code below is our choice and says so.
 */

export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export interface ArmErrorBody {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorDetail[];
}

export class ArmHttpError extends Error {
  override readonly name = "ArmHttpError";
  constructor(
    readonly status: number,
    readonly body: ArmErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${body.code}: ${body.message}`);
  }
}

const err = (status: number, code: string, message: string, extra: Partial<ArmErrorBody> = {}) =>
  new ArmHttpError(status, { code, message, ...extra });

export const errors = {
  // ARM front door (real messages).
  missingAuthorization: () =>
    err(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."),
  invalidAuthorization: () =>
    err(
      401,
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
    ),
  missingApiVersion: () =>
    err(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    ),
  invalidApiVersion: (v: string) =>
    err(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${v}' is invalid. The supported versions are 'YYYY-MM-DD' and 'YYYY-MM-DD-preview'.`,
    ),
  authorizationFailed: (principal: Principal, action: string, scope: string) =>
    err(
      403,
      "AuthorizationFailed",
      `The client '${principal.clientId}' with object id '${principal.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    ),
  /**
   * Chosen (docs/azure-behaviour.md#errors and #event-grid-events): peering to a VNet whose subscription we cannot act on is an ARM
   * linked-scope authorization failure, `LinkedAuthorizationFailed` as in Azure/OpenShift#68.
   */
  linkedAuthorizationFailed: (principal: Principal, scope: string, linkedScope: string) =>
    err(
      403,
      "LinkedAuthorizationFailed",
      `The client '${principal.clientId}' with object id '${principal.objectId}' has permission to perform action 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write' on scope '${scope}'; however, it does not have permission to perform action(s) 'Microsoft.Network/virtualNetworks/peer/action' on the linked scope(s) '${linkedScope}' (respectively) or the linked scope(s) are invalid.`,
    ),
  /**
   * A cross-tenant peering write without an auxiliary token for the remote VNet's tenant: the shape
   * Azure answers (docs/azure-behaviour.md#linkedauthorizationfailed-across-tenants).
   */
  linkedTenantNotAuthorized: (scope: string, currentTenant: string, linkedSubscription: string) =>
    err(
      403,
      "LinkedAuthorizationFailed",
      `The client has permission to perform action 'Microsoft.Network/virtualNetworks/peer/action' on scope '${scope}', however the current tenant '${currentTenant}' is not authorized to access linked subscription '${linkedSubscription}'.`,
    ),
  throttled: (
    kind: "read" | "write" | "delete",
    subscriptionId: string,
    objectId: string,
    retryAfter: number,
  ) =>
    err(
      429,
      "SubscriptionRequestsThrottled",
      `Number of '${kind}' requests for subscription '${subscriptionId}' actor '${objectId}' exceeded. Please try again after '${retryAfter}' seconds after the last request.`,
    ),
  // Not-found: ARM answers a missing parent (docs/azure-behaviour.md#errors), NRP a missing child with details [].
  resourceNotFound: (type: string, name: string, resourceGroup: string) =>
    err(
      404,
      "ResourceNotFound",
      `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  resourceGroupNotFound: (rg: string) =>
    err(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`),
  childNotFound: (id: string) => err(404, "NotFound", `Resource ${id} not found.`, { details: [] }),
  /** Chosen: ARM's answer for a path it cannot route (never HTML, never a crash). */
  invalidResourceType: (type: string, apiVersion: string) =>
    err(
      404,
      "InvalidResourceType",
      `The resource type '${type}' could not be found in the namespace 'Microsoft.Network' for api version '${apiVersion}'.`,
    ),
  noRoute: (path: string) =>
    err(
      404,
      "InvalidRequestUri",
      `The request URI '${path}' is not a valid Azure Resource Manager path for this emulator.`,
    ),
  methodNotAllowed: (method: string, type: string) =>
    err(405, "MethodNotAllowed", `The HTTP method '${method}' is not supported for resource type '${type}'.`),
  // Body validation.
  invalidJson: (why: string) =>
    err(
      400,
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: '${why}'.`,
    ),
  /** NRP's shape for a field of the wrong type or a missing required field: names the JSON path. */
  invalidRequestFormat: (path: string, why: string) =>
    err(400, "InvalidRequestFormat", "Cannot parse the request.", {
      details: [{ code: "InvalidJson", message: `${why} Path '${path}'.` }],
    }),
  locationRequired: () =>
    err(400, "LocationRequired", "The location property is required for this definition."),
  invalidLocation: (name: string, existing: string, requested: string, rg: string) =>
    err(
      400,
      "InvalidResourceLocation",
      `The resource '${name}' already exists in location '${existing}' in resource group '${rg}'. A resource with the same name cannot be created in location '${requested}'. Please select a new resource name.`,
    ),
  linkedInvalidPropertyId: (value: string, path: string) =>
    err(
      400,
      "LinkedInvalidPropertyId",
      `Property id '${value}' at path '${path}' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.`,
    ),
  invalidCidr: (prefix: string, resourceId: string, aligned?: string) =>
    aligned
      ? err(
          400,
          "InvalidCIDRNotation",
          `The address prefix ${prefix} in resource ${resourceId} has an invalid CIDR notation. For the given prefix length, the address prefix should be ${aligned}.`,
        )
      : err(
          400,
          "InvalidAddressPrefixFormat",
          `Address prefix ${prefix} of resource ${resourceId} is not formatted correctly.`,
        ),
  subnetOutsideVnet: (subnet: string, vnet: string) =>
    err(
      400,
      "NetcfgSubnetRangeOutsideVnet",
      `Subnet '${subnet}' is not valid because its IP address range is outside the IP address range of virtual network '${vnet}'.`,
    ),
  /**
   * Code chosen (docs/azure-behaviour.md#address-space-updates: Azure refuses overlapping prefixes in
   * one VNet; the code is not recorded).
   */
  vnetPrefixesOverlap: (vnetId: string, a: string, b: string) =>
    err(
      400,
      "VnetAddressSpaceOverlapsWithItself",
      `Address prefixes ${a} and ${b} of virtual network ${vnetId} overlap. The address prefixes of a virtual network must not overlap each other.`,
    ),
  inUseSubnetCannotBeDeleted: (subnetId: string, usedBy: string) =>
    err(
      400,
      "InUseSubnetCannotBeDeleted",
      `Subnet ${subnetId} is in use by ${usedBy} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`,
    ),
  // Peering rules (docs/azure-behaviour.md#peering-state and #errors).
  vnetAddressSpacesOverlap: (peeringId: string, a: string, b: string, prefixes: string[]) =>
    err(
      400,
      "VnetAddressSpacesOverlap",
      `Cannot create or update peering ${peeringId}. Virtual networks ${a} and ${b} cannot be peered because their address spaces overlap. Overlapping address prefixes: ${prefixes.join(", ")}`,
    ),
  overlapsWithAlreadyPeered: (
    peeringId: string,
    first: string,
    second: string,
    third: string,
    prefixes: string[],
  ) =>
    err(
      400,
      "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
      `Cannot create or update peering ${peeringId}. Virtual networks ${first} and ${second} cannot be peered because address space of the first virtual network overlaps with address space of virtual network ${third} already peered with the second virtual network. Overlapping address prefixes: ${prefixes.join(", ")}. For more information please refer to https://aka.ms/VnetPeeringInfo`,
    ),
  /**
   * Chosen (docs/azure-behaviour.md#errors marks the VNet-PUT code unconfirmed): the same code as at peering time, message
   * naming the peer whose space the new prefix would overlap.
   */
  vnetUpdateOverlapsPeered: (vnetId: string, peerVnetId: string, prefixes: string[]) =>
    err(
      400,
      "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
      `Cannot update virtual network ${vnetId} because its address space overlaps with address space of virtual network ${peerVnetId} already peered with it. Overlapping address prefixes: ${prefixes.join(", ")}. For more information please refer to https://aka.ms/VnetPeeringInfo`,
    ),
  remoteVnetHasNoGateways: (peeringId: string, remoteVnetId: string) =>
    err(
      400,
      "RemoteVnetHasNoGateways",
      `Peering ${peeringId} cannot have UseRemoteGateway flag set to true because remote virtual network ${remoteVnetId} referenced by the peering does not have any gateways.`,
      { details: [] },
    ),
  /** Code chosen (docs/azure-behaviour.md#errors: message recorded, code unconfirmed). */
  remotePeeringNoGatewayTransit: (peeringName: string) =>
    err(
      400,
      "RemotePeeringDoesNotAllowGatewayTransit",
      `${peeringName} cannot have UseRemoteGateways flag set to true, because corresponding remote peering has AllowGatewayTransit flag set to false.`,
      { details: [] },
    ),
  /** Code and message chosen (spec: "This flag cannot be set if virtual network already has a gateway."). */
  localVnetHasGateway: (peeringId: string, vnetId: string) =>
    err(
      400,
      "VnetHasGatewayCannotUseRemoteGateways",
      `Peering ${peeringId} cannot have UseRemoteGateways flag set to true because virtual network ${vnetId} already has a gateway.`,
      { details: [] },
    ),
  /** Code chosen (docs/azure-behaviour.md#errors: message recorded from the portal, code unconfirmed). */
  anotherPeeringUsesRemoteGateways: (vnetAndPeering: string, otherPeeringId: string) =>
    err(
      400,
      "AnotherPeeringAlreadyUsesRemoteGateways",
      `Peering ${vnetAndPeering} cannot have UseRemoteGateways flag set to true, because another peering ${otherPeeringId} already has UseRemoteGateways flag set to true.`,
      { details: [] },
    ),
  invalidGlobalResourceReference: (remoteVnetId: string, peeringId: string) =>
    err(
      400,
      "InvalidGlobalResourceReference",
      `Resource ${remoteVnetId} referenced by resource ${peeringId} was not found. Please make sure that the referenced resource exists.`,
      { details: [] },
    ),
  invalidResourceReference: (id: string, byId: string) =>
    err(
      400,
      "InvalidResourceReference",
      `Resource ${id} referenced by resource ${byId} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
      { details: [] },
    ),
  remotePeeringIsDisconnected: (peeringId: string, remotePeeringId: string, vnetId: string) =>
    err(
      400,
      "RemotePeeringIsDisconnected",
      `Cannot create or update peering ${peeringId} because remote peering ${remotePeeringId} referencing parent virtual network ${vnetId} is in Disconnected state. Update or re-create the remote peering to get it back to Initiated state. Peering gets Disconnected when remote vnet or remote peering is deleted and re-created.`,
      { details: [] },
    ),
  anotherPeeringReferencesRemote: () =>
    err(
      400,
      "AnotherPeeringAlreadyReferencesRemoteVnet",
      "Peering already references remote virtual network. Cannot add another peering referencing the same remote virtual network.",
      { details: [] },
    ),
  referencedResourceNotProvisioned: (vnetId: string, byId: string, state: string, operation: string) =>
    err(
      400,
      "ReferencedResourceNotProvisioned",
      `Cannot proceed with operation because resource ${vnetId} used by resource ${byId} is not in Succeeded state. Resource is in ${state} state and the last operation that updated/is updating the resource is ${operation}.`,
      { details: [] },
    ),
  changingRemoteNotAllowed: (peeringId: string) =>
    err(
      400,
      "ChangingRemoteVirtualNetworkNotAllowed",
      `Peering ${peeringId} cannot change its remote virtual network. Delete the peering and create a new one.`,
      { details: [] },
    ),
  /** Code chosen (docs/azure-behaviour.md#subnet-peering: "The peering type (full vs subnet) can't be changed; delete and re-create"). */
  peeringTypeCannotChange: (peeringId: string) =>
    err(
      400,
      "PeeringTypeCannotBeChanged",
      `Peering ${peeringId} cannot change between full virtual network peering and subnet peering. Delete the peering and create a new one.`,
      { details: [] },
    ),
  /** Code chosen: subnet peering naming a subnet the VNet does not have (docs/azure-behaviour.md#subnet-peering). */
  subnetNotFoundForPeering: (peeringId: string, subnet: string, vnetId: string) =>
    err(
      400,
      "SubnetNotFoundForSubnetPeering",
      `Peering ${peeringId} references subnet ${subnet} which does not exist in virtual network ${vnetId}.`,
      { details: [] },
    ),
  // Busy resources (docs/azure-behaviour.md#errors).
  anotherOperationInProgress: (operationUrl: string) =>
    err(
      409,
      "AnotherOperationInProgress",
      `Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: ${operationUrl}.`,
      { details: [] },
    ),
  retryableDueToAnotherOperation: (
    operationName: string,
    operationId: string,
    resourceId: string,
    seconds: number,
  ) =>
    err(429, "RetryableError", "A retryable error occurred.", {
      details: [
        {
          code: "RetryableErrorDueToAnotherOperation",
          message: `Operation ${operationName} (${operationId}) is updating resource ${resourceId}. The call can be retried in ${seconds} seconds.`,
        },
      ],
    }),
  internalServerError: () =>
    err(500, "InternalServerError", "An error has occurred. Please retry the request later.", {
      details: [],
    }),
  serviceUnavailable: () =>
    err(
      503,
      "ServiceUnavailable",
      "The service is temporarily unavailable. Please retry the request later.",
      {
        details: [],
      },
    ),
  operationNotFound: (id: string) => err(404, "NotFound", `Operation ${id} not found.`, { details: [] }),
};

export interface Principal {
  clientId: string;
  objectId: string;
  tenantId: string;
}
