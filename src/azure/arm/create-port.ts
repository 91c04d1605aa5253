import { readFile } from "node:fs/promises";
import type { TokenCredential } from "@azure/core-auth";
import type { Settings } from "../../config.js";
import type { NetworkPort } from "../../reconcile/port.js";
import { ARM_REQUEST_BUDGET, type RequestBudget } from "./request-budget.js";
import { ARM_CLOUDS, resolveArmTarget, type ArmCloudName } from "../clouds.js";
import { azureCredential, emulatorCredential } from "../credentials.js";
import type { VnetInventory } from "../../app/ports.js";
import type { ResourceGraphInventoryOptions } from "./resource-graph-inventory.js";

/**
 * The ARM port as the settings describe it: ARM_CLOUD's Resource Manager by default, the emulator on
 * loopback, any other endpoint only with ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT (docs/safety.md).
 * The clients are loaded here, on first use, not when the app is imported: `@azure/arm-network` is
 * about half of the bundle's import time (bench/README.md, cold start), and an instance started for
 * a queue message or a status request pays for it only when it reaches ARM.
 */
export async function createNetworkPort(
  settings: Pick<
    Settings,
    | "ARM_CLOUD"
    | "ARM_ENDPOINT"
    | "ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT"
    | "ARM_CA_FILE"
    | "AZURE_CLIENT_ID"
    | "CROSS_TENANT_APP_CLIENT_ID"
    | "CROSS_TENANT_HOME_TENANT_ID"
    | "CROSS_TENANT_ALLOWED_TENANTS"
    | "ARM_BUDGET_HEADROOM_PERCENT"
  >,
  /**
   * Tests: a credential that records what it is asked for, instead of the identity; for a
   * cross-tenant setup, the managed identity's token for the exchange (the emulator mints it).
   */
  overrides: { credential?: TokenCredential; assertion?: () => Promise<string> } = {},
): Promise<NetworkPort> {
  const { target, caPem } = await armTarget(settings);
  const requestBudget: RequestBudget = {
    ...ARM_REQUEST_BUDGET,
    shared: { headroom: settings.ARM_BUDGET_HEADROOM_PERCENT / 100 },
  };
  if (settings.CROSS_TENANT_APP_CLIENT_ID && settings.CROSS_TENANT_HOME_TENANT_ID && !overrides.credential) {
    const [{ CrossTenantNetworkPort }, { CrossTenantApp, TenantDirectory, managedIdentityAssertion }] =
      await Promise.all([import("./cross-tenant-port.js"), import("./tenants.js")]);
    // The emulator on loopback serves its own token endpoint (emulator/token-endpoint.ts).
    const authorityHost = target.loopback
      ? new URL(target.endpoint).origin
      : ARM_CLOUDS[target.cloud].authorityHost;
    const app = new CrossTenantApp({
      clientId: settings.CROSS_TENANT_APP_CLIENT_ID,
      homeTenantId: settings.CROSS_TENANT_HOME_TENANT_ID,
      allowedTenants: settings.CROSS_TENANT_ALLOWED_TENANTS,
      assertion: overrides.assertion ?? managedIdentityAssertion(settings.AZURE_CLIENT_ID, target.cloud),
      authorityHost,
      disableInstanceDiscovery: target.loopback,
      ...(caPem ? { caPem } : {}),
    });
    return new CrossTenantNetworkPort({
      credential: emulatorCredential,
      app,
      directory: new TenantDirectory({ endpoint: target.endpoint, ...(caPem ? { caPem } : {}) }),
      audience: target.audience,
      authorityHost: ARM_CLOUDS[target.cloud].authorityHost,
      endpoint: target.endpoint,
      requestBudget,
      ...(caPem ? { caPem } : {}),
    });
  }
  const credential = overrides.credential ?? identity(settings, target);
  const { ArmNetworkPort } = await import("./arm-network-port.js");
  return new ArmNetworkPort({
    credential,
    endpoint: target.endpoint,
    credentialScope: target.audience,
    requestBudget,
    ...(caPem ? { caPem } : {}),
  });
}

/**
 * The sweep's Resource Graph inventory for the same cloud, endpoint, identity and CA as the ARM port
 * (Resource Graph is a provider behind Resource Manager, so the same token audience and origin pin).
 * Loaded on first use: the client is not part of a cold start that does not need it.
 */
export async function createResourceGraphInventory(
  settings: Pick<
    Settings,
    "ARM_CLOUD" | "ARM_ENDPOINT" | "ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT" | "ARM_CA_FILE" | "AZURE_CLIENT_ID"
  >,
  overrides: { credential?: TokenCredential } & Partial<
    Omit<ResourceGraphInventoryOptions, "credential" | "endpoint" | "credentialScope" | "caPem">
  > = {},
): Promise<VnetInventory> {
  const { target, caPem } = await armTarget(settings);
  const { credential: given, ...tuning } = overrides;
  const credential = given ?? identity(settings, target);
  const { ResourceGraphInventory } = await import("./resource-graph-inventory.js");
  return new ResourceGraphInventory({
    ...tuning,
    credential,
    endpoint: target.endpoint,
    credentialScope: target.audience,
    ...(caPem ? { caPem } : {}),
  });
}

type ArmTargetSettings = Pick<
  Settings,
  "ARM_CLOUD" | "ARM_ENDPOINT" | "ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT" | "ARM_CA_FILE"
>;

/** Where the clients send requests, and the CA they trust, as the settings describe them. */
async function armTarget(settings: ArmTargetSettings) {
  // parseSettings refuses the same; checked again for callers that assemble settings themselves.
  const resolved = resolveArmTarget(settings);
  if ("problem" in resolved) throw new Error(`${resolved.setting} ${resolved.problem}`);
  const caPem = settings.ARM_CA_FILE ? await readFile(settings.ARM_CA_FILE, "utf8") : undefined;
  return { target: resolved.target, caPem };
}

/** The app's identity towards that target: the emulator's stand-in on loopback, else the managed identity. */
function identity(
  settings: Pick<Settings, "AZURE_CLIENT_ID">,
  target: { loopback: boolean; cloud: ArmCloudName },
): TokenCredential {
  return target.loopback ? emulatorCredential : azureCredential(settings.AZURE_CLIENT_ID, target.cloud);
}
