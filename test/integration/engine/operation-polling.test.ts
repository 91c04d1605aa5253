import { afterEach, describe, expect, it } from "vitest";
import { ArmNetworkPort } from "../../../src/azure/arm/arm-network-port.js";
import { ArmError } from "../../../src/reconcile/errors.js";
import { emulatorCredential } from "../../../src/azure/credentials.js";
import { bodyOf } from "../../../src/reconcile/body.js";
import { startEmulator, type Emulator } from "../../../emulator/index.js";
import { seedHubWithSpokes, vnetIn } from "../../support/hub-estate.js";

/**
 * A peering write is a long-running operation; its polls are reads from the same bucket as
 * everything else (docs/azure-behaviour.md#throttling). A poll is a GET of the peering, done once its
 * provisioningState is terminal, and the poll that sees Succeeded is the write's result
 * (docs/azure-behaviour.md#long-running-operations). Once the adapter has seen how long writes take,
 * it polls a write about when it is done instead of every interval: same outcome, a fraction of the polls.
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

/** Reads a write costs after its PUT: GETs of the peering (its polls and result) and of its operation. */
const writeReads = (e: Emulator) =>
  e.count({ method: "GET", kind: "virtualNetworkPeering" }) +
  e.count({ kind: "operationStatus" }) +
  e.count({ kind: "operationResult" });

/** Syncs each spoke's peering to the hub, one after another, and counts the polls of each. */
async function syncSpokes(e: Emulator, port: ArmNetworkPort): Promise<number[]> {
  const polls: number[] = [];
  for (let i = 1; i <= SPOKES; i++) {
    const peering = await port.getPeering(`${vnetId(`s${i}`)}/virtualNetworkPeerings/s${i}-to-hub`);
    if (!peering) throw new Error(`s${i}-to-hub is missing`);
    const before = writeReads(e);
    const after = await port.putPeering(vnetId(`s${i}`), peering.name, bodyOf(peering), {
      syncRemoteAddressSpace: true,
    });
    polls.push(writeReads(e) - before);
    expect(after.syncLevel).toBe("FullyInSync");
  }
  return polls;
}

const portOn = (
  e: Emulator,
  learnOperationDurations: boolean,
  more: { firstPollDelayMs?: number; learningPollIntervalMs?: number } = {},
) =>
  new ArmNetworkPort({
    credential: emulatorCredential,
    endpoint: e.endpoint,
    caPem: e.caPem,
    pollIntervalMs: POLL_MS,
    requestBudget: false,
    learnOperationDurations,
    ...more,
  });

/** Syncs every spoke's peering to the hub at once; the polls of all of them. */
async function syncSpokesTogether(e: Emulator, port: ArmNetworkPort): Promise<number> {
  const peerings = await Promise.all(
    Array.from({ length: SPOKES }, async (_, i) => {
      const peering = await port.getPeering(`${vnetId(`s${i + 1}`)}/virtualNetworkPeerings/s${i + 1}-to-hub`);
      if (!peering) throw new Error(`s${i + 1}-to-hub is missing`);
      return peering;
    }),
  );
  const before = writeReads(e);
  await Promise.all(
    peerings.map(async (peering, i) => {
      const after = await port.putPeering(vnetId(`s${i + 1}`), peering.name, bodyOf(peering), {
        syncRemoteAddressSpace: true,
      });
      expect(after.syncLevel).toBe("FullyInSync");
    }),
  );
  return writeReads(e) - before;
}

describe("polls of long-running peering writes", () => {
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
    // As in production, the first poll comes at two thirds of the write (10 s of about 15 s), and
    // the oldest then polls at a finer interval while the others wait for the duration it teaches.
    const learned = await resizedHub(2 * LRO_SECONDS);
    const polls = await syncSpokesTogether(
      learned,
      portOn(learned, true, {
        firstPollDelayMs: (2 * 2 * LRO_SECONDS * 1000) / 3,
        learningPollIntervalMs: POLL_MS / 2,
      }),
    );
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

  it("does not poll a write the moment it was accepted: a write asked for after its end costs one read", async () => {
    // The SDK's beginCreateOrUpdate polls the status right after the PUT (it can only say "in
    // progress") and GETs the peering after the status said Succeeded; the port's own PUT leaves
    // every poll to the pace, and the poll that sees Succeeded is the result.
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
    const before = writeReads(e);
    const after = await port.putPeering(vnetId("s1"), peering!.name, bodyOf(peering!), {
      syncRemoteAddressSpace: true,
    });
    expect(after.syncLevel).toBe("FullyInSync");
    expect(after.provisioningState).toBe("Succeeded");
    expect(writeReads(e) - before).toBe(1);
    // A success never reads the operation: the peering's own state said it.
    expect(e.count({ kind: "operationStatus" }) + e.count({ kind: "operationResult" })).toBe(0);
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
    // The peering's own state said Failed; its operation was read once, for the code and message.
    expect(e.count({ kind: "operationStatus" })).toBe(1);
  });
});
