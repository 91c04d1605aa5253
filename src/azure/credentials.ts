import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";

/**
 * Managed identity in Azure (a user-assigned one when AZURE_CLIENT_ID is set), the developer's
 * Azure CLI / VS Code login on a laptop: DefaultAzureCredential tries them in that order.
 */
export function azureCredential(managedIdentityClientId?: string): TokenCredential {
  return new DefaultAzureCredential(managedIdentityClientId ? { managedIdentityClientId } : {});
}

/** The local emulator accepts any bearer token; the SDK still insists on sending one over HTTPS. */
export const emulatorCredential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({
    token: "emulator",
    expiresOnTimestamp: Date.now() + 60 * 60 * 1000,
  }),
};

/** An endpoint on this machine can only be the emulator (or a test double): no Azure login needed. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1";
}
