import { z } from "zod";
import { ARM_CLOUD_NAMES, DEFAULT_ARM_CLOUD, resolveArmTarget } from "./azure/clouds.js";
import type { Policy } from "./reconcile/types.js";
import { DEFAULT_FRESH_READ_MS } from "./reconcile/run.js";

/**
 * Every setting the product reads, parsed once at start. The same schema serves the Functions app
 * (app settings) and the CLI (environment, overridden by flags). The README's settings table and the
 * Bicep app settings follow this order. A bad value fails loudly with the setting's name and what is
 * allowed, never with the value itself (some settings are secrets).
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const list = (value: string | undefined): string[] =>
  (value ?? "")
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

const bool = (fallback: boolean) =>
  z
    .stringbool({ truthy: ["true", "1", "yes", "on"], falsy: ["false", "0", "no", "off"] })
    .optional()
    .transform((v) => v ?? fallback);

const int = (fallback: number, min: number, max: number) =>
  z.coerce
    .number()
    .int()
    .min(min)
    .max(max)
    .optional()
    .transform((v) => v ?? fallback);

const httpsUrl = z.url({ protocol: /^https$/ }).optional();

const subscriptionList = z
  .string()
  .optional()
  .transform(list)
  .pipe(z.array(z.string().regex(GUID, "each entry must be a subscription GUID")))
  .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]);

const scopeList = z
  .string()
  .optional()
  .transform(list)
  .pipe(
    z.array(
      z
        .string()
        .regex(
          /^\/subscriptions\/[0-9a-f-]{36}(\/resourceGroups\/[^/]+(\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)?)?$/i,
          "each entry must be a subscription, resource group or virtual network resource id",
        ),
    ),
  );

const settingsSchema = z.object({
  // --- what to watch and how to act
  WATCHED_SUBSCRIPTIONS: subscriptionList,
  SYNC_SCOPE: scopeList,
  REPORT_ONLY: bool(false),
  REPAIR_DISCONNECTED: bool(false),
  RECIPROCAL_NAME_TEMPLATE: z
    .string()
    .optional()
    .transform((v) => v ?? "{localVnet}-to-{remoteVnet}")
    .pipe(z.string().includes("{remoteVnet}", { message: "must contain {remoteVnet}" })),
  USE_REMOTE_GATEWAYS_ON_RECIPROCAL: bool(false),
  OPT_OUT_TAG: z
    .string()
    .optional()
    .transform((v) => v ?? "peering-sync=off")
    .pipe(z.string().regex(/^[^=]+=[^=]+$/, "must look like name=value"))
    .transform((v) => {
      const [name, value] = v.split("=") as [string, string];
      return { name: name.trim(), value: value.trim() };
    }),
  MAX_PARALLEL_VNETS: int(500, 1, 2000),
  MAX_ATTEMPTS: int(6, 1, 20),
  /**
   * Percent of ARM's refill left unspent while other clients of the same buckets are seen: the
   * app's other instances, other tools using the identity (docs/architecture.md#request-pacing).
   */
  ARM_BUDGET_HEADROOM_PERCENT: int(10, 0, 90),
  // --- Azure Resource Manager
  /** Which cloud's Resource Manager, token audience and Entra ID authority (src/azure/clouds.ts). */
  ARM_CLOUD: z
    .enum(ARM_CLOUD_NAMES)
    .optional()
    .transform((v) => v ?? DEFAULT_ARM_CLOUD),
  ARM_ENDPOINT: httpsUrl,
  /** The explicit opt-in for an ARM_ENDPOINT that is neither loopback nor ARM_CLOUD's own. */
  ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT: bool(false),
  ARM_CA_FILE: z.string().min(1).optional(),
  AZURE_CLIENT_ID: z.string().regex(GUID, "must be a client id GUID").optional(),
  // --- peers in other Entra tenants (docs/cross-tenant.md): nothing secret
  /** The multi-tenant application whose federated credential is the managed identity AZURE_CLIENT_ID. */
  CROSS_TENANT_APP_CLIENT_ID: z.string().regex(GUID, "must be a client id GUID").optional(),
  /** The tenant the application and the managed identity live in. */
  CROSS_TENANT_HOME_TENANT_ID: z.string().regex(GUID, "must be a tenant GUID").optional(),
  /** Tenants whose admins consented; no token is ever asked for another one. */
  CROSS_TENANT_ALLOWED_TENANTS: z
    .string()
    .optional()
    .transform(list)
    .pipe(z.array(z.string().regex(GUID, "each entry must be a tenant GUID")))
    .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]),
  // --- Functions app: storage (connection string locally, managed identity in Azure), queue, audit, sweep
  AzureWebJobsStorage: z.string().min(1).optional(),
  AzureWebJobsStorage__accountName: z
    .string()
    .regex(/^[a-z0-9]{3,24}$/, "must be a storage account name (3-24 lower-case letters and digits)")
    .optional(),
  AzureWebJobsStorage__clientId: z.string().regex(GUID, "must be a client id GUID").optional(),
  /** The account's own service URIs (right in every cloud); the template sets these, not __accountName. */
  AzureWebJobsStorage__queueServiceUri: httpsUrl,
  AzureWebJobsStorage__tableServiceUri: httpsUrl,
  RECONCILE_QUEUE: z
    .string()
    .regex(
      /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/,
      "must be a valid queue name (3-63 lower-case letters, digits, single hyphens)",
    )
    .optional()
    .transform((v) => v ?? "reconcile"),
  RECONCILE_DELAY_SECONDS: int(30, 0, 600),
  /** Events about one VNet within this window (while its reconcile is still queued) cost one reconcile. */
  DEDUPE_WINDOW_SECONDS: int(60, 0, 3600),
  SWEEP_SCHEDULE: z
    .string()
    .regex(/^\S+( \S+){5}$/, "must be a six-field NCRONTAB expression, e.g. 0 */30 * * * *")
    .optional()
    .transform((v) => v ?? "0 */30 * * * *"),
  /**
   * Where the sweep lists VNets from (docs/architecture.md#the-sweeps-inventory): `auto` asks Resource
   * Graph from 50 watched subscriptions on (src/app/inventory.ts), ARM lists below.
   */
  SWEEP_INVENTORY: z
    .enum(["auto", "resource-graph", "arm-lists"])
    .optional()
    .transform((v) => v ?? "auto"),
  AUDIT_TABLE: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, "must be a valid table name (3-63 letters and digits)")
    .optional()
    .transform((v) => v ?? "peeringaudit"),
  // --- alerts
  ALERT_MIN_SEVERITY: z
    .enum(["info", "warning", "error"])
    .optional()
    .transform((v) => v ?? "info"),
  ALERT_ON_FIXED: bool(true),
  ALERT_REMINDER_HOURS: int(24, 1, 24 * 30),
  TEAMS_WEBHOOK_URL: httpsUrl,
  ALERT_WEBHOOK_URL: httpsUrl,
  ALERT_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  EMAIL_ENDPOINT: httpsUrl,
  EMAIL_CONNECTION_STRING: z.string().min(1).optional(),
  EMAIL_SENDER: z.email().optional(),
  EMAIL_RECIPIENTS: z
    .string()
    .optional()
    .transform(list)
    .pipe(z.array(z.email("each entry must be an email address"))),
  STATUS_PAGE_URL: httpsUrl,
  // --- HTTP endpoints (docs/functions.md "HTTP endpoints: who may ask for what")
  /** The status page re-reads ARM at most this often per instance; views in between get the last read. */
  STATUS_REFRESH_SECONDS: int(60, 0, 86_400),
  /** Dry runs and runs one caller may ask POST /api/resync for per hour, per instance. */
  RESYNC_RATE_LIMIT_PER_HOUR: int(30, 1, 3600),
  /**
   * App Service Authentication (Easy Auth) is in front: callers are told apart by the principal it
   * vouches for, and POST /api/resync needs the PeeringSync.Resync app role, GET /api/status
   * PeeringSync.Read (or Resync). Off: the headers Easy Auth would set are not trusted.
   */
  REQUIRE_APP_ROLES: bool(false),
  // --- telemetry (Application Insights custom events and metrics, docs/functions.md "Telemetry")
  /** The Functions host reads it too. Not a secret: Microsoft documents it as no security token (it names the resource). */
  APPLICATIONINSIGHTS_CONNECTION_STRING: z
    .string()
    .regex(
      /(^|;)\s*InstrumentationKey\s*=\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s*(;|$)/i,
      "must be an Application Insights connection string (InstrumentationKey=<guid>;IngestionEndpoint=https://...)",
    )
    .optional(),
  /**
   * Entra ID ingestion, the format the Functions host reads: `Authorization=AAD` (system-assigned
   * identity) or `Authorization=AAD;ClientId=<client id>` (user-assigned), in either order.
   */
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: z
    .string()
    .regex(
      /^(?=.*\bAuthorization\s*=\s*AAD\s*(;|$))\s*(Authorization\s*=\s*AAD|ClientId\s*=\s*[0-9a-f-]{36})\s*(;\s*(Authorization\s*=\s*AAD|ClientId\s*=\s*[0-9a-f-]{36})\s*)*;?\s*$/i,
      "must be Authorization=AAD, optionally with ;ClientId=<client id GUID>",
    )
    .transform((v) => {
      const clientId = /ClientId\s*=\s*([0-9a-f-]{36})/i.exec(v)?.[1];
      return { authorization: "AAD" as const, ...(clientId ? { clientId } : {}) };
    })
    .optional(),
});

export type Settings = z.output<typeof settingsSchema>;

/** Setting names in schema order: the README table and the Bicep app settings follow it. */
export const SETTING_NAMES = Object.keys(settingsSchema.shape) as (keyof Settings)[];

/** Settings whose values are secrets: never logged, echoed or returned. */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  "AzureWebJobsStorage",
  "TEAMS_WEBHOOK_URL",
  "ALERT_WEBHOOK_URL",
  "ALERT_WEBHOOK_SECRET",
  "EMAIL_CONNECTION_STRING",
]);

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: { setting: string; problem: string }[]) {
    super(`Invalid settings:\n${problems.map((p) => `  ${p.setting}: ${p.problem}`).join("\n")}`);
  }
}

export interface ParseOptions {
  /** The Functions app needs at least one watched subscription; the CLI may take them from flags. */
  requireSubscriptions?: boolean;
  /** The Functions app needs its storage account (queue and audit table). */
  requireStorage?: boolean;
}

export function parseSettings(
  env: Readonly<Record<string, string | undefined>>,
  options: ParseOptions = {},
): Settings {
  const input: Record<string, string | undefined> = {};
  for (const name of SETTING_NAMES) {
    const value = env[name];
    input[name] = value === undefined || value.trim() === "" ? undefined : value.trim();
  }
  const parsed = settingsSchema.safeParse(input);
  const problems: { setting: string; problem: string }[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ setting: String(issue.path[0] ?? "settings"), problem: describeIssue(issue) });
    }
    throw new ConfigError(problems);
  }
  const s = parsed.data;
  if (options.requireSubscriptions && s.WATCHED_SUBSCRIPTIONS.length === 0) {
    problems.push({
      setting: "WATCHED_SUBSCRIPTIONS",
      problem: "is required: one or more subscription GUIDs",
    });
  }
  for (const scope of s.SYNC_SCOPE) {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1]?.toLowerCase();
    if (sub && s.WATCHED_SUBSCRIPTIONS.length > 0 && !s.WATCHED_SUBSCRIPTIONS.includes(sub)) {
      problems.push({ setting: "SYNC_SCOPE", problem: "every entry must lie inside WATCHED_SUBSCRIPTIONS" });
    }
  }
  if (options.requireStorage && !s.AzureWebJobsStorage && !s.AzureWebJobsStorage__accountName) {
    for (const setting of [
      "AzureWebJobsStorage__queueServiceUri",
      "AzureWebJobsStorage__tableServiceUri",
    ] as const) {
      if (!s[setting]) {
        problems.push({
          setting,
          problem:
            "is required (or AzureWebJobsStorage__accountName in Azure public cloud, or AzureWebJobsStorage with a connection string when running locally)",
        });
      }
    }
  }
  problems.push(...crossTenantProblems(s));
  const arm = resolveArmTarget(s);
  if ("problem" in arm) problems.push({ setting: arm.setting, problem: arm.problem });
  const emailWanted = s.EMAIL_ENDPOINT || s.EMAIL_CONNECTION_STRING;
  if (emailWanted && (!s.EMAIL_SENDER || s.EMAIL_RECIPIENTS.length === 0)) {
    problems.push({
      setting: s.EMAIL_SENDER ? "EMAIL_RECIPIENTS" : "EMAIL_SENDER",
      problem: "is required when EMAIL_ENDPOINT or EMAIL_CONNECTION_STRING is set",
    });
  }
  if (s.ALERT_WEBHOOK_SECRET && !s.ALERT_WEBHOOK_URL) {
    problems.push({ setting: "ALERT_WEBHOOK_URL", problem: "is required when ALERT_WEBHOOK_SECRET is set" });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return s;
}

/** The cross-tenant settings come together: an application needs its home tenant and its identity. */
function crossTenantProblems(s: Settings): { setting: string; problem: string }[] {
  const problems: { setting: string; problem: string }[] = [];
  if (!s.CROSS_TENANT_APP_CLIENT_ID) {
    for (const setting of ["CROSS_TENANT_HOME_TENANT_ID", "CROSS_TENANT_ALLOWED_TENANTS"] as const)
      if (s[setting]?.length) problems.push({ setting, problem: "needs CROSS_TENANT_APP_CLIENT_ID" });
    return problems;
  }
  if (!s.CROSS_TENANT_HOME_TENANT_ID)
    problems.push({
      setting: "CROSS_TENANT_HOME_TENANT_ID",
      problem: "is required with CROSS_TENANT_APP_CLIENT_ID: the tenant the application lives in",
    });
  if (!s.AZURE_CLIENT_ID)
    problems.push({
      setting: "AZURE_CLIENT_ID",
      problem:
        "is required with CROSS_TENANT_APP_CLIENT_ID: the user-assigned managed identity the application trusts",
    });
  if (
    s.CROSS_TENANT_HOME_TENANT_ID &&
    s.CROSS_TENANT_ALLOWED_TENANTS.includes(s.CROSS_TENANT_HOME_TENANT_ID.toLowerCase())
  )
    problems.push({
      setting: "CROSS_TENANT_ALLOWED_TENANTS",
      problem: "lists the home tenant; list only the other tenants",
    });
  return problems;
}

/** Zod's messages may quote the input; secrets must not leak, so say only what is allowed. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_format":
      if (issue.format === "url") return "must be an https URL";
      if (issue.format === "regex" || issue.format === "includes") return issue.message;
      return `must be a valid ${issue.format}`;
    case "invalid_type":
      return `must be a ${issue.expected}`;
    case "invalid_value":
      return `must be one of: ${issue.values.map(String).join(", ")}`;
    case "too_small":
      return `must be at least ${String(issue.minimum)}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/**
 * The values of the secret settings (SECRET_SETTINGS), collected once for every redaction: telemetry,
 * alerts, the status page and the CLI all take them from here.
 */
export function secretValues(settings: Partial<Settings>): string[] {
  return [...SECRET_SETTINGS]
    .map((name) => (settings as Record<string, unknown>)[name])
    .filter((v): v is string => typeof v === "string" && v.length > 0);
}

/** The engine's bounds from the settings, for every caller of reconcile() (the app and the CLI). */
export function engineLimits(settings: Settings): {
  maxParallelVnets: number;
  maxAttempts: number;
  freshReadMs: number;
} {
  return {
    maxParallelVnets: settings.MAX_PARALLEL_VNETS,
    maxAttempts: settings.MAX_ATTEMPTS,
    freshReadMs: DEFAULT_FRESH_READ_MS,
  };
}

export function policyFrom(settings: Settings, overrides: Partial<Policy> = {}): Policy {
  return {
    watchedSubscriptions: settings.WATCHED_SUBSCRIPTIONS,
    scope: settings.SYNC_SCOPE,
    repairDisconnected: settings.REPAIR_DISCONNECTED,
    reportOnly: settings.REPORT_ONLY,
    reciprocalNameTemplate: settings.RECIPROCAL_NAME_TEMPLATE,
    useRemoteGatewaysOnReciprocal: settings.USE_REMOTE_GATEWAYS_ON_RECIPROCAL,
    optOutTag: settings.OPT_OUT_TAG,
    ...overrides,
  };
}
