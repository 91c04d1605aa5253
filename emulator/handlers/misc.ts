import { object, parseJsonBody, requiredObject, string, tags } from "../body.js";
import type { Env, Reply, RequestInfo } from "../env.js";
import { errors } from "../errors.js";
import { Operations } from "../lro.js";
import { renderResourceGroup } from "../render.js";
import { absolute, completedWrite } from "./common.js";

export function getResourceGroup(env: Env, _req: RequestInfo, r: { sub: string; rg: string }): Reply {
  const rg = env.state.resourceGroup(r.sub, r.rg);
  if (!rg) throw errors.resourceGroupNotFound(r.rg);
  return { status: 200, body: renderResourceGroup(rg) };
}

/** Resource groups are synchronous in ARM: 201 on create, 200 on update. */
export function putResourceGroup(env: Env, req: RequestInfo, r: { sub: string; rg: string }): Reply {
  const body = requiredObject(parseJsonBody(req.rawBody), "$");
  const location = string(body.location, "location");
  if (!location) throw errors.locationRequired();
  object(body.properties, "properties");
  const existed = env.state.resourceGroup(r.sub, r.rg) !== undefined;
  const rg = env.state.ensureResourceGroup(r.sub, r.rg, location.toLowerCase());
  rg.tags = tags(body.tags, "tags") ?? {};
  env.events.publish(
    completedWrite(env, req, {
      kind: "write",
      resourceId: `/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.name}`,
      subscriptionId: rg.subscriptionId,
      operationName: "Microsoft.Resources/subscriptions/resourceGroups/write",
      existed,
    }),
  );
  return { status: existed ? 200 : 201, body: renderResourceGroup(rg) };
}

/** Azure-AsyncOperation polling (docs/azure-behaviour.md#long-running-operations): `{"status": "InProgress" | "Succeeded" | "Failed", error?}`. */
export function getOperationStatus(env: Env, _req: RequestInfo, r: { id: string }): Reply {
  const op = env.ops.get(r.id);
  if (!op) throw errors.operationNotFound(r.id);
  const headers: Record<string, string> = {};
  if (op.status === "InProgress") headers["retry-after"] = String(env.options.lroRetryAfterSeconds);
  return { status: 200, body: env.ops.statusBody(op), headers };
}

/** Location polling (docs/azure-behaviour.md#long-running-operations): 202 while running, 204 when done, the error when failed. */
export function getOperationResult(env: Env, req: RequestInfo, r: { id: string }): Reply {
  const op = env.ops.get(r.id);
  if (!op) throw errors.operationNotFound(r.id);
  if (op.status === "InProgress")
    return {
      status: 202,
      headers: {
        location: absolute(req, Operations.operationResultPath(op)),
        "retry-after": String(env.options.lroRetryAfterSeconds),
      },
    };
  if (op.status === "Failed")
    return { status: op.error?.code === "InternalServerError" ? 500 : 400, body: { error: op.error } };
  return { status: 204 };
}
