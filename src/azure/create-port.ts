import { readFile } from "node:fs/promises";
import type { Settings } from "../config.js";
import type { NetworkPort } from "../reconcile/port.js";
import { ArmNetworkPort } from "./arm-network-port.js";
import { azureCredential, emulatorCredential, isLoopbackEndpoint } from "./credentials.js";

/** The ARM port as the settings describe it: Azure by default, any ARM-compatible endpoint on request. */
export async function createNetworkPort(
  settings: Pick<Settings, "ARM_ENDPOINT" | "ARM_CA_FILE" | "AZURE_CLIENT_ID">,
): Promise<NetworkPort> {
  const endpoint = settings.ARM_ENDPOINT;
  const caPem = settings.ARM_CA_FILE ? await readFile(settings.ARM_CA_FILE, "utf8") : undefined;
  const credential =
    endpoint && isLoopbackEndpoint(endpoint) ? emulatorCredential : azureCredential(settings.AZURE_CLIENT_ID);
  return new ArmNetworkPort({
    credential,
    ...(endpoint ? { endpoint } : {}),
    ...(caPem ? { caPem } : {}),
  });
}
