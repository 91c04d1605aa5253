/**
 * The what-if's inputs, all untrusted: a change typed on the command line or posted to
 * /api/what-if, the JSON of `terraform show -json <plan>`, or the JSON of
 * `az deployment ... what-if`. Each is turned into requests for VNets that exist; a bad input is
 * refused with an error naming its field.
 */
import { isWellFormedVnetId } from "../reconcile/ids.js";
import type { AddressSpaceChange, ChangeRequest, NotChecked, PlannedSubnet } from "./types.js";

export class WhatIfInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "WhatIfInputError";
  }
}

/** More prefixes than any VNet has; bounds the work an untrusted body can ask for. */
export const MAX_PREFIXES = 200;
/** VNets one plan may change at once. */
export const MAX_CHANGES = 500;

type Skipped = NotChecked;

export interface ParsedRequests {
  requests: ChangeRequest[];
  skipped: Skipped[];
}

export function checkVnetId(value: unknown, field: string): string {
  if (typeof value !== "string" || !isWellFormedVnetId(value))
    throw new WhatIfInputError(
      field,
      "must be a VNet resource id (/subscriptions/.../virtualNetworks/<name>).",
    );
  return value;
}

export function checkPrefixList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new WhatIfInputError(field, "must be a list of address prefixes.");
  if (value.length > MAX_PREFIXES) throw new WhatIfInputError(field, `at most ${MAX_PREFIXES} prefixes.`);
  return value.map((p, i) => {
    if (typeof p !== "string" || p.length === 0 || p.length > 64)
      throw new WhatIfInputError(`${field}[${i}]`, "must be an address prefix such as 10.1.0.0/16.");
    return p.trim();
  });
}

/**
 * A request against the VNet's current space: `addressSpace` replaces it, `add` and `remove` edit it.
 * Removing a prefix the VNet does not have is refused here: the reviewer meant something else.
 */
export function resolveChange(
  request: ChangeRequest,
  current: readonly string[],
  currentSubnets: ReadonlyArray<PlannedSubnet> = [],
): AddressSpaceChange {
  let prefixes: string[];
  if (request.addressSpace) {
    prefixes = [...request.addressSpace];
  } else {
    const key = (p: string) => p.trim().toLowerCase();
    const removing = new Set((request.remove ?? []).map(key));
    for (const r of request.remove ?? [])
      if (!current.some((c) => key(c) === key(r)))
        throw new WhatIfInputError("remove", `${r} is not in the address space (${current.join(", ")}).`);
    prefixes = current.filter((c) => !removing.has(key(c)));
    for (const a of request.add ?? []) if (!prefixes.some((p) => key(p) === key(a))) prefixes.push(a);
  }
  let subnets: PlannedSubnet[] | undefined = request.subnets?.map((s) => ({ ...s }));
  if (request.subnetChanges?.length) {
    const byName = new Map((subnets ?? currentSubnets).map((s) => [s.name.toLowerCase(), { ...s }]));
    for (const c of request.subnetChanges) {
      if (c.addressPrefixes === null) byName.delete(c.name.toLowerCase());
      else byName.set(c.name.toLowerCase(), { name: c.name, addressPrefixes: c.addressPrefixes });
    }
    subnets = [...byName.values()];
  }
  return {
    vnetId: request.vnetId,
    addressPrefixes: prefixes,
    ...(subnets ? { subnets } : {}),
    ...(request.source ? { source: request.source } : {}),
  };
}

/** A plan's subnet list, each entry `{name, <prefixes>}` as `read` finds them; bad entries name their field. */
function plannedSubnets(
  list: unknown,
  field: string,
  read: (s: Record<string, unknown>) => unknown,
): PlannedSubnet[] | undefined {
  if (!Array.isArray(list)) return undefined;
  if (list.length > MAX_PREFIXES) throw new WhatIfInputError(field, `at most ${MAX_PREFIXES} subnets.`);
  return list.map((s, i) => {
    const o = asObject(s, `${field}[${i}]`);
    if (typeof o.name !== "string" || o.name.length === 0 || o.name.length > 80)
      throw new WhatIfInputError(`${field}[${i}].name`, "must be a subnet name.");
    const raw = read(o);
    const prefixes = typeof raw === "string" ? [raw] : raw;
    return {
      name: o.name,
      addressPrefixes: checkPrefixList(prefixes ?? [], `${field}[${i}].addressPrefixes`),
    };
  });
}

const armSubnetPrefixes = (s: Record<string, unknown>): unknown =>
  isObject(s.properties) ? (s.properties.addressPrefixes ?? s.properties.addressPrefix) : undefined;

/**
 * The body of POST /api/what-if (and the CLI's flags once parsed): one change, a list of them, or a
 * plan file's JSON under `terraformPlan` / `armWhatIf`.
 */
export function parseWhatIfBody(body: unknown): ParsedRequests {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new WhatIfInputError("$", "must be a JSON object.");
  const o = body as Record<string, unknown>;
  if (o.terraformPlan !== undefined) return parseTerraformPlan(o.terraformPlan);
  if (o.armWhatIf !== undefined) return parseArmWhatIf(o.armWhatIf);
  if (o.changes !== undefined) {
    if (!Array.isArray(o.changes) || o.changes.length === 0 || o.changes.length > MAX_CHANGES)
      throw new WhatIfInputError("changes", `must be a list of 1 to ${MAX_CHANGES} changes.`);
    return { requests: o.changes.map((c, i) => parseOne(c, `changes[${i}].`)), skipped: [] };
  }
  return { requests: [parseOne(o, "")], skipped: [] };
}

function parseOne(raw: unknown, at: string): ChangeRequest {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new WhatIfInputError(at ? at.slice(0, -1) : "$", "must be an object.");
  const o = raw as Record<string, unknown>;
  const vnetId = checkVnetId(o.vnet, `${at}vnet`);
  const add = o.add === undefined ? undefined : checkPrefixList(o.add, `${at}add`);
  const remove = o.remove === undefined ? undefined : checkPrefixList(o.remove, `${at}remove`);
  const addressSpace =
    o.addressSpace === undefined ? undefined : checkPrefixList(o.addressSpace, `${at}addressSpace`);
  if (addressSpace && (add || remove))
    throw new WhatIfInputError(`${at}addressSpace`, "give either addressSpace or add/remove, not both.");
  if (!addressSpace && !add?.length && !remove?.length)
    throw new WhatIfInputError(`${at}vnet`, "needs add, remove or addressSpace.");
  return {
    vnetId,
    ...(add ? { add } : {}),
    ...(remove ? { remove } : {}),
    ...(addressSpace ? { addressSpace } : {}),
  };
}

// ---- terraform show -json ------------------------------------------------------------------------

/**
 * Terraform's machine-readable plan (https://developer.hashicorp.com/terraform/internals/json-format):
 * `resource_changes[]` with `type`, `address` and `change.{actions,before,after,after_unknown}`.
 * Read: `azurerm_virtual_network` (`address_space`), `azapi_resource` and `azapi_update_resource` of
 * type Microsoft.Network/virtualNetworks (`body.properties.addressSpace.addressPrefixes`, the body an
 * object in azapi 2.x, a JSON string in 1.x).
 */
export function parseTerraformPlan(plan: unknown): ParsedRequests {
  const o = asObject(plan, "terraformPlan");
  if (o.resource_changes === undefined) return { requests: [], skipped: [] };
  if (!Array.isArray(o.resource_changes))
    throw new WhatIfInputError("terraformPlan.resource_changes", "must be a list.");
  if (o.resource_changes.length > 100_000)
    throw new WhatIfInputError("terraformPlan.resource_changes", "too many changes.");
  const requests: ChangeRequest[] = [];
  const skipped: Skipped[] = [];
  o.resource_changes.forEach((rc: unknown, i: number) => {
    const field = `terraformPlan.resource_changes[${i}]`;
    if (typeof rc !== "object" || rc === null) throw new WhatIfInputError(field, "must be an object.");
    const r = rc as Record<string, unknown>;
    const type = r.type;
    if (type !== "azurerm_virtual_network" && type !== "azapi_resource" && type !== "azapi_update_resource")
      return;
    const address = typeof r.address === "string" ? r.address : field;
    const change = asObject(r.change, `${field}.change`);
    const actions = Array.isArray(change.actions) ? change.actions : [];
    const before = isObject(change.before) ? change.before : undefined;
    const after = isObject(change.after) ? change.after : undefined;
    if (type !== "azurerm_virtual_network" && !isVnetAzapi(before ?? after)) return;
    if (actions.includes("delete") && !actions.includes("create")) return;
    if (!actions.includes("update") && !(actions.includes("create") && before)) return;
    if (!before || !after) return;
    if (actions.includes("delete")) {
      skipped.push({
        source: address,
        reason: "the plan replaces this VNet (delete, then create): its peerings go with it.",
      });
      return;
    }
    const idField =
      type === "azapi_update_resource" ? "resource_id" : type === "azapi_resource" ? "id" : "id";
    const id = before[idField] ?? before.id;
    const vnetId = checkVnetId(id, `${field}.change.before.${idField}`);
    const unknown = isObject(change.after_unknown) ? change.after_unknown : {};
    const prefixesAfter =
      type === "azurerm_virtual_network"
        ? after.address_space
        : azapiPrefixes(after.body, `${field}.change.after.body`);
    const prefixesBefore =
      type === "azurerm_virtual_network"
        ? before.address_space
        : azapiPrefixes(before.body, `${field}.change.before.body`);
    if (prefixesAfter === undefined) {
      if (unknown.address_space === true || unknown.body === true)
        skipped.push({ source: address, reason: "its address space is only known after apply." });
      return;
    }
    const space = checkPrefixList(
      prefixesAfter,
      `${field}.change.after.${type === "azurerm_virtual_network" ? "address_space" : "body.properties.addressSpace.addressPrefixes"}`,
    );
    if (Array.isArray(prefixesBefore) && samePrefixes(prefixesBefore, space)) return;
    const subnets =
      type === "azurerm_virtual_network"
        ? unknown.subnet === true
          ? undefined
          : plannedSubnets(
              after.subnet,
              `${field}.change.after.subnet`,
              (s) => s.address_prefixes ?? s.address_prefix,
            )
        : plannedSubnets(
            azapiBody(after.body, `${field}.change.after.body`)?.properties?.subnets,
            `${field}.change.after.body.properties.subnets`,
            armSubnetPrefixes,
          );
    requests.push({ vnetId, addressSpace: space, source: address, ...(subnets ? { subnets } : {}) });
  });
  // azurerm_subnet resources change subnets of the VNets above: fold them in, matched by the
  // subnet's id (an update) or by resource group and VNet name (a create).
  o.resource_changes.forEach((rc: unknown, i: number) => {
    if (!isObject(rc) || rc.type !== "azurerm_subnet" || !isObject(rc.change)) return;
    const field = `terraformPlan.resource_changes[${i}].change`;
    const actions = Array.isArray(rc.change.actions) ? rc.change.actions : [];
    const before = isObject(rc.change.before) ? rc.change.before : undefined;
    const after = isObject(rc.change.after) ? rc.change.after : undefined;
    const fromId = typeof before?.id === "string" ? /^(.*)\/subnets\/([^/]+)$/i.exec(before.id) : null;
    const target = requests.find((r) =>
      fromId
        ? r.vnetId.toLowerCase() === fromId[1]!.toLowerCase()
        : typeof after?.virtual_network_name === "string" &&
          typeof after.resource_group_name === "string" &&
          r.vnetId
            .toLowerCase()
            .endsWith(
              `/resourcegroups/${after.resource_group_name}/providers/microsoft.network/virtualnetworks/${after.virtual_network_name}`.toLowerCase(),
            ),
    );
    if (!target) return;
    const name = (fromId?.[2] ?? after?.name) as unknown;
    if (typeof name !== "string" || name.length === 0 || name.length > 80)
      throw new WhatIfInputError(`${field}.after.name`, "must be a subnet name.");
    const deleted = actions.includes("delete") && !actions.includes("create");
    const prefixes = deleted
      ? null
      : checkPrefixList(after?.address_prefixes ?? [], `${field}.after.address_prefixes`);
    (target.subnetChanges ??= []).push({ name, addressPrefixes: prefixes });
  });
  return { requests, skipped };
}

function isVnetAzapi(values: Record<string, unknown> | undefined): boolean {
  return typeof values?.type === "string" && /^microsoft\.network\/virtualnetworks@/i.test(values.type);
}

function azapiBody(body: unknown, field: string): { properties?: Record<string, unknown> } | undefined {
  let b = body;
  if (typeof b === "string") {
    try {
      b = JSON.parse(b) as unknown;
    } catch {
      throw new WhatIfInputError(field, "is not JSON.");
    }
  }
  if (!isObject(b)) return undefined;
  return isObject(b.properties) ? { properties: b.properties } : {};
}

function azapiPrefixes(body: unknown, field: string): unknown {
  let b = body;
  if (typeof b === "string") {
    try {
      b = JSON.parse(b) as unknown;
    } catch {
      throw new WhatIfInputError(field, "is not JSON.");
    }
  }
  if (!isObject(b) || !isObject(b.properties) || !isObject(b.properties.addressSpace)) return undefined;
  return b.properties.addressSpace.addressPrefixes;
}

// ---- az deployment ... what-if -------------------------------------------------------------------

/**
 * ARM's what-if result (https://learn.microsoft.com/rest/api/resources/deployments/what-if, the
 * `WhatIfOperationResult`): `az deployment group what-if --no-pretty-print` prints it flat
 * (`{status, changes}`), the REST answer nests it under `properties`. Each change has `resourceId`,
 * `changeType` and the full resource `before` and `after`.
 */
export function parseArmWhatIf(result: unknown): ParsedRequests {
  const o = asObject(result, "armWhatIf");
  const changes = o.changes ?? (isObject(o.properties) ? o.properties.changes : undefined);
  if (changes === undefined) return { requests: [], skipped: [] };
  if (!Array.isArray(changes)) throw new WhatIfInputError("armWhatIf.changes", "must be a list.");
  const requests: ChangeRequest[] = [];
  const skipped: Skipped[] = [];
  changes.forEach((c: unknown, i: number) => {
    const field = `armWhatIf.changes[${i}]`;
    const change = asObject(c, field);
    const before = isObject(change.before) ? change.before : undefined;
    const after = isObject(change.after) ? change.after : undefined;
    const type = (before ?? after)?.type;
    const byId =
      typeof change.resourceId === "string" &&
      /\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i.test(change.resourceId);
    if (!(typeof type === "string" ? /^microsoft\.network\/virtualnetworks$/i.test(type) : byId)) return;
    if (change.changeType !== "Modify" && change.changeType !== "Deploy") return;
    if (!before || !after) return;
    const vnetId = checkVnetId(change.resourceId, `${field}.resourceId`);
    const spaceOf = (v: Record<string, unknown>) =>
      isObject(v.properties) && isObject(v.properties.addressSpace)
        ? v.properties.addressSpace.addressPrefixes
        : undefined;
    const afterSpace = spaceOf(after);
    if (afterSpace === undefined) {
      skipped.push({
        source: vnetId,
        reason: "the what-if result does not show its address space after the change.",
      });
      return;
    }
    const space = checkPrefixList(afterSpace, `${field}.after.properties.addressSpace.addressPrefixes`);
    const beforeSpace = spaceOf(before);
    if (Array.isArray(beforeSpace) && samePrefixes(beforeSpace, space)) return;
    const subnets = plannedSubnets(
      isObject(after.properties) ? after.properties.subnets : undefined,
      `${field}.after.properties.subnets`,
      armSubnetPrefixes,
    );
    requests.push({
      vnetId,
      addressSpace: space,
      source: `what-if ${String(change.changeType)}`,
      ...(subnets ? { subnets } : {}),
    });
  });
  return { requests, skipped };
}

function samePrefixes(a: unknown[], b: string[]): boolean {
  const norm = (l: unknown[]) =>
    l
      .map((p) => String(p).trim().toLowerCase())
      .sort()
      .join(",");
  return norm(a) === norm(b);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function asObject(v: unknown, field: string): Record<string, unknown> {
  if (!isObject(v)) throw new WhatIfInputError(field, "must be a JSON object.");
  return v;
}
