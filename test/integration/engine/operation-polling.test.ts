import { afterEach, describe, expect, it } from "vitest";
import { ArmNetworkPort } from "../../../src/azure/arm/arm-network-port.js";
import { ArmError } from "../../../src/reconcile/errors.js";
import { emulatorCredential } from "../../../src/azure/credentials.js";
import { bodyOf } from "../../../src/reconcile/body.js";
import { startEmulator, type Emulator } from "../../../emulator/index.js";
import { seedHubWithSpokes, vnetIn } from "../../support/hub-estate.js";

/**
 * A peering write is a long-running operation; its status polls are reads from the same bucket as
 * everything else (docs/azure-behaviour.md#throttling). Once the adapter has seen how long writes take, it polls a write about
 * when it is done instead of every interval: same outcome, a fraction of the polls.
 */
const SUB = "00000000-0000-4000-8000-0000000000e1";
const vnetId = vnetIn(SUB);

// An interval well above the client-side jitter of a loaded 2-core machine (tens of ms), so that a
// poll sent at a write's expected end is not pushed before it by timing noise alone.
const LRO_SECONDS = 0.6;
const POLL_MS = 50;
const SPOKES = 8;

const emus: Emulator[] = [];
afterEach(async () => {
  for (const e of emus.splice(0)) await e.stop();
});

async function resizedHub(lroSeconds = LRO_SECONDS): Promise<Emulator> {
  const emu = await startEmulator({
    timeScale: 1,
    lroDurationSeconds: lroSeconds,
    lroRetryAfterSeconds: 0,
    throttle: false,
  });
  emus.push(emu);
  seedHubWithSpokes(emu, SUB, SPOKES, { resized: true });
  return emu;
}

/** Syncs each spoke's peering to the hub, one after another, and counts the status polls of each. */
async function syncSpokes(e: Emulator, port: ArmNetworkPort): Promise<number[]> {
  const polls: number[] = [];
  for (let i = 1; i <= SPOKES; i++) {
    const peering = await port.getPeering(`${vnetId(`s${i}`)}/virtualNetworkPeerings/s${i}-to-hub`);
    if (!peering) throw new Error(`s${i}-to-hub is missing`);
    const before = e.count({ kind: "operationStatus" });
    const after = await port.putPeering(vnetId(`s${i}`), peering.name, bodyOf(peering), {
      syncRemoteAddressSpace: true,
    });
    polls.push(e.count({ kind: "operationStatus" }) - before);
    expect(after.syncLevel).toBe("FullyInSync");
  }
  return polls;
}

const portOn = (e: Emulator, learnOperationDurations: boolean) =>
  new ArmNetworkPort({
    credential: emulatorCredential,
    endpoint: e.endpoint,
    caPem: e.caPem,
    pollIntervalMs: POLL_MS,
    requestBudget: false,
    learnOperationDurations,
  });

/** Syncs every spoke's peering to the hub at once; the status polls of all of them. */
async function syncSpokesTogether(e: Emulator, port: ArmNetworkPort): Promise<number> {
  const before = e.count({ kind: "operationStatus" });
  await Promise.all(
    Array.from({ length: SPOKES }, async (_, i) => {
      const vnet = vnetId(`s${i + 1}`);
      const peering = await port.getPeering(`${vnet}/virtualNetworkPeerings/s${i + 1}-to-hub`);
      if (!peering) throw new Error(`s${i + 1}-to-hub is missing`);
      const after = await port.putPeering(vnet, peering.name, bodyOf(peering), {
        syncRemoteAddressSpace: true,
      });
      expect(after.syncLevel).toBe("FullyInSync");
    }),
  );
  return e.count({ kind: "operationStatus" }) - before;
}

describe("status polls of long-running peering writes", () => {
  it("poll every interval until a write finished, then about once per write", async () => {
    const e = await resizedHub();
    const polls = await syncSpokes(e, portOn(e, true));

    // 600 ms at 50 ms: a fixed interval polls a write about twelve times (five even on a loaded machine).
    expect(polls[0]).toBeGreaterThanOrEqual(5);
    for (const n of polls.slice(1)) expect(n).toBeLessThanOrEqual(3);
    expect(e.pendingOperations()).toBe(0);
  });

  it("of writes sent together, only the oldest polls at the interval; the others poll about once", async () => {
    // Compared with the same writes without learning, on a fresh estate in the same run, rather than
    // with a fixed bound: a non-oldest write's first poll goes out at the oldest's measured
    // duration, which request latency on a loaded machine shortens, and each interval it comes
    // early costs it another poll, so how many polls "about once" takes depends on the machine.
    // Load slows the baseline's polls in the same units. Writes twice as long as the others' here
    // (24 intervals) keep the oldest's share small, so half the baseline still separates the two
    // cases: learning makes about a fifth of it even when each later write lags a few polls, and
    // without learning (or without holding later writes back) every write polls at the interval.
    const learned = await resizedHub(2 * LRO_SECONDS);
    const polls = await syncSpokesTogether(learned, portOn(learned, true));
    const fixed = await resizedHub(2 * LRO_SECONDS);
    const baseline = await syncSpokesTogether(fixed, portOn(fixed, false));
    expect(polls).toBeLessThanOrEqual(baseline / 2);
    expect(polls).toBeGreaterThanOrEqual(SPOKES);
  });

  it("without learning, every write is polled at the interval (the baseline the figures compare with)", async () => {
    const e = await resizedHub();
    const polls = await syncSpokes(e, portOn(e, false));
    for (const n of polls) expect(n).toBeGreaterThanOrEqual(5);
  });

  it("without learning, writes sent together are each polled at the interval", async () => {
    const e = await resizedHub();
    expect(await syncSpokesTogether(e, portOn(e, false))).toBeGreaterThanOrEqual(5 * SPOKES);
  });

  it("does not poll a write the moment it was accepted: a write asked for after its end polls once", async () => {
    // The SDK's beginCreateOrUpdate polls the status right after the PUT (it can only say "in
    // progress"); the port's own PUT leaves every poll to the pace.
    const e = await resizedHub();
    const port = new ArmNetworkPort({
      credential: emulatorCredential,
      endpoint: e.endpoint,
      caPem: e.caPem,
      pollIntervalMs: POLL_MS,
      firstPollDelayMs: 4 * LRO_SECONDS * 1000,
      requestBudget: false,
    });
    const peering = await port.getPeering(`${vnetId("s1")}/virtualNetworkPeerings/s1-to-hub`);
    const before = e.count({ kind: "operationStatus" });
    const after = await port.putPeering(vnetId("s1"), peering!.name, bodyOf(peering!), {
      syncRemoteAddressSpace: true,
    });
    expect(after.syncLevel).toBe("FullyInSync");
    expect(e.count({ kind: "operationStatus" }) - before).toBe(1);
    expect(e.count({ method: "PUT" })).toBe(1);
  });

  it("reports an operation that ended Failed with its own code, as the SDK's poller did", async () => {
    const e = await resizedHub();
    e.injectFault({
      method: "PUT",
      path: /virtualNetworkPeerings/,
      count: 1,
      fault: { type: "lroFailure", code: "PeeringSyncFailed", message: "It broke." },
    });
    const port = portOn(e, true);
    const peering = await port.getPeering(`${vnetId("s1")}/virtualNetworkPeerings/s1-to-hub`);
    const failure = await port
      .putPeering(vnetId("s1"), peering!.name, bodyOf(peering!), { syncRemoteAddressSpace: true })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ArmError);
    expect(failure).toMatchObject({ status: 400, code: "PeeringSyncFailed", message: "It broke." });
  });
});
