import type { Emulator } from "../../emulator/index.js";
import { vnetIdOf } from "../../emulator/index.js";

/** Subscription ids of a benchmark estate: valid GUIDs, stable across runs. */
export const subscriptionIds = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `0b0b0b0b-0000-4000-8000-${String(i + 1).padStart(12, "0")}`);

/** The i-th /24 of 10.0.0.0/8 (65,536 of them): never overlapping. */
export const slash24 = (i: number): string => `10.${(i >> 8) & 255}.${i & 255}.0/24`;

export interface HubEstate {
  hubId: string;
  spokeIds: string[];
  subscriptions: string[];
  /** Spoke peerings (spoke -> hub) per subscription: where the syncs will be written. */
  spokesPerSubscription: Map<string, number>;
}

/** A hub in the first subscription and `spokes` spokes spread round-robin over `subscriptionCount`. */
export function seedHubAndSpokes(emu: Emulator, spokes: number, subscriptionCount: number): HubEstate {
  const subscriptions = subscriptionIds(subscriptionCount);
  const hubId = emu.seed.vnet({
    subscriptionId: subscriptions[0]!,
    resourceGroup: "rg-hub",
    name: "hub",
    addressPrefixes: ["192.168.0.0/16"],
  });
  const spokeIds: string[] = [];
  const spokesPerSubscription = new Map<string, number>();
  for (let i = 0; i < spokes; i++) {
    const subscriptionId = subscriptions[i % subscriptionCount]!;
    const id = emu.seed.vnet({
      subscriptionId,
      resourceGroup: "rg-spokes",
      name: `spoke-${String(i + 1).padStart(4, "0")}`,
      addressPrefixes: [slash24(i + 1)],
    });
    emu.seed.connect(hubId, id);
    spokeIds.push(id);
    spokesPerSubscription.set(subscriptionId, (spokesPerSubscription.get(subscriptionId) ?? 0) + 1);
  }
  return { hubId, spokeIds, subscriptions, spokesPerSubscription };
}

/** The hub gains a prefix: every spoke -> hub peering turns LocalNotInSync and needs one sync (docs/azure-behaviour.md#sync-semantics). */
export function resizeHub(emu: Emulator, estate: HubEstate, round: number): void {
  emu.seed.setAddressSpace(estate.hubId, ["192.168.0.0/16", ...hubExtraPrefixes(round)]);
}

const hubExtraPrefixes = (round: number): string[] =>
  Array.from({ length: round }, (_, i) => `172.${16 + i}.0.0/16`);

export interface PairEstate {
  subscriptions: string[];
  vnetIds: string[];
  vnetsPerSubscription: Map<string, number>;
  /** The VNet of each drifted pair that was resized. */
  resized: string[];
  /** Both VNets of every drifted pair. */
  drifted: string[];
  /** Syncs needed per subscription (the partner's peering back to the resized VNet). */
  syncsPerSubscription: Map<string, number>;
}

/** Where the i-th VNet of a pair estate goes. */
export type Placement = (
  i: number,
  subscriptions: string[],
) => { subscriptionId: string; resourceGroup: string };

/**
 * Round-robin over the subscriptions, so the two VNets of a pair are in different ones when there is
 * more than one; each subscription's VNets in resource groups of 50.
 */
export const roundRobin: Placement = (i, subscriptions) => ({
  subscriptionId: subscriptions[i % subscriptions.length]!,
  resourceGroup: `rg-${String(Math.floor(i / subscriptions.length / 50)).padStart(3, "0")}`,
});

/**
 * `vnets` VNets over `subscriptionCount` subscriptions, peered in pairs (VNets 2k and 2k + 1, both
 * halves Connected, in sync), each where `place` puts it.
 */
export function seedPairs(
  emu: Emulator,
  vnets: number,
  subscriptionCount: number,
  place: Placement = roundRobin,
): PairEstate {
  const subscriptions = subscriptionIds(subscriptionCount);
  const vnetIds: string[] = [];
  const vnetsPerSubscription = new Map<string, number>();
  for (let i = 0; i < vnets; i++) {
    const { subscriptionId, resourceGroup } = place(i, subscriptions);
    vnetIds.push(
      emu.seed.vnet({
        subscriptionId,
        resourceGroup,
        name: `vnet-${String(i).padStart(5, "0")}`,
        addressPrefixes: [slash24(i)],
      }),
    );
    vnetsPerSubscription.set(subscriptionId, (vnetsPerSubscription.get(subscriptionId) ?? 0) + 1);
  }
  for (let i = 0; i + 1 < vnets; i += 2) emu.seed.connect(vnetIds[i]!, vnetIds[i + 1]!);
  return {
    subscriptions,
    vnetIds,
    vnetsPerSubscription,
    resized: [],
    drifted: [],
    syncsPerSubscription: new Map(),
  };
}

/** Resize the first VNet of `pairs` pairs spread evenly over the estate: both VNets of each pair drift. */
export function driftPairs(emu: Emulator, estate: PairEstate, pairs: number): void {
  const totalPairs = Math.floor(estate.vnetIds.length / 2);
  const step = Math.max(1, Math.floor(totalPairs / pairs));
  for (let k = 0; k < pairs; k++) {
    const a = estate.vnetIds[2 * k * step]!;
    const b = estate.vnetIds[2 * k * step + 1]!;
    emu.seed.setAddressSpace(a, [slash24(2 * k * step), `172.${16 + (k >> 8)}.${k & 255}.0/24`]);
    estate.resized.push(a);
    estate.drifted.push(a, b);
    const subB = subscriptionOfId(b);
    estate.syncsPerSubscription.set(subB, (estate.syncsPerSubscription.get(subB) ?? 0) + 1);
  }
}

export const subscriptionOfId = (id: string): string => id.split("/")[2]!;

export { vnetIdOf };
