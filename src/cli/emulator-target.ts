import { fileURLToPath } from "node:url";
import { startEmulator, type Emulator } from "../../emulator/index.js";
import type { LoadedTopology } from "../../emulator/index.js";
import { ArmNetworkPort } from "../azure/arm/arm-network-port.js";
import { createNetworkPort } from "../azure/arm/create-port.js";
import { emulatorCredential } from "../azure/credentials.js";
import { subscriptionOf } from "../reconcile/ids.js";
import { parseSettings } from "../config.js";
import type { NetworkPort } from "../reconcile/port.js";
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
  const crossTenant = loaded.crossTenant;
  return {
    port: crossTenant ? await crossTenantEmulatorPort(emulator, crossTenant) : emulatorPort(emulator),
    // Every subscription of the topology is watched, including those that answer 403: that is how
    // a real deployment meets a peer it has no permission on.
    subscriptions: [...new Set(Object.values(loaded.vnets).map((id) => subscriptionOf(id)!))].sort(),
    close: () => emulator.stop(),
  };
}

/**
 * A topology with a cross-tenant application (docs/cross-tenant.md): the port the deployed app would
 * build from its settings, signing in at the emulator's token endpoint. The emulator stands in for
 * the managed identity too, minting its token for the exchange.
 */
async function crossTenantEmulatorPort(
  emulator: Emulator,
  c: NonNullable<LoadedTopology["crossTenant"]>,
): Promise<NetworkPort> {
  const settings = parseSettings({
    ARM_ENDPOINT: emulator.endpoint,
    ARM_CA_FILE: emulator.caFile,
    AZURE_CLIENT_ID: c.managedIdentity,
    CROSS_TENANT_APP_CLIENT_ID: c.appClientId,
    CROSS_TENANT_HOME_TENANT_ID: c.homeTenantId,
    CROSS_TENANT_ALLOWED_TENANTS: c.consentedTenants.join(","),
  });
  return createNetworkPort(settings, {
    assertion: async () =>
      emulator.issueToken({
        aud: "api://AzureADTokenExchange",
        tid: c.homeTenantId,
        appid: c.managedIdentity,
        oid: c.managedIdentity,
      }),
  });
}
