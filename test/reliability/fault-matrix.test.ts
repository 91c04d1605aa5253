import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fault } from "../../emulator/index.js";
import { ArmError, isRetryable } from "../../src/reconcile/errors.js";
import type { NetworkPort } from "../../src/reconcile/port.js";
import type { ReconcileOutcome } from "../../src/reconcile/run.js";
import { subscriptionOf } from "../../src/reconcile/ids.js";
import type { ActionResult, AppliedAction, Plan } from "../../src/reconcile/types.js";
import { HANG_REAL_MS, HANG_SECONDS, HANG_TIMEOUT_MS, startRig, waitMs, type Rig } from "./support/estate.js";
import {
  buildScenario,
  expectConverged,
  expectNeverWorse,
  type Scenario,
  type ScenarioKind,
} from "./support/scenarios.js";
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
  /** The request the fault targets; a function when it names the scenario's own subscription. */
  path: RegExp | ((scenario: Scenario) => RegExp);
  scenario: ScenarioKind;
  /** "read": the snapshot read before planning (a failure fails the run: the queue retries it). */
  phase: "read" | "apply";
  write?: boolean;
  /** Matching requests let through before the fault fires (the first page of a listing). */
  skip?: number;
  /** Runs on the rig whose emulator pages VNet listings one VNet a page, with a third VNet. */
  paged?: boolean;
  /** An LRO status poll: the write was accepted, so a retry may find it done (converged, not reported). */
  poll?: boolean;
}

const subscriptionPath = (vnetId: string) =>
  new RegExp(
    `^/subscriptions/${subscriptionOf(vnetId)!}/providers/Microsoft\\.Network/virtualNetworks/?$`,
    "i",
  );

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
    name: "list VNets (second page)",
    method: "GET",
    path: (scenario) => subscriptionPath(scenario.vnets[0]!),
    skip: 1,
    paged: true,
    scenario: "sync",
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
    // The first peering GET of a create is the half it mirrors (the next, the write's poll).
    name: "get peering (the mirrored half, before create)",
    method: "GET",
    path: /\/virtualNetworkPeerings\/[^/]+\/?$/i,
    scenario: "create",
    phase: "apply",
  },
  {
    // The reset runs first (the reciprocal depends on it): its re-read is the first peering GET.
    name: "get peering (re-read before reset)",
    method: "GET",
    path: /\/virtualNetworkPeerings\/[^/]+\/?$/i,
    scenario: "reset",
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
    // A write's poll is a GET of the peering (docs/azure-behaviour.md#long-running-operations); the
    // one peering GET before it is the re-read.
    name: "LRO poll (sync)",
    method: "GET",
    path: /\/virtualNetworkPeerings\/[^/]+\/?$/i,
    skip: 1,
    scenario: "sync",
    phase: "apply",
    poll: true,
  },
  {
    // A write's poll is a GET of the peering (docs/azure-behaviour.md#long-running-operations); the
    // one peering GET before it is the mirrored half.
    name: "LRO poll (create)",
    method: "GET",
    path: /\/virtualNetworkPeerings\/[^/]+\/?$/i,
    skip: 1,
    scenario: "create",
    phase: "apply",
    poll: true,
  },
  {
    // A write's poll is a GET of the peering (docs/azure-behaviour.md#long-running-operations); the
    // one peering GET before it is the re-read.
    name: "LRO poll (reset)",
    method: "GET",
    path: /\/virtualNetworkPeerings\/[^/]+\/?$/i,
    skip: 1,
    scenario: "reset",
    phase: "apply",
    poll: true,
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
  };
}

let mainRig: Rig;
/** VNet listings come one VNet a page: a subscription with two VNets is listed in two pages. */
let pagedRig: Rig;
/** The same two with a short request timeout, for the hang faults only (see HANG_TIMEOUT_MS). */
let hangRig: Rig;
let pagedHangRig: Rig;
beforeAll(async () => {
  const hang = { port: { requestTimeoutMs: HANG_TIMEOUT_MS } };
  [mainRig, pagedRig, hangRig, pagedHangRig] = await Promise.all([
    startRig(),
    startRig({ emulator: { pageSize: 1 } }),
    startRig(hang),
    startRig({ emulator: { pageSize: 1 }, ...hang }),
  ]);
});
afterAll(async () => {
  const rigs = [mainRig, pagedRig, hangRig, pagedHangRig];
  for (const r of rigs) expect(r.emu.internalErrors).toEqual([]);
  await Promise.all(rigs.map((r) => r?.stop()));
});

/** The scenario, with a third VNet beside the hub on the paged rig so the hub's listing has a second page. */
function scenarioFor(r: Rig, op: Operation): Scenario {
  const scenario = buildScenario(r, op.scenario);
  if (op.paged) {
    r.emu.seed.vnet({
      subscriptionId: subscriptionOf(scenario.vnets[0]!)!,
      resourceGroup: "rg-hub",
      name: "bystander",
      addressPrefixes: ["10.9.0.0/16"],
    });
  }
  return scenario;
}

/**
 * How a fault that fires on every attempt of an action is reported: the action failed with the
 * fault's code and retryable flag, or was skipped naming why (a 404 on a re-read: the resource "no
 * longer exists"; an LRO that ended Failed: the re-read before the retry finds the peering Failed).
 */
function reportedFault(f: FaultCase, { result }: AppliedAction): boolean {
  if (result.status === "failed")
    return result.error.code === f.code && result.error.retryable === f.retryable;
  if (result.status !== "skipped") return false;
  if (f.code === "ResourceNotFound") return /no longer exists/.test(result.why);
  if (f.fault.type === "lroFailure") return /provisioning failed/.test(result.why);
  return false;
}

const show = (results: AppliedAction[]) =>
  JSON.stringify(results.map((r) => ({ kind: r.action.kind, ...(r.result as ActionResult) })));

describe("fault matrix: every ARM operation x every injected fault", () => {
  it("the paged rig lists the hub's subscription in two pages (the second page is a request of its own)", async (context) => {
    tally(context, "fault matrix").add({ cases: 1 });
    const scenario = scenarioFor(
      pagedRig,
      OPERATIONS.find((op) => op.paged)!,
    );
    pagedRig.emu.resetCounters();
    const vnets = await pagedRig.port.listVnets(subscriptionOf(scenario.vnets[0]!)!);
    expect(vnets.map((v) => v.name).sort()).toEqual(["bystander", "hub"]);
    expect(pagedRig.emu.count({ method: "GET", kind: "virtualNetworkList" })).toBe(2);
  });

  it.for(CASES.map((c) => [`${c.op.name} / ${c.f.name} / ${c.persistence}`, c] as const))(
    "%s ends converged or untouched and reported",
    async ([, { op, f, persistence }], context) => {
      const t = tally(context, "fault matrix");
      const hangs = f.fault.type === "delay";
      const rig = op.paged ? (hangs ? pagedHangRig : pagedRig) : hangs ? hangRig : mainRig;
      const scenario = scenarioFor(rig, op);
      const before = rig.peerings(scenario.vnets);
      rig.emu.resetCounters();
      rig.sleeps.length = 0;
      const faultId = rig.emu.injectFault({
        method: op.method,
        path: typeof op.path === "function" ? op.path(scenario) : op.path,
        ...(op.skip !== undefined ? { skip: op.skip } : {}),
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
        const results = outcome!.report.results;
        for (const { action, result } of results) {
          if (result.status !== "failed") continue;
          expect(result.error, `${action.kind} ${action.target}`).toMatchObject({
            code: f.code,
            retryable: f.retryable,
          });
        }
        if (f.code === "SubscriptionRequestsThrottled" && results.length > 0) {
          expect(Math.min(...rig.sleeps.filter((ms) => ms > 0))).toBe(7000);
        }
        if (op.phase === "read") {
          // A read fault that does not fail the run is one the snapshot records: a 403 marks the
          // subscription inaccessible (its VNets are reported, never written), a 404 is a VNet that
          // is gone (nothing planned on it).
          expect(["AuthorizationFailed", "ResourceNotFound"], `${f.code} did not fail the run`).toContain(
            f.code,
          );
          const denied = outcome!.snapshot.inaccessibleSubscriptions;
          if (f.code === "AuthorizationFailed") expect(denied).not.toEqual([]);
          else expect(outcome!.snapshot.vnets.length).toBeLessThan(scenario.vnets.length);
          const written = Object.keys(rig.emu.counters().writesByResource);
          expect(written.filter((id) => denied.includes(subscriptionOf(id)!))).toEqual([]);
        } else if (persistence === "persistent") {
          // Every attempt met the fault: the run says so. Unless ARM accepted the write before the
          // fault (a failed poll, a write answered after the client gave up): the write lands and
          // the retry's re-read finds the work done.
          const landed = op.poll || (op.write && f.fault.type === "delay");
          if (landed && results.every((r) => r.result.status !== "failed")) {
            expectConverged(rig.peerings(scenario.vnets), scenario.vnets);
          } else {
            expect(
              results.filter((r) => reportedFault(f, r)),
              `the fault is not reported: ${show(results)}`,
            ).not.toEqual([]);
          }
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
      const rig = mainRig;
      const scenario = buildScenario(rig, kind);
      const [hub, spoke] = scenario.vnets as [string, string];
      const victimId = victim === "hub" ? hub : spoke;
      const survivor = victim === "hub" ? spoke : hub;
      const before = rig.peerings([survivor]);
      // The survivor's peerings as the deletion left them (Azure disconnects a peering whose remote
      // VNet is deleted): the baseline the rest of the run may only improve on.
      let atDeletion: typeof before | undefined;
      const deleteOnce = () => {
        if (atDeletion) return;
        rig.emu.seed.deleteVnet(victimId);
        atDeletion = rig.peerings([survivor]);
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
        }),
      });
      t.add({ cases: 1, faults: 1 });
      expect(atDeletion, "the VNet was deleted during the run").toBeDefined();
      expect(plan.actions.length).toBeGreaterThan(0);
      for (const { action, result } of report.results) {
        if (result.status === "failed") {
          expect(result.error.retryable, `${action.kind}: ${result.error.code}`).toBe(false);
          expect(["ResourceNotFound", "NotFound", "InvalidGlobalResourceReference"]).toContain(
            result.error.code,
          );
        }
      }
      expect(rig.emu.count({ method: "DELETE" })).toBe(0);
      // The survivor's peerings: every user setting as before the run, nothing worse than the deletion
      // left it, nothing created on it towards the deleted VNet.
      const after = rig.peerings([survivor]);
      expect([...after.keys()].sort(), "peerings of the survivor").toEqual([...before.keys()].sort());
      for (const [id, p] of before) expect(after.get(id)?.settings, `settings of ${id}`).toEqual(p.settings);
      expectNeverWorse(atDeletion!, after, [plan]);
      // The next run reports the peering to a deleted VNet and writes nothing.
      rig.emu.resetCounters();
      await rig.run(scenario.policy);
      expect(rig.writes()).toBe(0);
      expect(rig.peerings([survivor])).toEqual(after);
    },
  );
});
