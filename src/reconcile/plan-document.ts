import type { ErrorInfo } from "./errors.js";
import type { Action, ActionResult } from "./types.js";
import { flatCounts } from "./vocabulary.js";

/**
 * The plan document: what the CLI prints with `--output json` and what POST /api/resync answers for
 * a dry run. It belongs to neither, so both answer the same. Pipelines parse it: fields are only ever
 * added, never renamed. `result`/`error` appear for an applied plan only.
 */
export interface JsonAction {
  kind: Action["kind"];
  target: string;
  vnet: string;
  reason: string;
  name?: string;
  problem?: string;
  remedy?: string;
  skip?: string;
  dependsOn?: string;
  result?: "succeeded" | "failed" | "skipped";
  detail?: string;
  error?: ErrorInfo;
}

export interface JsonDocument {
  actions: JsonAction[];
  summary: Record<string, number>;
}

export function toJsonDocument(items: readonly { action: Action; result?: ActionResult }[]): JsonDocument {
  const actions = items.map(({ action, result }): JsonAction => {
    const out: JsonAction = {
      kind: action.kind,
      target: action.target,
      vnet: action.vnetId,
      reason: action.reason,
    };
    if (action.kind === "createReciprocal") out.name = action.name;
    if (action.kind === "alertOnly") {
      out.problem = action.problem;
      out.remedy = action.remedy;
    }
    if (action.kind === "skip") out.skip = action.skip;
    if (action.dependsOn) out.dependsOn = action.dependsOn;
    if (result) {
      out.result = result.status;
      if (result.status === "skipped") out.detail = result.why;
      if (result.status === "failed") out.error = { code: result.error.code, message: result.error.message };
    }
    return out;
  });
  return { actions, summary: summarize(items) };
}

/** Actions counted by kind (every kind, zero or not), and by result once applied. */
export function summarize(
  items: readonly { action: Action; result?: ActionResult }[],
): Record<string, number> {
  return flatCounts(items, { allKinds: true });
}
