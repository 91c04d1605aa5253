import { request } from "node:https";
import { NetworkManagementClient } from "@azure/arm-network";
import type { TokenCredential } from "@azure/core-auth";
import { auxiliaryAuthenticationHeaderPolicy } from "@azure/core-rest-pipeline";
import { ClientAssertionCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.js";
import {
  APP,
  miAssertion,
  registerApp,
  startTenantEmulator,
  SUB_A,
  SUB_B,
  SUB_C,
  TENANT_A,
  TENANT_B,
  TENANT_C,
} from "../../support/cross-tenant-estate.js";
import { vnetIn } from "../../support/hub-estate.js";

/**
 * The emulator's tenants behave as Entra ID and ARM do for cross-tenant peering
 * (docs/azure-behaviour.md#auxiliary-tokens and the sections after it): @azure/identity's real
 * ClientAssertionCredential signs in at the emulator's token endpoint with a managed identity's token
 * as the assertion, ARM refuses a token of the wrong tenant, a cross-tenant peering write without an
 * auxiliary token answers 403 LinkedAuthorizationFailed in Azure's words, and the 401 challenge names a
 * subscription's tenant.
 */
let emu: Emulator;
beforeAll(async () => {
  emu = await startTenantEmulator();
  emu.seed.subscription(SUB_A, { tenantId: TENANT_A });
  emu.seed.subscription(SUB_B, { tenantId: TENANT_B });
  emu.seed.subscription(SUB_C, { tenantId: TENANT_C });
  for (const [sub, octet] of [
    [SUB_A, 1],
    [SUB_B, 2],
    [SUB_C, 3],
  ] as const)
    emu.seed.vnet({
      subscriptionId: sub,
      resourceGroup: "rg",
      name: "net",
      addressPrefixes: [`10.${octet}.0.0/16`],
    });
  registerApp(emu);
  emu.tenancy.consent(TENANT_B, APP);
  emu.tenancy.assignRole(APP, `/subscriptions/${SUB_A}`, "Network Contributor");
  emu.tenancy.assignRole(APP, vnetIn(SUB_B)("net"), "PeerOnly");
});
afterAll(async () => {
  await emu?.stop();
});

function appCredential(tenantId: string): TokenCredential {
  return new ClientAssertionCredential(tenantId, APP, async () => miAssertion(emu), {
    authorityHost: emu.endpoint,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emu.caPem },
    additionallyAllowedTenants: ["*"],
  });
}

function client(sub: string, credential: TokenCredential, aux?: TokenCredential): NetworkManagementClient {
  const c = new NetworkManagementClient(credential, sub, {
    endpoint: emu.endpoint,
    tlsOptions: { ca: emu.caPem },
    credentialScopes: ["https://management.azure.com/.default"],
    retryOptions: { maxRetries: 0 },
  });
  if (aux)
    c.pipeline.addPolicy(
      auxiliaryAuthenticationHeaderPolicy({
        credentials: [aux],
        scopes: "https://management.azure.com/.default",
      }),
    );
  return c;
}

const peeringBody = (remote: string) => ({ remoteVirtualNetwork: { id: remote } });

async function failure(
  p: Promise<unknown>,
): Promise<{ statusCode?: number; code?: string; message: string }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err as { statusCode?: number; code?: string; message: string },
  );
  if (!e) throw new Error("expected a failure");
  return e;
}

describe("emulator tenants", () => {
  it("answers an unauthenticated call on a subscription with 401 naming its tenant's authority", async () => {
    const answer = await new Promise<{ status: number; challenge: string | undefined }>((resolve, reject) => {
      const req = request(
        `${emu.endpoint}/subscriptions/${SUB_B}?api-version=2022-12-01`,
        { ca: emu.caPem, method: "GET" },
        (res) => {
          res.resume();
          const h = res.headers["www-authenticate"];
          resolve({ status: res.statusCode ?? 0, challenge: Array.isArray(h) ? h[0] : h });
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(answer.status).toBe(401);
    expect(answer.challenge).toBe(
      `Bearer authorization_uri="https://login.windows.net/${TENANT_B}", error="invalid_token", ` +
        `error_description="The authentication failed because of missing 'Authorization' header."`,
    );
  });

  it("issues tokens to the real ClientAssertionCredential, carrying tenant and audience", async () => {
    const token = await appCredential(TENANT_A).getToken("https://management.azure.com/.default", {
      tenantId: TENANT_B,
    });
    const claims = JSON.parse(
      Buffer.from(token!.token.split(".")[1]!, "base64url").toString("utf8"),
    ) as Record<string, string>;
    expect(claims.tid).toBe(TENANT_B);
    expect(claims.aud).toBe("https://management.azure.com/");
    expect(claims.appid).toBe(APP);
    const vnet = await client(SUB_B, appCredential(TENANT_B)).virtualNetworks.get("rg", "net");
    expect(vnet.name).toBe("net");
  });

  it("refuses a token of another tenant than the subscription's", async () => {
    const e = await failure(client(SUB_B, appCredential(TENANT_A)).virtualNetworks.get("rg", "net"));
    expect(e.statusCode).toBe(401);
    expect(e.code).toBe("InvalidAuthenticationTokenTenant");
    expect(e.message).toContain(`https://login.windows.net/${TENANT_B}`);
  });

  it("refuses a token for another audience", async () => {
    const token = emu.issueToken({ aud: "https://storage.azure.com/", tid: TENANT_A, appid: APP, oid: APP });
    const cred: TokenCredential = {
      getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 60_000 }),
    };
    const e = await failure(client(SUB_A, cred).virtualNetworks.get("rg", "net"));
    expect(e.statusCode).toBe(401);
    expect(e.code).toBe("InvalidAuthenticationTokenAudience");
  });

  it("refuses a token it did not sign", async () => {
    const forged: TokenCredential = {
      getToken: async () => ({ token: "a.b.c", expiresOnTimestamp: Date.now() + 60_000 }),
    };
    const e = await failure(client(SUB_A, forged).virtualNetworks.get("rg", "net"));
    expect(e.statusCode).toBe(401);
    expect(e.code).toBe("InvalidAuthenticationToken");
  });

  it("gives no token for a tenant that has not consented to the application", async () => {
    const e = await failure(
      appCredential(TENANT_A).getToken("https://management.azure.com/.default", { tenantId: TENANT_C }),
    );
    expect(e.message).toContain("AADSTS700016");
  });

  it("gives no token when the assertion is not the application's federated identity", async () => {
    const stranger = new ClientAssertionCredential(TENANT_A, APP, async () => miAssertion(emu, "x"), {
      authorityHost: emu.endpoint,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: emu.caPem },
    });
    const e = await failure(stranger.getToken("https://management.azure.com/.default"));
    expect(e.message).toContain("AADSTS700213");
  });

  it("answers a cross-tenant peering write without an auxiliary token with Azure's LinkedAuthorizationFailed", async () => {
    const remote = vnetIn(SUB_B)("net");
    const e = await failure(
      client(SUB_A, appCredential(TENANT_A)).virtualNetworkPeerings.beginCreateOrUpdateAndWait(
        "rg",
        "net",
        "a-to-b",
        peeringBody(remote),
        { updateIntervalInMs: 5 },
      ),
    );
    expect(e.statusCode).toBe(403);
    expect(e.code).toBe("LinkedAuthorizationFailed");
    expect(e.message).toBe(
      `The client has permission to perform action 'Microsoft.Network/virtualNetworks/peer/action' on scope ` +
        `'${vnetIn(SUB_A)("net")}/virtualNetworkPeerings/a-to-b', however the current tenant '${TENANT_A}' is not ` +
        `authorized to access linked subscription '${SUB_B}'.`,
    );
  });

  it("accepts the write with an auxiliary token for the remote tenant from the same application", async () => {
    const remote = vnetIn(SUB_B)("net");
    const auxB: TokenCredential = {
      getToken: (scopes) => appCredential(TENANT_A).getToken(scopes, { tenantId: TENANT_B }),
    };
    const p = await client(
      SUB_A,
      appCredential(TENANT_A),
      auxB,
    ).virtualNetworkPeerings.beginCreateOrUpdateAndWait("rg", "net", "a-to-b", peeringBody(remote), {
      updateIntervalInMs: 5,
    });
    expect(p.peeringState).toBe("Initiated");
    expect(emu.tenancy.auxiliaryHeadersSeen.at(-1)?.tenants).toEqual([TENANT_B]);
  });

  it("refuses an auxiliary token whose application lacks peer/action on the remote VNet", async () => {
    emu.seed.subscription(SUB_C, { tenantId: TENANT_C });
    emu.tenancy.consent(TENANT_C, APP);
    const auxC: TokenCredential = {
      getToken: (scopes) => appCredential(TENANT_A).getToken(scopes, { tenantId: TENANT_C }),
    };
    const e = await failure(
      client(SUB_A, appCredential(TENANT_A), auxC).virtualNetworkPeerings.beginCreateOrUpdateAndWait(
        "rg",
        "net",
        "a-to-c",
        peeringBody(vnetIn(SUB_C)("net")),
        { updateIntervalInMs: 5 },
      ),
    );
    expect(e.statusCode).toBe(403);
    expect(e.code).toBe("LinkedAuthorizationFailed");
    expect(e.message).toContain("'Microsoft.Network/virtualNetworks/peer/action' on the linked scope(s)");
    emu.tenancy.revokeConsent(TENANT_C, APP);
  });
});
