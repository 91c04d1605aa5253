import { describe, expect, it } from "vitest";
import { checkResyncRequest } from "../../../src/events/resync-request.js";

const SUB = "11111111-2222-3333-4444-555555555555";
const OTHER = "99999999-2222-3333-4444-555555555555";
const VNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub`;
const check = (body: unknown) => checkResyncRequest(body, [SUB]);

describe("POST /api/resync body", () => {
  it("accepts subscription, resource group and VNet ids inside the watched subscriptions", () => {
    const result = check({
      scope: [`/subscriptions/${SUB}`, `/subscriptions/${SUB}/resourceGroups/rg-net`, VNET],
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
    expect(check({ scope: [VNET, VNET, `/subscriptions/${OTHER}`] })).toEqual({
      ok: false,
      field: "scope[2]",
      message: "is outside the watched subscriptions",
    });
  });

  it("names the index of an id that is not a subscription, resource group or VNet id", () => {
    const peering = `${VNET}/virtualNetworkPeerings/p`;
    expect(check({ scope: [VNET, peering] })).toMatchObject({ ok: false, field: "scope[1]" });
    expect(check({ scope: ["hub"] })).toMatchObject({ ok: false, field: "scope[0]" });
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
    expect(check({})).toEqual({ ok: false, field: "scope", message: "is required" });
    expect(check({ scope: [] })).toMatchObject({ ok: false, field: "scope" });
    expect(check({ scope: [42] })).toMatchObject({
      ok: false,
      field: "scope[0]",
      message: "must be a string",
    });
    expect(check([])).toEqual({ ok: false, field: "body", message: "must be a JSON object" });
  });

  it("does not quote the watched subscriptions in its messages", () => {
    const result = check({ scope: [`/subscriptions/${OTHER}`] });
    expect(JSON.stringify(result)).not.toContain(SUB);
  });
});
