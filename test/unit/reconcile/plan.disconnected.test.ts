import { describe, expect, it } from "vitest";
import { plan } from "../../../src/reconcile/plan.js";
import type { Peering, Vnet } from "../../../src/reconcile/types.js";
import { SUB_OTHER, connectedPair, peering, policy, snapshot, vnet } from "../../support/builders.js";

/** a -> b left Disconnected because b's half (or b itself) was deleted. */
function disconnected(bOptions: Parameters<typeof vnet>[1] = {}): { a: Vnet; b: Vnet; ab: Peering } {
  const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
  const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"], ...bOptions });
  const ab = peering(a, b, { state: "Disconnected" });
  return { a, b, ab };
}

describe("plan: Disconnected", () => {
  it("reports a Disconnected peering when repair is off", () => {
    const { a, b, ab } = disconnected();

    const actions = plan(snapshot([a, b]), policy({ repairDisconnected: false })).actions;

    expect(actions).toEqual([
      {
        kind: "alertOnly",
        id: `alert:Disconnected:${ab.id.toLowerCase()}`,
        target: ab.id,
        vnetId: a.id,
        problem: "Disconnected",
        remoteVnetId: b.id,
        reason:
          "a-to-b on a is Disconnected: its other half on b was deleted (or b was deleted and re-created). No traffic flows between a and b.",
        remedy:
          "Re-PUT a-to-b on a (back to Initiated), then re-create its other half on b; or delete a-to-b. With REPAIR_DISCONNECTED=true (CLI --repair-disconnected), vnet-peering-sync does both.",
      },
    ]);
  });

  it("when both halves are Disconnected, asks to delete the far one first (Azure refuses to re-PUT against a Disconnected partner)", () => {
    const { a, b } = disconnected();
    peering(b, a, { state: "Disconnected" });

    const alert = plan(snapshot([a, b]), policy({ repairDisconnected: false })).actions.find(
      (x) => x.kind === "alertOnly" && x.target.endsWith("/a-to-b"),
    );

    expect(alert?.reason).toContain("the peering back, b-to-a on b, is Disconnected too");
    expect(alert?.kind === "alertOnly" && alert.remedy).toBe(
      "Delete b-to-a on b and re-PUT a-to-b on a, then re-create the peering back; or delete both.",
    );
  });

  it("says the remote VNet is gone when repair is off and it no longer exists", () => {
    const { a, ab } = disconnected();

    const actions = plan(snapshot([a]), policy()).actions;

    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ problem: "Disconnected", target: ab.id });
    expect(actions[0]!.reason).toContain("b no longer exists");
  });

  it("resets the peering and then creates the other half when repair is on", () => {
    const { a, b, ab } = disconnected();

    const actions = plan(snapshot([a, b]), policy({ repairDisconnected: true })).actions;

    expect(actions.map((x) => x.kind)).toEqual(["resetDisconnected", "createReciprocal"]);
    const [reset, create] = actions;
    expect(reset).toEqual({
      kind: "resetDisconnected",
      id: `reset:${ab.id.toLowerCase()}`,
      target: ab.id,
      vnetId: a.id,
      remoteVnetId: b.id,
      reason:
        "a-to-b on a is Disconnected: its other half on b was deleted. Re-PUTting it puts it back to Initiated so the other half can be created.",
    });
    expect(create).toMatchObject({
      kind: "createReciprocal",
      vnetId: b.id,
      name: "b-to-a",
      mirrorOf: ab.id,
      dependsOn: reset!.id,
      body: { remoteVnetId: a.id },
    });
  });

  it("only resets when the other VNet still has its half pointing back", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"] });
    const [ab] = connectedPair(a, b, { ab: { state: "Disconnected" } });

    const actions = plan(snapshot([a, b]), policy({ repairDisconnected: true })).actions;

    expect(actions.map((x) => [x.kind, x.target])).toEqual([["resetDisconnected", ab.id]]);
  });

  it("resets both halves, one after the other, when both are Disconnected", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"] });
    const [ab, ba] = connectedPair(a, b, { ab: { state: "Disconnected" }, ba: { state: "Disconnected" } });

    const actions = plan(snapshot([b, a]), policy({ repairDisconnected: true })).actions;

    expect(actions.map((x) => [x.kind, x.target, x.dependsOn])).toEqual([
      ["resetDisconnected", ab.id, undefined],
      ["resetDisconnected", ba.id, `reset:${ab.id.toLowerCase()}`],
    ]);
  });

  it("only reports when the remote VNet no longer exists", () => {
    const { a, ab } = disconnected();

    const actions = plan(snapshot([a]), policy({ repairDisconnected: true })).actions;

    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: "alertOnly", problem: "PeerVnetMissing", target: ab.id });
    expect(actions[0]!.reason).toContain("Disconnected because b no longer exists");
  });

  it("only reports when the remote VNet is out of scope", () => {
    const { a, b, ab } = disconnected({ subscriptionId: SUB_OTHER });

    const actions = plan(snapshot([a]), policy({ repairDisconnected: true })).actions;

    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      kind: "alertOnly",
      problem: "PeerOutOfScope",
      target: ab.id,
      remoteVnetId: b.id,
    });
  });

  it("only reports when the remote VNet's subscription cannot be read", () => {
    const { a, ab } = disconnected({ subscriptionId: SUB_OTHER });

    const actions = plan(snapshot([a], [SUB_OTHER]), policy({ repairDisconnected: true })).actions;

    expect(actions.map((x) => [x.kind, (x as { problem?: string }).problem, x.target])).toEqual([
      ["alertOnly", "PeerInaccessible", ab.id],
    ]);
  });

  it("writes nothing when the other half could not be re-created, and says why", () => {
    const { a, b, ab } = disconnected({ addressPrefixes: ["10.1.0.0/24"] });

    const actions = plan(snapshot([a, b]), policy({ repairDisconnected: true })).actions;

    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: "alertOnly", problem: "AddressSpaceOverlap", target: ab.id });
    expect(actions[0]!.reason).toContain(
      "a-to-b on a is Disconnected and its other half on b cannot be re-created",
    );
  });
});
