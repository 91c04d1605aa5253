/**
 * The Azure clouds the product knows, named as `az cloud list` names them. Each has its own Resource
 * Manager endpoint, token audience and Entra ID authority: a token for one cloud's audience is useless
 * in another, and must never be handed to a host that is not that cloud's Resource Manager.
 * Endpoints: https://learn.microsoft.com/azure/azure-government/compare-azure-government-global-azure
 * and https://learn.microsoft.com/azure/china/resources-developer-guide ; authorities: @azure/identity's
 * AzureAuthorityHosts.
 */
export const ARM_CLOUDS = {
  AzureCloud: {
    endpoint: "https://management.azure.com/",
    audience: "https://management.azure.com/.default",
    authorityHost: "https://login.microsoftonline.com",
  },
  AzureUSGovernment: {
    endpoint: "https://management.usgovcloudapi.net/",
    audience: "https://management.usgovcloudapi.net/.default",
    authorityHost: "https://login.microsoftonline.us",
  },
  AzureChinaCloud: {
    endpoint: "https://management.chinacloudapi.cn/",
    audience: "https://management.chinacloudapi.cn/.default",
    authorityHost: "https://login.chinacloudapi.cn",
  },
} as const;

export type ArmCloudName = keyof typeof ARM_CLOUDS;
export const ARM_CLOUD_NAMES = Object.keys(ARM_CLOUDS) as [ArmCloudName, ...ArmCloudName[]];
export const DEFAULT_ARM_CLOUD: ArmCloudName = "AzureCloud";

/** An endpoint on this machine can only be the emulator (or a test double): no Azure login needed. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1";
}

/** Where ARM requests go, with which token audience, and whether they need an Azure login at all. */
export interface ArmTarget {
  cloud: ArmCloudName;
  endpoint: string;
  audience: string;
  /** The emulator or a test double on this machine: it gets a dummy token, never the identity's. */
  loopback: boolean;
}

export interface ArmTargetSettings {
  ARM_CLOUD: ArmCloudName;
  ARM_ENDPOINT?: string | undefined;
  ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT: boolean;
}

/**
 * The ARM target the settings describe, or the reason it is refused, naming the setting to change.
 * A custom endpoint that is neither loopback nor the cloud's own would receive the identity's token
 * for the cloud's Resource Manager: allowed only when ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT says so.
 */
export function resolveArmTarget(
  settings: ArmTargetSettings,
): { target: ArmTarget } | { setting: string; problem: string } {
  const cloud = ARM_CLOUDS[settings.ARM_CLOUD];
  const base = { cloud: settings.ARM_CLOUD, audience: cloud.audience };
  const endpoint = settings.ARM_ENDPOINT;
  if (!endpoint) return { target: { ...base, endpoint: cloud.endpoint, loopback: false } };
  if (isLoopbackEndpoint(endpoint)) return { target: { ...base, endpoint, loopback: true } };
  const origin = new URL(endpoint).origin;
  if (origin === new URL(cloud.endpoint).origin) return { target: { ...base, endpoint, loopback: false } };
  if (settings.ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT) return { target: { ...base, endpoint, loopback: false } };
  const other = ARM_CLOUD_NAMES.find((name) => new URL(ARM_CLOUDS[name].endpoint).origin === origin);
  return {
    setting: "ARM_ENDPOINT",
    problem: other
      ? `is the ${other} endpoint while ARM_CLOUD is ${settings.ARM_CLOUD}: set ARM_CLOUD=${other} instead`
      : `is neither ${settings.ARM_CLOUD}'s Resource Manager (${cloud.endpoint}) nor loopback; the ` +
        `identity's token would be sent there. Set ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT=true only if ` +
        `that endpoint is trusted with it`,
  };
}
