import type { AppliedAction } from "./types.js";

export type RunTrigger = "event" | "sweep" | "manual" | "cli";

/** One reconcile run, as audit, alerts, the resync status call and the status page see it. */
export interface RunReport {
  runId: string;
  trigger: RunTrigger;
  /** Event id / invocation id / HTTP request id that started the run, for log correlation. */
  correlationId: string;
  /** ISO 8601 times from the injected clock. */
  startedAt: string;
  finishedAt: string;
  /** A dry run plans only: every write action is reported with result `skipped`. */
  dryRun: boolean;
  /** The scope asked for: VNet, resource group or subscription ids. */
  scope: string[];
  /** How many VNets were read to build the snapshot. */
  vnetsRead: number;
  results: AppliedAction[];
}
