import { describe, expect, it } from "vitest";
import { failureOf, type JobResult } from "../../../src/events/reconcile-job.js";
import type { ReconcileOutcome } from "../../../src/reconcile/run.js";

// failureOf reads only the report's run id and the failure lists.
const outcome = { report: { runId: "run-7" } } as unknown as ReconcileOutcome;
const busy = { code: "AnotherOperationInProgress", message: "busy" };
const overlap = { code: "VnetAddressSpacesOverlap", message: "overlap" };

function finished(retryable: (typeof busy)[], terminal: (typeof busy)[]): JobResult {
  return { kind: "finished", outcome, retryable, terminal };
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
