import { describe, expect, it } from "vitest";
import { findOverlaps, normalizePrefix, overlaps, prefixesNotIn } from "../../../src/reconcile/cidr.js";

describe("overlaps", () => {
  it("finds a prefix inside a larger one (IPv4)", () => {
    expect(overlaps("10.0.0.0/16", "10.0.4.0/24")).toBe(true);
    expect(overlaps("10.0.4.0/24", "10.0.0.0/16")).toBe(true);
  });

  it("does not report adjacent IPv4 prefixes", () => {
    expect(overlaps("10.0.0.0/16", "10.1.0.0/16")).toBe(false);
  });

  it("treats identical prefixes as overlapping", () => {
    expect(overlaps("172.16.0.0/16", "172.16.0.0/16")).toBe(true);
  });

  it("compares on the network bits even when the host bits are set", () => {
    expect(overlaps("10.0.0.5/16", "10.0.200.0/24")).toBe(true);
  });

  it("finds overlapping IPv6 prefixes and ignores disjoint ones", () => {
    expect(overlaps("2001:db8::/32", "2001:db8:1::/48")).toBe(true);
    expect(overlaps("2001:db8::/48", "2001:db8:1::/48")).toBe(false);
  });

  it("never reports IPv4 against IPv6", () => {
    expect(overlaps("0.0.0.0/0", "::/0")).toBe(false);
  });

  it("treats an unparsable prefix as overlapping nothing", () => {
    expect(overlaps("not-a-prefix", "10.0.0.0/8")).toBe(false);
  });
});

describe("findOverlaps", () => {
  it("returns every overlapping pair in input order", () => {
    expect(
      findOverlaps(["10.0.0.0/16", "10.9.0.0/16", "fd00::/64"], ["10.0.1.0/24", "10.9.0.0/24", "fd00::/48"]),
    ).toEqual([
      ["10.0.0.0/16", "10.0.1.0/24"],
      ["10.9.0.0/16", "10.9.0.0/24"],
      ["fd00::/64", "fd00::/48"],
    ]);
  });

  it("returns nothing for disjoint lists", () => {
    expect(findOverlaps(["10.0.0.0/16"], ["10.1.0.0/16", "192.168.0.0/24"])).toEqual([]);
  });
});

describe("prefix lists", () => {
  it("normalizes prefixes to their network address", () => {
    expect(normalizePrefix("10.0.0.5/16")).toBe("10.0.0.0/16");
    expect(normalizePrefix("2001:DB8:0:0::1/64")).toBe("2001:db8::/64");
  });

  it("lists the prefixes of one list missing from another, ignoring notation", () => {
    expect(
      prefixesNotIn(["10.1.0.0/16", "10.2.0.0/16", "2001:db8::/64"], ["2001:0db8::/64", "10.1.0.0/16"]),
    ).toEqual(["10.2.0.0/16"]);
  });
});
