/** What the deployment must look like; shared by the source-level and the compiled-template tests. */
import { SECRET_SETTINGS, SETTING_NAMES } from "../../../src/config.js";

/**
 * Settings src/config.ts knows that must NOT be set in Azure, each with the reason. Everything else in
 * SETTING_NAMES must appear in the function app's app settings.
 */
export const LOCAL_ONLY_SETTINGS: ReadonlyMap<string, string> = new Map([
  [
    "AzureWebJobsStorage",
    "connection string for Azurite/local runs; in Azure the host uses AzureWebJobsStorage__* with the managed identity (shared keys are off)",
  ],
  [
    "EMAIL_CONNECTION_STRING",
    "key-based ACS auth for local tests; in Azure the app sends email with its managed identity via EMAIL_ENDPOINT",
  ],
  ["ARM_CA_FILE", "extra CA for the local HTTPS emulator; Azure Resource Manager has a public certificate"],
  [
    "ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT",
    "opt-in for a custom ARM endpoint (CLI, proxies); in Azure the token goes to ARM_CLOUD's own Resource Manager only",
  ],
]);

export const AZURE_SETTINGS: readonly string[] = SETTING_NAMES.filter(
  (name) => !LOCAL_ONLY_SETTINGS.has(name),
);

export const AZURE_SECRET_SETTINGS: readonly string[] = AZURE_SETTINGS.filter((name) =>
  SECRET_SETTINGS.has(name),
);

/** Settings Flex Consumption rejects or ignores (the runtime comes from functionAppConfig). */
export const NOT_ON_FLEX = [
  "FUNCTIONS_WORKER_RUNTIME",
  "FUNCTIONS_EXTENSION_VERSION",
  "WEBSITE_NODE_DEFAULT_VERSION",
  "WEBSITE_RUN_FROM_PACKAGE",
  "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
  "WEBSITE_CONTENTSHARE",
];

/** The custom peering role: nothing more (see the comment in infra/modules/watched-subscription.bicep). */
export const PEERING_ROLE_ACTIONS = [
  "Microsoft.Network/virtualNetworks/read",
  "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/read",
  "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write",
  "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/delete",
  "Microsoft.Network/virtualNetworks/peer/action",
  "Microsoft.Network/locations/operations/read",
  "Microsoft.Network/locations/operationResults/read",
];

/** data.operationName values the event subscription lets through (reference 1.5). */
export const WATCHED_OPERATIONS = [
  "Microsoft.Network/virtualNetworks/write",
  "Microsoft.Network/virtualNetworks/delete",
  "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write",
  "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/delete",
];

export const WATCHED_EVENT_TYPES = [
  "Microsoft.Resources.ResourceWriteSuccess",
  "Microsoft.Resources.ResourceDeleteSuccess",
];

export const sorted = (values: readonly string[]): string[] => [...values].sort();
