import { parsePeeringId, parseVnetId } from "./ids.js";
import { PROBLEMS, type ProblemCode } from "./problems.js";
import type {
  Action,
  ActionKind,
  ActionResult,
  CreateReciprocalAction,
  ResetDisconnectedAction,
  SyncAction,
} from "./types.js";

/**
 * The project's words, in one place: the alerts, the status page, the CLI, the audit and the telemetry
 * all take them from here, so a problem is called the same everywhere and a new problem code is one
 * edit (docs/architecture.md#vocabulary).
 */

export { PEER_PERMISSION_HINT, PROBLEMS, PROBLEM_CODES, type ProblemCode } from "./problems.js";

/** The problem's name inside a sentence: "2 × address space overlap". */
export function problemName(code: ProblemCode): string {
  return PROBLEMS[code].name;
}

/** The problem's name as a title, the same words on the alert and on the status page. */
export function problemTitle(code: ProblemCode): string {
  return capitalised(PROBLEMS[code].name);
}

export function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export type WriteAction = SyncAction | CreateReciprocalAction | ResetDisconnectedAction;

/** The action kinds that write to ARM; the others only report or skip. */
export const WRITE_KINDS: ReadonlySet<string> = new Set<ActionKind>([
  "sync",
  "createReciprocal",
  "resetDisconnected",
]);

export function isWrite(action: Action): action is WriteAction {
  return WRITE_KINDS.has(action.kind);
}

/** For records read back (the audit), whose kind is a plain string. */
export function isWriteKind(kind: string): boolean {
  return WRITE_KINDS.has(kind);
}

/** The VNet at the far end of the action's peering, when the action names one. */
export function farEndOf(action: Action): string | undefined {
  switch (action.kind) {
    case "sync":
    case "resetDisconnected":
    case "alertOnly":
      return action.remoteVnetId;
    case "createReciprocal":
      return action.body.remoteVnetId;
    case "skip":
      return undefined;
  }
}

export function lastSegment(id: string): string {
  const parts = id.split("/").filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? id;
}

/** A VNet's name from its id; the id's last segment when it is no VNet id. */
export function vnetName(vnetId: string): string {
  return parseVnetId(vnetId)?.vnetName ?? lastSegment(vnetId);
}

/**
 * What people call a resource: `hub-vnet/hub-to-spoke1` for a peering, `hub-vnet` for a VNet, the id
 * itself for anything else. `known` gives the name as ARM spells it, when the VNet was read.
 */
export function displayName(id: string, known?: (vnetId: string) => string | undefined): string {
  const name = (vnetId: string) => known?.(vnetId) ?? parseVnetId(vnetId)?.vnetName ?? vnetId;
  const peering = parsePeeringId(id);
  return peering ? `${name(peering.vnetId)}/${peering.peeringName}` : name(id);
}

export type ResultStatus = ActionResult["status"];

/**
 * Actions counted by kind and by result in one flat record (`{"sync": 2, "succeeded": 2}`): the
 * audit's run summary, the CLI's JSON summary and the run's log line. `allKinds` lists every kind,
 * zero or not, as the CLI's plan document does.
 */
export function flatCounts(
  items: readonly { action: Action; result?: ActionResult }[],
  options: { allKinds?: boolean } = {},
): Record<string, number> {
  const counts: Record<string, number> = options.allKinds
    ? { sync: 0, createReciprocal: 0, resetDisconnected: 0, alertOnly: 0, skip: 0 }
    : {};
  for (const { action, result } of items) {
    counts[action.kind] = (counts[action.kind] ?? 0) + 1;
    if (result) counts[result.status] = (counts[result.status] ?? 0) + 1;
  }
  return counts;
}

/** Actions by result, and by kind then result (`{"sync": {"succeeded": 2}}`): the run's telemetry. */
export function countsByKindAndResult(items: readonly { action: Action; result: ActionResult }[]): {
  byResult: Record<ResultStatus, number>;
  byKind: Partial<Record<ActionKind, Partial<Record<ResultStatus, number>>>>;
} {
  const byResult: Record<ResultStatus, number> = { succeeded: 0, skipped: 0, failed: 0 };
  const byKind: Partial<Record<ActionKind, Partial<Record<ResultStatus, number>>>> = {};
  for (const { action, result } of items) {
    byResult[result.status] += 1;
    const ofKind = (byKind[action.kind] ??= {});
    ofKind[result.status] = (ofKind[result.status] ?? 0) + 1;
  }
  return { byResult, byKind };
}
