import { describe, expect, it } from "vitest";
import { ArmNetworkPort } from "../../../src/azure/arm/arm-network-port.js";

/**
 * docs/safety.md: the product never deletes, and its role grants no delete. A delete method on the
 * port would be one caller away from a DELETE the role is then asked to allow.
 */
describe("the ARM port", () => {
  it("offers no way to delete a peering (nor anything else)", () => {
    const methods = Object.getOwnPropertyNames(ArmNetworkPort.prototype).filter((m) => m !== "constructor");
    expect(methods).toEqual(expect.arrayContaining(["listVnets", "getVnet", "getPeering", "putPeering"]));
    expect(methods.filter((m) => /delete|remove/i.test(m))).toEqual([]);
  });
});
