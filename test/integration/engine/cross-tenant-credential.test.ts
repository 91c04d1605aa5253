import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator/index.js";
import { CrossTenantApp } from "../../../src/azure/arm/tenants.js";
import { ArmError, isRetryable } from "../../../src/reconcile/errors.js";

/**
 * The application's tokens per tenant (src/azure/tenants.ts) against the emulator's token endpoint:
 * a tenant outside the allowed list is refused before Entra is asked, a tenant without consent is a
 * terminal TenantNotConsented, another sign-in refusal is terminal too, and an unreachable Entra is
 * retryable.
 */
const HOME = "aaaaaaaa-0000-4000-8000-00000000000a";
const PARTNER = "bbbbbbbb-0000-4000-8000-00000000000b";
const OTHER = "cccccccc-0000-4000-8000-00000000000c";
const APP = "11111111-0000-4000-8000-000000000a99";
const MI = "22222222-0000-4000-8000-000000000a98";
const SCOPE = "https://management.azure.com/.default";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ tenantId: HOME, throttle: false });
  emu.tenancy.registerApp({ clientId: APP, homeTenantId: HOME, federatedSubjects: [MI] });
});
afterAll(async () => {
  await emu?.stop();
});

function app(options: { assertionFor?: string; authorityHost?: string } = {}): CrossTenantApp {
  return new CrossTenantApp({
    clientId: APP,
    homeTenantId: HOME,
    allowedTenants: [PARTNER],
    assertion: async () =>
      emu.issueToken({
        aud: "api://AzureADTokenExchange",
        tid: HOME,
        appid: options.assertionFor ?? MI,
        oid: options.assertionFor ?? MI,
      }),
    authorityHost: options.authorityHost ?? emu.endpoint,
    disableInstanceDiscovery: true,
    caPem: emu.caPem,
  });
}

async function refusal(p: Promise<unknown>): Promise<ArmError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ArmError);
  return e as ArmError;
}

describe("CrossTenantApp", () => {
  it("gets the home tenant's token", async () => {
    const token = await app().tokenFor(HOME, SCOPE);
    const claims = JSON.parse(Buffer.from(token.token.split(".")[1]!, "base64url").toString("utf8")) as {
      tid: string;
    };
    expect(claims.tid).toBe(HOME);
  });

  it("refuses a tenant that is not allowed, terminally, without asking Entra", async () => {
    const e = await refusal(app({ authorityHost: "https://127.0.0.1:1" }).tokenFor(OTHER, SCOPE));
    expect([e.status, e.code, isRetryable(e)]).toEqual([401, "TenantNotAllowed", false]);
  });

  it("reports an allowed tenant without consent as TenantNotConsented, terminal", async () => {
    const e = await refusal(app().tokenFor(PARTNER, SCOPE));
    expect([e.status, e.code, isRetryable(e)]).toEqual([401, "TenantNotConsented", false]);
  });

  it("reports another sign-in refusal (no matching federated credential) as terminal", async () => {
    const e = await refusal(app({ assertionFor: "someone-else" }).tokenFor(HOME, SCOPE));
    expect([e.status, e.code, isRetryable(e)]).toEqual([401, "CrossTenantSignInFailed", false]);
  });

  it("reports an unreachable Entra as retryable", async () => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const e = await refusal(app({ authorityHost: `https://127.0.0.1:${port}` }).tokenFor(HOME, SCOPE));
      expect([e.status, e.code, isRetryable(e)]).toEqual([0, "CrossTenantTokenFailed", true]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
