import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyAddressSpace,
  cli,
  HIDDEN,
  HUB,
  peeringId,
  startWhatIfEstate,
  syncByHand,
  SUB,
  UNWATCHED,
  vnetId,
  whatIfJson,
  type Estate,
} from "./estate.js";

/**
 * The what-if on the emulator, through the CLI and the real SDK: for every refusal it predicts, the
 * emulator refuses the same change with the same code when it is really made; every follow-up it
 * predicts is what the engine's plan finds once the change is made.
 */

describe("what-if refusals agree with what ARM then refuses", () => {
  let estate: Estate;
  beforeAll(async () => {
    estate = await startWhatIfEstate();
  });
  afterAll(() => estate.stop());

  const cases: Array<{ name: string; vnet: string; flags: string[]; after: string[]; code: string }> = [
    {
      name: "a new prefix overlapping a directly peered VNet",
      vnet: HUB,
      flags: ["--add", "10.2.128.0/17"],
      after: ["10.0.0.0/16", "10.2.128.0/17"],
      code: "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
    },
    {
      name: "a new prefix overlapping the VNet's own",
      vnet: HUB,
      flags: ["--add", "10.0.128.0/17"],
      after: ["10.0.0.0/16", "10.0.128.0/17"],
      code: "VnetAddressSpaceOverlapsWithItself",
    },
    {
      name: "removing a prefix that subnets still use",
      vnet: HUB,
      flags: ["--address-space", "10.100.0.0/16"],
      after: ["10.100.0.0/16"],
      code: "NetcfgSubnetRangeOutsideVnet",
    },
    {
      name: "a prefix with host bits set",
      vnet: HUB,
      flags: ["--add", "10.100.0.1/16"],
      after: ["10.0.0.0/16", "10.100.0.1/16"],
      code: "InvalidCIDRNotation",
    },
    {
      name: "a prefix that is not one",
      vnet: vnetId("spoke2"),
      flags: ["--add", "10.300.0.0/16"],
      after: ["10.2.0.0/16", "10.300.0.0/16"],
      code: "InvalidAddressPrefixFormat",
    },
  ];

  it.each(cases)("$name: exit 1 with $code, and the VNet PUT is refused with it", async (c) => {
    const { code, answer } = await whatIfJson(["--vnet", c.vnet, ...c.flags], estate.target);
    expect(code).toBe(1);
    expect(answer.verdict).toBe("refused");
    expect(answer.refused.map((r) => [r.stage, r.code])).toContainEqual(["vnetUpdate", c.code]);
    expect(await applyAddressSpace(estate.emu, c.vnet, c.after)).toBe(c.code);
  });

  it("names the peer and the overlapping prefixes", async () => {
    const { answer } = await whatIfJson(["--vnet", HUB, "--add", "10.2.128.0/17"], estate.target);
    expect(answer.refused).toEqual([
      expect.objectContaining({
        code: "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
        otherVnetId: vnetId("spoke2"),
        prefixes: ["10.2.128.0/17", "10.2.0.0/16"],
      }),
    ]);
  });

  it("names the subnet that holds a removed prefix", async () => {
    const { answer } = await whatIfJson(["--vnet", HUB, "--address-space", "10.100.0.0/16"], estate.target);
    expect(answer.refused.map((r) => r.subnet).sort()).toEqual(["GatewaySubnet", "shared"]);
  });
});

describe("a plan that moves subnets along with the address space", () => {
  let estate: Estate;
  beforeAll(async () => {
    estate = await startWhatIfEstate();
  });
  afterAll(() => estate.stop());

  it("the space alone is refused, as ARM refuses it", async () => {
    const { answer } = await whatIfJson(
      ["--from-terraform-plan", "test/fixtures/what-if/terraform-plan-move-space-only.json"],
      estate.target,
    );
    expect(answer.refused.map((r) => [r.code, r.subnet])).toEqual([["NetcfgSubnetRangeOutsideVnet", "app"]]);
    expect(await applyAddressSpace(estate.emu, vnetId("spoke-subnets"), ["10.80.0.0/16"])).toBe(
      "NetcfgSubnetRangeOutsideVnet",
    );
  });

  it("with the azurerm_subnet moved too, it is not refused, and ARM accepts it", async () => {
    const { answer } = await whatIfJson(
      ["--from-terraform-plan", "test/fixtures/what-if/terraform-plan-move-subnet.json"],
      estate.target,
    );
    expect(answer.refused).toEqual([]);
    // The hub's subnet-level peering to spoke-subnets peers the moved subnet: it needs a sync.
    const predicted = answer.followUp
      .filter((f) => f.by === "product")
      .map((f) => f.peeringId!.toLowerCase());
    expect(predicted).toEqual([peeringId("hub", "hub-to-spoke-subnets").toLowerCase()]);
    expect(
      await applyAddressSpace(estate.emu, vnetId("spoke-subnets"), ["10.80.0.0/16"], { app: "10.80.1.0/24" }),
    ).toBeUndefined();
    const planned = await cli(
      ["plan", "--output", "json", "--scope", vnetId("spoke-subnets")],
      estate.target,
    );
    const doc = JSON.parse(planned.stdout) as { actions: Array<{ kind: string; target: string }> };
    expect(doc.actions.filter((a) => a.kind === "sync").map((a) => a.target.toLowerCase())).toEqual(
      predicted,
    );
  });
});

describe("a change Azure accepts but whose sync it then refuses", () => {
  let estate: Estate;
  beforeAll(async () => {
    estate = await startWhatIfEstate();
  });
  afterAll(() => estate.stop());

  it("spoke1 taking a range of hub2 (peered with the hub only): refused at the sync, and the sync really fails", async () => {
    const { code, answer } = await whatIfJson(
      ["--vnet", vnetId("spoke1"), "--add", "10.50.128.0/17"],
      estate.target,
    );
    expect(code).toBe(1);
    expect(answer.refused).toEqual([
      expect.objectContaining({
        stage: "sync",
        code: "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
        peeringId: peeringId("hub", "hub-to-spoke1"),
        otherVnetId: vnetId("hub2"),
      }),
    ]);
    // The VNet PUT itself passes; the product's own plan declines to sync hub-to-spoke1, and the
    // sync made by hand, as az does, fails with that code.
    expect(
      await applyAddressSpace(estate.emu, vnetId("spoke1"), ["10.1.0.0/16", "10.50.128.0/17"]),
    ).toBeUndefined();
    const planned = await cli(["plan", "--output", "json", "--scope", vnetId("spoke1")], estate.target);
    const doc = JSON.parse(planned.stdout) as {
      actions: Array<{ kind: string; target: string; problem?: string }>;
    };
    expect(doc.actions.find((a) => a.target === peeringId("hub", "hub-to-spoke1"))).toMatchObject({
      kind: "alertOnly",
      problem: "AddressSpaceOverlap",
    });
    expect(await syncByHand(estate.emu, peeringId("hub", "hub-to-spoke1"))).toBe(
      "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
    );
  });
});

describe("follow-up syncs", () => {
  let estate: Estate;
  beforeAll(async () => {
    estate = await startWhatIfEstate();
  });
  afterAll(() => estate.stop());

  it("a hub resize: every spoke's peering to the hub, by the product or by a named human, and the plan agrees once the change is made", async () => {
    const { code, answer } = await whatIfJson(["--vnet", HUB, "--add", "10.100.0.0/16"], estate.target);
    expect(code).toBe(2);
    expect(answer.verdict).toBe("followUp");
    expect(answer.refused).toEqual([]);
    const rows = answer.followUp.map((f) => [
      f.vnetId,
      f.peeringName ?? null,
      f.subscriptionId,
      f.side,
      f.by,
      f.manualReason ?? null,
    ]);
    expect(rows.sort()).toEqual(
      [
        [vnetId("hub2"), "hub2-to-hub", SUB, "remote", "product", null],
        [vnetId("spoke1"), "spoke1-to-hub", SUB, "remote", "product", null],
        [vnetId("spoke2"), "spoke2-to-hub", SUB, "remote", "product", null],
        [vnetId("sandbox"), "sandbox-to-hub", SUB, "remote", "human", "OptedOut"],
        [vnetId("ext", UNWATCHED), null, UNWATCHED, "remote", "human", "OutsideWatchedScope"],
        [vnetId("partner", HIDDEN), null, HIDDEN, "remote", "human", "Unreadable"],
      ].sort(),
    );
    expect(answer.estimate).toEqual({
      productWrites: 3,
      writesPerSubscription: { [SUB]: 3 },
      lowerBoundSeconds: 15,
    });

    expect(await applyAddressSpace(estate.emu, HUB, ["10.0.0.0/16", "10.100.0.0/16"])).toBeUndefined();
    const planned = await cli(["plan", "--output", "json"], estate.target);
    const doc = JSON.parse(planned.stdout) as { actions: Array<{ kind: string; target: string }> };
    const planSyncs = doc.actions.filter((a) => a.kind === "sync").map((a) => a.target.toLowerCase());
    const predicted = answer.followUp
      .filter((f) => f.by === "product")
      .map((f) => f.peeringId!.toLowerCase());
    expect(planSyncs.sort()).toEqual(predicted.sort());
  });

  it("two VNets changed together: both halves of their pair need a sync, each on the side that pulls", async () => {
    const fresh = await startWhatIfEstate();
    try {
      const { answer } = await whatIfJson(
        ["--from-terraform-plan", "test/fixtures/what-if/terraform-plan-hub-and-spoke2.json"],
        fresh.target,
      );
      const pair = answer.followUp
        .filter((f) =>
          [peeringId("hub", "hub-to-spoke2"), peeringId("spoke2", "spoke2-to-hub")].includes(f.peeringId!),
        )
        .map((f) => [f.peeringName, f.side]);
      expect(pair.sort()).toEqual([
        ["hub-to-spoke2", "local"],
        ["spoke2-to-hub", "local"],
      ]);
    } finally {
      await fresh.stop();
    }
  });

  it("exit 0 and nothing to do when the address space does not change", async () => {
    const run = await cli(
      ["what-if", "--vnet", vnetId("far"), "--address-space", "10.60.0.0/16"],
      estate.target,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("nothing to do");
  });

  it("report-only: every sync needs a human", async () => {
    const run = await cli(
      ["what-if", "--vnet", vnetId("spoke2"), "--add", "10.22.0.0/16", "--report-only", "--output", "json"],
      estate.target,
    );
    const answer = JSON.parse(run.stdout) as { followUp: Array<{ by: string; manualReason?: string }> };
    expect(answer.followUp).toEqual([expect.objectContaining({ by: "human", manualReason: "ReportOnly" })]);
  });
});

describe("warnings", () => {
  let estate: Estate;
  beforeAll(async () => {
    estate = await startWhatIfEstate();
  });
  afterAll(() => estate.stop());

  it("an overlap two hubs away (hub, then hub2, forwarding) is a warning, not a refusal, and Azure indeed accepts it", async () => {
    const { code, answer } = await whatIfJson(
      ["--vnet", vnetId("spoke2"), "--add", "10.60.128.0/17"],
      estate.target,
    );
    expect(code).toBe(2);
    expect(answer.warnings.filter((w) => w.code !== "RouteTableMissesNewPrefix")).toEqual([
      expect.objectContaining({
        code: "OverlapThroughTransit",
        otherVnetId: vnetId("far"),
        prefixes: ["10.60.128.0/17", "10.60.0.0/16"],
      }),
    ]);
    expect(
      await applyAddressSpace(estate.emu, vnetId("spoke2"), ["10.2.0.0/16", "10.60.128.0/17"]),
    ).toBeUndefined();
    const applied = await cli(["apply", "--scope", vnetId("spoke2")], estate.target);
    expect(applied.code).toBe(0);
  });

  it("a spoke using the hub's gateway: the gateway advertises the new range", async () => {
    const { answer } = await whatIfJson(["--vnet", vnetId("spoke1"), "--add", "10.11.0.0/16"], estate.target);
    expect(answer.warnings).toContainEqual(
      expect.objectContaining({
        code: "GatewayAdvertisesNewPrefixes",
        otherVnetId: HUB,
        prefixes: ["10.11.0.0/16"],
      }),
    );
  });

  it("route tables that steer the old range through the firewall but miss the new one, in the hub and in a spoke", async () => {
    const { answer } = await whatIfJson(["--vnet", vnetId("spoke2"), "--add", "10.22.0.0/16"], estate.target);
    const routes = answer.warnings.filter((w) => w.code === "RouteTableMissesNewPrefix");
    expect(routes.map((w) => [w.routeTableId, w.prefixes])).toEqual([
      [
        `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/routeTables/rt-gateway`,
        ["10.22.0.0/16"],
      ],
      [
        `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/routeTables/rt-spoke1`,
        ["10.22.0.0/16"],
      ],
    ]);
    expect(routes[0]!.message).toContain("used by hub/GatewaySubnet");
    expect(routes[0]!.message).toContain("VirtualAppliance 10.0.3.4");
  });

  it("a route that already covers the new range is not reported; the default route covers nothing", async () => {
    const { answer } = await whatIfJson(["--vnet", vnetId("spoke2"), "--add", "10.3.0.0/16"], estate.target);
    const tables = answer.warnings
      .filter((w) => w.code === "RouteTableMissesNewPrefix")
      .map((w) => w.routeTableId);
    expect(tables).toEqual([
      `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/routeTables/rt-gateway`,
    ]);
  });

  it("route tables the identity may not read are listed as not checked, not silently skipped", async () => {
    const fresh = await startWhatIfEstate();
    try {
      fresh.emu.injectFault({
        method: "GET",
        path: /\/providers\/Microsoft\.Network\/routeTables$/i,
        fault: {
          type: "status",
          status: 403,
          code: "AuthorizationFailed",
          message:
            "The client does not have authorization to perform action 'Microsoft.Network/routeTables/read'.",
        },
      });
      const { code, answer } = await whatIfJson(
        ["--vnet", vnetId("spoke2"), "--add", "10.22.0.0/16"],
        fresh.target,
      );
      expect(code).toBe(2);
      expect(answer.warnings.filter((w) => w.code === "RouteTableMissesNewPrefix")).toEqual([]);
      expect(answer.notChecked).toEqual([
        {
          source: `route tables of subscription ${SUB}`,
          reason: expect.stringContaining("could not be read"),
        },
      ]);
    } finally {
      await fresh.stop();
    }
  });

  it("a hub with a subnet-level peering and a peer it cannot read", async () => {
    const { answer } = await whatIfJson(["--vnet", HUB, "--add", "10.100.0.0/16"], estate.target);
    const codes = answer.warnings.map((w) => [w.code, w.otherVnetId ?? null]);
    expect(codes).toContainEqual(["SubnetPeeringUnchanged", vnetId("spoke-subnets")]);
    expect(codes).toContainEqual(["PeerUnreadable", vnetId("partner", HIDDEN)]);
    expect(codes).toContainEqual(["GatewayAdvertisesNewPrefixes", null]);
  });
});

describe("what-if input errors", () => {
  let estate: Estate;
  beforeAll(async () => {
    estate = await startWhatIfEstate();
  });
  afterAll(() => estate.stop());

  it.each([
    [["--vnet", "hub", "--add", "10.9.0.0/16"], "--vnet: must be a VNet resource id"],
    [["--vnet", HUB], "--vnet: needs --add, --remove or --address-space"],
    [["--vnet", HUB, "--remove", "10.99.0.0/16"], "remove: 10.99.0.0/16 is not in the address space"],
    [["--vnet", vnetId("nope"), "--add", "10.99.0.0/16"], "does not exist"],
    [
      ["--vnet", HUB, "--add", "10.99.0.0/16", "--address-space", "10.0.0.0/8"],
      "--address-space: give either",
    ],
    [
      ["--from-terraform-plan", "test/fixtures/what-if/README.md"],
      "--from-terraform-plan: test/fixtures/what-if/README.md is not JSON",
    ],
  ])("%j: exit 1, naming the field", async (args, message) => {
    const run = await cli(["what-if", ...args], estate.target);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
  });
});
