import { expect } from "vitest";
import type { ReconcileRequest } from "../../../src/reconcile/run.js";
import type { Peering, Plan, Policy } from "../../../src/reconcile/types.js";
import { duplicates, freshSubscriptions, healthy, type Rig } from "./estate.js";

/**
 * Small estates that make the engine use each ARM operation, and the checks every reliability test
 * ends with: nothing worse than before, nothing lost, nothing duplicated.
 */

export type ScenarioKind = "sync" | "create" | "reset" | "scoped";

export interface Scenario {
  kind: ScenarioKind;
  vnets: string[];
  policy: Partial<Policy> & { watchedSubscriptions: string[] };
  request: Partial<ReconcileRequest>;
}

/**
 * A hub with five spokes, one of each kind of work: a sync, two reciprocals (one subnet-level), a
 * Disconnected pair to repair (reset, then a reciprocal that depends on it), and a healthy pair.
 */
export function buildEstate(rig: Rig): {
  vnets: string[];
  policy: Partial<Policy> & { watchedSubscriptions: string[] };
} {
  const { subs } = freshSubscriptions();
  const seed = rig.emu.seed;
  const hub = seed.vnet({
    subscriptionId: subs[0],
    resourceGroup: "rg-hub",
    name: "hub",
    addressPrefixes: ["10.0.0.0/16"],
    subnets: [{ name: "shared", addressPrefixes: ["10.0.1.0/24"] }],
  });
  const spoke = (i: number, sub = subs[1]) =>
    seed.vnet({
      subscriptionId: sub,
      resourceGroup: "rg-spokes",
      name: `spoke${i}`,
      addressPrefixes: [`10.${i}.0.0/16`],
      subnets: [{ name: "app", addressPrefixes: [`10.${i}.1.0/24`] }],
    });
  const [s1, s2, s3, s4, s5] = [1, 2, 3, 4, 5].map((i) => spoke(i, i === 4 ? subs[0] : subs[1])) as [
    string,
    string,
    string,
    string,
    string,
  ];
  seed.connect(hub, s1, {
    ab: { allowForwardedTraffic: true, remoteBgpCommunities: { virtualNetworkCommunity: "12076:20001" } },
    ba: { allowVirtualNetworkAccess: false },
  });
  seed.setAddressSpace(hub, ["10.0.0.0/16", "10.200.0.0/16"]);
  seed.peering({
    vnetId: s2,
    remoteVnetId: hub,
    settings: { allowForwardedTraffic: true, doNotVerifyRemoteGateways: true },
  });
  const [, back3] = seed.connect(hub, s3, { ab: { allowVirtualNetworkAccess: false } });
  seed.deletePeering(back3);
  seed.connect(hub, s4, { ab: { allowForwardedTraffic: true } });
  seed.peering({
    vnetId: s5,
    remoteVnetId: hub,
    settings: { peerCompleteVnets: false, localSubnetNames: ["app"], remoteSubnetNames: ["shared"] },
  });
  return {
    vnets: [hub, s1, s2, s3, s4, s5],
    policy: { watchedSubscriptions: [...subs], repairDisconnected: true },
  };
}

/** hub (subscription 1) and spoke (subscription 2), with user settings that must survive any write. */
export function buildScenario(rig: Rig, kind: ScenarioKind): Scenario {
  const { subs } = freshSubscriptions();
  const seed = rig.emu.seed;
  const hub = seed.vnet({
    subscriptionId: subs[0],
    resourceGroup: "rg-hub",
    name: "hub",
    addressPrefixes: ["10.0.0.0/16"],
  });
  const spoke = seed.vnet({
    subscriptionId: subs[1],
    resourceGroup: "rg-spoke",
    name: "spoke",
    addressPrefixes: ["10.1.0.0/16"],
  });
  const hubSide = {
    allowForwardedTraffic: true,
    remoteBgpCommunities: { virtualNetworkCommunity: "12076:20001" },
  };
  const spokeSide = { allowVirtualNetworkAccess: false, doNotVerifyRemoteGateways: true };
  const base = { vnets: [hub, spoke], policy: { watchedSubscriptions: [...subs] }, request: {} };
  switch (kind) {
    case "sync":
    case "scoped": {
      seed.connect(hub, spoke, { ab: hubSide, ba: spokeSide });
      seed.setAddressSpace(hub, ["10.0.0.0/16", "10.200.0.0/16"]);
      return kind === "sync"
        ? { kind, ...base }
        : { kind, ...base, request: { scope: [spoke], trigger: "event" } };
    }
    case "create":
      seed.peering({ vnetId: spoke, remoteVnetId: hub, settings: spokeSide });
      return { kind, ...base };
    case "reset": {
      const [, back] = seed.connect(hub, spoke, { ab: hubSide, ba: spokeSide });
      seed.deletePeering(back);
      return { kind, ...base, policy: { ...base.policy, repairDisconnected: true } };
    }
  }
}

export interface NeverWorseOptions {
  /** An injected LRO failure may leave the written peering Failed (Azure does the same). */
  allowFailedProvisioning?: boolean;
}

/**
 * After any run, faulty or not: every peering that existed still exists with exactly its user
 * settings, and is either as it was or better (healthy; Initiated instead of Disconnected); every new
 * peering is a reciprocal the plan asked for, with the planned settings; no VNet peers twice with
 * the same remote.
 */
export function expectNeverWorse(
  before: Map<string, Peering>,
  after: Map<string, Peering>,
  plans: Plan[],
  options: NeverWorseOptions = {},
): void {
  for (const [id, b] of before) {
    const a = after.get(id);
    expect(a, `${id} disappeared`).toBeDefined();
    if (!a) continue;
    expect(a.settings, `settings of ${id}`).toEqual(b.settings);
    expect(a.remoteVnetId.toLowerCase(), `remote of ${id}`).toBe(b.remoteVnetId.toLowerCase());
    expect(notWorse(b, a), `${id} went from ${b.state}/${b.syncLevel} to ${a.state}/${a.syncLevel}`).toBe(
      true,
    );
    if (JSON.stringify(a.remoteAddressSpace) !== JSON.stringify(b.remoteAddressSpace)) {
      // Only a sync moves it, and only to the remote VNet's current space.
      expect(a.remoteAddressSpace, `remoteAddressSpace of ${id}`).toEqual(a.remoteVirtualNetworkAddressSpace);
    }
    expectProvisioning(a, options);
  }
  const planned = plans.flatMap((p) => p.actions).filter((a) => a.kind === "createReciprocal");
  for (const [id, a] of after) {
    if (before.has(id)) continue;
    const action = planned.find((x) => x.target.toLowerCase() === id);
    expect(action, `${id} was created without a plan`).toBeDefined();
    if (action?.kind === "createReciprocal")
      expect(a.settings, `settings of new ${id}`).toEqual(action.body.settings);
    expectProvisioning(a, options);
  }
  expect(duplicates(after.values())).toEqual([]);
}

const STATE_RANK = { Disconnected: 0, Initiated: 1, Connected: 2 } as const;
const NOT_IN_SYNC: Record<Peering["syncLevel"], string[]> = {
  FullyInSync: [],
  LocalNotInSync: ["local"],
  RemoteNotInSync: ["remote"],
  LocalAndRemoteNotInSync: ["local", "remote"],
};

/** Closer to Connected, or as connected and no new NotInSync side. */
function notWorse(before: Peering, after: Peering): boolean {
  if (STATE_RANK[after.state] !== STATE_RANK[before.state])
    return STATE_RANK[after.state] > STATE_RANK[before.state];
  return NOT_IN_SYNC[after.syncLevel].every((side) => NOT_IN_SYNC[before.syncLevel].includes(side));
}

function expectProvisioning(p: Peering, options: NeverWorseOptions): void {
  const allowed = options.allowFailedProvisioning ? ["Succeeded", "Failed"] : ["Succeeded"];
  expect(allowed, `provisioningState of ${p.id}`).toContain(p.provisioningState);
}

/** Every pair of the estate has both halves, Connected and FullyInSync. */
export function expectConverged(after: Map<string, Peering>, vnets: readonly string[]): void {
  const peers = [...after.values()];
  for (const p of peers)
    expect(healthy(p), `${p.id} is ${p.state}/${p.syncLevel}/${p.provisioningState}`).toBe(true);
  for (const p of peers) {
    const back = peers.filter(
      (q) =>
        q.vnetId.toLowerCase() === p.remoteVnetId.toLowerCase() &&
        q.remoteVnetId.toLowerCase() === p.vnetId.toLowerCase(),
    );
    if (vnets.some((v) => v.toLowerCase() === p.remoteVnetId.toLowerCase()))
      expect(back, `the other half of ${p.id}`).toHaveLength(1);
  }
}
