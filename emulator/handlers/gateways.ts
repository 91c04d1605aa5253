import { array, object, parseJsonBody, requiredObject, requiredString, string, tags } from "../body.js";
import type { Json } from "../body.js";
import type { Env, Reply, RequestInfo } from "../env.js";
import { errors } from "../errors.js";
import { renderGateway } from "../render.js";
import type { GatewayRecord } from "../state.js";
import { gatewayIdOf, key, parseSubnetId } from "../state.js";
import { assertNotBusy, completedWrite, locationOf, page, startOperation } from "./common.js";

/**
 * A minimal virtualNetworkGateways resource: only its presence in a VNet's GatewaySubnet matters,
 * because that is what the gateway-transit rules look at (docs/azure-behaviour.md#errors).
 */
type GatewayRoute = { sub: string; rg: string; gateway?: string };

function find(env: Env, r: GatewayRoute & { gateway: string }): GatewayRecord {
  const g = env.state.gateways.get(key(gatewayIdOf(r.sub, r.rg, r.gateway)));
  if (!g) throw errors.resourceNotFound("Microsoft.Network/virtualNetworkGateways", r.gateway, r.rg);
  return g;
}

export function getGateway(env: Env, req: RequestInfo, r: GatewayRoute): Reply {
  if (r.gateway === undefined) {
    const all = [...env.state.gateways.values()].filter(
      (g) => key(g.subscriptionId) === key(r.sub) && key(g.resourceGroup) === key(r.rg),
    );
    return page(env, req, all, renderGateway);
  }
  const g = find(env, { ...r, gateway: r.gateway });
  return { status: 200, body: renderGateway(g), headers: { etag: g.etag } };
}

export function putGateway(env: Env, req: RequestInfo, r: GatewayRoute & { gateway: string }): Reply {
  const body = requiredObject(parseJsonBody(req.rawBody), "$");
  const id = gatewayIdOf(r.sub, r.rg, r.gateway);
  const location = string(body.location, "location");
  if (!location) throw errors.locationRequired();
  const props = object(body.properties, "properties") ?? {};
  const ipConfigs = array(props.ipConfigurations, "properties.ipConfigurations") ?? [];
  if (ipConfigs.length === 0)
    throw errors.invalidRequestFormat(
      "properties.ipConfigurations",
      "Required property 'ipConfigurations' not found in JSON.",
    );
  const first = requiredObject(ipConfigs[0], "properties.ipConfigurations[0]");
  const ipProps = requiredObject(first.properties, "properties.ipConfigurations[0].properties");
  const subnet = requiredObject(ipProps.subnet, "properties.ipConfigurations[0].properties.subnet");
  const subnetId = requiredString(subnet.id, "properties.ipConfigurations[0].properties.subnet.id");
  const parsed = parseSubnetId(subnetId);
  if (!parsed)
    throw errors.linkedInvalidPropertyId(subnetId, "properties.ipConfigurations[0].properties.subnet.id");
  const vnet = env.state.vnet(parsed.vnetId);
  const sn = vnet?.subnets.find((s) => key(s.name) === key(parsed.subnetName));
  if (!vnet || !sn) throw errors.invalidResourceReference(subnetId, id);
  if (key(sn.name) !== "gatewaysubnet")
    throw errors.invalidRequestFormat(
      "properties.ipConfigurations[0].properties.subnet.id",
      `Subnet '${sn.name}' is not valid for a virtual network gateway: the subnet must be named 'GatewaySubnet'.`,
    );
  assertNotBusy(env, req, vnet);
  const existing = env.state.gateways.get(key(id));
  const extra: Json = {};
  for (const [k, v] of Object.entries(props))
    if (!["ipConfigurations", "provisioningState", "resourceGuid"].includes(k)) extra[k] = v;
  const g: GatewayRecord = existing ?? {
    id,
    subscriptionId: r.sub,
    resourceGroup: r.rg,
    name: r.gateway,
    location: locationOf(env, location),
    tags: {},
    subnetId,
    vnetKey: key(vnet.id),
    etag: "",
    resourceGuid: env.rng.guid(),
    provisioningState: "Updating",
    properties: {},
  };
  g.subnetId = subnetId;
  g.vnetKey = key(vnet.id);
  g.tags = tags(body.tags, "tags") ?? {};
  g.properties = extra;
  g.etag = env.state.etag();
  g.provisioningState = "Updating";
  env.state.ensureResourceGroup(r.sub, r.rg, location);
  env.state.gateways.set(key(id), g);
  vnet.lastOperation = "PutVirtualNetworkGatewayOperation";
  env.state.touch(vnet);
  const { headers } = startOperation(env, req, {
    subscriptionId: r.sub,
    location: g.location,
    resourceId: id,
    name: "PutVirtualNetworkGatewayOperation",
    lockKey: key(vnet.id),
    onSucceeded: () => {
      g.provisioningState = "Succeeded";
      env.events.publish(
        completedWrite(env, req, {
          kind: "write",
          resourceId: id,
          subscriptionId: r.sub,
          operationName: "Microsoft.Network/virtualNetworkGateways/write",
          existed: existing !== undefined,
        }),
      );
    },
    onFailed: () => {
      g.provisioningState = "Failed";
    },
  });
  return { status: existing ? 200 : 201, body: renderGateway(g), headers };
}

export function deleteGateway(env: Env, req: RequestInfo, r: GatewayRoute & { gateway: string }): Reply {
  const g = env.state.gateways.get(key(gatewayIdOf(r.sub, r.rg, r.gateway)));
  if (!g) return { status: 204 };
  const vnet = env.state.vnets.get(g.vnetKey);
  if (vnet) assertNotBusy(env, req, vnet);
  g.provisioningState = "Deleting";
  const { headers } = startOperation(env, req, {
    subscriptionId: g.subscriptionId,
    location: g.location,
    resourceId: g.id,
    name: "DeleteVirtualNetworkGatewayOperation",
    ...(vnet ? { lockKey: key(vnet.id) } : {}),
    onSucceeded: () => {
      env.state.gateways.delete(key(g.id));
      if (vnet) env.state.touch(vnet);
      env.events.publish(
        completedWrite(env, req, {
          kind: "delete",
          resourceId: g.id,
          subscriptionId: g.subscriptionId,
          operationName: "Microsoft.Network/virtualNetworkGateways/delete",
          existed: true,
        }),
      );
    },
    onFailed: () => {
      g.provisioningState = "Failed";
    },
  });
  return { status: 202, headers };
}
