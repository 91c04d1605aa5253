import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArmNetworkPort } from "../../../src/azure/arm/arm-network-port.js";
import { createNetworkPort } from "../../../src/azure/arm/create-port.js";
import { parseSettings } from "../../../src/config.js";
import { startEmulator, type Emulator } from "../../../emulator/index.js";

/**
 * The audience the ARM client asks its credential for: the configured cloud's, never the public
 * cloud's for a host that is not the public cloud's Resource Manager. The emulator stands in for the
 * endpoint; a recording credential shows what was asked.
 */
const SUB = "00000000-0000-4000-8000-0000000000f2";

function recordingCredential(): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    getToken: async (scope: string | string[], _options?: GetTokenOptions): Promise<AccessToken> => {
      scopes.push(...(Array.isArray(scope) ? scope : [scope]));
      return { token: "recorded", expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

let emu: Emulator;
let dir: string;
let caFile: string;
beforeAll(async () => {
  emu = await startEmulator({ throttle: false });
  dir = await mkdtemp(join(tmpdir(), "arm-audience-"));
  caFile = join(dir, "ca.pem");
  await writeFile(caFile, emu.caPem);
  emu.seed.vnet({ subscriptionId: SUB, resourceGroup: "rg", name: "a", addressPrefixes: ["10.0.0.0/16"] });
});
afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the token audience follows the cloud", () => {
  it("an ARM client on an endpoint of no known cloud asks for that endpoint's audience, not the public cloud's", async () => {
    const credential = recordingCredential();
    const port = new ArmNetworkPort({ credential, endpoint: emu.endpoint, caPem: emu.caPem });
    expect(await port.listVnets(SUB)).toHaveLength(1);
    expect(new Set(credential.scopes)).toEqual(new Set([`${emu.endpoint}/.default`]));
  });

  it("the port built from settings asks for ARM_CLOUD's audience (US Government here)", async () => {
    const credential = recordingCredential();
    const settings = parseSettings({
      ARM_CLOUD: "AzureUSGovernment",
      ARM_ENDPOINT: emu.endpoint,
      ARM_CA_FILE: caFile,
    });
    const port = await createNetworkPort(settings, { credential });
    expect(await port.listVnets(SUB)).toHaveLength(1);
    expect(new Set(credential.scopes)).toEqual(new Set(["https://management.usgovcloudapi.net/.default"]));
  });

  it("the port built from settings refuses a custom endpoint without the opt-in, before any request", async () => {
    const settings = {
      ...parseSettings({}),
      // Assembled by hand, past parseSettings' own check of the same rule.
      ARM_ENDPOINT: "https://arm-proxy.contoso.example/",
    };
    await expect(createNetworkPort(settings)).rejects.toThrow(/ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT=true/);
  });
});
