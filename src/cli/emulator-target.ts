import { fileURLToPath } from "node:url";
import { startEmulator, type Emulator } from "../../emulator/index.js";
import { ArmNetworkPort } from "../azure/arm/arm-network-port.js";
import { emulatorCredential } from "../azure/credentials.js";
import { subscriptionOf } from "../reconcile/ids.js";
import type { Target } from "./main.js";

/** The topology `npm run demo` and `--emulator` without a file use. */
export const DEMO_TOPOLOGY = fileURLToPath(new URL("../../demo/topology.json", import.meta.url));

/** The ARM port the CLI uses on an emulator: the real SDK over HTTPS, trusting the emulator's CA. */
export function emulatorPort(emulator: Pick<Emulator, "endpoint" | "caPem">): ArmNetworkPort {
  return new ArmNetworkPort({
    credential: emulatorCredential,
    endpoint: emulator.endpoint,
    caPem: emulator.caPem,
    // The emulator's operations take milliseconds: poll at their pace, not at Azure's 2 s.
    pollIntervalMs: 10,
  });
}

/**
 * The bundled emulator, started in-process for one CLI run: plan and apply go through the real
 * @azure/arm-network SDK over HTTPS, exactly as against Azure.
 */
export async function openEmulatorTarget(topologyFile: string | undefined): Promise<Target> {
  const emulator = await startEmulator();
  let loaded;
  try {
    loaded = await emulator.loadTopology(topologyFile || DEMO_TOPOLOGY);
  } catch (err) {
    await emulator.stop();
    throw err;
  }
  return {
    port: emulatorPort(emulator),
    // Every subscription of the topology is watched, including those that answer 403: that is how
    // a real deployment meets a peer it has no permission on.
    subscriptions: [...new Set(Object.values(loaded.vnets).map((id) => subscriptionOf(id)!))].sort(),
    close: () => emulator.stop(),
  };
}
