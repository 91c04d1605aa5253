import { afterEach, describe, expect, it } from "vitest";
import { ArmNetworkPort } from "../../../src/azure/arm/arm-network-port.js";
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
/** Polls a fixed interval makes for one write: one per interval, and one more if the last lands early. */
const FIXED_INTERVAL_POLLS = Math.ceil((LRO_SECONDS * 1000) / POLL_MS) + 1;
const SPOKES = 8;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function resizedHub(): Promise<Emulator> {
  emu = await startEmulator({
    timeScale: 1,
    lroDurationSeconds: LRO_SECONDS,
    lroRetryAfterSeconds: 0,
    throttle: false,
  });
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
    const e = await resizedHub();
    const polls = await syncSpokesTogether(e, portOn(e, true));
    // The oldest: every interval until done; each of the other seven: one, two when it lags.
    expect(polls).toBeLessThanOrEqual(FIXED_INTERVAL_POLLS + 2 * (SPOKES - 1));
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
});
