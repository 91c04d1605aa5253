import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import { ARM_CLOUDS, type ArmCloudName } from "./clouds.js";

export { isLoopbackEndpoint } from "./clouds.js";

/**
 * Managed identity in Azure (a user-assigned one when AZURE_CLIENT_ID is set), the developer's
 * Azure CLI / VS Code login on a laptop: DefaultAzureCredential tries them in that order. A sovereign
 * cloud signs in at its own Entra ID authority; the public one is the library's default.
 */
export function azureCredential(managedIdentityClientId?: string, cloud?: ArmCloudName): TokenCredential {
  return new DefaultAzureCredential({
    ...(managedIdentityClientId ? { managedIdentityClientId } : {}),
    ...(cloud && cloud !== "AzureCloud" ? { authorityHost: ARM_CLOUDS[cloud].authorityHost } : {}),
  });
}

/** The local emulator accepts any bearer token; the SDK still insists on sending one over HTTPS. */
export const emulatorCredential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({
    token: "emulator",
    expiresOnTimestamp: Date.now() + 60 * 60 * 1000,
  }),
};
