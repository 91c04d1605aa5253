import { EventGridDeserializer } from "@azure/eventgrid";
import { describe, expect, it, vi } from "vitest";
import { reconcileMessageSchema, resyncMessageSchema } from "../../src/app/ports.js";
import { readNetworkEvents } from "../../src/app/resource-event.js";
import { checkResyncRequest } from "../../src/app/resync-request.js";
import { ArmError, isRetryable } from "../../src/reconcile/errors.js";
import { HANG_SECONDS, HANG_TIMEOUT_MS, startRig } from "./support/estate.js";
import { WATCHED, vnetId } from "./support/hostile.js";
import { buildScenario, expectNeverWorse } from "./support/scenarios.js";
import { tally } from "./support/tally.js";

/**
 * The failing cases the reliability suite found, kept one by one (the fixes are in their own commits;
 * the fault matrix and the fuzzers keep covering them broadly).
 */

const hub = vnetId(WATCHED, "rg-net", "hub");
const event = (overrides: Record<string, unknown>) => ({
  specversion: "1.0",
  id: "4db48cba-50a2-455a-93b4-de41a3b5b7f6",
  source: `/subscriptions/${WATCHED}`,
  subject: hub,
  type: "Microsoft.Resources.ResourceWriteSuccess",
  time: "2026-11-22T10:00:00Z",
  data: { operationName: "Microsoft.Network/virtualNetworks/write", resourceUri: hub },
  ...overrides,
});

describe("regressions", () => {
  it("a hung ARM request ends as a retryable RequestTimeout instead of hanging the Function", async (context) => {
    const t = tally(context, "regressions");
    const rig = await startRig({ port: { requestTimeoutMs: HANG_TIMEOUT_MS } });
    try {
      const scenario = buildScenario(rig, "sync");
      rig.emu.injectFault({
        method: "GET",
        path: /virtualNetworks\/?$/i,
        fault: { type: "delay", seconds: HANG_SECONDS * 10 },
      });
      // The hung answer would be a success: RequestTimeout proves the client cut the request off
      // rather than waiting for it (a run that hung would fail on the test timeout). No wall-clock
      // bound, which a loaded machine could break.
      const error = await rig.run(scenario.policy).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ArmError);
      expect((error as ArmError).code).toBe("RequestTimeout");
      expect(isRetryable(error as ArmError)).toBe(true);
      t.add({ cases: 1, faults: 1 });
    } finally {
      await rig.stop();
    }
  });

  it("a write whose long-running operation never ends is abandoned as a retryable OperationTimedOut, nothing lost", async (context) => {
    const t = tally(context, "regressions");
    // Operations take 1000 emulated seconds (10 s); the adapter gives them 300 ms.
    const rig = await startRig({ emulator: { lroDurationSeconds: 1000 }, port: { operationTimeoutMs: 300 } });
    try {
      const scenario = buildScenario(rig, "sync");
      const before = rig.peerings(scenario.vnets);
      const { report, plan } = await rig.run(scenario.policy, { maxAttempts: 1 });
      expect(report.results.map((r) => r.result)).toEqual([
        { status: "failed", error: expect.objectContaining({ code: "OperationTimedOut", retryable: true }) },
      ]);
      // ARM still runs it: the peering is Updating, with every setting as it was.
      const after = rig.peerings(scenario.vnets);
      for (const [id, p] of before) expect(after.get(id)?.settings).toEqual(p.settings);
      expect([...after.values()].some((p) => p.provisioningState === "Updating")).toBe(true);
      // The next run leaves a write in flight alone.
      rig.emu.resetCounters();
      await rig.run(scenario.policy);
      expect(rig.writes()).toBe(0);
      expect(plan.actions).toHaveLength(1);
      expectNeverWorse(
        before,
        new Map([...after].map(([k, v]) => [k, { ...v, provisioningState: "Succeeded" as const }])),
        [plan],
      );
      t.add({ cases: 1, faults: 1 });
    } finally {
      await rig.stop();
    }
  });

  it("a write whose long-running operation ends Failed reports ARM's code, and a terminal one is not retried", async (context) => {
    const t = tally(context, "regressions");
    // core-lro throws a plain Error with the code only in its message: it was read as a retryable
    // 500 UnknownError, retried, and the retry reported "skipped" without the code.
    const rig = await startRig();
    try {
      for (const kind of ["sync", "create"] as const) {
        const scenario = buildScenario(rig, kind);
        rig.emu.resetCounters();
        const fault = rig.emu.injectFault({
          method: "PUT",
          fault: { type: "lroFailure", code: "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet" },
        });
        const { report } = await rig.run(scenario.policy, { maxAttempts: 3 });
        rig.emu.removeFault(fault);
        expect(
          report.results.map((r) => r.result),
          kind,
        ).toEqual([
          {
            status: "failed",
            error: {
              code: "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
              message: expect.not.stringContaining("long-running operation"),
              retryable: false,
            },
          },
        ]);
        expect(rig.emu.count({ method: "PUT" }), `${kind}: PUTs`).toBe(1);
        t.add({ cases: 1, faults: 1 });
      }
    } finally {
      await rig.stop();
    }
  });

  it("a create retried after its operation failed says the peering back is Failed, not that it already exists", async (context) => {
    const t = tally(context, "regressions");
    const rig = await startRig();
    try {
      const scenario = buildScenario(rig, "create");
      const fault = rig.emu.injectFault({
        method: "PUT",
        fault: { type: "lroFailure", code: "InternalServerError" },
      });
      const { report } = await rig.run(scenario.policy, { maxAttempts: 3 });
      rig.emu.removeFault(fault);
      // The retry finds the half the first attempt wrote, Failed: never written again, and said so.
      expect(report.results.map((r) => r.result)).toEqual([
        {
          status: "skipped",
          why: "the peering back hub-to-spoke: its provisioning failed since the plan: a person must look at it",
        },
      ]);
      expect(rig.emu.count({ method: "PUT" })).toBe(1);
      t.add({ cases: 1, faults: 1 });
    } finally {
      await rig.stop();
    }
  });

  it("a 1 MB string as an event's data is refused by name at once (the SDK deserializer spent seconds on it)", async (context) => {
    const t = tally(context, "regressions");
    for (const schema of ["CloudEvents", "EventGrid"] as const) {
      const big = "y".repeat(1_000_000);
      const input =
        schema === "CloudEvents"
          ? event({ data: big })
          : {
              id: "x",
              topic: "/t",
              subject: hub,
              eventType: "Microsoft.Resources.ResourceWriteSuccess",
              eventTime: "2026-11-22T10:00:00Z",
              data: big,
              dataVersion: "",
              metadataVersion: "1",
            };
      // "At once" means before the SDK deserializer sees it (it spent seconds on such a string):
      // checked by watching the deserializer, not the clock, which a loaded machine would break.
      const cloud = vi.spyOn(EventGridDeserializer.prototype, "deserializeCloudEvents");
      const grid = vi.spyOn(EventGridDeserializer.prototype, "deserializeEventGridEvents");
      const [verdict] = await readNetworkEvents(input, [WATCHED]);
      expect(verdict).toMatchObject({ kind: "malformed", field: "data" });
      expect(cloud).not.toHaveBeenCalled();
      expect(grid).not.toHaveBeenCalled();
      cloud.mockRestore();
      grid.mockRestore();
      t.add({ cases: 1 });
    }
  });

  it("an event id longer than 256 characters is malformed, not a reconcile the queue would then drop", async (context) => {
    const t = tally(context, "regressions");
    expect(await readNetworkEvents(event({ id: "z".repeat(257) }), [WATCHED])).toEqual([
      { kind: "malformed", field: "id", reason: "is longer than 256 characters" },
    ]);
    expect((await readNetworkEvents(event({ id: "z".repeat(256) }), [WATCHED]))[0]!.kind).toBe("change");
    t.add({ cases: 2 });
  });

  it("ids with '..', encoded slashes, spaces or control characters never become a reconcile, a queued message or a scope", async (context) => {
    const t = tally(context, "regressions");
    for (const name of ["..", ".", "hub%2F..", "hub\nforged", " hub", "hub.", "a/../b"]) {
      const id = `/subscriptions/${WATCHED}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;
      const [verdict] = await readNetworkEvents(event({ subject: id }), [WATCHED]);
      expect(verdict, name).toMatchObject({ kind: "malformed", field: "subject" });
      const peering = await readNetworkEvents(
        event({
          subject: `${hub}/virtualNetworkPeerings/${name}`,
          data: { operationName: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write" },
        }),
        [WATCHED],
      );
      expect(peering[0], `peering ${name}`).toMatchObject({ kind: "malformed", field: "subject" });
      expect(
        reconcileMessageSchema.safeParse({
          vnetId: id,
          cause: "event",
          correlationId: "c",
          enqueuedAt: "2026-11-22T10:00:00.000Z",
        }).success,
        name,
      ).toBe(false);
      expect(
        resyncMessageSchema.safeParse({
          runId: "6f1f4f9e-0000-4000-8000-000000000001",
          scope: [id],
          correlationId: "c",
        }).success,
      ).toBe(false);
      expect(checkResyncRequest({ scope: [id], dryRun: true }, [WATCHED])).toMatchObject({
        ok: false,
        field: "scope[0]",
      });
      t.add({ cases: 5 });
    }
    // ...while ARM's own names still pass: dots, underscores, parentheses in resource groups.
    const odd = `/subscriptions/${WATCHED}/resourceGroups/rg.(prod)_1/providers/Microsoft.Network/virtualNetworks/v.n-e_t`;
    expect((await readNetworkEvents(event({ subject: odd }), [WATCHED]))[0]!.kind).toBe("change");
    expect(checkResyncRequest({ scope: [odd], dryRun: true }, [WATCHED]).ok).toBe(true);
  });

  it("a one-character VNet name (ARM's are 2 to 64) never becomes a reconcile, a queued message or a scope", async (context) => {
    const t = tally(context, "regressions");
    // Found by 10,000 resync-runs messages: a one-character name in a scope reached a getVnet URL.
    // A peering's name may have one character.
    const short = vnetId(WATCHED, "rg-net", "h");
    expect((await readNetworkEvents(event({ subject: short }), [WATCHED]))[0]).toMatchObject({
      kind: "malformed",
      field: "subject",
    });
    expect(
      resyncMessageSchema.safeParse({
        runId: "6f1f4f9e-0000-4000-8000-000000000001",
        scope: [short],
        correlationId: "c",
      }).success,
    ).toBe(false);
    expect(checkResyncRequest({ scope: [short], dryRun: true }, [WATCHED])).toMatchObject({
      ok: false,
      field: "scope[0]",
    });
    expect(
      reconcileMessageSchema.safeParse({
        vnetId: short,
        cause: "event",
        correlationId: "c",
        enqueuedAt: "2026-11-22T10:00:00.000Z",
      }).success,
    ).toBe(false);
    const twoChars = vnetId(WATCHED, "rg-net", "h1");
    expect((await readNetworkEvents(event({ subject: twoChars }), [WATCHED]))[0]!.kind).toBe("change");
    expect(
      (
        await readNetworkEvents(
          event({
            subject: `${hub}/virtualNetworkPeerings/p`,
            data: { operationName: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write" },
          }),
          [WATCHED],
        )
      )[0]!.kind,
    ).toBe("change");
    t.add({ cases: 6 });
  });
});
