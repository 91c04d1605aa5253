import { idKey } from "../reconcile/ids.js";
import type { RunReport } from "../reconcile/run-report.js";
import { flatCounts } from "../reconcile/vocabulary.js";
import type { Peering, Snapshot } from "../reconcile/types.js";
import type { ActionRecord, PeeringStateRecord, RunRecord } from "./ports.js";

/** The audit's view of a finished run, pure: what the table stores and the status call returns. */

export function runRecordOf(
  report: RunReport,
  snapshot: Snapshot | undefined,
  extra: Partial<RunRecord> = {},
): RunRecord {
  const failed = report.results.filter((r) => r.result.status === "failed");
  const first = failed[0]?.result;
  return {
    runId: report.runId,
    trigger: report.trigger,
    correlationId: report.correlationId,
    status: failed.length > 0 ? "failed" : "succeeded",
    dryRun: report.dryRun,
    scope: report.scope,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    vnetsRead: report.vnetsRead,
    summary: summaryOf(report),
    ...(snapshot && snapshot.inaccessibleSubscriptions.length > 0
      ? { inaccessibleSubscriptions: snapshot.inaccessibleSubscriptions }
      : {}),
    ...(first?.status === "failed"
      ? { error: { code: first.error.code, message: first.error.message } }
      : {}),
    ...extra,
  };
}

/** Counts per kind and result, as the vocabulary counts them (src/reconcile/vocabulary.ts). */
export function summaryOf(report: Pick<RunReport, "results">): Record<string, number> {
  return flatCounts(report.results);
}

export function actionRecordsOf(report: RunReport, snapshot: Snapshot | undefined): ActionRecord[] {
  const peerings = new Map<string, Peering>();
  for (const vnet of snapshot?.vnets ?? []) for (const p of vnet.peerings) peerings.set(idKey(p.id), p);
  return report.results.map(({ action, result }, index): ActionRecord => {
    const seen = peerings.get(idKey(action.target));
    const before: PeeringStateRecord | undefined =
      action.kind === "sync"
        ? {
            state: seen?.state ?? "Connected",
            syncLevel: action.before.syncLevel,
            localAddressSpace: seen?.localAddressSpace ?? [],
            remoteAddressSpace: action.before.remoteAddressSpace,
            remoteVirtualNetworkAddressSpace: action.before.remoteVirtualNetworkAddressSpace,
          }
        : seen && stateOf(seen);
    return {
      runId: report.runId,
      index,
      trigger: report.trigger,
      correlationId: report.correlationId,
      at: report.finishedAt,
      kind: action.kind,
      target: action.target,
      vnetId: action.vnetId,
      reason: action.reason,
      ...(action.kind === "alertOnly" ? { problem: action.problem, remedy: action.remedy } : {}),
      ...(action.kind === "skip" ? { skip: action.skip } : {}),
      result: result.status,
      ...(result.status === "skipped" ? { detail: result.why } : {}),
      ...(result.status === "failed" ? { error: result.error } : {}),
      ...(before ? { before } : {}),
      ...(result.status === "succeeded" && result.after ? { after: stateOf(result.after) } : {}),
    };
  });
}

function stateOf(p: Peering): PeeringStateRecord {
  return {
    state: p.state,
    syncLevel: p.syncLevel,
    localAddressSpace: p.localAddressSpace,
    remoteAddressSpace: p.remoteAddressSpace,
    remoteVirtualNetworkAddressSpace: p.remoteVirtualNetworkAddressSpace,
  };
}
