import { readFile } from "node:fs/promises";
import type { TokenCredential } from "@azure/core-auth";
import type { Settings } from "../../config.js";
import type { NetworkPort } from "../../reconcile/port.js";
import { ArmNetworkPort } from "./arm-network-port.js";
import { resolveArmTarget } from "../clouds.js";
import { azureCredential, emulatorCredential } from "../credentials.js";

/**
 * The ARM port as the settings describe it: ARM_CLOUD's Resource Manager by default, the emulator on
 * loopback, any other endpoint only with ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT (docs/safety.md).
 */
export async function createNetworkPort(
  settings: Pick<
    Settings,
    "ARM_CLOUD" | "ARM_ENDPOINT" | "ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT" | "ARM_CA_FILE" | "AZURE_CLIENT_ID"
  >,
  /** Tests: a credential that records what it is asked for, instead of the identity. */
  overrides: { credential?: TokenCredential } = {},
): Promise<NetworkPort> {
  // parseSettings refuses the same; checked again for callers that assemble settings themselves.
  const resolved = resolveArmTarget(settings);
  if ("problem" in resolved) throw new Error(`${resolved.setting} ${resolved.problem}`);
  const { target } = resolved;
  const caPem = settings.ARM_CA_FILE ? await readFile(settings.ARM_CA_FILE, "utf8") : undefined;
  const credential =
    overrides.credential ??
    (target.loopback ? emulatorCredential : azureCredential(settings.AZURE_CLIENT_ID, target.cloud));
  return new ArmNetworkPort({
    credential,
    endpoint: target.endpoint,
    credentialScope: target.audience,
    ...(caPem ? { caPem } : {}),
  });
}
