import { describe, expect, it } from "vitest";
import { gainedPrefixes } from "../../../src/alerts/model.js";
import { plan } from "../../../src/reconcile/plan.js";
import type { SyncAction } from "../../../src/reconcile/types.js";
import { SUB_OTHER, connectedPair, policy, snapshot, subnet, vnet } from "../../support/builders.js";

/**
 * What a sync pulls in is compared like with like with what the peering carries
 * (`remoteAddressSpace`): the listed subnets' prefixes for subnet-level peering, only IPv6 ones for
 * IPv6-only peering. `remoteVirtualNetworkAddressSpace` is not used for that: Microsoft's example
 * VirtualNetworkV6SubnetPeeringGet.json shows it holding only the peered IPv6 prefixes, while other
 * sources show the whole dual-stack VNet space, so it must not decide nor explain anything.
 */

const DUAL_STACK = ["10.2.0.0/16", "fd00:2::/48"];

function ipv6SubnetPair(remoteRead: boolean) {
  const a = vnet("a", {
    addressPrefixes: ["10.1.0.0/16", "fd00:1::/48"],
    subnets: [subnet("app", "10.1.1.0/24", "fd00:1:0:1::/64")],
  });
  const b = vnet("b", {
    addressPrefixes: [...DUAL_STACK, "fd00:22::/48"],
    subnets: [subnet("db", "10.2.1.0/24", "fd00:2:0:1::/64", "fd00:22:0:1::/64")],
    ...(remoteRead ? {} : { subscriptionId: SUB_OTHER }),
  });
  const subnetSettings = { peerCompleteVnets: false, enableOnlyIPv6Peering: true };
  const [ab] = connectedPair(a, b, {
    ab: { settings: { ...subnetSettings, localSubnetNames: ["app"], remoteSubnetNames: ["db"] } },
    ba: { settings: { ...subnetSettings, localSubnetNames: ["db"], remoteSubnetNames: ["app"] } },
  });
  // b's db subnet gained fd00:22:0:1::/64 since the last sync; the peering still carries the old one.
  ab.syncLevel = "LocalNotInSync";
  ab.remoteAddressSpace = ["fd00:2:0:1::/64"];
  // What a source that reports the whole dual-stack space would show.
  ab.remoteVirtualNetworkAddressSpace = [...b.addressPrefixes];
  return { a, b, ab };
}

describe("plan: a sync compares like with like", () => {
  it("IPv6-only subnet peering: pulls and reports only the peered subnet's IPv6 prefixes", () => {
    const { a, b, ab } = ipv6SubnetPair(true);

    const [action] = plan(snapshot([a, b]), policy()).actions.filter((x) => x.target === ab.id);

    expect(action?.kind).toBe("sync");
    const sync = action as SyncAction;
    expect(sync.pulls).toEqual(["fd00:2:0:1::/64", "fd00:22:0:1::/64"]);
    expect(gainedPrefixes(sync)).toEqual(["fd00:22:0:1::/64"]);
    expect(sync.reason).toBe(
      "b gained fd00:22:0:1::/64; a-to-b on a still peers only fd00:2:0:1::/64. " +
        "Syncing it pulls in the current prefixes of the peered subnets of b (fd00:2:0:1::/64, fd00:22:0:1::/64).",
    );
    expect(sync.reason).not.toContain("10.2.");
  });

  it("subnet peering whose remote VNet was not read: still syncs on Azure's sync level, without guessing prefixes", () => {
    const { a, ab } = ipv6SubnetPair(false);

    const [action] = plan(snapshot([a]), policy()).actions;

    expect(action).toMatchObject({ kind: "sync", target: ab.id, pulls: [] });
    expect(gainedPrefixes(action as SyncAction)).toEqual([]);
    expect(action!.reason).toBe(
      `Azure reports a-to-b on a as LocalNotInSync: b (subscription ${SUB_OTHER}) changed its address space since the last sync. ` +
        `Syncing it pulls in the current prefixes of the peered subnets of b (subscription ${SUB_OTHER}).`,
    );
  });

  it("IPv6-only whole-VNet peering with an unread remote: only the IPv6 part of its space", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16", "fd00:1::/48"] });
    const b = vnet("b", { addressPrefixes: DUAL_STACK, subscriptionId: SUB_OTHER });
    const [ab] = connectedPair(a, b, { ab: { settings: { enableOnlyIPv6Peering: true } } });
    ab.syncLevel = "LocalNotInSync";
    ab.remoteAddressSpace = ["fd00:2::/48"];
    ab.remoteVirtualNetworkAddressSpace = [...DUAL_STACK, "fd00:3::/48"];

    const [action] = plan(snapshot([a]), policy()).actions;

    expect(action).toMatchObject({ kind: "sync", pulls: ["fd00:2::/48", "fd00:3::/48"] });
    expect(gainedPrefixes(action as SyncAction)).toEqual(["fd00:3::/48"]);
  });
});
