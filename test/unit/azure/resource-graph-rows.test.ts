import { describe, expect, it } from "vitest";
import { RESOURCE_GRAPH_QUERY as EMULATED_QUERY } from "../../../emulator/index.js";
import { RESOURCE_GRAPH_QUERY, parseHms, rowsOf } from "../../../src/azure/arm/resource-graph-inventory.js";
import { ArmError } from "../../../src/reconcile/errors.js";

/**
 * Resource Graph's rows are untrusted input (src/azure/arm/resource-graph-inventory.ts): a row that
 * does not parse fails its query, naming the field, and its subscriptions are listed through ARM.
 */
const SUB = "00000000-0000-4000-8000-0000000000a1";
const id = (name: string, sub = SUB) =>
  `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${name}`;
const subs = new Set([SUB]);
const peering = (over: Record<string, unknown> = {}) => ({
  name: "a-to-b",
  properties: {
    remoteVirtualNetwork: { id: id("vb") },
    peeringState: "Connected",
    peeringSyncLevel: "LocalNotInSync",
    ...over,
  },
});

function refusal(data: unknown): string {
  try {
    rowsOf(data, subs);
  } catch (err) {
    expect(err).toBeInstanceOf(ArmError);
    expect((err as ArmError).code).toBe("InvalidResourceGraphAnswer");
    return (err as ArmError).message;
  }
  throw new Error("expected a refusal");
}

describe("Resource Graph rows", () => {
  it("become compact VNets: id and, per peering, name, remote, state and sync level", () => {
    expect(
      rowsOf(
        [
          { id: id("va"), subscriptionId: SUB, peerings: [peering()] },
          { id: id("vb"), peerings: null },
        ],
        subs,
      ),
    ).toEqual([
      {
        id: id("va"),
        peerings: [
          { name: "a-to-b", remoteVnetId: id("vb"), state: "Connected", syncLevel: "LocalNotInSync" },
        ],
      },
      { id: id("vb"), peerings: [] },
    ]);
  });

  it("read absent state and sync level as the ARM port does", () => {
    const [row] = rowsOf(
      [{ id: id("va"), peerings: [{ name: "p", properties: { remoteVirtualNetwork: { id: id("vb") } } }] }],
      subs,
    );
    expect(row!.peerings[0]).toMatchObject({ state: "Initiated", syncLevel: "FullyInSync" });
  });

  it("refuse what does not parse, naming the field", () => {
    expect(refusal({ rows: [] })).toContain("data is not an array");
    expect(refusal([{ id: "/subscriptions/x" }])).toContain("data[0].id");
    expect(refusal([{ id: id("va", "00000000-0000-4000-8000-0000000000ff") }])).toContain(
      "data[0].id lies in a subscription the query did not name",
    );
    expect(refusal([{ id: id("va"), peerings: {} }])).toContain("data[0].peerings is not an array");
    expect(
      refusal([{ id: id("va"), peerings: [peering({ remoteVirtualNetwork: { id: "elsewhere" } })] }]),
    ).toContain("data[0].peerings[0].properties.remoteVirtualNetwork.id");
    expect(refusal([{ id: id("va"), peerings: [peering({ peeringState: 3 })] }])).toContain(
      "data[0].peerings[0].properties.peeringState",
    );
    expect(refusal([{ id: id("va"), peerings: [{ ...peering(), name: "" }] }])).toContain(
      "data[0].peerings[0].name",
    );
  });

  it("the query the product sends is the one the emulator serves", () => {
    expect(RESOURCE_GRAPH_QUERY).toBe(EMULATED_QUERY);
  });

  it("quota resets are hh:mm:ss", () => {
    expect(parseHms("00:00:05")).toBe(5);
    expect(parseHms("01:02:03")).toBe(3723);
    expect(parseHms("5")).toBeUndefined();
    expect(parseHms(undefined)).toBeUndefined();
  });
});
