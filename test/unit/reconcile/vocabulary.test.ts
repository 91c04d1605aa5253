import { describe, expect, it } from "vitest";
import { collectItems } from "../../../src/alerts/model.js";
import { summaryOf } from "../../../src/app/audit-records.js";
import { runTelemetryOf } from "../../../src/functions/metrics.js";
import { shortName, summaryLine } from "../../../src/cli/render.js";
import { summarize } from "../../../src/reconcile/plan-document.js";
import {
  PROBLEMS,
  PROBLEM_CODES,
  displayName,
  farEndOf,
  isWrite,
  problemTitle,
  type ProblemCode,
} from "../../../src/reconcile/vocabulary.js";
import { buildStatusReport } from "../../../src/status/index.js";
import {
  createdReciprocal,
  failedSync,
  peeringId,
  problem,
  report,
  skipped,
  synced,
  vnetId,
} from "../alerts/fixtures.js";
import { snapshot } from "../../support/builders.js";

// Every code the type allows must be listed: a code added to the type but not the table fails to compile.
const EVERY_CODE: Record<ProblemCode, true> = {
  AddressSpaceOverlap: true,
  GatewayRuleViolation: true,
  PeerInaccessible: true,
  PeerOutOfScope: true,
  PeerVnetMissing: true,
  Disconnected: true,
  ProvisioningFailed: true,
  Busy: true,
  SubnetMissing: true,
  CrossTenantAccess: true,
};

describe("the vocabulary owns the words every consumer uses", () => {
  it("lists every problem code, each with a name and a remedy", () => {
    expect([...PROBLEM_CODES].sort()).toEqual(Object.keys(EVERY_CODE).sort());
    for (const code of PROBLEM_CODES) {
      expect(PROBLEMS[code].name.trim(), code).not.toBe("");
      expect(PROBLEMS[code].remedy.trim(), code).not.toBe("");
    }
  });

  it.each(PROBLEM_CODES)("the alert and the status page call %s by the same words", (code) => {
    const applied = problem(code, "hub", "spoke", { remedy: "" });
    const [item] = collectItems(report([applied]));
    expect(item?.title.startsWith(`${problemTitle(code)}: `), item?.title).toBe(true);
    // With no remedy from the planner, the alert falls back to the vocabulary's.
    expect(item?.todo).toContain(PROBLEMS[code].remedy);

    const status = buildStatusReport({
      snapshot: snapshot([]),
      plan: { actions: [applied.action] },
      generatedAt: "2026-01-10T10:00:00.000Z",
    });
    expect(status.problems.map((p) => [p.code, p.title])).toEqual([[code, problemTitle(code)]]);
  });

  it("names PeerInaccessible alike on the alert and the status page (they used to differ)", () => {
    expect(problemTitle("PeerInaccessible")).toBe("Peer not readable");
  });

  it("says which kinds write and where an action's far end is", () => {
    const sync = synced("spoke1", "hub");
    const created = createdReciprocal("spoke2", "hub");
    expect(isWrite(sync.action)).toBe(true);
    expect(isWrite(created.action)).toBe(true);
    expect(isWrite(problem("Busy", "a", "b").action)).toBe(false);
    expect(isWrite(skipped("lab").action)).toBe(false);
    expect(farEndOf(sync.action)).toBe(vnetId("hub"));
    expect(farEndOf(problem("Busy", "a", "b").action)).toBe(vnetId("b"));
    expect(farEndOf(skipped("lab").action)).toBeUndefined();
  });

  it("gives a resource the one display name the CLI and the status page use", () => {
    const id = peeringId("hub", "hub-to-spoke");
    expect(displayName(id)).toBe("hub/hub-to-spoke");
    expect(shortName(id)).toBe("hub/hub-to-spoke");
    expect(displayName(id, () => "Hub")).toBe("Hub/hub-to-spoke");
    expect(displayName(vnetId("hub"))).toBe("hub");
  });

  it("counts per kind and result alike in the audit, the CLI, the log line and the metrics", () => {
    const results = [
      synced("a", "hub"),
      synced("b", "hub"),
      failedSync("c", "hub"),
      problem("Busy", "d", "e"),
    ];
    const run = report(results);
    const flat = { sync: 3, succeeded: 3, failed: 1, alertOnly: 1 };
    expect(summaryOf(run)).toEqual(flat);
    expect(summarize(results)).toEqual({ ...flat, createReciprocal: 0, resetDisconnected: 0, skip: 0 });
    expect(summaryLine(results)).toContain("3 to sync");
    const telemetry = runTelemetryOf(run, 3);
    expect(telemetry.byResult).toEqual({ succeeded: 3, skipped: 0, failed: 1 });
    expect(telemetry.counts).toEqual({ sync: { succeeded: 2, failed: 1 }, alertOnly: { succeeded: 1 } });
  });
});
