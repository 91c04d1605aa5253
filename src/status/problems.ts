// The status page's problems: each planned action as a thing to fix, by whom, and how.
import { idKey, parsePeeringId, parseVnetId } from "../reconcile/ids.js";
import { farEndOf, problemTitle } from "../reconcile/vocabulary.js";
import type { Action, Peering } from "../reconcile/types.js";
import type { StatusProblem } from "./types.js";

/** The VNet on the other side of the action's peering; for a problem, from the peering read if need be. */
export function remoteOf(action: Action, peerings: Map<string, Peering>): string | undefined {
  const named = farEndOf(action);
  if (named !== undefined || action.kind !== "alertOnly") return named;
  return peerings.get(idKey(action.target))?.remoteVnetId;
}

export function codeOf(action: Exclude<Action, { kind: "skip" }>): StatusProblem["code"] {
  switch (action.kind) {
    case "sync":
      return "SyncNeeded";
    case "createReciprocal":
      return "MissingReciprocal";
    case "resetDisconnected":
      return "DisconnectedRepair";
    case "alertOnly":
      return action.problem;
  }
}

export function titleOf(action: Exclude<Action, { kind: "skip" }>): string {
  switch (action.kind) {
    case "sync":
      return "Sync needed";
    case "createReciprocal":
      return "Missing reciprocal";
    case "resetDisconnected":
      return "Disconnected (repair planned)";
    case "alertOnly":
      return problemTitle(action.problem);
  }
}

const AUTOMATIC =
  "vnet-peering-sync writes this on its next run (an event, the sweep, POST /api/resync or `vnet-peering-sync apply`).";

export function remedyOf(action: Exclude<Action, { kind: "skip" }>, reportOnly: boolean): string {
  if (action.kind === "alertOnly") return action.remedy;
  if (!reportOnly) return AUTOMATIC;
  const peering = parsePeeringId(action.target);
  const vnet = peering ? (parseVnetId(peering.vnetId)?.vnetName ?? peering.vnetId) : action.vnetId;
  const name = peering?.peeringName ?? action.target;
  switch (action.kind) {
    case "sync":
      return `Report-only mode: sync ${name} on ${vnet} by hand (Sync in the portal, or az network vnet peering sync).`;
    case "createReciprocal":
      return `Report-only mode: create ${action.name} on ${vnet} by hand, mirroring the settings of the existing half.`;
    case "resetDisconnected":
      return `Report-only mode: re-PUT ${name} on ${vnet} by hand, then create the peering back.`;
  }
}
