import { afterEach, describe, expect, it } from "vitest";
import { ArmNetworkPort } from "../../../src/azure/arm-network-port.js";
import { emulatorCredential } from "../../../src/azure/credentials.js";
import { bodyOf } from "../../../src/reconcile/body.js";
import { startEmulator, type Emulator } from "../../../emulator/index.js";

/**
 * A peering write is a long-running operation; its status polls are reads from the same bucket as
 * everything else (facts 6). Once the adapter has seen how long writes take, it polls a write about
 * when it is done instead of every interval: same outcome, a fraction of the polls.
 */
const SUB = "00000000-0000-4000-8000-0000000000e1";
const vnetId = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${name}`;

const LRO_SECONDS = 0.3;
const POLL_MS = 20;
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
  emu.seed.vnet({ subscriptionId: SUB, resourceGroup: "rg", name: "hub", addressPrefixes: ["10.0.0.0/16"] });
  for (let i = 1; i <= SPOKES; i++) {
    emu.seed.vnet({
      subscriptionId: SUB,
      resourceGroup: "rg",
      name: `s${i}`,
      addressPrefixes: [`10.1.${i}.0/24`],
    });
    emu.seed.connect(vnetId("hub"), vnetId(`s${i}`));
  }
  emu.seed.setAddressSpace(vnetId("hub"), ["10.0.0.0/16", "10.200.0.0/16"]);
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

describe("status polls of long-running peering writes", () => {
  it("poll every interval until three writes finished, then about once per write", async () => {
    const e = await resizedHub();
    const polls = await syncSpokes(e, portOn(e, true));

    // 300 ms at 20 ms: a fixed interval polls a write over ten times (five even on a loaded machine).
    for (const n of polls.slice(0, 3)) expect(n).toBeGreaterThanOrEqual(5);
    for (const n of polls.slice(3)) expect(n).toBeLessThanOrEqual(3);
    expect(e.pendingOperations()).toBe(0);
  });

  it("without learning, every write is polled at the interval (the baseline the figures compare with)", async () => {
    const e = await resizedHub();
    const polls = await syncSpokes(e, portOn(e, false));
    for (const n of polls) expect(n).toBeGreaterThanOrEqual(5);
  });
});
