import { describe, expect, it } from "vitest";
import { InMemoryAlertStateStore, covers } from "../../../src/alerts/state.js";
import { alertStateContract } from "./alert-state-contract.js";
import { SUB, vnetId } from "./fixtures.js";

alertStateContract("in-memory", async () => new InMemoryAlertStateStore());

describe("covers", () => {
  const peering = `${vnetId("hub")}/virtualNetworkPeerings/hub-to-a`;
  it("treats an empty scope as everything watched", () => expect(covers([], peering)).toBe(true));
  it("matches subscription, resource group and VNet scopes case-insensitively", () => {
    expect(covers([`/subscriptions/${SUB.toUpperCase()}`], peering)).toBe(true);
    expect(covers([`/subscriptions/${SUB}/resourcegroups/RG-NET`], peering)).toBe(true);
    expect(covers([vnetId("hub")], peering)).toBe(true);
  });
  it("does not match a VNet whose name merely starts the same", () => {
    expect(covers([vnetId("hu")], peering)).toBe(false);
    expect(covers([vnetId("spoke")], peering)).toBe(false);
  });
});
