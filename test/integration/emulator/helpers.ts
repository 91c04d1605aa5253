import https from "node:https";
import type { NetworkManagementClient, VirtualNetworkPeering } from "@azure/arm-network";
import { expect } from "vitest";
import { vnetIdOf } from "../../../emulator/index.js";
import type { Emulator } from "../../../emulator/index.js";
import { FAST_LRO, type TestEmulator } from "../../support/emulator.js";

export const API = "2025-05-01";

export { vnetIdOf };

export async function createVnet(
  client: NetworkManagementClient,
  rg: string,
  name: string,
  addressPrefixes: string[],
  subnets: Array<{ name: string; addressPrefix: string }> = [],
) {
  return client.virtualNetworks.beginCreateOrUpdateAndWait(
    rg,
    name,
    {
      location: "westeurope",
      addressSpace: { addressPrefixes },
      subnets: subnets.map((s) => ({ name: s.name, addressPrefix: s.addressPrefix })),
    },
    FAST_LRO,
  );
}

export async function peer(
  client: NetworkManagementClient,
  rg: string,
  vnet: string,
  name: string,
  remoteVnetId: string,
  extra: Partial<VirtualNetworkPeering> = {},
  options: { syncRemoteAddressSpace?: string } = {},
) {
  return client.virtualNetworkPeerings.beginCreateOrUpdateAndWait(
    rg,
    vnet,
    name,
    { remoteVirtualNetwork: { id: remoteVnetId }, ...extra },
    { ...FAST_LRO, ...options },
  );
}

/** Asserts an SDK call fails with this HTTP status and ARM error code; returns the error. */
export async function expectArmError(
  call: Promise<unknown>,
  statusCode: number,
  code: string,
): Promise<Error & { statusCode?: number; code?: string; details?: unknown }> {
  let caught: unknown;
  try {
    await call;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${statusCode} ${code}`).toBeInstanceOf(Error);
  const e = caught as Error & { statusCode?: number; code?: string };
  expect({ statusCode: e.statusCode, code: e.code }).toEqual({ statusCode, code });
  return e;
}

/** Asserts a long-running operation ended Failed with this code (core-lro's message carries it). */
export async function expectLroFailure(call: Promise<unknown>, code: string): Promise<Error> {
  let caught: unknown;
  try {
    await call;
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(Error);
  expect((caught as Error).message).toContain(`The long-running operation has failed. ${code}.`);
  return caught as Error;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => unknown;
}

/** A plain https request against the emulator, for what the SDK hides (headers, raw bodies). */
export function raw(
  emu: Emulator,
  method: string,
  path: string,
  opts: { body?: string; headers?: Record<string, string>; auth?: boolean } = {},
): Promise<RawResponse> {
  const url = new URL(path, emu.endpoint);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: emu.caPem,
        headers: {
          ...(opts.auth === false ? {} : { authorization: "Bearer test" }),
          ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
          ...(opts.headers ?? {}),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as unknown,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll until `check` stops throwing (for things that complete asynchronously, e.g. event delivery).
 * The bound only decides how long a failing check takes to fail: generous, so that a loaded machine
 * never turns a slow success into a failure.
 */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await wait(5);
    }
  }
}

/** A VNet in resource group "rg" of the test emulator's default subscription, seeded directly. */
export function seedVnet(t: TestEmulator, name: string, prefix: string): string {
  return t.emu.seed.vnet({
    subscriptionId: t.subscriptionId,
    resourceGroup: "rg",
    name,
    addressPrefixes: [prefix],
  });
}
