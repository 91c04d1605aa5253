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
    "AzureWebJobsStorage__accountName",
    "means Azure public cloud (core.windows.net); the template sets the account's own service URIs instead, right in every cloud",
  ],
  [
    "ARM_ENDPOINT",
    "override for the emulator or a custom endpoint; the template sets ARM_CLOUD and the app derives the endpoint from it",
  ],
  [
    "ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT",
    "opt-in that goes with a custom ARM_ENDPOINT, which the template does not set",
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
  "Microsoft.Network/virtualNetworks/peer/action",
  "Microsoft.Network/locations/operations/read",
  "Microsoft.Network/locations/operationResults/read",
];

/**
 * Site properties Flex Consumption refuses, lower-cased, each with where that is written down. A Flex
 * site that sets any of them fails to deploy (ARM error 51021 "The following list of site configuration
 * properties (...) for Flex Consumption sites is invalid") in regions that validate it, which is why
 * infra/modules/function-app.bicep sets siteConfig.appSettings and nothing else.
 */
export const FLEX_REFUSED_SITE_PROPERTIES: ReadonlyMap<string, string> = new Map(
  (
    [
      // Named in the 51021 error text: microsoft/azure-pipelines-tasks#21032 (West Europe),
      // Azure/terraform-azurerm-avm-res-web-site#360.
      ["ftpsState", "error 51021, microsoft/azure-pipelines-tasks#21032"],
      ["use32BitWorkerProcess", "error 51021, microsoft/azure-pipelines-tasks#21032"],
      ["netFrameworkVersion", "error 51021, microsoft/azure-pipelines-tasks#21032"],
      ["functionsRuntimeScaleMonitoringEnabled", "error 51021, microsoft/azure-pipelines-tasks#21032"],
      // Learn, "Flex Consumption plan deprecations" (site properties not used on Flex; the runtime and
      // scale come from functionAppConfig):
      // https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations
      ["linuxFxVersion", "Learn: Flex Consumption plan deprecations"],
      ["javaVersion", "Learn: Flex Consumption plan deprecations"],
      ["powerShellVersion", "Learn: Flex Consumption plan deprecations"],
      ["preWarmedInstanceCount", "Learn: Flex Consumption plan deprecations"],
      ["functionAppScaleLimit", "Learn: Flex Consumption plan deprecations"],
      ["containerSize", "Learn: Flex Consumption plan deprecations"],
      ["isXenon", "Learn: Flex Consumption plan deprecations"],
      ["vnetRouteAllEnabled", "Learn: Flex Consumption plan deprecations"],
      ["vnetContentShareEnabled", "Learn: Flex Consumption plan deprecations"],
      ["vnetImagePullEnabled", "Learn: Flex Consumption plan deprecations"],
      ["vnetBackupRestoreEnabled", "Learn: Flex Consumption plan deprecations"],
    ] as const
  ).map(([name, source]) => [name.toLowerCase(), source]),
);

/** siteConfig properties a Flex site may set (Microsoft's Flex samples set only these). */
export const FLEX_SITE_CONFIG_ALLOWED = ["appSettings"];

/**
 * Every refused property set anywhere in a site body (properties, properties.siteConfig, nested), as
 * "path.name". Walks the whole body so a refused property cannot hide one level down.
 */
export function flexRefusedProperties(body: unknown, path = ""): string[] {
  if (Array.isArray(body)) return body.flatMap((v, i) => flexRefusedProperties(v, `${path}[${i}]`));
  if (typeof body !== "object" || body === null) return [];
  return Object.entries(body).flatMap(([key, value]) => [
    ...(FLEX_REFUSED_SITE_PROPERTIES.has(key.toLowerCase()) ? [`${path}${key}`] : []),
    ...flexRefusedProperties(value, `${path}${key}.`),
  ]);
}

/** data.operationName values the event subscription lets through (https://learn.microsoft.com/azure/event-grid/event-schema-subscriptions). */
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
