import { describe, expect, it } from "vitest";
import { decideGateways, mirrorBody } from "../../../src/reconcile/mirror.js";
import { peering, vnet } from "../../support/builders.js";

describe("mirrorBody", () => {
  it("points the new half back at the existing half's VNet and swaps the subnet lists", () => {
    const a = vnet("a");
    const b = vnet("b");
    const ab = peering(a, b, {
      settings: {
        allowForwardedTraffic: true,
        peerCompleteVnets: false,
        localSubnetNames: ["app"],
        remoteSubnetNames: ["web", "api"],
        doNotVerifyRemoteGateways: true,
        remoteBgpCommunity: "12076:20002",
      },
    });

    expect(mirrorBody(ab, { allowGatewayTransit: false, useRemoteGateways: false })).toEqual({
      remoteVnetId: a.id,
      settings: {
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: true,
        allowGatewayTransit: false,
        useRemoteGateways: false,
        doNotVerifyRemoteGateways: false,
        peerCompleteVnets: false,
        enableOnlyIPv6Peering: false,
        localSubnetNames: ["web", "api"],
        remoteSubnetNames: ["app"],
      },
    });
  });
});

describe("decideGateways", () => {
  it("reports no violation and no transit for a peering without gateway flags", () => {
    const a = vnet("a", { hasGateway: true });
    const b = vnet("b", { hasGateway: true });
    const ab = peering(a, b);

    expect(
      decideGateways({ existing: ab, existingVnet: a, newVnet: b, useRemoteGatewaysOnReciprocal: true }),
    ).toEqual({
      allowGatewayTransit: false,
      useRemoteGateways: false,
      violations: [],
      notes: [],
    });
  });

  it("does not count a peering of the new VNet that does not use remote gateways", () => {
    const hub = vnet("hub", { hasGateway: true });
    const spoke = vnet("spoke");
    peering(spoke, vnet("other"), { settings: { allowGatewayTransit: true } });
    const hubToSpoke = peering(hub, spoke, { settings: { allowGatewayTransit: true } });

    const decision = decideGateways({
      existing: hubToSpoke,
      existingVnet: hub,
      newVnet: spoke,
      useRemoteGatewaysOnReciprocal: true,
    });

    expect(decision.useRemoteGateways).toBe(true);
  });
});
