import {
  bearerTokenAuthenticationPolicyName,
  redirectPolicyName,
  type Pipeline,
} from "@azure/core-rest-pipeline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ORIGIN_PIN_POLICY_NAME } from "../../../src/azure/arm/origin-pin.js";
import { vnetIdOf, type EmulatorOptions } from "../../../emulator/index.js";
import type { MessageQueue, ReconcileMessage } from "../../../src/app/ports.js";
import { sweepSubscriptions, type SweepResult } from "../../../src/app/sweep.js";
import { emulatorCredential } from "../../../src/azure/credentials.js";
import {
  ResourceGraphInventory,
  type ResourceGraphInventoryOptions,
} from "../../../src/azure/arm/resource-graph-inventory.js";
import { BASE_POLICY, startEngine, type EngineHarness } from "../../support/engine.js";
import { closeListener, listen, type Listener } from "../../support/foreign-listener.js";
import { MemoryDedupe, MemoryPeerIndex } from "../../support/memory-ports.js";

/**
 * The sweep through Resource Graph (src/azure/arm/resource-graph-inventory.ts) against the emulator's
 * Resource Graph endpoint, compared with the sweep through ARM lists on the same estate: the same
 * drifts, and ARM lists for whatever Resource Graph cannot vouch for (no rows, throttled past its
 * reset, 5xx, unreachable, a redirect elsewhere).
 */
const A = "00000000-0000-4000-8000-00000000a001";
const B = "00000000-0000-4000-8000-00000000b002";
const EMPTY = "00000000-0000-4000-8000-00000000c003";
const DENIED = "00000000-0000-4000-8000-00000000d004";
const SUBS = [A, B, EMPTY, DENIED];
const id = (sub: string, name: string) => vnetIdOf(sub, "rg", name);

let h: EngineHarness;
afterEach(async () => {
  await h?.stop();
});

let foreign: Listener;
beforeAll(async () => {
  foreign = await listen("127.0.0.2");
});
afterAll(async () => {
  await closeListener(foreign);
});

/**
 * Hubs with spokes over two subscriptions (30 VNets, so pages of 4 rows take several queries), and
 * drift: a spoke whose peering to the hub is one-sided, a hub grown under its spokes (LocalNotInSync),
 * a peering into a subscription that answers 403, and a subscription without VNets.
 */
async function estate(options: EmulatorOptions = {}): Promise<EngineHarness> {
  h = await startEngine({ throttle: false, ...options });
  const seed = h.emu.seed;
  let n = 0;
  const vnet = (sub: string, name: string) =>
    seed.vnet({ subscriptionId: sub, resourceGroup: "rg", name, addressPrefixes: [`10.${n++}.0.0/16`] });
  for (const sub of [A, B]) {
    const hub = vnet(sub, "hub");
    for (let i = 0; i < 13; i++) seed.connect(hub, vnet(sub, `spoke${i}`));
  }
  seed.connect(id(A, "hub"), id(B, "hub"));
  seed.peering({ vnetId: vnet(A, "lonely"), remoteVnetId: id(B, "hub") });
  seed.setAddressSpace(id(B, "hub"), ["10.200.0.0/16", "10.201.0.0/16"]);
  seed.peering({ vnetId: vnet(DENIED, "denied"), remoteVnetId: id(A, "spoke0") });
  seed.peering({ vnetId: id(A, "spoke1"), remoteVnetId: id(DENIED, "denied") });
  seed.setSubscriptionAccessible(DENIED, false);
  seed.subscription(EMPTY);
  return h;
}

function graph(overrides: Partial<ResourceGraphInventoryOptions> = {}): ResourceGraphInventory {
  return new ResourceGraphInventory({
    credential: emulatorCredential,
    endpoint: h.emu.endpoint,
    caPem: h.emu.caPem,
    sdkMaxRetries: 0,
    pageRows: 4,
    ...overrides,
  });
}

async function sweepWith(
  inventory?: ResourceGraphInventory,
  snapshotMaxVnets?: number,
): Promise<SweepResult & { queued: string[] }> {
  const queued: string[] = [];
  const queue: MessageQueue<ReconcileMessage> = { send: async (m) => void queued.push(m.vnetId) };
  const result = await sweepSubscriptions("c", {
    port: h.port,
    policy: { ...BASE_POLICY, watchedSubscriptions: SUBS },
    peerIndex: new MemoryPeerIndex(),
    maxParallel: 8,
    queue,
    dedupe: new MemoryDedupe(),
    now: () => new Date(),
    dedupeWindowSeconds: 0,
    delaySeconds: 0,
    ...(inventory ? { inventory } : {}),
    ...(snapshotMaxVnets !== undefined ? { snapshotMaxVnets } : {}),
  });
  return { ...result, queued: queued.sort() };
}

const findings = (r: SweepResult) =>
  r.drifts.map((d) => `${d.vnetId.toLowerCase()}: ${d.reasons.join("; ")}`).sort();

describe("the sweep through Resource Graph", () => {
  it("finds the same drift as ARM lists, and lists through ARM only the subscriptions it returned nothing for", async () => {
    await estate();
    const viaArm = await sweepWith();
    h.emu.resetCounters();
    const viaGraph = await sweepWith(graph());

    expect(findings(viaGraph)).toEqual(findings(viaArm));
    expect(viaGraph.queued).toEqual(viaArm.queued);
    expect(viaArm.drifts.map((d) => d.vnetId.toLowerCase()).sort()).toEqual(
      [
        id(A, "lonely"),
        id(A, "hub"),
        id(B, "hub"),
        id(A, "spoke1"),
        ...range(13).map((i) => id(B, `spoke${i}`)),
      ]
        .map((v) => v.toLowerCase())
        .sort(),
    );
    // Each of B's spokes drifted only with B's hub, whose reconcile covers it: one per pair.
    expect(viaArm.queued).toEqual([id(A, "lonely"), id(A, "hub"), id(B, "hub"), id(A, "spoke1")].sort());
    expect(viaGraph.vnetsRead).toBe(viaArm.vnetsRead);
    expect(viaGraph.inaccessibleSubscriptions).toEqual([DENIED]);
    expect(viaGraph.inventory).toEqual({
      source: "resource-graph",
      resourceGraph: expect.objectContaining({ covered: 2, notCovered: 2, requests: 8 }),
      armLists: { subscriptions: 2, covered: 1 },
    });
    // 30 rows in pages of 4; ARM was asked only for the empty and the denied subscription.
    expect(h.emu.count({ kind: "resourceGraph" })).toBe(8);
    expect(h.emu.count({ kind: "virtualNetworkList" })).toBe(2);
    // The status page gets no snapshot from rows that lag ARM.
    expect(viaGraph.snapshot).toBeUndefined();
    expect(viaArm.snapshot?.vnets).toHaveLength(viaArm.vnetsRead);
  });

  it("offers the status page the read of ARM lists only up to its VNet limit", async () => {
    await estate();
    const small = await sweepWith(undefined, 100);
    expect(small.snapshot?.vnets).toHaveLength(small.vnetsRead);
    const large = await sweepWith(undefined, small.vnetsRead - 1);
    expect(large.snapshot).toBeUndefined();
    expect(findings(large)).toEqual(findings(small));
  });

  it("paces its queries to the quota headers instead of running into 429", async () => {
    await estate({ timeScale: 0.05, resourceGraph: { quota: 3, windowSeconds: 2 } });
    const viaGraph = await sweepWith(graph({ msPerSecond: 1000 * 0.05 }));
    expect(h.emu.count({ kind: "resourceGraph" })).toBe(8);
    expect(h.emu.count({ kind: "resourceGraph", status: 429 })).toBe(0);
    expect(viaGraph.inventory.resourceGraph).toMatchObject({ covered: 2, notCovered: 2 });
  });

  for (const [what, options, fault] of [
    ["is throttled past its quota's reset", { resourceGraph: { quota: 2, windowSeconds: 3600 } }, undefined],
    ["answers 503", {}, { type: "status", status: 503 }],
    ["cannot be reached (connection reset)", {}, { type: "reset" }],
  ] as const) {
    it(`lists every subscription through ARM when Resource Graph ${what}, and finds the same drift`, async () => {
      await estate(options);
      const viaArm = await sweepWith();
      if (fault)
        h.emu.injectFault({
          method: "POST",
          path: "/providers/Microsoft\\.ResourceGraph/",
          fault: fault as never,
        });
      // A reset an hour away is not waited for (the default bound is a minute; this one is 1 s).
      const viaGraph = await sweepWith(graph({ maxQuotaWaitMs: 1000 }));
      expect(findings(viaGraph)).toEqual(findings(viaArm));
      expect(viaGraph.failedSubscriptions).toEqual([]);
      expect(viaGraph.inventory).toMatchObject({
        resourceGraph: { covered: 0, notCovered: 4 },
        armLists: { subscriptions: 4, covered: 3 },
      });
    });
  }

  it("never sends the token to another origin: a redirect elsewhere is refused and ARM lists take over", async () => {
    await estate();
    const viaArm = await sweepWith();
    h.emu.injectFault({
      method: "POST",
      path: "/providers/Microsoft\\.ResourceGraph/",
      fault: { type: "linkBase", baseUrl: foreign.base },
    });
    const inventory = graph();
    const viaGraph = await sweepWith(inventory);
    expect(foreign.connections, "the foreign host was never contacted").toBe(0);
    // The SDK's redirect policy does not follow a redirect to another origin; the answer is an error.
    expect(viaGraph.inventory.resourceGraph?.firstProblem?.code).toBe("Http307");
    expect(findings(viaGraph)).toEqual(findings(viaArm));
    // Were it followed, the origin pin would refuse it before the token is attached: it sits after the
    // redirect policy (which re-sends from its own place) and before the bearer-token policy.
    const names = (inventory as unknown as { client: { pipeline: Pipeline } }).client.pipeline
      .getOrderedPolicies()
      .map((p) => p.name);
    const at = (name: string) => names.indexOf(name);
    expect(at(ORIGIN_PIN_POLICY_NAME)).toBeGreaterThan(at(redirectPolicyName));
    expect(at(ORIGIN_PIN_POLICY_NAME)).toBeLessThan(at(bearerTokenAuthenticationPolicyName));
    expect(at(redirectPolicyName)).toBeGreaterThanOrEqual(0);
  });

  it("a drift fixed after Resource Graph's copy is still queued, and its reconcile reads ARM and writes nothing", async () => {
    await estate({ resourceGraph: { stalenessSeconds: 3600 } });
    const before = await sweepWith(graph());
    expect(before.queued).toContain(id(A, "lonely"));
    // Someone completes the pair; Resource Graph does not know yet.
    h.emu.seed.peering({ vnetId: id(B, "hub"), remoteVnetId: id(A, "lonely") });
    const stale = await sweepWith(graph());
    expect(stale.queued).toContain(id(A, "lonely"));
    const viaArm = await sweepWith();
    expect(viaArm.queued).not.toContain(id(A, "lonely"));

    h.emu.resetCounters();
    const outcome = await h.run({ watchedSubscriptions: SUBS }, { scope: [id(A, "lonely")] });
    expect(outcome.plan.actions.filter((a) => a.kind !== "skip" && a.kind !== "alertOnly")).toEqual([]);
    expect(h.writes()).toBe(0);
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
