import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeedPeeringSettings } from "../../emulator/index.js";
import type { Plan } from "../../src/reconcile/types.js";
import { freshSubscriptions, startRig, type Rig } from "./support/estate.js";
import { expectNeverWorse } from "./support/scenarios.js";
import { sample, tally } from "./support/tally.js";

/**
 * Nothing lost: whatever the estate, whatever changed, whatever ARM answered, after a run every
 * peering that existed carries exactly the user settings it had (access, forwarded traffic, gateway
 * flags, subnet lists, IPv6-only, BGP community), compared on the raw ARM resource, apart from the
 * fields sync manages; and every peering the run created is a planned reciprocal.
 */

/** Service-computed fields of a peering resource: sync and connect move them, users never set them. */
const MANAGED = new Set([
  "peeringState",
  "peeringSyncLevel",
  "provisioningState",
  "remoteAddressSpace",
  "remoteVirtualNetworkAddressSpace",
  "localAddressSpace",
  "localVirtualNetworkAddressSpace",
  "remoteVirtualNetworkEncryption",
  "remoteGateways",
  "routeServiceVips",
  "resourceGuid",
]);

function userFields(raw: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  const props = (raw.properties ?? {}) as Record<string, unknown>;
  return {
    id: String(raw.id).toLowerCase(),
    name: raw.name,
    ...Object.fromEntries(Object.entries(props).filter(([k]) => !MANAGED.has(k))),
  };
}

/** Per side: the flags and the BGP community. */
const sideArb = fc.record({
  allowVirtualNetworkAccess: fc.boolean(),
  allowForwardedTraffic: fc.boolean(),
  allowGatewayTransit: fc.boolean(),
  useRemoteGateways: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  doNotVerifyRemoteGateways: fc.boolean(),
  bgp: fc.option(
    fc.integer({ min: 20000, max: 29999 }).map((n) => `12076:${n}`),
    { nil: undefined },
  ),
});

/** Per pair: the peering type, which both halves share (subnet lists swapped, docs/azure-behaviour.md#subnet-peering). */
const pairTypeArb = fc.record({
  subnetLevel: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  aSubnets: fc.subarray(["app", "data"], { minLength: 1 }),
  bSubnets: fc.subarray(["app", "data"], { minLength: 1 }),
  ipv6Only: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});

type Side = typeof sideArb extends fc.Arbitrary<infer S> ? S : never;
type PairType = typeof pairTypeArb extends fc.Arbitrary<infer T> ? T : never;

function settingsOf(side: Side, type: PairType, local: "a" | "b"): SeedPeeringSettings {
  return {
    allowVirtualNetworkAccess: side.allowVirtualNetworkAccess,
    allowForwardedTraffic: side.allowForwardedTraffic,
    allowGatewayTransit: side.allowGatewayTransit,
    useRemoteGateways: side.useRemoteGateways,
    doNotVerifyRemoteGateways: side.doNotVerifyRemoteGateways,
    enableOnlyIPv6Peering: type.ipv6Only,
    ...(type.subnetLevel
      ? {
          peerCompleteVnets: false,
          localSubnetNames: local === "a" ? type.aSubnets : type.bSubnets,
          remoteSubnetNames: local === "a" ? type.bSubnets : type.aSubnets,
        }
      : {}),
    ...(side.bgp ? { remoteBgpCommunities: { virtualNetworkCommunity: side.bgp } } : {}),
  };
}

const estateArb = fc.integer({ min: 2, max: 5 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    subscriptionOf: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
    gatewayOnFirst: fc.boolean(),
    pairs: fc.uniqueArray(
      fc.record({
        a: fc.integer({ min: 0, max: n - 1 }),
        b: fc.integer({ min: 0, max: n - 1 }),
        shape: fc.constantFrom("connected" as const, "connected" as const, "aToB" as const, "bToA" as const),
        type: pairTypeArb,
        ab: sideArb,
        ba: sideArb,
      }),
      { selector: (p) => [Math.min(p.a, p.b), Math.max(p.a, p.b)].join(), minLength: 1, maxLength: 6 },
    ),
    resized: fc.subarray([0, 1, 2, 3, 4]),
    halvesDeleted: fc.subarray([0, 1, 2, 3, 4, 5], { maxLength: 2 }),
    repairDisconnected: fc.boolean(),
    useRemoteGatewaysOnReciprocal: fc.boolean(),
    /** ARM busy or failing now and then: results may fail, settings must not move. */
    busyRate: fc.constantFrom(0, 0, 0.2, 0.5),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  }),
);

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  expect(rig.emu.internalErrors).toEqual([]);
  await rig?.stop();
});

describe("nothing lost (property)", () => {
  it("after any run, every peering keeps exactly its user settings; new ones are planned reciprocals", async (context) => {
    const t = tally(context, "nothing lost");
    const seen = { succeededWrites: 0, syncs: 0, creates: 0, resets: 0 };
    await fc.assert(
      fc.asyncProperty(estateArb, async (e) => {
        const { subs } = freshSubscriptions();
        const seed = rig.emu.seed;
        const ids = Array.from({ length: e.n }, (_, i) =>
          seed.vnet({
            subscriptionId: subs[e.subscriptionOf[i]!]!,
            resourceGroup: "rg",
            name: `vnet${i}`,
            addressPrefixes: [`10.${i}.0.0/16`, `fd00:${i}::/48`],
            subnets: [
              { name: "app", addressPrefixes: [`10.${i}.1.0/24`] },
              { name: "data", addressPrefixes: [`10.${i}.2.0/24`] },
              { name: "GatewaySubnet", addressPrefixes: [`10.${i}.255.0/27`] },
            ],
          }),
        );
        if (e.gatewayOnFirst) seed.gateway(ids[0]!);
        const halves: string[] = [];
        for (const p of e.pairs.filter((x) => x.a !== x.b)) {
          const [a, b] = [ids[p.a]!, ids[p.b]!];
          const ab = settingsOf(p.ab, p.type, "a");
          const ba = settingsOf(p.ba, p.type, "b");
          if (p.shape === "connected") halves.push(...seed.connect(a, b, { ab, ba }));
          else if (p.shape === "aToB")
            halves.push(seed.peering({ vnetId: a, remoteVnetId: b, settings: ab }));
          else halves.push(seed.peering({ vnetId: b, remoteVnetId: a, settings: ba }));
        }
        for (const i of e.resized.filter((i) => i < e.n))
          seed.setAddressSpace(ids[i]!, [`10.${i}.0.0/16`, `10.${100 + i}.0.0/16`, `fd00:${i}::/48`]);
        for (const i of e.halvesDeleted) if (halves[i]) seed.deletePeering(halves[i]!);

        const rawBefore = new Map<string, Record<string, unknown>>();
        for (const vnet of ids)
          for (const raw of (((seed.getVnet(vnet)?.properties ?? {}) as Record<string, unknown>)
            .virtualNetworkPeerings ?? []) as Record<string, unknown>[])
            rawBefore.set(String(raw.id).toLowerCase(), userFields(raw)!);
        const before = rig.peerings(ids);

        rig.emu.resetCounters();
        const faultId =
          e.busyRate > 0
            ? rig.emu.injectFault({
                method: "PUT",
                probability: e.busyRate,
                fault: { type: "status", status: 409, code: "AnotherOperationInProgress" },
              })
            : undefined;
        let plan: Plan;
        try {
          const outcome = await rig.run(
            {
              watchedSubscriptions: [...subs],
              repairDisconnected: e.repairDisconnected,
              useRemoteGatewaysOnReciprocal: e.useRemoteGatewaysOnReciprocal,
            },
            { maxAttempts: 2 },
          );
          plan = outcome.plan;
          for (const { action, result } of outcome.report.results) {
            if (result.status !== "succeeded") continue;
            seen.succeededWrites++;
            if (action.kind === "sync") seen.syncs++;
            if (action.kind === "createReciprocal") seen.creates++;
            if (action.kind === "resetDisconnected") seen.resets++;
          }
        } finally {
          if (faultId) rig.emu.removeFault(faultId);
        }

        const after = rig.peerings(ids);
        expectNeverWorse(before, after, [plan]);
        for (const [id, fields] of rawBefore) {
          const raw = userFields(seed.getPeering(id));
          expect(raw, `user fields of ${id} on the ARM resource`).toEqual(fields);
        }
        t.add({ cases: 1, faults: rig.emu.count({ status: 409 }) });
      }),
      { numRuns: sample(40, 400), seed: 8_2026 },
    );
    // Not vacuous: the estates needed real writes of every kind.
    expect(seen.syncs).toBeGreaterThan(3);
    expect(seen.creates).toBeGreaterThan(3);
    expect(seen.resets).toBeGreaterThan(0);
  });
});
