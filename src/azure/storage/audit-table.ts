import type { TableClient, TransactionAction } from "@azure/data-tables";
import { actionRecordsOf, runRecordOf } from "../../app/audit-records.js";
import type { ActionRecord, AuditStore, RunRecord, VnetFailure } from "../../app/ports.js";
import type { RunReport } from "../../reconcile/run-report.js";
import type { Snapshot } from "../../reconcile/types.js";
import { clip, isStatus, keyOf, lazyTable } from "./functions-storage.js";

/**
 * The audit in Table Storage (setting AUDIT_TABLE). Layout, chosen for the reads we make:
 * - `run-<runId>` partition: the run row (`run`) and its actions (`a-00000`, ...): getRun is one
 *   partition query, and a run's rows are written in entity-group transactions (100 per batch).
 * - `recent` partition: one row per run keyed by inverted time, so listRecentRuns(n) reads the first n.
 * - `failure` partition: the last failure per VNet (hashed id), for the poison alert.
 * Limits respected: keys never contain / \ # ? (hashes, uuids), strings are clipped to 32K characters,
 * object fields are JSON columns (a clipped JSON column reads back as absent).
 */

const RUN_ROW = "run";
const RECENT = "recent";
const FAILURE = "failure";
/** Keep a transaction well under the 4 MiB batch payload limit. */
const BATCH_BYTES = 2_000_000;

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

export class TableAuditStore implements AuditStore {
  private readonly table: () => Promise<TableClient>;

  constructor(client: TableClient) {
    this.table = lazyTable(client);
  }

  async queueRun(run: RunRecord): Promise<void> {
    await this.putRun(run);
  }

  async putRun(run: RunRecord): Promise<void> {
    const table = await this.table();
    const existing = await this.runRow(table, run.runId);
    const recentKey = (existing?.recentKey as string | undefined) ?? recentKeyOf(run);
    const entity = { ...runEntity(run), recentKey };
    await table.upsertEntity(entity, "Merge");
    await table.upsertEntity({ ...entity, partitionKey: RECENT, rowKey: recentKey }, "Merge");
  }

  async recordRun(
    report: RunReport,
    snapshot: Snapshot | undefined,
    extra: Partial<RunRecord> = {},
  ): Promise<RunRecord> {
    const table = await this.table();
    const existing = await this.runRow(table, report.runId);
    const previous = existing ? runOf(existing) : undefined;
    const run = runRecordOf(report, snapshot, {
      ...(previous?.queuedAt ? { queuedAt: previous.queuedAt } : {}),
      ...(previous?.repairDisconnected !== undefined
        ? { repairDisconnected: previous.repairDisconnected }
        : {}),
      ...extra,
    });
    const actions = actionRecordsOf(report, snapshot);
    const recentKey = (existing?.recentKey as string | undefined) ?? recentKeyOf(run);
    const runRow: Entity = { ...runEntity(run), recentKey, actionCount: actions.length };

    const ops: TransactionAction[] = [["upsert", runRow, "Replace"]];
    for (const action of actions) ops.push(["upsert", actionEntity(action), "Replace"]);
    // A retried run may have planned fewer actions than its earlier attempt: drop the leftovers.
    const before = Number(existing?.actionCount ?? 0);
    for (let i = actions.length; i < before; i++) {
      ops.push(["delete", { partitionKey: runPartition(run.runId), rowKey: actionKey(i) }]);
    }
    await submitInBatches(table, ops);
    await table.upsertEntity({ ...runRow, partitionKey: RECENT, rowKey: recentKey }, "Replace");
    return run;
  }

  async getRun(runId: string): Promise<{ run: RunRecord; actions: ActionRecord[] } | undefined> {
    const table = await this.table();
    let run: RunRecord | undefined;
    const actions: ActionRecord[] = [];
    const rows = table.listEntities<Entity>({
      queryOptions: { filter: `PartitionKey eq '${runPartition(runId)}'` },
    });
    for await (const row of rows) {
      if (row.rowKey === RUN_ROW) run = runOf(row);
      else actions.push(actionOf(row));
    }
    if (!run) return undefined;
    actions.sort((a, b) => a.index - b.index);
    return { run, actions };
  }

  async listRecentRuns(n: number): Promise<RunRecord[]> {
    const table = await this.table();
    const out: RunRecord[] = [];
    const pages = table
      .listEntities<Entity>({ queryOptions: { filter: `PartitionKey eq '${RECENT}'` } })
      .byPage({ maxPageSize: Math.min(1000, Math.max(1, n)) });
    for await (const page of pages) {
      for (const row of page) {
        if (out.length >= n) return out;
        out.push(runOf(row));
      }
      if (out.length >= n) break;
    }
    return out;
  }

  async recordFailure(failure: VnetFailure): Promise<void> {
    const table = await this.table();
    await table.upsertEntity(
      {
        partitionKey: FAILURE,
        rowKey: keyOf(failure.vnetId),
        vnetId: failure.vnetId,
        runId: failure.runId,
        correlationId: failure.correlationId,
        at: failure.at,
        attempt: failure.attempt,
        errorCode: failure.error.code,
        errorMessage: clip(failure.error.message),
        retryable: failure.error.retryable,
      },
      "Replace",
    );
  }

  async lastFailure(vnetId: string): Promise<VnetFailure | undefined> {
    const table = await this.table();
    try {
      const row = await table.getEntity<Entity>(FAILURE, keyOf(vnetId));
      return {
        vnetId: String(row.vnetId),
        ...(row.runId ? { runId: String(row.runId) } : {}),
        correlationId: String(row.correlationId),
        at: String(row.at),
        ...(row.attempt !== undefined && row.attempt !== null ? { attempt: Number(row.attempt) } : {}),
        error: {
          code: String(row.errorCode),
          message: String(row.errorMessage),
          retryable: row.retryable === true,
        },
      };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  private async runRow(table: TableClient, runId: string): Promise<Entity | undefined> {
    try {
      return await table.getEntity<Entity>(runPartition(runId), RUN_ROW);
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }
}

function runPartition(runId: string): string {
  return `run-${runId}`;
}

function actionKey(index: number): string {
  return `a-${String(index).padStart(6, "0")}`;
}

/** Newest first in key order: 13 digits of (max - epoch ms). */
function recentKeyOf(run: RunRecord): string {
  const at = Date.parse(run.queuedAt ?? run.startedAt ?? run.finishedAt ?? "") || 0;
  return `${String(9_999_999_999_999 - at).padStart(13, "0")}-${run.runId}`;
}

function json(value: unknown): string | undefined {
  return value === undefined ? undefined : clip(JSON.stringify(value));
}

function parsed<T>(value: unknown): T | undefined {
  if (typeof value !== "string") return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

function optional(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function runEntity(run: RunRecord): Entity {
  return {
    partitionKey: runPartition(run.runId),
    rowKey: RUN_ROW,
    runId: run.runId,
    trigger: run.trigger,
    correlationId: run.correlationId,
    status: run.status,
    dryRun: run.dryRun,
    scopeJson: json(run.scope),
    repairDisconnected: run.repairDisconnected,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    vnetsRead: run.vnetsRead,
    summaryJson: json(run.summary),
    inaccessibleJson: json(run.inaccessibleSubscriptions),
    errorCode: run.error?.code,
    errorMessage: run.error ? clip(run.error.message) : undefined,
  };
}

function runOf(row: Entity): RunRecord {
  const summary = parsed<Record<string, number>>(row.summaryJson);
  const inaccessible = parsed<string[]>(row.inaccessibleJson);
  return {
    runId: String(row.runId),
    trigger: row.trigger as RunRecord["trigger"],
    correlationId: String(row.correlationId),
    status: row.status as RunRecord["status"],
    dryRun: row.dryRun === true,
    scope: parsed<string[]>(row.scopeJson) ?? [],
    ...(typeof row.repairDisconnected === "boolean" ? { repairDisconnected: row.repairDisconnected } : {}),
    ...(optional(row.queuedAt) ? { queuedAt: String(row.queuedAt) } : {}),
    ...(optional(row.startedAt) ? { startedAt: String(row.startedAt) } : {}),
    ...(optional(row.finishedAt) ? { finishedAt: String(row.finishedAt) } : {}),
    ...(typeof row.vnetsRead === "number" ? { vnetsRead: row.vnetsRead } : {}),
    ...(summary ? { summary } : {}),
    ...(inaccessible ? { inaccessibleSubscriptions: inaccessible } : {}),
    ...(optional(row.errorCode)
      ? { error: { code: String(row.errorCode), message: String(row.errorMessage ?? "") } }
      : {}),
  };
}

function actionEntity(a: ActionRecord): Entity {
  return {
    partitionKey: runPartition(a.runId),
    rowKey: actionKey(a.index),
    runId: a.runId,
    index: a.index,
    trigger: a.trigger,
    correlationId: a.correlationId,
    at: a.at,
    kind: a.kind,
    target: clip(a.target),
    vnetId: clip(a.vnetId),
    reason: clip(a.reason),
    problem: a.problem,
    remedy: a.remedy === undefined ? undefined : clip(a.remedy),
    skip: a.skip,
    result: a.result,
    detail: a.detail === undefined ? undefined : clip(a.detail),
    errorJson: json(a.error),
    beforeJson: json(a.before),
    afterJson: json(a.after),
  };
}

function actionOf(row: Entity): ActionRecord {
  const error = parsed<ActionRecord["error"]>(row.errorJson);
  const before = parsed<ActionRecord["before"]>(row.beforeJson);
  const after = parsed<ActionRecord["after"]>(row.afterJson);
  return {
    runId: String(row.runId),
    index: Number(row.index),
    trigger: row.trigger as ActionRecord["trigger"],
    correlationId: String(row.correlationId),
    at: String(row.at),
    kind: String(row.kind),
    target: String(row.target),
    vnetId: String(row.vnetId),
    reason: String(row.reason),
    ...(optional(row.problem) ? { problem: String(row.problem) } : {}),
    ...(optional(row.remedy) ? { remedy: String(row.remedy) } : {}),
    ...(optional(row.skip) ? { skip: String(row.skip) } : {}),
    result: row.result as ActionRecord["result"],
    ...(optional(row.detail) ? { detail: String(row.detail) } : {}),
    ...(error ? { error } : {}),
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
  };
}

async function submitInBatches(table: TableClient, ops: TransactionAction[]): Promise<void> {
  let batch: TransactionAction[] = [];
  let bytes = 0;
  for (const op of ops) {
    const size = JSON.stringify(op[1]).length * 2;
    if (batch.length > 0 && (batch.length === 100 || bytes + size > BATCH_BYTES)) {
      await table.submitTransaction(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(op);
    bytes += size;
  }
  if (batch.length > 0) await table.submitTransaction(batch);
}
