import { startEmulator, type Emulator } from "../../emulator/index.js";
import { createNetworkPort } from "../../src/azure/arm/create-port.js";
import { parseSettings } from "../../src/config.js";
import type { NetworkPort } from "../../src/reconcile/port.js";
import { reconcile, type ReconcileOutcome } from "../../src/reconcile/run.js";
import { BASE_POLICY } from "./engine.js";
import { vnetIn } from "./hub-estate.js";

/**
 * A hub in tenant A and spokes in tenant B on the emulator with tenants on (emulator/tenants.ts),
 * and the product's own ARM port built from the cross-tenant settings (docs/cross-tenant.md): the
 * real ClientAssertionCredential signs in at the emulator's token endpoint with a managed identity
 * token the emulator mints.
 */
export const TENANT_A = "aaaaaaaa-0000-4000-8000-00000000000a";
export const TENANT_B = "bbbbbbbb-0000-4000-8000-00000000000b";
/** A third tenant, which has not consented to the application unless a test says so. */
export const TENANT_C = "cccccccc-0000-4000-8000-00000000000c";
export const SUB_A = "00000000-0000-4000-8000-0000000000a1";
export const SUB_B = "00000000-0000-4000-8000-0000000000b1";
export const SUB_C = "00000000-0000-4000-8000-0000000000c1";
export const APP = "11111111-0000-4000-8000-000000000a99";
export const MI = "22222222-0000-4000-8000-000000000a98";
export const hub = vnetIn(SUB_A)("hub");
export const spoke = (i: number) => vnetIn(SUB_B)(`s${i}`);
export const SPOKES = 3;

/** The emulator with tenants on, tenant A its home: no subscriptions, no application yet. */
export const startTenantEmulator = (): Promise<Emulator> =>
  startEmulator({ tenantId: TENANT_A, throttle: false });

/**
 * The multitenant application APP, registered in tenant A, whose federated credential trusts the
 * managed identity MI (docs/cross-tenant.md); no consent, no roles.
 */
export function registerApp(emu: Emulator): void {
  emu.tenancy.registerApp({ clientId: APP, homeTenantId: TENANT_A, federatedSubjects: [MI] });
}

/**
 * A managed identity's token for the exchange, as its endpoint in tenant A would hand it out: MI's
 * unless `identity` names another (one the application's federated credential does not trust).
 */
export const miAssertion = (emu: Emulator, identity: string = MI): string =>
  emu.issueToken({ aud: "api://AzureADTokenExchange", tid: TENANT_A, appid: identity, oid: identity });

export interface Estate {
  emu: Emulator;
  port: NetworkPort;
  run(options?: { repairDisconnected?: boolean }): Promise<ReconcileOutcome>;
  writes(): number;
  /** The tenants of the auxiliary tokens each write carried, by peering path. */
  auxiliaryByWrite(): Array<{ method: string; path: string; tenants: string[] }>;
  reset(): void;
  stop(): Promise<void>;
}

export async function crossTenantEstate(
  options: {
    consentB?: boolean;
    roleOnSpokes?: "Network Contributor" | "Reader";
    allowB?: boolean;
    /** Tenant B's subscription in WATCHED_SUBSCRIPTIONS (default true). */
    watchB?: boolean;
  } = {},
): Promise<Estate> {
  const e = await startTenantEmulator();
  const watched = (options.watchB ?? true) ? [SUB_A, SUB_B] : [SUB_A];
  e.seed.subscription(SUB_A, { tenantId: TENANT_A });
  e.seed.subscription(SUB_B, { tenantId: TENANT_B });
  e.seed.vnet({ subscriptionId: SUB_A, resourceGroup: "rg", name: "hub", addressPrefixes: ["10.0.0.0/16"] });
  for (let i = 1; i <= SPOKES; i++) {
    e.seed.vnet({
      subscriptionId: SUB_B,
      resourceGroup: "rg",
      name: `s${i}`,
      addressPrefixes: [`10.1.${i}.0/24`],
    });
    e.seed.connect(hub, spoke(i));
  }
  registerApp(e);
  if (options.consentB ?? true) e.tenancy.consent(TENANT_B, APP);
  e.tenancy.assignRole(APP, `/subscriptions/${SUB_A}`, "Network Contributor");
  e.tenancy.assignRole(APP, `/subscriptions/${SUB_B}`, options.roleOnSpokes ?? "Network Contributor");
  const settings = parseSettings({
    WATCHED_SUBSCRIPTIONS: watched.join(","),
    ARM_ENDPOINT: e.endpoint,
    ARM_CA_FILE: e.caFile,
    AZURE_CLIENT_ID: MI,
    CROSS_TENANT_APP_CLIENT_ID: APP,
    CROSS_TENANT_HOME_TENANT_ID: TENANT_A,
    CROSS_TENANT_ALLOWED_TENANTS: (options.allowB ?? true) ? TENANT_B : "",
  });
  const port = await createNetworkPort(settings, { assertion: async () => miAssertion(e) });
  let runs = 0;
  return {
    emu: e,
    port,
    run: (o = {}) =>
      reconcile(
        { trigger: "cli", correlationId: `t-${++runs}`, scope: [], dryRun: false, ...o },
        {
          port,
          policy: { ...BASE_POLICY, watchedSubscriptions: watched },
          now: () => new Date("2026-12-06T10:00:00Z"),
          newRunId: () => `run-${runs}`,
          sleep: async () => undefined,
          maxParallelVnets: 4,
          maxAttempts: 3,
        },
      ),
    writes: () => e.count({ method: "PUT" }) + e.count({ method: "DELETE" }),
    auxiliaryByWrite: () => e.tenancy.auxiliaryHeadersSeen.filter((s) => s.method === "PUT"),
    reset: () => {
      e.resetCounters();
      e.tenancy.auxiliaryHeadersSeen.length = 0;
    },
    stop: () => e.stop(),
  };
}
