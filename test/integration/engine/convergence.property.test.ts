import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Peering } from "../../../src/reconcile/types.js";
import { startEngine, type EngineHarness } from "../../support/engine.js";

/**
 * Random estates, random changes (resizes, deleted halves, one-sided creates, deleted VNets), one
 * apply: every pair that can be healthy ends Connected and FullyInSync, a pair whose VNet is gone
 * is left Disconnected and unwritten, a second apply writes nothing, no user setting moves, and
 * nothing outside scope is written. Prefixes are unique by construction, so no pair is blocked by an
 * overlap.
 */

interface VnetSpec {
  watched: boolean;
  optedOut: boolean;
  subscription: 0 | 1;
}
interface PairSpec {
  a: number;
  b: number;
  shape: "connected" | "aToB" | "bToA";
  forwarded: boolean;
  access: boolean;
}
type Change =
  | { op: "resize"; vnet: number }
  | { op: "deleteHalf"; pair: number; side: "a" | "b" }
  /** Someone peers two VNets that had no peering: one half, Initiated until the other exists. */
  | { op: "createHalf"; a: number; b: number; forwarded: boolean }
  /** Someone deletes a whole VNet: its peerings go with it, its partners' turn Disconnected. */
  | { op: "deleteVnet"; vnet: number };

const estate = fc
  .integer({ min: 2, max: 6 })
  .chain((n) =>
    fc.record({
      vnets: fc.array(
        fc.record({
          watched: fc.integer({ min: 0, max: 5 }).map((x) => x !== 0),
          optedOut: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
          subscription: fc.constantFrom(0 as const, 1 as const),
        }),
        { minLength: n, maxLength: n },
      ),
      pairs: fc.uniqueArray(
        fc.record({
          a: fc.integer({ min: 0, max: n - 1 }),
          b: fc.integer({ min: 0, max: n - 1 }),
          shape: fc.constantFrom("connected" as const, "aToB" as const, "bToA" as const),
          forwarded: fc.boolean(),
          access: fc.boolean(),
        }),
        { selector: (p) => [Math.min(p.a, p.b), Math.max(p.a, p.b)].join(), maxLength: 8 },
      ),
      changes: fc.array(
        fc.oneof(
          fc.record({ op: fc.constant("resize" as const), vnet: fc.integer({ min: 0, max: n - 1 }) }),
          fc.record({
            op: fc.constant("deleteHalf" as const),
            pair: fc.integer({ min: 0, max: 7 }),
            side: fc.constantFrom("a" as const, "b" as const),
          }),
          fc.record({
            op: fc.constant("createHalf" as const),
            a: fc.integer({ min: 0, max: n - 1 }),
            b: fc.integer({ min: 0, max: n - 1 }),
            forwarded: fc.boolean(),
          }),
          fc.record({ op: fc.constant("deleteVnet" as const), vnet: fc.integer({ min: 0, max: n - 1 }) }),
        ),
        { maxLength: 6 },
      ),
      repair: fc.boolean(),
    }),
  )
  .map((e) => ({ ...e, pairs: e.pairs.filter((p) => p.a !== p.b) }));

let h: EngineHarness;
let run = 0;
/** Guards against a vacuous property: the generated estates must have needed real work. */
const seen = { writes: 0, syncs: 0, reciprocals: 0, resets: 0, halvesCreated: 0, vnetsDeleted: 0 };
beforeAll(async () => {
  h = await startEngine({ throttle: false });
});
afterAll(async () => {
  await h?.stop();
});

const guid = (n: number, s: number) =>
  `${String(n).padStart(8, "0")}-0000-4000-8000-${String(s).padStart(12, "0")}`;

describe("convergence (property)", () => {
  it("converges every healthy-able pair, writes only what is needed, and is idempotent", async () => {
    await fc.assert(
      fc.asyncProperty(estate, async ({ vnets, pairs: generated, changes, repair }) => {
        run++;
        // Changes add pairs: never mutate a generated value (fast-check replays them when shrinking).
        const pairs = [...generated];
        const subs = [guid(run, 1), guid(run, 2)];
        const outside = guid(run, 9);
        const ids = vnets.map((v: VnetSpec, i) =>
          h.emu.seed.vnet({
            subscriptionId: v.watched ? subs[v.subscription]! : outside,
            resourceGroup: "rg",
            name: `vnet${i}`,
            addressPrefixes: [`10.${i}.0.0/16`],
            ...(v.optedOut ? { tags: { "peering-sync": "off" } } : {}),
          }),
        );
        const writable = (i: number) => vnets[i]!.watched && !vnets[i]!.optedOut;
        const halves: Array<{ ab?: string; ba?: string }> = pairs.map((p: PairSpec) => {
          const settings = { allowForwardedTraffic: p.forwarded, allowVirtualNetworkAccess: p.access };
          const [a, b] = [ids[p.a]!, ids[p.b]!];
          if (p.shape === "connected") {
            const [ab, ba] = h.emu.seed.connect(a, b, { ab: settings, ba: settings });
            return { ab, ba };
          }
          if (p.shape === "aToB") return { ab: h.emu.seed.peering({ vnetId: a, remoteVnetId: b, settings }) };
          return { ba: h.emu.seed.peering({ vnetId: b, remoteVnetId: a, settings }) };
        });
        const deleted = new Set<number>();
        const settingsOf = (p: PairSpec) => ({
          allowForwardedTraffic: p.forwarded,
          allowVirtualNetworkAccess: p.access,
        });
        for (const change of changes as Change[]) {
          if (change.op === "resize") {
            if (deleted.has(change.vnet)) continue;
            h.emu.seed.setAddressSpace(ids[change.vnet]!, [
              `10.${change.vnet}.0.0/16`,
              `10.${100 + change.vnet}.0.0/16`,
            ]);
          } else if (change.op === "deleteVnet") {
            if (deleted.has(change.vnet)) continue;
            h.emu.seed.deleteVnet(ids[change.vnet]!);
            deleted.add(change.vnet);
            seen.vnetsDeleted++;
            // Its own halves went with it; its partners' halves stay, Disconnected.
            pairs.forEach((p: PairSpec, k) => {
              if (p.a === change.vnet) delete halves[k]!.ab;
              if (p.b === change.vnet) delete halves[k]!.ba;
            });
          } else if (change.op === "createHalf") {
            const { a, b } = change;
            const paired = pairs.some((p: PairSpec) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
            if (a === b || paired || deleted.has(a) || deleted.has(b)) continue;
            const pair: PairSpec = { a, b, shape: "aToB", forwarded: change.forwarded, access: true };
            pairs.push(pair);
            halves.push({
              ab: h.emu.seed.peering({ vnetId: ids[a]!, remoteVnetId: ids[b]!, settings: settingsOf(pair) }),
            });
            seen.halvesCreated++;
          } else if (halves[change.pair]) {
            const half = change.side === "a" ? "ab" : "ba";
            const id = halves[change.pair]![half];
            if (id) {
              h.emu.seed.deletePeering(id);
              delete halves[change.pair]![half];
            }
          }
        }

        const read = async () => {
          const all = new Map<string, Peering>();
          for (const id of ids)
            for (const p of (await h.port.getVnet(id))?.peerings ?? []) all.set(p.id.toLowerCase(), p);
          return all;
        };
        const before = await read();
        h.emu.resetCounters();

        const { report } = await h.run({ watchedSubscriptions: subs, repairDisconnected: repair });
        const after = await read();

        // Every write succeeded, and no peering was written twice.
        const writeResults = report.results.filter(
          (r) => r.action.kind !== "alertOnly" && r.action.kind !== "skip",
        );
        expect(writeResults.every((r) => r.result.status === "succeeded")).toBe(true);
        expect(h.emu.count({ method: "PUT", kind: "virtualNetworkPeering" })).toBe(writeResults.length);
        for (const r of writeResults) expect(h.emu.writeCount(r.action.target)).toBe(1);
        seen.writes += writeResults.length;
        for (const r of writeResults) {
          if (r.action.kind === "sync") seen.syncs++;
          if (r.action.kind === "createReciprocal") seen.reciprocals++;
          if (r.action.kind === "resetDisconnected") seen.resets++;
        }

        // Nothing outside scope or opted out was written or created.
        for (const [id, p] of after) {
          const owner = ids.findIndex((v) => v.toLowerCase() === p.vnetId.toLowerCase());
          if (!writable(owner)) {
            expect(before.has(id), `created ${id} on a VNet out of scope`).toBe(true);
            expect(h.emu.writeCount(p.id)).toBe(0);
          }
        }

        // User settings of every peering that existed are unchanged.
        for (const [id, p] of before) {
          if (after.has(id)) expect(after.get(id)!.settings, id).toEqual(p.settings);
        }

        // Every pair whose VNets are both writable, with a half left, is healthy, unless it is a
        // Disconnected pair and repair is off.
        pairs.forEach((p: PairSpec, k) => {
          const left = [halves[k]!.ab, halves[k]!.ba].filter((x): x is string => Boolean(x));
          if (deleted.has(p.a) || deleted.has(p.b)) {
            // The other VNet is gone: its partner's half is reported, never written or re-created.
            for (const id of left) {
              expect(after.get(id.toLowerCase())?.state, id).toBe("Disconnected");
              expect(h.emu.writeCount(id)).toBe(0);
            }
            return;
          }
          if (!writable(p.a) || !writable(p.b)) return;
          if (left.length === 0) return;
          const wasDisconnected = left.some((id) => before.get(id.toLowerCase())?.state === "Disconnected");
          if (wasDisconnected && !repair) {
            for (const id of left) expect(after.get(id.toLowerCase())?.state).toBe("Disconnected");
            return;
          }
          const between = [...after.values()].filter(
            (x) =>
              (x.vnetId.toLowerCase() === ids[p.a]!.toLowerCase() &&
                x.remoteVnetId.toLowerCase() === ids[p.b]!.toLowerCase()) ||
              (x.vnetId.toLowerCase() === ids[p.b]!.toLowerCase() &&
                x.remoteVnetId.toLowerCase() === ids[p.a]!.toLowerCase()),
          );
          expect(between.map((x) => [x.state, x.syncLevel])).toEqual([
            ["Connected", "FullyInSync"],
            ["Connected", "FullyInSync"],
          ]);
        });

        // A second apply finds nothing to write.
        h.emu.resetCounters();
        await h.run({ watchedSubscriptions: subs, repairDisconnected: repair });
        expect(h.emu.count({ method: "PUT" }) + h.emu.count({ method: "DELETE" })).toBe(0);
      }),
      { numRuns: 60, seed: 20261122 },
    );
    expect(seen.syncs).toBeGreaterThan(5);
    expect(seen.reciprocals).toBeGreaterThan(5);
    expect(seen.resets).toBeGreaterThan(0);
    expect(seen.halvesCreated).toBeGreaterThan(0);
    expect(seen.vnetsDeleted).toBeGreaterThan(0);
  });
});
