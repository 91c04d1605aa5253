import { describe, expect, it } from "vitest";
import { failureOf, judge, type JobEnd } from "../../../src/app/reconcile-job.js";
import type { ReconcileOutcome } from "../../../src/reconcile/run.js";

// failureOf reads only the report's run id and the failure lists.
const outcome = { report: { runId: "run-7" } } as unknown as ReconcileOutcome;
const busy = { code: "AnotherOperationInProgress", message: "busy" };
const overlap = { code: "VnetAddressSpacesOverlap", message: "overlap" };

function finished(retryable: (typeof busy)[], terminal: (typeof busy)[], requeueAfter?: number): JobEnd {
  return {
    kind: "finished",
    outcome,
    retryable,
    terminal,
    ...(requeueAfter !== undefined ? { requeueAfter } : {}),
  };
}

describe("failureOf decides what a queue worker records and whether the queue retries", () => {
  it("finds nothing to record when every action succeeded", () => {
    expect(failureOf(finished([], []))).toBeUndefined();
  });

  it("retries when any action may succeed later, even with terminal failures beside it", () => {
    const failure = failureOf(finished([busy, busy], [overlap]));
    expect(failure).toMatchObject({ error: { ...busy, retryable: true }, runId: "run-7" });
    expect(failure!.summary).toBe("2 action(s) failed and may succeed later");
  });

  it("records a terminal failure without retrying", () => {
    expect(failureOf(finished([], [overlap]))).toMatchObject({
      error: { ...overlap, retryable: false },
      runId: "run-7",
    });
  });

  it("keeps a thrown run's error, retryability and cause, with no run id", () => {
    const cause = new Error("socket hang up");
    const failure = failureOf({
      kind: "threw",
      error: { code: "ECONNRESET", message: "socket hang up", retryable: true },
      cause,
    });
    expect(failure).toMatchObject({ error: { code: "ECONNRESET", retryable: true }, cause });
    expect(failure!.runId).toBeUndefined();
  });
});

describe("judge gives every queue worker one result: done, retry(after?) or terminal", () => {
  it("is done when every action succeeded and nothing waits", () => {
    expect(judge(finished([], []))).toEqual({ next: { kind: "done" }, outcome });
  });

  it("retries at once when a failure may pass, even when a write is in flight too", () => {
    const job = judge(finished([busy], [], 30));
    expect(job.next).toEqual({ kind: "retry" });
    expect(job.failure?.error).toEqual({ ...busy, retryable: true });
  });

  it("looks again after a delay when a write is in flight, keeping a terminal failure to record", () => {
    expect(judge(finished([], [], 30))).toEqual({ next: { kind: "retry", after: 30 }, outcome });
    const job = judge(finished([], [overlap], 30));
    expect(job.next).toEqual({ kind: "retry", after: 30 });
    expect(job.failure?.error).toEqual({ ...overlap, retryable: false });
  });

  it("is terminal when only failures that need a human remain", () => {
    expect(judge(finished([], [overlap])).next).toEqual({ kind: "terminal" });
  });

  it("reads a thrown run by its error's verdict, with no outcome", () => {
    const cause = new Error("refused");
    const retried = judge({ kind: "threw", error: { ...busy, retryable: true }, cause });
    expect(retried).toMatchObject({ next: { kind: "retry" }, failure: { cause } });
    expect(retried.outcome).toBeUndefined();
    const foreign = { code: "ForeignOrigin", message: "refused", retryable: false };
    expect(judge({ kind: "threw", error: foreign, cause }).next).toEqual({ kind: "terminal" });
  });
});
