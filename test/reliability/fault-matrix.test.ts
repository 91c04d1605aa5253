import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fault } from "../../emulator/index.js";
import { ArmError, isRetryable } from "../../src/reconcile/errors.js";
import type { NetworkPort } from "../../src/reconcile/port.js";
import type { ReconcileOutcome } from "../../src/reconcile/run.js";
import type { Plan } from "../../src/reconcile/types.js";
import { HANG_REAL_MS, HANG_SECONDS, startRig, waitMs, type Rig } from "./support/estate.js";
import { buildScenario, expectConverged, expectNeverWorse, type ScenarioKind } from "./support/scenarios.js";
import { tally } from "./support/tally.js";

/**
 * Every ARM operation the product uses, crossed with every fault the emulator can inject, once
 * (transient) and on every attempt (persistent). Each case ends in a checked state: converged after
 * retries, or left as it was and reported with the right retryable flag; never half-written, never a
 * DELETE. A recovery run without faults then converges (or reports the peering ARM left Failed).
 */

interface Operation {
  name: string;
  method: string;
  path: RegExp;
  scenario: ScenarioKind;
  /** "read": the snapshot read before planning (a failure fails the run: the queue retries it). */
  phase: "read" | "apply";
  write?: boolean;
}

const OPERATIONS: Operation[] = [
  {
    name: "list VNets",
    method: "GET",
    path: /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/?$/i,
    scenario: "sync",
    phase: "read",
  },
  {
    name: "get VNet (scoped snapshot)",
    method: "GET",
    path: /\/virtualNetworks\/[^/]+\/?$/i,
    scenario: "scoped",
    phase: "read",
  },
  {
    name: "get VNet (re-read before create)",
    method: "GET",
    path: /\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/?$/i,
    scenario: "create",
    phase: "apply",
  },
  {
    name: "get peering (re-read before sync)",
    method: "GET",
    path: /\/virtualNetworkPeerings\/[^/]+\/?$/i,
    scenario: "sync",
    phase: "apply",
  },
  {
    name: "PUT peering: sync",
    method: "PUT",
    path: /\/virtualNetworkPeerings\//i,
    scenario: "sync",
    phase: "apply",
    write: true,
  },
  {
    name: "PUT peering: create",
    method: "PUT",
    path: /\/virtualNetworkPeerings\//i,
    scenario: "create",
    phase: "apply",
    write: true,
  },
  {
    name: "PUT peering: reset",
    method: "PUT",
    path: /\/virtualNetworkPeerings\//i,
    scenario: "reset",
    phase: "apply",
    write: true,
  },
  {
    name: "LRO poll (sync)",
    method: "GET",
    path: /\/locations\/[^/]+\/operations\//i,
    scenario: "sync",
    phase: "apply",
  },
  {
    name: "LRO poll (create)",
    method: "GET",
    path: /\/locations\/[^/]+\/operations\//i,
    scenario: "create",
    phase: "apply",
  },
];

interface FaultCase {
  name: string;
  fault: Fault;
  retryable: boolean;
  /** The code the product must report. */
  code: string;
  writesOnly?: boolean;
}

const FAULTS: FaultCase[] = [
  {
    name: "429 throttled with Retry-After",
    fault: { type: "status", status: 429, code: "SubscriptionRequestsThrottled", retryAfterSeconds: 7 },
    retryable: true,
    code: "SubscriptionRequestsThrottled",
  },
  {
    name: "429 RetryableError",
    fault: { type: "status", status: 429, code: "RetryableError" },
    retryable: true,
    code: "RetryableError",
  },
  {
    name: "409 AnotherOperationInProgress",
    fault: { type: "status", status: 409, code: "AnotherOperationInProgress" },
    retryable: true,
    code: "AnotherOperationInProgress",
  },
  {
    name: "500",
    fault: { type: "status", status: 500 },
    retryable: true,
    code: "InternalServerError",
  },
  {
    name: "503",
    fault: { type: "status", status: 503 },
    retryable: true,
    code: "ServiceUnavailable",
  },
  { name: "connection reset", fault: { type: "reset" }, retryable: true, code: "ECONNRESET" },
  {
    name: "hung past the client timeout",
    fault: { type: "delay", seconds: HANG_SECONDS },
    retryable: true,
    code: "RequestTimeout",
  },
  {
    name: "LRO Failed (InternalServerError)",
    fault: { type: "lroFailure", code: "InternalServerError" },
    retryable: true,
    code: "InternalServerError",
    writesOnly: true,
  },
  {
    name: "LRO Failed (terminal)",
    fault: { type: "lroFailure", code: "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet" },
    retryable: false,
    code: "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
    writesOnly: true,
  },
  {
    name: "403 AuthorizationFailed",
    fault: { type: "status", status: 403, code: "AuthorizationFailed" },
    retryable: false,
    code: "AuthorizationFailed",
  },
  {
    name: "404 ResourceNotFound",
    fault: { type: "status", status: 404, code: "ResourceNotFound" },
    retryable: false,
    code: "ResourceNotFound",
  },
  {
    name: "400 ReferencedResourceNotProvisioned",
    fault: { type: "status", status: 400, code: "ReferencedResourceNotProvisioned" },
    retryable: true,
    code: "ReferencedResourceNotProvisioned",
  },
];

const CASES = OPERATIONS.flatMap((op) =>
  FAULTS.filter((f) => !f.writesOnly || op.write).flatMap((f) =>
    (["transient", "persistent"] as const).map((persistence) => ({ op, f, persistence })),
  ),
);

/** Counts the ArmErrors the engine saw from the port: the faults that reached the product. */
function counting(inner: NetworkPort, seen: ArmError[]): NetworkPort {
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args);
      } catch (err) {
        if (err instanceof ArmError) seen.push(err);
        throw err;
      }
    };
  return {
    listVnets: wrap((s) => inner.listVnets(s)),
    getVnet: wrap((id) => inner.getVnet(id)),
    getPeering: wrap((id) => inner.getPeering(id)),
    putPeering: wrap((v, n, b, o) => inner.putPeering(v, n, b, o)),
    deletePeering: wrap((id) => inner.deletePeering(id)),
  };
}

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  expect(rig.emu.internalErrors).toEqual([]);
  await rig?.stop();
});

describe("fault matrix: every ARM operation x every injected fault", () => {
  it.for(CASES.map((c) => [`${c.op.name} / ${c.f.name} / ${c.persistence}`, c] as const))(
    "%s ends converged or untouched and reported",
    async ([, { op, f, persistence }], context) => {
      const t = tally(context, "fault matrix");
      const scenario = buildScenario(rig, op.scenario);
      const before = rig.peerings(scenario.vnets);
      rig.emu.resetCounters();
      rig.sleeps.length = 0;
      const faultId = rig.emu.injectFault({
        method: op.method,
        path: op.path,
        ...(persistence === "transient" ? { count: 1 } : {}),
        fault: f.fault,
      });

      const seen: ArmError[] = [];
      let outcome: ReconcileOutcome | undefined;
      let thrown: unknown;
      try {
        outcome = await rig.run(scenario.policy, {
          request: scenario.request,
          port: (inner) => counting(inner, seen),
          maxAttempts: 3,
        });
      } catch (err) {
        thrown = err;
      }
      rig.emu.removeFault(faultId);
      const faults = f.code === "ResourceNotFound" ? rig.emu.count({ status: 404 }) : seen.length;
      t.add({ cases: 1, faults });
      expect(faults, "the fault never reached the product").toBeGreaterThan(0);
      // A hung write still lands when its delay is over: look at the state after that.
      if (f.fault.type === "delay" && op.write) await waitMs(HANG_REAL_MS + 100);
      // A failed poll leaves the accepted operation running in ARM: judge the state it ends in.
      await rig.settle();

      expect(rig.emu.count({ method: "DELETE" })).toBe(0);
      if (thrown !== undefined) {
        // Only the snapshot read may fail a run as a whole; the queue retries it.
        expect(op.phase).toBe("read");
        expect(thrown).toBeInstanceOf(ArmError);
        expect(isRetryable(thrown as ArmError)).toBe(f.retryable);
        expect((thrown as ArmError).code).toBe(f.code);
        expect(rig.writes()).toBe(0);
      } else {
        for (const { action, result } of outcome!.report.results) {
          if (result.status !== "failed") continue;
          expect(result.error, `${action.kind} ${action.target}`).toMatchObject({
            code: f.code,
            retryable: f.retryable,
          });
        }
        if (f.code === "SubscriptionRequestsThrottled" && outcome!.report.results.length > 0) {
          expect(Math.min(...rig.sleeps.filter((ms) => ms > 0))).toBe(7000);
        }
      }
      const plans: Plan[] = outcome ? [outcome.plan] : [];
      const allowFailedProvisioning = f.fault.type === "lroFailure";
      const after = rig.peerings(scenario.vnets);
      expectNeverWorse(before, after, plans, { allowFailedProvisioning });

      // A transient, retryable fault while applying is absorbed by the engine's retries.
      if (persistence === "transient" && f.retryable && op.phase === "apply" && !allowFailedProvisioning) {
        expect(outcome!.report.results.filter((r) => r.result.status === "failed")).toEqual([]);
        expectConverged(after, scenario.vnets);
      }

      // Recovery: the next run (queue retry, next event or sweep) without faults.
      const recovery = await rig.run(scenario.policy, { request: scenario.request });
      const recovered = rig.peerings(scenario.vnets);
      expectNeverWorse(before, recovered, [...plans, recovery.plan], { allowFailedProvisioning });
      const failed = [...recovered.values()].filter((p) => p.provisioningState === "Failed");
      if (failed.length > 0) {
        // ARM left the peering Failed: reported for a human, never written again.
        expect(allowFailedProvisioning).toBe(true);
        for (const p of failed) {
          expect(recovery.plan.actions).toContainEqual(
            expect.objectContaining({ kind: "alertOnly", problem: "ProvisioningFailed", target: p.id }),
          );
        }
      } else {
        expectConverged(recovered, scenario.vnets);
      }
      rig.emu.resetCounters();
      const idle = await rig.run(scenario.policy, { request: scenario.request });
      expect(idle.report.results.filter((r) => r.result.status === "succeeded")).toEqual([]);
      expect(rig.writes()).toBe(0);
    },
  );
});

describe("a VNet deleted in the middle of a run", () => {
  const cases: Array<{ scenario: ScenarioKind; victim: "hub" | "spoke"; when: string }> = [];
  for (const scenario of ["sync", "create", "reset"] as const)
    for (const victim of ["hub", "spoke"] as const)
      for (const when of ["before the re-read", "between the re-read and the write"])
        cases.push({ scenario, victim, when });

  it.for(cases.map((c) => [`${c.scenario}: ${c.victim} deleted ${c.when}`, c] as const))(
    "%s: nothing written on it, nothing left half-done",
    async ([, { scenario: kind, victim, when }], context) => {
      const t = tally(context, "fault matrix");
      const scenario = buildScenario(rig, kind);
      const [hub, spoke] = scenario.vnets as [string, string];
      const victimId = victim === "hub" ? hub : spoke;
      let deleted = false;
      const deleteOnce = () => {
        if (deleted) return;
        deleted = true;
        rig.emu.seed.deleteVnet(victimId);
      };
      const { report, plan } = await rig.run(scenario.policy, {
        port: (inner) => ({
          ...inner,
          listVnets: (s) => inner.listVnets(s),
          getVnet: async (id) => {
            if (when === "before the re-read") deleteOnce();
            const v = await inner.getVnet(id);
            if (when !== "before the re-read") deleteOnce();
            return v;
          },
          getPeering: async (id) => {
            if (when === "before the re-read") deleteOnce();
            const p = await inner.getPeering(id);
            if (when !== "before the re-read") deleteOnce();
            return p;
          },
          putPeering: (v, n, b, o) => inner.putPeering(v, n, b, o),
          deletePeering: (id) => inner.deletePeering(id),
        }),
      });
      t.add({ cases: 1, faults: 1 });
      expect(deleted).toBe(true);
      for (const { action, result } of report.results) {
        if (result.status === "failed") {
          expect(result.error.retryable, `${action.kind}: ${result.error.code}`).toBe(false);
          expect(["ResourceNotFound", "NotFound", "InvalidGlobalResourceReference"]).toContain(
            result.error.code,
          );
        }
      }
      expect(rig.emu.count({ method: "DELETE" })).toBe(0);
      expect(rig.emu.seed.getVnet(victimId)).toBeUndefined();
      // The survivor's peerings: as they were or better, nothing created on a deleted VNet.
      const survivor = victim === "hub" ? spoke : hub;
      const after = rig.peerings([survivor]);
      for (const p of after.values()) expect(p.settings).toBeDefined();
      expect([...after.values()].filter((p) => p.provisioningState !== "Succeeded")).toEqual([]);
      expect(plan.actions.length).toBeGreaterThan(0);
      // The next run reports the peering to a deleted VNet and writes nothing.
      rig.emu.resetCounters();
      await rig.run(scenario.policy);
      expect(rig.writes()).toBe(0);
    },
  );
});
