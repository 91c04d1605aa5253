import { EventGridDeserializer, isSystemEvent, type CloudEvent, type EventGridEvent } from "@azure/eventgrid";
import {
  isWellFormedPeeringId,
  isWellFormedVnetId,
  parsePeeringId,
  parseVnetId,
  subscriptionOf,
  decodeResourceId,
  idProblem,
  SEGMENT_NAMES,
} from "../reconcile/ids.js";

/**
 * Resource events of a subscription system topic, in the Event Grid schema or CloudEvents 1.0
 * (docs/azure-behaviour.md#event-grid-events). An event only says where to look: the subject is
 * the resource id, `data.operationName` the ARM action. Nothing here calls ARM.
 */

export type NetworkOperation = "vnetWrite" | "vnetDelete" | "peeringWrite" | "peeringDelete";

const OPERATIONS: Record<string, NetworkOperation> = {
  "microsoft.network/virtualnetworks/write": "vnetWrite",
  "microsoft.network/virtualnetworks/delete": "vnetDelete",
  "microsoft.network/virtualnetworks/virtualnetworkpeerings/write": "peeringWrite",
  "microsoft.network/virtualnetworks/virtualnetworkpeerings/delete": "peeringDelete",
};

const WRITE_SUCCESS = "Microsoft.Resources.ResourceWriteSuccess";
const DELETE_SUCCESS = "Microsoft.Resources.ResourceDeleteSuccess";

export interface NetworkChange {
  eventId: string;
  schema: "EventGrid" | "CloudEvents";
  operation: NetworkOperation;
  /** The subject: the VNet or peering written or deleted. */
  resourceId: string;
  /** The VNet concerned: the resource itself, or the VNet the peering belongs to. */
  vnetId: string;
  subscriptionId: string;
  /** ARM's operation id (`data.correlationId`), for troubleshooting. */
  armCorrelationId?: string;
}

export type EventVerdict =
  | { kind: "change"; change: NetworkChange }
  | { kind: "ignored"; eventId?: string; reason: string }
  /** `field` names what is wrong, e.g. `data.operationName`; the event is dropped, not retried. */
  | { kind: "malformed"; eventId?: string; field: string; reason: string };

const deserializer = new EventGridDeserializer();
const MAX_EVENT_ID = 256;

/** One verdict per event: the trigger hands one event, an array is accepted too. */
export async function readNetworkEvents(
  raw: unknown,
  watchedSubscriptions: readonly string[],
): Promise<EventVerdict[]> {
  let value = raw;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return [{ kind: "malformed", field: "event", reason: "is not JSON" }];
    }
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) return [{ kind: "malformed", field: "event", reason: "is an empty array" }];
  return Promise.all(items.map((item) => readOne(item, watchedSubscriptions)));
}

async function readOne(item: unknown, watched: readonly string[]): Promise<EventVerdict> {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    return { kind: "malformed", field: "event", reason: "is not a JSON object" };
  }
  const record = item as Record<string, unknown>;
  // The id travels on as the reconcile's correlation id (256 characters at most) and into every log
  // line about the event: a longer one is refused, not echoed.
  if (typeof record.id === "string" && record.id.length > MAX_EVENT_ID) {
    return { kind: "malformed", field: "id", reason: `is longer than ${MAX_EVENT_ID} characters` };
  }
  const eventId = typeof record.id === "string" ? record.id : undefined;
  const malformed = (field: string, reason: string): EventVerdict => ({
    kind: "malformed",
    ...(eventId ? { eventId } : {}),
    field,
    reason,
  });

  const schema: NetworkChange["schema"] | undefined =
    "specversion" in record ? "CloudEvents" : "eventType" in record ? "EventGrid" : undefined;
  if (!schema) {
    return malformed(
      "eventType",
      "is missing (and no specversion): neither Event Grid schema nor CloudEvents 1.0",
    );
  }
  // Resource events always carry an object. Anything else is refused before the SDK's deserializer,
  // which spends over a second on a 1 MB string `data` (Event Grid's event size limit).
  const rawData = record.data;
  if (rawData !== undefined && (typeof rawData !== "object" || rawData === null || Array.isArray(rawData))) {
    return malformed("data", "must be an object");
  }
  let event: EventGridEvent<unknown> | CloudEvent<unknown>;
  try {
    const [first] =
      schema === "CloudEvents"
        ? await deserializer.deserializeCloudEvents(record)
        : await deserializer.deserializeEventGridEvents(record);
    event = first!;
  } catch (err) {
    return malformed(...describeSchemaError(err, schema));
  }

  const eventType = "eventType" in event ? event.eventType : event.type;
  const isWrite = isResourceEvent(WRITE_SUCCESS, event);
  const isDelete = !isWrite && isResourceEvent(DELETE_SUCCESS, event);
  if (!isWrite && !isDelete) {
    return {
      kind: "ignored",
      eventId: event.id,
      reason: `event type ${eventType} is not a resource write or delete success`,
    };
  }

  const data = event.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return malformed("data", "must be an object");
  }
  const fields = data as Record<string, unknown>;
  const operationName = fields.operationName;
  if (typeof operationName !== "string" || operationName.length === 0) {
    return malformed("data.operationName", "is missing or not a string");
  }
  const operation = OPERATIONS[operationName.toLowerCase()];
  if (!operation) {
    return {
      kind: "ignored",
      eventId: event.id,
      reason: `operation ${operationName} is not about VNets or peerings`,
    };
  }
  if (operation.endsWith("Delete") !== isDelete) {
    return malformed("data.operationName", `does not match the event type ${eventType}`);
  }

  const subject = event.subject ?? (typeof fields.resourceUri === "string" ? fields.resourceUri : undefined);
  if (!subject) return malformed("subject", "is missing (and so is data.resourceUri)");
  // Event Grid may percent-encode a subject's segments (`rg-r%C3%A9seau-prod`): the app keeps ids
  // decoded, as ARM returns them, and the SDK encodes them again on every request.
  const resourceId = decodeResourceId(subject.replace(/\/+$/, ""));
  if (resourceId === undefined)
    return malformed("subject", "has a percent-encoded segment that is not a name");
  const problem = idProblem(resourceId);
  if (problem && problem.segment !== "shape") {
    return malformed(
      "subject",
      `is not a valid resource id: its ${SEGMENT_NAMES[problem.segment]} ${problem.message}`,
    );
  }
  let vnetId: string | undefined;
  // Well formed by ARM's naming rules, not just shaped like an id: `..`, encoded slashes and control
  // characters never reach a queue message, a URL or a log line.
  if (operation === "vnetWrite" || operation === "vnetDelete") {
    vnetId = parseVnetId(resourceId) && isWellFormedVnetId(resourceId) ? resourceId : undefined;
    if (!vnetId) return malformed("subject", "is not a virtual network resource id");
  } else {
    vnetId = isWellFormedPeeringId(resourceId) ? parsePeeringId(resourceId)?.vnetId : undefined;
    if (!vnetId) return malformed("subject", "is not a virtual network peering resource id");
  }

  const subscriptionId = subscriptionOf(resourceId)!;
  if (!watched.some((s) => s.toLowerCase() === subscriptionId)) {
    return {
      kind: "ignored",
      eventId: event.id,
      reason: "the resource is outside the watched subscriptions",
    };
  }
  const armCorrelationId = typeof fields.correlationId === "string" ? fields.correlationId : undefined;
  return {
    kind: "change",
    change: {
      eventId: event.id,
      schema,
      operation,
      resourceId,
      vnetId,
      subscriptionId,
      ...(armCorrelationId ? { armCorrelationId } : {}),
    },
  };
}

/** The SDK says "event is missing required property 'eventType'": name the field. */
/**
 * @azure/eventgrid's system-event type guard for either schema. Its overloads take one schema each
 * and no union, hence the narrowing; its typed `data` is not relied on: every field is checked below.
 */
function isResourceEvent(
  type: typeof WRITE_SUCCESS | typeof DELETE_SUCCESS,
  event: EventGridEvent<unknown> | CloudEvent<unknown>,
): boolean {
  return "eventType" in event ? isSystemEvent(type, event) : isSystemEvent(type, event);
}

function describeSchemaError(err: unknown, schema: NetworkChange["schema"]): [string, string] {
  const message = err instanceof Error ? err.message : String(err);
  const property = /property '([A-Za-z_]+)/.exec(message)?.[1];
  if (property) {
    return [property, /missing/.test(message) ? "is missing" : "has the wrong type"];
  }
  if (/Event Grid schema/.test(message)) return ["metadataVersion", 'must be "1" in the Event Grid schema'];
  if (/Cloud Event 1.0/.test(message)) return ["specversion", 'must be "1.0"'];
  return ["event", `is not a valid ${schema === "CloudEvents" ? "CloudEvents 1.0" : "Event Grid"} event`];
}
