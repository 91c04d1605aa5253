// One applied action, or one failed message, as an alert item in a network engineer's words.
import { parsePeeringId, parseVnetId } from "../reconcile/ids.js";
import type { RunReport } from "../reconcile/run-report.js";
import type { Action, AppliedAction, SyncAction } from "../reconcile/types.js";
import {
  PEER_PERMISSION_HINT,
  PROBLEMS,
  farEndOf,
  lastSegment,
  problemTitle,
  vnetName,
} from "../reconcile/vocabulary.js";
import { redact } from "./redact.js";
import { atLeast, problemKey, type AlertItem, type AlertLocation, type DigestOptions } from "./types.js";

export function locate(action: Pick<Action, "vnetId" | "target">, remoteVnetId?: string): AlertLocation {
  const vnet = parseVnetId(action.vnetId);
  const peering = parsePeeringId(action.target);
  return {
    ...(remoteVnetId ? { remoteVnetId, remoteVnetName: vnetName(remoteVnetId) } : {}),
    vnetId: action.vnetId,
    vnetName: vnet?.vnetName ?? lastSegment(action.vnetId),
    ...(vnet ? { resourceGroup: vnet.resourceGroup, subscriptionId: vnet.subscriptionId } : {}),
    targetId: action.target,
    ...(peering ? { peeringName: peering.peeringName } : {}),
  };
}

/**
 * Prefixes the sync pulls in that the peering does not carry yet. From the plan's like-with-like
 * `pulls`, not `remoteVirtualNetworkAddressSpace`: for an IPv6-only or subnet-level peering that
 * field may hold prefixes the peering never carries, which would read as "not peered".
 */
export function gainedPrefixes(action: SyncAction): string[] {
  const peered = new Set(action.before.remoteAddressSpace.map((p) => p.toLowerCase()));
  const pulls = action.pulls ?? action.before.remoteVirtualNetworkAddressSpace;
  return pulls.filter((p) => !peered.has(p.toLowerCase()));
}

function peeringLabel(where: AlertLocation): string {
  return where.peeringName ? `peering ${where.peeringName} on ${where.vnetName}` : where.vnetName;
}

/**
 * A permission error names the action it lacked ("does not have authorization to perform action
 * 'Microsoft.Network/virtualNetworks/peer/action' over scope ..."): repeat it so the human knows what to grant.
 */
function missingActionIn(message: string): string | undefined {
  return /perform action '([^']+)'/i.exec(message)?.[1];
}

export function failureTodo(code: string, message: string, retryable: boolean): string {
  const missing = missingActionIn(message);
  if (missing) {
    return `Grant the app's identity \`${missing}\` on the resource named in the error (Network Contributor includes it); the next sweep retries.`;
  }
  if (/^(AuthorizationFailed|LinkedAuthorizationFailed|Forbidden)$/i.test(code)) return PEER_PERMISSION_HINT;
  if (code === "RemotePeeringIsDisconnected") {
    return "Re-save (or delete) the Disconnected peering on the remote VNet first, or set REPAIR_DISCONNECTED=true.";
  }
  if (retryable)
    return "Nothing if it clears on the next attempt; if it repeats, check the VNet for a stuck operation.";
  return "Read the error, fix the cause in Azure, then run a resync (or wait for the next sweep).";
}

const KIND_VERB: Record<Action["kind"], string> = {
  sync: "sync the peering",
  createReciprocal: "create the missing reciprocal peering",
  resetDisconnected: "reset the Disconnected peering",
  alertOnly: "report the problem",
  skip: "skip",
};

/** Turn one applied action into an alert item, or nothing (skips, no-op results, dry-run writes). */
export function itemFor(
  applied: AppliedAction,
  clean: (s: string) => string = (s) => s,
): AlertItem | undefined {
  const { action, result } = applied;
  const where = locate(action, farEndOf(action));
  if (action.kind === "skip") return undefined;

  if (result.status === "failed") {
    const code = result.error.code || "Error";
    const message = clean(result.error.message);
    return {
      category: "failed",
      severity: "error",
      key: problemKey(`Failed:${action.kind}`, action.target),
      code,
      title: `Could not ${KIND_VERB[action.kind]}: ${peeringLabel(where)}`,
      what: clean(action.reason),
      where,
      done: `Tried to ${KIND_VERB[action.kind]}; Azure answered ${code}: ${message}${result.error.retryable ? " (retryable)" : ""}`,
      todo: failureTodo(code, message, result.error.retryable),
      ...(result.error.retryable ? { retryable: true } : {}),
    };
  }

  if (action.kind === "alertOnly") {
    const remedy = action.remedy.trim() ? clean(action.remedy) : PROBLEMS[action.problem].remedy;
    // The planner's remedy may not name the permission; the human needs the exact action to grant.
    const todo =
      action.problem === "PeerInaccessible" && !/peer\/action/i.test(remedy)
        ? `${remedy} Or let vnet-peering-sync do it: ${lowerFirst(PEER_PERMISSION_HINT)}`
        : remedy;
    const overlaps = (action.overlappingPrefixes ?? []).map(([ours, theirs]) => `${ours} with ${theirs}`);
    return {
      category: "needsAttention",
      severity: "warning",
      key: problemKey(action.problem, action.target),
      code: action.problem,
      title: `${problemTitle(action.problem)}: ${peeringLabel(where)}`,
      what:
        clean(action.reason) + (overlaps.length > 0 ? ` Overlapping prefixes: ${overlaps.join("; ")}.` : ""),
      where,
      done: "Nothing written: this needs a human.",
      todo,
    };
  }

  // A write that did not happen (dry run, report-only, already converged) fixed nothing.
  if (result.status !== "succeeded") return undefined;

  switch (action.kind) {
    case "sync": {
      const gained = gainedPrefixes(action);
      const remote = vnetName(action.remoteVnetId);
      return {
        category: "fixed",
        severity: "info",
        key: problemKey("Fixed:sync", action.target),
        code: "sync",
        title: `Synced ${peeringLabel(where)}`,
        what: clean(action.reason),
        where,
        cause:
          gained.length > 0
            ? `after ${remote} gained ${gained.join(", ")}`
            : `with ${remote}'s address space`,
        done:
          gained.length > 0
            ? `Synced the peering: ${remote}'s ${gained.join(", ")} is now reachable.`
            : `Synced the peering with ${remote}'s current address space.`,
      };
    }
    case "createReciprocal":
      return {
        category: "fixed",
        severity: "info",
        key: problemKey("Fixed:createReciprocal", action.target),
        code: "createReciprocal",
        title: `Created reciprocal ${peeringLabel(where)}`,
        what: clean(action.reason),
        where,
        done: `Created ${action.name}, mirroring the settings of the existing half.`,
      };
    case "resetDisconnected":
      return {
        category: "fixed",
        severity: "info",
        key: problemKey("Fixed:resetDisconnected", action.target),
        code: "resetDisconnected",
        title: `Reset Disconnected ${peeringLabel(where)}`,
        what: clean(action.reason),
        where,
        done: `Re-saved the peering (back to Initiated) so its partner with ${vnetName(action.remoteVnetId)} can reconnect.`,
      };
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Every alert item a run produced, before filtering and dedupe. */
export function collectItems(report: RunReport, options: Pick<DigestOptions, "secrets"> = {}): AlertItem[] {
  const secrets = options.secrets ?? [];
  const clean = (s: string) => redact(s, secrets);
  const items: AlertItem[] = [];
  for (const applied of report.results) {
    const item = itemFor(applied, clean);
    if (item) items.push(item);
  }
  return items;
}

/** Keep what the settings ask for: fixed items only if wanted, nothing below the minimum severity. */
export function filterItems(items: readonly AlertItem[], options: DigestOptions): AlertItem[] {
  const min = options.minSeverity ?? "info";
  return items.filter((item) => {
    if (item.category === "fixed" && options.includeFixed === false) return false;
    // A resolution closes a problem someone was told about; it is never filtered out.
    if (item.category === "resolved") return true;
    return atLeast(item.severity, min);
  });
}
