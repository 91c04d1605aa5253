import type { TokenCredential } from "@azure/core-auth";
import { NetworkManagementClient } from "@azure/arm-network";
import type { NetworkManagementClientOptionalParams } from "@azure/arm-network";
import type { Emulator, EmulatorOptions } from "../../emulator/index.js";
import { startEmulator } from "../../emulator/index.js";

/**
 * Starts the Microsoft.Network emulator in-process and hands out REAL @azure/arm-network clients
 * pointed at it. Shared by the emulator's conformance tests and the product's integration tests.
 */

export const DEFAULT_SUBSCRIPTION = "00000000-0000-4000-8000-000000000001";

/** Any bearer token is accepted; this one never expires during a test. */
export const staticCredential: TokenCredential = {
  getToken: async () => ({ token: "test", expiresOnTimestamp: Date.now() + 3600_000 }),
};

/**
 * Spread into begin*() options: the SDK's poller waits `updateIntervalInMs` between polls (default 2 s)
 * and the emulator sends Retry-After: 0, which the poller treats as "use your own interval".
 */
export const FAST_LRO = { updateIntervalInMs: 5 } as const;

export interface TestEmulator {
  emu: Emulator;
  /** A client for `subscriptionId`. */
  client: NetworkManagementClient;
  subscriptionId: string;
  /** A client for another subscription, same options. */
  clientFor(
    subscriptionId: string,
    overrides?: NetworkManagementClientOptionalParams,
  ): NetworkManagementClient;
  stop(): Promise<void>;
}

export interface TestEmulatorOptions {
  emulator?: EmulatorOptions;
  subscriptionId?: string;
  /** Passed to every client (merged over the defaults below). */
  client?: NetworkManagementClientOptionalParams;
}

export async function startTestEmulator(opts: TestEmulatorOptions = {}): Promise<TestEmulator> {
  const emu = await startEmulator(opts.emulator ?? {});
  const subscriptionId = opts.subscriptionId ?? DEFAULT_SUBSCRIPTION;
  const clientFor = (sub: string, overrides: NetworkManagementClientOptionalParams = {}) =>
    new NetworkManagementClient(staticCredential, sub, {
      endpoint: emu.endpoint,
      tlsOptions: { ca: emu.caPem },
      // The SDK retries 5xx and network errors with exponential backoff (800 ms base): keep tests fast.
      retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 50 },
      ...opts.client,
      ...overrides,
    });
  return { emu, client: clientFor(subscriptionId), subscriptionId, clientFor, stop: () => emu.stop() };
}
