import {
  addressSpace,
  array,
  object,
  parseJsonBody,
  requiredObject,
  requiredString,
  string,
  stringArray,
  tags,
} from "../body.js";
import type { Json } from "../body.js";
import { cidrContains, cidrProblem, cidrsOverlap } from "../cidr.js";
import type { Env, Reply, RequestInfo } from "../env.js";
import { errors } from "../errors.js";
import { checkAddressChange, disconnect } from "../peering-rules.js";
import { renderSubnet, renderVnet } from "../render.js";
import type { SubnetRecord, VnetRecord } from "../state.js";
import { key, vnetIdOf } from "../state.js";
import { assertNotBusy, completedWrite, locationOf, page, startOperation } from "./common.js";

type VnetRoute = { sub: string; rg: string; vnet: string };

export function findVnet(env: Env, r: VnetRoute): VnetRecord {
  const v = env.state.vnet(vnetIdOf(r.sub, r.rg, r.vnet));
  if (!v) throw errors.resourceNotFound("Microsoft.Network/virtualNetworks", r.vnet, r.rg);
  return v;
}

export function getVnet(env: Env, _req: RequestInfo, r: VnetRoute): Reply {
  const v = findVnet(env, r);
  return { status: 200, body: renderVnet(env.state, v), headers: { etag: v.etag } };
}

export function listVnets(env: Env, req: RequestInfo, r: { sub: string; rg?: string }): Reply {
  if (
    r.rg !== undefined &&
    !env.state.resourceGroup(r.sub, r.rg) &&
    env.state.vnetsOf(r.sub, r.rg).length === 0
  )
    throw errors.resourceGroupNotFound(r.rg);
  return page(env, req, env.state.vnetsOf(r.sub, r.rg), (v) => renderVnet(env.state, v));
}

function checkPrefix(prefix: string, resourceId: string): void {
  const problem = cidrProblem(prefix);
  if (problem === "invalid") throw errors.invalidCidr(prefix, resourceId);
  if (problem) throw errors.invalidCidr(prefix, resourceId, problem.alignedTo);
}

/** One VNet's prefixes must not overlap each other (docs/azure-behaviour.md#address-space-updates). */
function assertPrefixesDisjoint(vnetId: string, prefixes: string[]): void {
  for (let i = 0; i < prefixes.length; i++)
    for (let j = i + 1; j < prefixes.length; j++)
      if (cidrsOverlap(prefixes[i]!, prefixes[j]!))
        throw errors.vnetPrefixesOverlap(vnetId, prefixes[i]!, prefixes[j]!);
}

function parseSubnets(raw: unknown, vnetId: string): SubnetRecord[] | undefined {
  const list = array(raw, "properties.subnets");
  if (!list) return undefined;
  return list.map((item, i) => {
    const path = `properties.subnets[${i}]`;
    const o = requiredObject(item, path);
    const name = requiredString(o.name, `${path}.name`);
    const props = object(o.properties, `${path}.properties`) ?? {};
    const single = string(props.addressPrefix, `${path}.properties.addressPrefix`);
    const many = stringArray(props.addressPrefixes, `${path}.properties.addressPrefixes`);
    const prefixes = many ?? (single ? [single] : []);
    for (const p of prefixes) checkPrefix(p, `${vnetId}/subnets/${name}`);
    const extra: Json = {};
    for (const [k, v] of Object.entries(props))
      if (!["addressPrefix", "addressPrefixes", "provisioningState", "ipConfigurations"].includes(k))
        extra[k] = v;
    return { name, addressPrefixes: prefixes, singular: many === undefined, extra };
  });
}

/** Subnets that a gateway sits in cannot disappear (real NRP rule, "InUseSubnetCannotBeDeleted"). */
function assertSubnetsRemovable(env: Env, v: VnetRecord, remaining: SubnetRecord[]): void {
  const gw = env.state.gatewayOf(v);
  if (!gw) return;
  const gwSubnet = v.subnets.find((sn) => key(sn.name) === "gatewaysubnet");
  if (gwSubnet && !remaining.some((sn) => key(sn.name) === "gatewaysubnet"))
    throw errors.inUseSubnetCannotBeDeleted(
      `${v.id}/subnets/${gwSubnet.name}`,
      `${gw.id}/ipConfigurations/default`,
    );
}

export function putVnet(env: Env, req: RequestInfo, r: VnetRoute): Reply {
  const body = requiredObject(parseJsonBody(req.rawBody), "$");
  const id = vnetIdOf(r.sub, r.rg, r.vnet);
  const location = string(body.location, "location");
  const newTags = tags(body.tags, "tags") ?? {};
  const props = object(body.properties, "properties") ?? {};
  const prefixes = addressSpace(props.addressSpace, "properties.addressSpace");
  if (!prefixes || prefixes.length === 0)
    throw errors.invalidRequestFormat(
      "properties.addressSpace.addressPrefixes",
      "Required property 'addressPrefixes' not found in JSON.",
    );
  for (const p of prefixes) checkPrefix(p, id);
  assertPrefixesDisjoint(id, prefixes);
  // A PUT replaces: subnets left out are removed (the well-known VNet redeploy behaviour); the
  // embedded virtualNetworkPeerings are ignored and kept (docs/azure-behaviour.md#peering-model: peerings survive a VNet PUT).
  const subnets = parseSubnets(props.subnets, id) ?? [];
  for (const sn of subnets)
    for (const p of sn.addressPrefixes)
      if (!prefixes.some((vp) => cidrContains(vp, p))) throw errors.subnetOutsideVnet(sn.name, r.vnet);
  const extra: Json = {};
  for (const [k, v] of Object.entries(props))
    if (
      !["addressSpace", "subnets", "virtualNetworkPeerings", "provisioningState", "resourceGuid"].includes(k)
    )
      extra[k] = v;

  if (!location) throw errors.locationRequired();
  const existing = env.state.vnet(id);
  if (!env.state.resourceGroup(r.sub, r.rg)) {
    if (!env.options.implicitResourceGroups) throw errors.resourceGroupNotFound(r.rg);
    env.state.ensureResourceGroup(r.sub, r.rg, location);
  }
  let v: VnetRecord;
  if (existing) {
    if (locationOf(env, location) !== existing.location)
      throw errors.invalidLocation(
        existing.name,
        existing.location,
        locationOf(env, location),
        existing.resourceGroup,
      );
    assertNotBusy(env, req, existing);
    assertSubnetsRemovable(env, existing, subnets);
    checkAddressChange(env.state, existing, prefixes);
    v = existing;
  } else {
    v = {
      id,
      subscriptionId: r.sub,
      resourceGroup: r.rg,
      name: r.vnet,
      location: locationOf(env, location),
      tags: {},
      addressPrefixes: [],
      subnets: [],
      etag: "",
      resourceGuid: env.rng.guid(),
      provisioningState: "Succeeded",
      lastOperation: "PutVirtualNetworkOperation",
      peerings: new Map(),
      extraProperties: {},
    };
    env.state.subscription(r.sub);
    env.state.vnets.set(key(id), v);
  }
  v.addressPrefixes = prefixes;
  v.subnets = subnets;
  v.tags = newTags;
  v.extraProperties = extra;
  v.provisioningState = "Updating";
  v.lastOperation = "PutVirtualNetworkOperation";
  env.state.touch(v);
  const target = v;
  const { headers } = startOperation(env, req, {
    subscriptionId: v.subscriptionId,
    location: v.location,
    resourceId: v.id,
    name: "PutVirtualNetworkOperation",
    lockKey: key(v.id),
    onSucceeded: () => {
      target.provisioningState = "Succeeded";
      env.events.publish(
        completedWrite(env, req, {
          kind: "write",
          resourceId: target.id,
          subscriptionId: target.subscriptionId,
          operationName: "Microsoft.Network/virtualNetworks/write",
          existed: existing !== undefined,
        }),
      );
    },
    onFailed: () => {
      target.provisioningState = "Failed";
    },
  });
  return { status: existing ? 200 : 201, body: renderVnet(env.state, v), headers };
}

/** VirtualNetworks_UpdateTags (docs/azure-behaviour.md#rest-shapes): synchronous PATCH of the tags only. */
export function patchVnetTags(env: Env, req: RequestInfo, r: VnetRoute): Reply {
  const v = findVnet(env, r);
  const body = requiredObject(parseJsonBody(req.rawBody), "$");
  v.tags = tags(body.tags, "tags") ?? {};
  env.state.touch(v);
  env.events.publish(
    completedWrite(env, req, {
      kind: "write",
      resourceId: v.id,
      subscriptionId: v.subscriptionId,
      operationName: "Microsoft.Network/virtualNetworks/write",
      existed: true,
    }),
  );
  return { status: 200, body: renderVnet(env.state, v), headers: { etag: v.etag } };
}

/**
 * Deleting a VNet removes its peerings and leaves every partner Disconnected (docs/azure-behaviour.md#peering-state), with no
 * event for the partners: their change is platform-side, not an ARM write (docs/azure-behaviour.md#event-grid-events).
 */
export function deleteVnet(env: Env, req: RequestInfo, r: VnetRoute): Reply {
  const v = env.state.vnet(vnetIdOf(r.sub, r.rg, r.vnet));
  if (!v) return { status: 204 };
  assertNotBusy(env, req, v);
  assertSubnetsRemovable(env, v, []);
  v.provisioningState = "Deleting";
  const { headers } = startOperation(env, req, {
    subscriptionId: v.subscriptionId,
    location: v.location,
    resourceId: v.id,
    name: "DeleteVirtualNetworkOperation",
    lockKey: key(v.id),
    onSucceeded: () => {
      removeVnet(env, v);
      env.events.publish(
        completedWrite(env, req, {
          kind: "delete",
          resourceId: v.id,
          subscriptionId: v.subscriptionId,
          operationName: "Microsoft.Network/virtualNetworks/delete",
          existed: true,
        }),
      );
    },
    onFailed: () => {
      v.provisioningState = "Failed";
    },
  });
  return { status: 202, headers };
}

export function removeVnet(env: Env, v: VnetRecord): void {
  env.state.vnets.delete(key(v.id));
  for (const p of env.state.peeringsPointingAt(key(v.id))) disconnect(env.state, p);
}

export function getSubnets(env: Env, req: RequestInfo, r: VnetRoute & { subnet?: string }): Reply {
  const v = findVnet(env, r);
  const gw = env.state.gatewayOf(v);
  if (r.subnet === undefined) return page(env, req, v.subnets, (sn) => renderSubnet(v, sn, gw));
  const sn = v.subnets.find((s) => key(s.name) === key(r.subnet!));
  if (!sn) throw errors.childNotFound(`${v.id}/subnets/${r.subnet}`);
  return { status: 200, body: renderSubnet(v, sn, gw), headers: { etag: v.etag } };
}
