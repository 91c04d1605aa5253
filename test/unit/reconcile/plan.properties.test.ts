import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { idKey, parsePeeringId, sameId } from "../../../src/reconcile/ids.js";
import { plan } from "../../../src/reconcile/plan.js";
import { isInScope, isOptedOut } from "../../../src/reconcile/scope.js";
import type { Peering, PeeringState, Policy, Snapshot, SyncLevel } from "../../../src/reconcile/types.js";
import {
  RG,
  SUB_A,
  SUB_B,
  SUB_OTHER,
  connectedPair,
  peering,
  policy,
  resize,
  snapshot,
  subnet,
  vnet,
} from "../../support/builders.js";

const STATES: PeeringState[] = ["Initiated", "Connected", "Disconnected"];
const LEVELS: SyncLevel[] = ["FullyInSync", "RemoteNotInSync", "LocalNotInSync", "LocalAndRemoteNotInSync"];
const PROVISIONING: Peering["provisioningState"][] = [
  "Succeeded",
  "Succeeded",
  "Succeeded",
  "Updating",
  "Failed",
];
const PREFIXES = ["10.0.0.0/16", "10.1.0.0/16", "10.1.128.0/17", "10.2.0.0/16", "fd00::/48", "172.16.0.0/12"];

/** Random topologies: VNets across watched and unwatched subscriptions, random peerings between them. */
const topology = fc
  .record({
    vnets: fc.array(
      fc.record({
        sub: fc.constantFrom(SUB_A, SUB_A, SUB_A, SUB_B, SUB_OTHER),
        rg: fc.constantFrom(RG, "rg-other"),
        // Mostly a range of its own; sometimes shared ranges that overlap.
        prefixes: fc.option(fc.subarray(PREFIXES, { minLength: 1, maxLength: 2 }), { freq: 4 }),
        optedOut: fc.nat(5).map((n) => n === 0),
        hasGateway: fc.boolean(),
        inSnapshot: fc.nat(9).map((n) => n > 0),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    peerings: fc.array(
      fc.record({
        from: fc.nat(5),
        to: fc.nat(5),
        state: fc.constantFrom(...STATES),
        level: fc.constantFrom(...LEVELS),
        provisioning: fc.constantFrom(...PROVISIONING),
        anm: fc.nat(9).map((n) => n === 0),
        transit: fc.boolean(),
        remoteGw: fc.boolean(),
        subnetLevel: fc.nat(4).map((n) => n === 0),
      }),
      { maxLength: 16 },
    ),
    inaccessible: fc.subarray([SUB_B]),
    scope: fc.constantFrom<"all" | "rg" | "sub">("all", "all", "all", "rg", "sub"),
    repairDisconnected: fc.boolean(),
    useRemoteGatewaysOnReciprocal: fc.boolean(),
  })
  .map((t) => {
    const vnets = t.vnets.map((v, i) =>
      vnet(`vnet${i}`, {
        subscriptionId: v.sub,
        resourceGroup: v.rg,
        addressPrefixes: v.prefixes ?? [`10.${100 + i}.0.0/16`],
        subnets: [subnet("s1", (v.prefixes ?? [`10.${100 + i}.0.0/16`])[0]!)],
        tags: v.optedOut ? { "peering-sync": "off" } : {},
        hasGateway: v.hasGateway,
      }),
    );
    const seen = new Set<string>();
    for (const p of t.peerings) {
      const from = vnets[p.from % vnets.length]!;
      const to = vnets[p.to % vnets.length]!;
      if (from === to || seen.has(`${from.id}>${to.id}`)) continue;
      seen.add(`${from.id}>${to.id}`);
      peering(from, to, {
        name: `${p.anm ? "ANM_" : ""}${from.name}-to-${to.name}`,
        state: p.state,
        syncLevel: p.level,
        provisioningState: p.provisioning,
        settings: {
          allowGatewayTransit: p.transit,
          useRemoteGateways: p.remoteGw,
          ...(p.subnetLevel
            ? { peerCompleteVnets: false, localSubnetNames: ["s1"], remoteSubnetNames: ["s1"] }
            : {}),
        },
      });
    }
    const readable = vnets.filter(
      (v, i) => t.vnets[i]!.inSnapshot && !t.inaccessible.includes(v.subscriptionId),
    );
    const scope =
      t.scope === "all"
        ? []
        : t.scope === "sub"
          ? [`/subscriptions/${SUB_A}`]
          : [`/subscriptions/${SUB_B}/resourceGroups/${RG}`];
    return {
      snapshot: snapshot(readable, t.inaccessible),
      policy: policy({
        scope,
        repairDisconnected: t.repairDisconnected,
        useRemoteGatewaysOnReciprocal: t.useRemoteGatewaysOnReciprocal,
      }),
    };
  });

const WRITES = new Set(["sync", "createReciprocal", "resetDisconnected"]);

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function shuffleSnapshot(snap: Snapshot, seed: number): Snapshot {
  return {
    inaccessibleSubscriptions: shuffled(snap.inaccessibleSubscriptions, seed),
    vnets: shuffled(snap.vnets, seed).map((v, i) => ({ ...v, peerings: shuffled(v.peerings, seed + i) })),
  };
}

function writable(vnetId: string, snap: Snapshot, pol: Policy): boolean {
  const v = snap.vnets.find((x) => sameId(x.id, vnetId));
  return v !== undefined && isInScope(v.id, pol) && !isOptedOut(v, pol);
}

describe("plan: properties", () => {
  it("never plans a write on a VNet outside scope, opted out or not read", () => {
    fc.assert(
      fc.property(topology, ({ snapshot: snap, policy: pol }) => {
        for (const action of plan(snap, pol).actions) {
          if (!WRITES.has(action.kind)) continue;
          expect(writable(action.vnetId, snap, pol)).toBe(true);
          // The written peering lives on the VNet the action names.
          expect(sameId(parsePeeringId(action.target)!.vnetId, action.vnetId)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("never plans two writes on one peering", () => {
    fc.assert(
      fc.property(topology, ({ snapshot: snap, policy: pol }) => {
        const targets = plan(snap, pol)
          .actions.filter((a) => WRITES.has(a.kind))
          .map((a) => idKey(a.target));
        expect(new Set(targets).size).toBe(targets.length);
      }),
      { numRuns: 400 },
    );
  });

  it("gives unique action ids, and every dependency is an earlier action", () => {
    fc.assert(
      fc.property(topology, ({ snapshot: snap, policy: pol }) => {
        const seen = new Set<string>();
        for (const action of plan(snap, pol).actions) {
          expect(seen.has(action.id)).toBe(false);
          if (action.dependsOn) expect(seen.has(action.dependsOn)).toBe(true);
          seen.add(action.id);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("plans the same actions in the same order whatever the order of the input", () => {
    fc.assert(
      fc.property(
        topology,
        fc.integer({ min: 1, max: 1_000_000 }),
        ({ snapshot: snap, policy: pol }, seed) => {
          expect(plan(shuffleSnapshot(snap, seed), pol)).toEqual(plan(snap, pol));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("plans nothing for a healthy topology", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), (count) => {
        const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
        const spokes = Array.from({ length: count }, (_, i) =>
          vnet(`s${i}`, { addressPrefixes: [`10.${i + 1}.0.0/16`] }),
        );
        for (const s of spokes) connectedPair(hub, s);
        expect(plan(snapshot([hub, ...spokes]), policy()).actions).toEqual([]);
      }),
    );
  });
});

describe("plan: determinism", () => {
  it("returns the same plan for a shuffled hub-and-spoke snapshot", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
    const spokes = ["s1", "s2", "s3", "s4"].map((n, i) =>
      vnet(n, { addressPrefixes: [`10.${i + 1}.0.0/16`] }),
    );
    for (const s of spokes.slice(0, 3)) connectedPair(hub, s);
    peering(hub, spokes[3]!, { state: "Initiated", syncLevel: "RemoteNotInSync" });
    resize(hub, ["10.0.0.0/16", "10.9.0.0/16"], [hub, ...spokes]);
    const snap = snapshot([hub, ...spokes]);

    const expected = plan(snap, policy());

    expect(expected.actions.map((a) => a.kind)).toEqual(["createReciprocal", "sync", "sync", "sync"]);
    for (const seed of [1, 2, 3, 42, 999])
      expect(plan(shuffleSnapshot(snap, seed), policy())).toEqual(expected);
  });

  it("does not change the snapshot it is given", () => {
    const a = vnet("a", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b", { addressPrefixes: ["10.2.0.0/16"] });
    peering(b, a, { state: "Disconnected" });
    peering(a, b, { state: "Initiated" });
    const snap = snapshot([b, a]);
    const before = structuredClone(snap);

    plan(snap, policy({ repairDisconnected: true }));

    expect(snap).toEqual(before);
  });
});
