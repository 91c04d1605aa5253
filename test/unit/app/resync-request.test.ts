import { describe, expect, it } from "vitest";
import {
  checkResyncRequest,
  narrowedRepair,
  refuseBeyondPolicy,
  type ResyncRequest,
} from "../../../src/app/resync-request.js";
import type { Policy } from "../../../src/reconcile/types.js";
import { BASE_POLICY } from "../../support/builders.js";

const SUB = "11111111-2222-3333-4444-555555555555";
const OTHER = "99999999-2222-3333-4444-555555555555";
const VNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub`;
const check = (body: unknown) => checkResyncRequest(body, [SUB]);

describe("POST /api/resync body", () => {
  it("accepts subscription, resource group and VNet ids inside the watched subscriptions", () => {
    const result = check({
      scope: [`/subscriptions/${SUB}`, `/subscriptions/${SUB}/resourceGroups/rg-net`, VNET],
      dryRun: false,
    });
    expect(result).toEqual({
      ok: true,
      request: {
        scope: [`/subscriptions/${SUB}`, `/subscriptions/${SUB}/resourceGroups/rg-net`, VNET],
        dryRun: false,
      },
    });
  });

  it("keeps dryRun and repairDisconnected", () => {
    expect(check({ scope: [VNET], dryRun: true, repairDisconnected: true })).toMatchObject({
      ok: true,
      request: { dryRun: true, repairDisconnected: true },
    });
  });

  it("names the index of an id outside the watched subscriptions", () => {
    expect(check({ scope: [VNET, VNET, `/subscriptions/${OTHER}`], dryRun: true })).toEqual({
      ok: false,
      field: "scope[2]",
      message: "is outside the watched subscriptions",
    });
  });

  it("names the index of an id that is not a subscription, resource group or VNet id", () => {
    const peering = `${VNET}/virtualNetworkPeerings/p`;
    expect(check({ scope: [VNET, peering], dryRun: true })).toMatchObject({ ok: false, field: "scope[1]" });
    expect(check({ scope: ["hub"], dryRun: true })).toMatchObject({ ok: false, field: "scope[0]" });
  });

  it("requires dryRun, naming it and saying that a forgotten field never writes", () => {
    for (const body of [{ scope: [VNET] }, { scope: [VNET], repairDisconnected: false }]) {
      const result = check(body);
      expect(result).toMatchObject({ ok: false, field: "dryRun" });
      expect(!result.ok && result.message).toMatch(/^is required: .*never writes/);
    }
    expect(check({ scope: [VNET], dryRun: null })).toEqual({
      ok: false,
      field: "dryRun",
      message: "must be a boolean",
    });
  });

  it("refuses unknown fields by name (a typo must not turn a dry run into an apply)", () => {
    expect(check({ scope: [VNET], dryrun: true })).toEqual({
      ok: false,
      field: "dryrun",
      message: "is not a known field",
    });
  });

  it("refuses wrong types, a missing or empty scope, and non-objects", () => {
    expect(check({ scope: [VNET], dryRun: "yes" })).toEqual({
      ok: false,
      field: "dryRun",
      message: "must be a boolean",
    });
    expect(check({ dryRun: true })).toEqual({ ok: false, field: "scope", message: "is required" });
    expect(check({ scope: [] })).toMatchObject({ ok: false, field: "scope" });
    expect(check({ scope: [42] })).toMatchObject({
      ok: false,
      field: "scope[0]",
      message: "must be a string",
    });
    expect(check([])).toEqual({ ok: false, field: "body", message: "must be a JSON object" });
  });

  it("does not quote the watched subscriptions in its messages", () => {
    const result = check({ scope: [`/subscriptions/${OTHER}`], dryRun: true });
    expect(JSON.stringify(result)).not.toContain(SUB);
  });
});

const POLICY: Policy = { ...BASE_POLICY, watchedSubscriptions: [SUB] };
const request = (over: Partial<ResyncRequest>): ResyncRequest => ({ scope: [VNET], dryRun: false, ...over });

describe("a resync request may only narrow the configured policy", () => {
  it("refuses repairDisconnected: true when REPAIR_DISCONNECTED is off, naming the field and the rule", () => {
    for (const dryRun of [true, false]) {
      const refusal = refuseBeyondPolicy(request({ dryRun, repairDisconnected: true }), POLICY);
      expect(refusal?.field).toBe("repairDisconnected");
      expect(refusal?.message).toMatch(/REPAIR_DISCONNECTED is off.*only narrow the configured policy/);
    }
  });

  it("lets repairDisconnected be asked for where the setting allows it, and turned off where it is on", () => {
    const repairing = { ...POLICY, repairDisconnected: true };
    expect(refuseBeyondPolicy(request({ repairDisconnected: true }), repairing)).toBeUndefined();
    expect(refuseBeyondPolicy(request({ repairDisconnected: false }), repairing)).toBeUndefined();
    expect(refuseBeyondPolicy(request({ repairDisconnected: false }), POLICY)).toBeUndefined();
    expect(refuseBeyondPolicy(request({}), POLICY)).toBeUndefined();
  });

  it("refuses a writing run while REPORT_ONLY is on, and accepts the dry run (report-only asked for)", () => {
    const reportOnly = { ...POLICY, reportOnly: true };
    const refusal = refuseBeyondPolicy(request({ dryRun: false }), reportOnly);
    expect(refusal?.field).toBe("dryRun");
    expect(refusal?.message).toMatch(/REPORT_ONLY is on.*never lift it.*dryRun: true/);
    expect(refuseBeyondPolicy(request({ dryRun: true }), reportOnly)).toBeUndefined();
  });

  it("narrows a queued run's repairDisconnected to what the setting allows", () => {
    expect(narrowedRepair(true, POLICY)).toBe(false);
    expect(narrowedRepair(true, { ...POLICY, repairDisconnected: true })).toBe(true);
    expect(narrowedRepair(false, { ...POLICY, repairDisconnected: true })).toBe(false);
    expect(narrowedRepair(undefined, POLICY)).toBeUndefined();
  });
});
