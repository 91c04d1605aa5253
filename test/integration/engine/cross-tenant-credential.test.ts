import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.js";
import { CrossTenantApp } from "../../../src/azure/arm/tenants.js";
import { isRetryable } from "../../../src/reconcile/errors.js";
import { armRefusal } from "../../support/arm-refusal.js";
import {
  APP,
  miAssertion,
  registerApp,
  startTenantEmulator,
  TENANT_A,
  TENANT_B,
  TENANT_C,
} from "../../support/cross-tenant-estate.js";

/**
 * The application's tokens per tenant (src/azure/tenants.ts) against the emulator's token endpoint:
 * a tenant outside the allowed list is refused before Entra is asked, a tenant without consent is a
 * terminal TenantNotConsented, another sign-in refusal is terminal too, and an unreachable Entra is
 * retryable.
 */
const HOME = TENANT_A;
const PARTNER = TENANT_B;
const OTHER = TENANT_C;
const SCOPE = "https://management.azure.com/.default";

let emu: Emulator;
beforeAll(async () => {
  emu = await startTenantEmulator();
  registerApp(emu);
});
afterAll(async () => {
  await emu?.stop();
});

function app(options: { assertionFor?: string; authorityHost?: string } = {}): CrossTenantApp {
  return new CrossTenantApp({
    clientId: APP,
    homeTenantId: HOME,
    allowedTenants: [PARTNER],
    assertion: async () => miAssertion(emu, options.assertionFor),
    authorityHost: options.authorityHost ?? emu.endpoint,
    disableInstanceDiscovery: true,
    caPem: emu.caPem,
  });
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
    const e = await armRefusal(app({ authorityHost: "https://127.0.0.1:1" }).tokenFor(OTHER, SCOPE));
    expect([e.status, e.code, isRetryable(e)]).toEqual([401, "TenantNotAllowed", false]);
  });

  it("reports an allowed tenant without consent as TenantNotConsented, terminal", async () => {
    const e = await armRefusal(app().tokenFor(PARTNER, SCOPE));
    expect([e.status, e.code, isRetryable(e)]).toEqual([401, "TenantNotConsented", false]);
  });

  it("reports another sign-in refusal (no matching federated credential) as terminal", async () => {
    const e = await armRefusal(app({ assertionFor: "someone-else" }).tokenFor(HOME, SCOPE));
    expect([e.status, e.code, isRetryable(e)]).toEqual([401, "CrossTenantSignInFailed", false]);
  });

  it("reports an unreachable Entra as retryable", async () => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const e = await armRefusal(app({ authorityHost: `https://127.0.0.1:${port}` }).tokenFor(HOME, SCOPE));
      expect([e.status, e.code, isRetryable(e)]).toEqual([0, "CrossTenantTokenFailed", true]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
