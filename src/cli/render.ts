import { styleText } from "node:util";
import { summarize } from "../reconcile/plan-document.js";
import { displayName } from "../reconcile/vocabulary.js";
import type { Action, ActionResult, AppliedAction } from "../reconcile/types.js";
import { printable } from "./terminal.js";

export type { JsonAction, JsonDocument } from "../reconcile/plan-document.js";
export { toJsonDocument } from "../reconcile/plan-document.js";

/** `hub-vnet/hub-to-spoke1` for a peering, `hub-vnet` for a VNet: what people call them. */
export function shortName(id: string): string {
  return displayName(id);
}

type Style = Parameters<typeof styleText>[0];
// A reset comes before the reciprocal that depends on it, as apply runs them.
const KIND_ORDER: Record<Action["kind"], number> = {
  sync: 0,
  resetDisconnected: 1,
  createReciprocal: 2,
  alertOnly: 3,
  skip: 4,
};
const KIND_STYLE: Record<Action["kind"], Style> = {
  sync: "cyan",
  createReciprocal: "green",
  resetDisconnected: "yellow",
  alertOnly: "red",
  skip: "gray",
};
const RESULT_STYLE: Record<ActionResult["status"], Style> = {
  succeeded: "green",
  failed: "red",
  skipped: "gray",
};

export interface TableOptions {
  colour: boolean;
  /** Terminal width; reasons are cut to fit when set. */
  width?: number;
}

/** For people: aligned columns, one line per action, a summary line. */
export function toTable(
  items: readonly { action: Action; result?: ActionResult }[],
  options: TableOptions,
): string {
  // The CLI decided already (a TTY, no NO_COLOR); styleText would look at process.stdout again.
  const paint = (style: Style, text: string) =>
    options.colour ? styleText(style, text, { validateStream: false }) : text;
  const withResults = items.some((i) => i.result);
  // Writes first, then what needs a human, then skips: the order people read a plan in.
  const ordered = [...items].sort((a, b) => KIND_ORDER[a.action.kind] - KIND_ORDER[b.action.kind]);
  // Names and ARM's messages are made printable cell by cell, before padding and colour.
  const rows = ordered.map(({ action, result }) => ({
    kind: action.kind,
    target: printable(shortName(action.target)),
    result: result?.status ?? "",
    text: printable(
      result?.status === "failed"
        ? `${result.error.code}: ${result.error.message}`
        : action.kind === "alertOnly"
          ? `${action.reason} Remedy: ${action.remedy}`
          : action.reason,
    ),
  }));
  const kindWidth = Math.max(4, ...rows.map((r) => r.kind.length));
  const targetWidth = Math.max(6, ...rows.map((r) => r.target.length));
  const resultWidth = withResults ? Math.max(6, ...rows.map((r) => r.result.length)) : 0;
  const fixed = kindWidth + targetWidth + (withResults ? resultWidth + 2 : 0) + 4;
  const fit = (text: string) =>
    options.width && text.length > options.width - fixed
      ? `${text.slice(0, Math.max(10, options.width - fixed - 1))}…`
      : text;

  const lines: string[] = [];
  if (rows.length > 0) {
    const header = ["KIND".padEnd(kindWidth), "TARGET".padEnd(targetWidth)];
    if (withResults) header.push("RESULT".padEnd(resultWidth));
    header.push("REASON");
    lines.push(paint("bold", header.join("  ")));
    for (const row of rows) {
      const cells = [paint(KIND_STYLE[row.kind], row.kind.padEnd(kindWidth)), row.target.padEnd(targetWidth)];
      if (withResults) {
        cells.push(
          row.result
            ? paint(RESULT_STYLE[row.result as ActionResult["status"]], row.result.padEnd(resultWidth))
            : "",
        );
      }
      cells.push(fit(row.text));
      lines.push(cells.join("  "));
    }
  }
  lines.push(summaryLine(items));
  return lines.join("\n");
}

export function summaryLine(items: readonly { action: Action; result?: ActionResult }[]): string {
  const s = summarize(items);
  const writes = (s.sync ?? 0) + (s.createReciprocal ?? 0) + (s.resetDisconnected ?? 0);
  if (items.length === 0) return "Nothing to do: every peering in scope is Connected and in sync.";
  const parts = [
    `${s.sync} to sync`,
    `${s.createReciprocal} reciprocal(s) to create`,
    `${s.resetDisconnected} Disconnected to reset`,
    `${s.alertOnly} need a human`,
    `${s.skip} skipped`,
  ];
  if (items.some((i) => i.result)) {
    return `Applied ${writes} write action(s): ${s.succeeded ?? 0} succeeded, ${s.failed ?? 0} failed, ${s.skipped ?? 0} skipped or reported. (${parts.join(", ")})`;
  }
  return `Plan: ${parts.join(", ")}.`;
}

export function resultsOf(applied: readonly AppliedAction[]) {
  return applied.map(({ action, result }) => ({ action, result }));
}
