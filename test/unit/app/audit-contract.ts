import { describe, expect, it } from "vitest";
import { actionRecordsOf } from "../../../src/app/audit-records.js";
import type { AuditStore, RunRecord, VnetFailure } from "../../../src/app/ports.js";
import {
  createdReciprocal,
  failedSync,
  problem,
  report,
  skipped,
  synced,
  vnetId,
} from "../alerts/fixtures.js";

/**
 * One contract for every AuditStore: the in-memory twin (unit) and the Table Storage adapter on Azurite
 * (integration) must give back what was recorded, in the same order, so the resync status call and the
 * status page read the same thing in tests as in production.
 */

const at = (minute: number) => `2026-01-10T10:${String(minute).padStart(2, "0")}:00.000Z`;

function queued(runId: string, minute: number): RunRecord {
  return {
    runId,
    trigger: "manual",
    correlationId: `corr-${runId}`,
    status: "queued",
    dryRun: false,
    scope: [vnetId("hub")],
    repairDisconnected: true,
    queuedAt: at(minute),
  };
}

function finished(runId: string, minute: number) {
  return report([synced("spoke", "hub"), problem("Disconnected", "hub", "old"), skipped("optout")], {
    runId,
    correlationId: `corr-${runId}`,
    startedAt: at(minute),
    finishedAt: at(minute + 1),
  });
}

function failure(vnet: string, code: string, minute: number): VnetFailure {
  return {
    vnetId: vnetId(vnet),
    runId: `run-${code}`,
    correlationId: `corr-${code}`,
    at: at(minute),
    attempt: 5,
    error: { code, message: `${code} on ${vnet}`, retryable: false },
  };
}

export function auditContract(name: string, makeStore: () => Promise<AuditStore>): void {
  describe(`AuditStore contract: ${name}`, () => {
    it("knows no run it was never given", async () => {
      const audit = await makeStore();
      expect(await audit.getRun("never")).toBeUndefined();
      expect(await audit.listRecentRuns(5)).toEqual([]);
    });

    it("gives back a recorded run as recorded, with its actions in plan order", async () => {
      const audit = await makeStore();
      const run = finished("run-a", 0);
      const recorded = await audit.recordRun(run, undefined);
      const got = await audit.getRun("run-a");
      expect(got?.run).toEqual(recorded);
      expect(got?.run).toMatchObject({ status: "succeeded", startedAt: at(0), finishedAt: at(1) });
      expect(got?.actions).toEqual(actionRecordsOf(run, undefined));
      expect(got?.actions.map((a) => a.kind)).toEqual(["sync", "alertOnly", "skip"]);
    });

    it("records a failed run with its first error", async () => {
      const audit = await makeStore();
      const failed = report([failedSync("spoke", "hub"), createdReciprocal("b", "a")], { runId: "run-f" });
      await audit.recordRun(failed, undefined);
      const got = await audit.getRun("run-f");
      expect(got?.run).toMatchObject({
        status: "failed",
        error: { code: "AuthorizationFailed", message: "no" },
      });
      expect(got?.actions[0]?.error).toEqual({
        code: "AuthorizationFailed",
        message: "no",
        retryable: false,
      });
    });

    it("keeps what a queued run knew (queuedAt, repairDisconnected) when the run is recorded", async () => {
      const audit = await makeStore();
      await audit.queueRun(queued("run-q", 0));
      expect((await audit.getRun("run-q"))?.run).toEqual(queued("run-q", 0));
      await audit.recordRun(finished("run-q", 2), undefined);
      expect((await audit.getRun("run-q"))?.run).toMatchObject({
        status: "succeeded",
        queuedAt: at(0),
        repairDisconnected: true,
      });
    });

    it("changes a run's status with putRun and leaves its actions alone", async () => {
      const audit = await makeStore();
      const recorded = await audit.recordRun(finished("run-p", 0), undefined);
      await audit.putRun({ ...recorded, status: "running" });
      const got = await audit.getRun("run-p");
      expect(got?.run).toEqual({ ...recorded, status: "running" });
      expect(got?.actions).toHaveLength(3);
    });

    it("replaces the actions of a run recorded again (a retry that planned less)", async () => {
      const audit = await makeStore();
      await audit.recordRun(finished("run-r", 0), undefined);
      await audit.recordRun(report([synced("spoke", "hub")], { runId: "run-r" }), undefined);
      expect((await audit.getRun("run-r"))?.actions.map((a) => a.kind)).toEqual(["sync"]);
    });

    it("lists runs newest first, at most n, each where it was first recorded", async () => {
      const audit = await makeStore();
      await audit.queueRun(queued("run-1", 1));
      await audit.recordRun(finished("run-2", 2), undefined);
      await audit.recordRun(finished("run-3", 3), undefined);
      // run-1 finishes last, but it was queued first: it stays the oldest.
      await audit.recordRun(finished("run-1", 4), undefined);
      expect((await audit.listRecentRuns(10)).map((r) => r.runId)).toEqual(["run-3", "run-2", "run-1"]);
      expect((await audit.listRecentRuns(2)).map((r) => r.runId)).toEqual(["run-3", "run-2"]);
      expect((await audit.listRecentRuns(10))[2]).toMatchObject({ runId: "run-1", status: "succeeded" });
    });

    it("keeps the last failure per VNet, found whatever the id's casing", async () => {
      const audit = await makeStore();
      await audit.recordFailure(failure("a", "First", 0));
      await audit.recordFailure(failure("a", "Second", 1));
      await audit.recordFailure(failure("b", "Other", 2));
      expect(await audit.lastFailure(vnetId("a"))).toEqual(failure("a", "Second", 1));
      expect(await audit.lastFailure(vnetId("a").toUpperCase())).toEqual(failure("a", "Second", 1));
      expect(await audit.lastFailure(vnetId("none"))).toBeUndefined();
    });

    it("keeps a failure without run id or attempt as given", async () => {
      const audit = await makeStore();
      const bare: VnetFailure = {
        vnetId: vnetId("c"),
        correlationId: "corr-c",
        at: at(0),
        error: { code: "Busy", message: "busy", retryable: true },
      };
      await audit.recordFailure(bare);
      expect(await audit.lastFailure(vnetId("c"))).toEqual(bare);
    });
  });
}
