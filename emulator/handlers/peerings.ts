import {
  addressSpace,
  bool,
  object,
  parseJsonBody,
  requiredObject,
  requiredString,
  stringArray,
  string,
} from "../body.js";
import type { Env, Reply, RequestInfo } from "../env.js";
import { errors } from "../errors.js";
import { applyPeeringPut, disconnect, syncConflict, validatePeeringPut } from "../peering-rules.js";
import { renderPeering } from "../render.js";
import type { PeeringRecord, PeeringSettings } from "../state.js";
import { defaultPeeringSettings, key, parseVnetId } from "../state.js";
import { assertNotBusy, completedWrite, page, startOperation } from "./common.js";
import { findVnet } from "./virtual-networks.js";

type PeeringRoute = { sub: string; rg: string; vnet: string; peering: string };

export function getPeering(env: Env, _req: RequestInfo, r: PeeringRoute): Reply {
  const v = findVnet(env, r);
  const p = v.peerings.get(key(r.peering));
  // docs/azure-behaviour.md#errors: a missing child is NRP's 404 NotFound with details [], not ARM's ResourceNotFound.
  if (!p) throw errors.childNotFound(`${v.id}/virtualNetworkPeerings/${r.peering}`);
  return { status: 200, body: renderPeering(env.state, p), headers: { etag: v.etag } };
}

export function listPeerings(
  env: Env,
  req: RequestInfo,
  r: { sub: string; rg: string; vnet: string },
): Reply {
  const v = findVnet(env, r);
  return page(env, req, [...v.peerings.values()], (p) => renderPeering(env.state, p));
}

/**
 * The PUT body's user settings. Service-computed fields the client echoes back (peeringState,
 * peeringSyncLevel, the *AddressSpace fields of a full-VNet peering, provisioningState, resourceGuid,
 * etag, id, name, type) are ignored (docs/azure-behaviour.md#peering-model). A PUT replaces, so an omitted flag falls back to its
 * default; the subnet lists and peering type of an existing subnet peering are kept when omitted, as
 * the subnet-sync spec example implies (docs/azure-behaviour.md#subnet-peering, inferred).
 */
function parseSettings(
  body: Record<string, unknown>,
  existing: PeeringRecord | undefined,
): { remoteVnetId: string; settings: PeeringSettings } {
  const props = requiredObject(body.properties, "properties");
  const remote = requiredObject(props.remoteVirtualNetwork, "properties.remoteVirtualNetwork");
  const remoteVnetId = requiredString(remote.id, "properties.remoteVirtualNetwork.id");
  if (!parseVnetId(remoteVnetId))
    throw errors.linkedInvalidPropertyId(remoteVnetId, "properties.remoteVirtualNetwork.id");
  const d = defaultPeeringSettings();
  const prior = existing?.settings;
  const flag = (name: keyof PeeringSettings, fallback: boolean) =>
    bool(props[name], `properties.${name}`) ?? fallback;
  const settings: PeeringSettings = {
    allowVirtualNetworkAccess: flag("allowVirtualNetworkAccess", d.allowVirtualNetworkAccess),
    allowForwardedTraffic: flag("allowForwardedTraffic", d.allowForwardedTraffic),
    allowGatewayTransit: flag("allowGatewayTransit", d.allowGatewayTransit),
    useRemoteGateways: flag("useRemoteGateways", d.useRemoteGateways),
    doNotVerifyRemoteGateways: flag("doNotVerifyRemoteGateways", d.doNotVerifyRemoteGateways),
    peerCompleteVnets: flag("peerCompleteVnets", prior?.peerCompleteVnets ?? d.peerCompleteVnets),
    enableOnlyIPv6Peering: flag(
      "enableOnlyIPv6Peering",
      prior?.enableOnlyIPv6Peering ?? d.enableOnlyIPv6Peering,
    ),
    localSubnetNames:
      stringArray(props.localSubnetNames, "properties.localSubnetNames") ?? prior?.localSubnetNames ?? [],
    remoteSubnetNames:
      stringArray(props.remoteSubnetNames, "properties.remoteSubnetNames") ?? prior?.remoteSubnetNames ?? [],
  };
  const bgp = object(props.remoteBgpCommunities, "properties.remoteBgpCommunities");
  if (bgp) {
    const community = string(
      bgp.virtualNetworkCommunity,
      "properties.remoteBgpCommunities.virtualNetworkCommunity",
    );
    if (community) settings.remoteBgpCommunities = { virtualNetworkCommunity: community };
  }
  if (settings.peerCompleteVnets) {
    settings.localSubnetNames = [];
    settings.remoteSubnetNames = [];
  } else if (settings.localSubnetNames.length === 0 && settings.remoteSubnetNames.length === 0) {
    // Address-space-scoped peering: here local/remoteAddressSpace are inputs (docs/azure-behaviour.md#subnet-peering, inferred).
    const local =
      addressSpace(props.localAddressSpace, "properties.localAddressSpace") ?? prior?.scopedLocalAddressSpace;
    const remoteSpace =
      addressSpace(props.remoteAddressSpace, "properties.remoteAddressSpace") ??
      prior?.scopedRemoteAddressSpace;
    if (local) settings.scopedLocalAddressSpace = local;
    if (remoteSpace) settings.scopedRemoteAddressSpace = remoteSpace;
  }
  return { remoteVnetId, settings };
}

export function putPeering(env: Env, req: RequestInfo, r: PeeringRoute): Reply {
  const body = requiredObject(parseJsonBody(req.rawBody), "$");
  const vnet = findVnet(env, r);
  const existing = vnet.peerings.get(key(r.peering));
  const { remoteVnetId, settings } = parseSettings(body, existing);
  const id = existing?.id ?? `${vnet.id}/virtualNetworkPeerings/${r.peering}`;
  const remoteSub = parseVnetId(remoteVnetId)!.subscriptionId;
  // An ARM linked-scope check: peer/action on the remote VNet (docs/azure-behaviour.md#permissions),
  // and with tenants on, an auxiliary token for the remote VNet's tenant (emulator/tenants.ts).
  if (req.token)
    env.tenancy.checkLinkedScope({
      primary: req.token,
      principal: req.principal,
      auxiliaryHeader: req.auxiliaryHeader,
      peeringId: id,
      remoteVnetId,
      remoteSubscriptionId: remoteSub,
      path: req.url.pathname,
      nowSeconds: Math.floor(env.clock.now() / 1000),
    });
  else if (!env.state.isAccessible(remoteSub))
    throw errors.linkedAuthorizationFailed(req.principal, id, remoteVnetId);
  assertNotBusy(env, req, vnet);
  // docs/azure-behaviour.md#sync-is-a-put: syncRemoteAddressSpace is honoured case-insensitively ("True" from PowerShell works);
  // any other value is ignored (unconfirmed, our choice).
  const sync = (req.url.searchParams.get("syncRemoteAddressSpace") ?? "").toLowerCase() === "true";
  const input = { vnet, id, name: existing?.name ?? r.peering, remoteVnetId, settings, sync };
  validatePeeringPut(env.state, input);

  // A sync that would pull in a space overlapping another peer fails when its operation runs and
  // writes nothing (docs/azure-behaviour.md#long-running-operations: recorded as an async Failed with this code).
  const conflict =
    sync && existing?.peeringState === "Connected" ? syncConflict(env.state, existing) : undefined;
  let peering: PeeringRecord;
  if (conflict && existing) {
    peering = existing;
  } else {
    peering = applyPeeringPut(env.state, input).peering;
  }
  peering.provisioningState = "Updating";
  const p = peering;
  const { headers } = startOperation(env, req, {
    subscriptionId: vnet.subscriptionId,
    location: vnet.location,
    resourceId: p.id,
    name: "PutVirtualNetworkPeeringOperation",
    lockKey: key(vnet.id),
    ...(conflict ? { failWith: { ...conflict, details: [] } } : {}),
    onSucceeded: () => {
      p.provisioningState = "Succeeded";
      env.events.publish(
        completedWrite(env, req, {
          kind: "write",
          resourceId: p.id,
          subscriptionId: vnet.subscriptionId,
          operationName: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write",
          existed: existing !== undefined,
        }),
      );
    },
    onFailed: () => {
      p.provisioningState = "Failed";
    },
  });
  return { status: existing ? 200 : 201, body: renderPeering(env.state, p), headers };
}

/** Deleting one half leaves the other Disconnected (docs/azure-behaviour.md#peering-state); deleting a missing peering is a 204. */
export function deletePeering(env: Env, req: RequestInfo, r: PeeringRoute): Reply {
  const vnet = findVnet(env, r);
  const p = vnet.peerings.get(key(r.peering));
  if (!p) return { status: 204 };
  assertNotBusy(env, req, vnet);
  p.provisioningState = "Deleting";
  const { headers } = startOperation(env, req, {
    subscriptionId: vnet.subscriptionId,
    location: vnet.location,
    resourceId: p.id,
    name: "DeleteVirtualNetworkPeeringOperation",
    lockKey: key(vnet.id),
    onSucceeded: () => {
      removePeering(env, p);
      env.events.publish(
        completedWrite(env, req, {
          kind: "delete",
          resourceId: p.id,
          subscriptionId: vnet.subscriptionId,
          operationName: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/delete",
          existed: true,
        }),
      );
    },
    onFailed: () => {
      p.provisioningState = "Failed";
    },
  });
  return { status: 202, headers };
}

export function removePeering(env: Env, p: PeeringRecord): void {
  const vnet = env.state.vnets.get(p.vnetKey);
  if (!vnet || vnet.peerings.get(key(p.name)) !== p) return;
  const partner = env.state.partnerOf(p);
  vnet.peerings.delete(key(p.name));
  env.state.touch(vnet);
  if (partner) disconnect(env.state, partner);
}
