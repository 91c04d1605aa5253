import { describe, expect, it } from "vitest";
import { isValidPeeringName, reciprocalName, sanitizePeeringName } from "../../../src/reconcile/naming.js";

const parts = { localVnet: "spoke1", remoteVnet: "hub", localRg: "rg-spoke", remoteRg: "rg-hub" };

describe("reciprocalName", () => {
  it("fills every placeholder of the template", () => {
    expect(reciprocalName("{localRg}.{localVnet}-to-{remoteRg}.{remoteVnet}", parts)).toBe(
      "rg-spoke.spoke1-to-rg-hub.hub",
    );
  });

  it("replaces characters Azure does not allow with hyphens", () => {
    expect(reciprocalName("{localVnet} to {remoteVnet}!", { ...parts, remoteVnet: "hub (prod)" })).toBe(
      "spoke1-to-hub-prod",
    );
  });

  it("trims what may not start or end a name", () => {
    expect(sanitizePeeringName("--_.peer.-")).toBe("peer");
    expect(sanitizePeeringName("peer_")).toBe("peer_");
  });

  it("falls back to a fixed name when nothing valid is left", () => {
    expect(sanitizePeeringName("...")).toBe("peering");
  });

  it("shortens long names to 80 characters with a stable hash suffix", () => {
    const long = { ...parts, localVnet: "a".repeat(60), remoteVnet: "b".repeat(60) };
    const name = reciprocalName("{localVnet}-to-{remoteVnet}", long);
    expect(name).toHaveLength(80);
    expect(name).toMatch(/^a{60}-to-b{7}-[0-9a-f]{8}$/);
    expect(isValidPeeringName(name)).toBe(true);
    expect(reciprocalName("{localVnet}-to-{remoteVnet}", long)).toBe(name);
  });

  it("gives two long names that share their first 80 characters different suffixes", () => {
    const one = reciprocalName("{localVnet}", { ...parts, localVnet: `${"x".repeat(90)}1` });
    const two = reciprocalName("{localVnet}", { ...parts, localVnet: `${"x".repeat(90)}2` });
    expect(one).not.toBe(two);
  });

  it("adds a counter when the name is taken on the VNet, comparing case-insensitively", () => {
    expect(reciprocalName("{localVnet}-to-{remoteVnet}", parts, ["SPOKE1-TO-HUB", "spoke1-to-hub-2"])).toBe(
      "spoke1-to-hub-3",
    );
  });

  it("keeps a de-duplicated long name within 80 characters", () => {
    const long = { ...parts, localVnet: "c".repeat(100) };
    const first = reciprocalName("{localVnet}", long);
    const second = reciprocalName("{localVnet}", long, [first]);
    expect(second).toHaveLength(80);
    expect(second.endsWith("-2")).toBe(true);
    expect(isValidPeeringName(second)).toBe(true);
  });
});

describe("isValidPeeringName", () => {
  it("accepts Azure's allowed shapes and rejects the rest", () => {
    expect(isValidPeeringName("a")).toBe(true);
    expect(isValidPeeringName("hub_to.spoke-1_")).toBe(true);
    expect(isValidPeeringName("-hub")).toBe(false);
    expect(isValidPeeringName("hub.")).toBe(false);
    expect(isValidPeeringName("hub spoke")).toBe(false);
    expect(isValidPeeringName("")).toBe(false);
    expect(isValidPeeringName("a".repeat(81))).toBe(false);
  });
});
