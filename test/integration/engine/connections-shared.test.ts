import { afterEach, describe, expect, it } from "vitest";
import { ArmNetworkPort } from "../../../src/azure/arm/arm-network-port.js";
import { emulatorCredential } from "../../../src/azure/credentials.js";
import { startEmulator, type Emulator } from "../../../emulator/index.js";
import { seedHubWithSpokes, vnetIn } from "../../support/hub-estate.js";

/**
 * Every subscription's client of one port draws on one pool of connections with a bound
 * (src/azure/arm/connections.ts): a burst of requests waits for a free connection instead of
 * opening (and paying a TLS handshake for) one per request.
 */
const SUBS = [
  "00000000-0000-4000-8000-0000000000c1",
  "00000000-0000-4000-8000-0000000000c2",
  "00000000-0000-4000-8000-0000000000c3",
];
const SPOKES = 20;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function estate(): Promise<Emulator> {
  // A round trip long enough that a burst's requests overlap on any machine.
  const e = await startEmulator({ timeScale: 1, requestLatencySeconds: 0.05, throttle: false });
  for (const sub of SUBS) seedHubWithSpokes(e, sub, SPOKES);
  return e;
}

const portOn = (e: Emulator, maxConnections?: number) =>
  new ArmNetworkPort({
    credential: emulatorCredential,
    endpoint: e.endpoint,
    caPem: e.caPem,
    requestBudget: false,
    coalesceReads: false,
    ...(maxConnections !== undefined ? { maxConnections } : {}),
  });

/** One GET of every spoke of every subscription, all at once. */
const burst = (port: ArmNetworkPort) =>
  Promise.all(
    SUBS.flatMap((sub) =>
      Array.from({ length: SPOKES }, async (_, i) => {
        const vnet = await port.getVnet(vnetIn(sub)(`s${i + 1}`));
        expect(vnet?.name).toBe(`s${i + 1}`);
      }),
    ),
  );

describe("connections to ARM", () => {
  it("a burst over three subscriptions opens no more connections than the bound, and all answers arrive", async () => {
    emu = await estate();
    await burst(portOn(emu, 6));
    expect(emu.connections().peakOpen).toBeLessThanOrEqual(6);
    expect(emu.connections().opened).toBeLessThanOrEqual(6);
    expect(emu.count({ method: "GET", kind: "virtualNetwork" })).toBe(SUBS.length * SPOKES);
  });

  it("the next burst reuses the connections the first one opened", async () => {
    emu = await estate();
    const port = portOn(emu, 6);
    await burst(port);
    const opened = emu.connections().opened;
    await burst(port);
    expect(emu.connections().opened).toBe(opened);
  });

  it("the default bound still lets a burst use many connections at once", async () => {
    // Not one connection for everything: a burst of 60 overlapping requests spreads over many.
    emu = await estate();
    await burst(portOn(emu));
    expect(emu.connections().peakOpen).toBeGreaterThan(6);
  });
});
