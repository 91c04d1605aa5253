import { randomUUID } from "node:crypto";
import { createAlerting, type AlertLogger, type AlertSender, type AlertStateStore } from "../alerts/index.js";
import { TableAlertStateStore } from "../azure/storage/alert-state-table.js";
import { TableAuditStore } from "../azure/storage/audit-table.js";
import { createNetworkPort, createResourceGraphInventory } from "../azure/arm/create-port.js";
import { chooseInventory } from "../app/inventory.js";
import { TableDedupeMarkers } from "../azure/storage/dedupe-table.js";
import { emailSenderFromSettings } from "../azure/email-sender.js";
import { functionsStorage } from "../azure/storage/functions-storage.js";
import { TablePeerIndex } from "../azure/storage/peer-index-table.js";
import { StorageMessageQueue } from "../azure/storage/reconcile-queue.js";
import { parseSettings, policyFrom, secretValues, type Settings } from "../config.js";
import type {
  AuditStore,
  DedupeMarkers,
  MessageQueue,
  Notifier,
  PeerIndex,
  ReconcileMessage,
  ResyncMessage,
  VnetInventory,
} from "../app/ports.js";
import type { NetworkPort } from "../reconcile/port.js";
import type { Policy } from "../reconcile/types.js";
import { noMetrics, type Metrics } from "./metrics.js";
import { RateLimiter } from "./rate-limit.js";
import { SnapshotCache } from "./snapshot-cache.js";
import { redactInTelemetry } from "./telemetry.js";

/** Fixed names: the queue trigger registrations (src/index.ts) use them too. */
export const RESYNC_QUEUE = "resync-runs";
export const TABLES = {
  peerIndex: "peeringpeers",
  dedupe: "peeringdedupe",
  alertState: "alertstate",
} as const;

/** Everything the handlers need, built once per process from the app settings. */
export interface Runtime {
  settings: Settings;
  policy: Policy;
  /** The secret settings' values, collected once (config.ts's secretValues), for every redaction. */
  secrets: readonly string[];
  port: NetworkPort;
  /**
   * Where the sweep lists VNets from, when SWEEP_INVENTORY chose Resource Graph (built on the first
   * sweep); undefined: ARM lists through `port`.
   */
  sweepInventory: () => Promise<VnetInventory | undefined>;
  reconcileQueue: MessageQueue<ReconcileMessage>;
  resyncQueue: MessageQueue<ResyncMessage>;
  peerIndex: PeerIndex;
  dedupe: DedupeMarkers;
  audit: AuditStore;
  /**
   * One per process (docs/alerts.md: the Teams rate limit must be shared by every invocation), so it
   * logs through `console`, not through an invocation's context.
   */
  notifier: Notifier;
  /** Application Insights custom events and metrics; `noMetrics` without a connection string. */
  metrics: Metrics;
  /** The last read of the whole estate, for the status page (fed by the sweep and whole-estate dry runs). */
  statusSnapshots: SnapshotCache;
  /** POST /api/resync per caller (RESYNC_RATE_LIMIT_PER_HOUR). */
  resyncLimiter: RateLimiter;
  now: () => Date;
  newId: () => string;
  sleep: (ms: number) => Promise<void>;
}

export interface RuntimeOptions {
  /** Replace a part (tests: the emulator's port, a recording notifier, a fast sleep). */
  overrides?: Partial<Runtime>;
  /** Extra alert channels (tests: a local webhook receiver). */
  extraAlertSenders?: AlertSender[];
}

export async function createRuntime(
  env: Readonly<Record<string, string | undefined>>,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const settings = parseSettings(env, { requireSubscriptions: true, requireStorage: true });
  const secrets = secretValues(settings);
  redactInTelemetry(secrets);
  const storage = functionsStorage(settings);
  const overrides = options.overrides ?? {};
  const port = overrides.port ?? (await createNetworkPort(settings));
  const alertState: AlertStateStore = new TableAlertStateStore(storage.table(TABLES.alertState));
  const emailSender = emailSenderFromSettings(settings);
  const alerting = createAlerting(settings, {
    logger: consoleLogger,
    store: alertState,
    ...(emailSender ? { emailSender } : {}),
    ...(options.extraAlertSenders ? { extraSenders: options.extraAlertSenders } : {}),
  });
  const notifier: Notifier = {
    notifyRun: async (report, runOptions) => void (await alerting.afterRun(report, runOptions)),
    notifyFailure: async (failure) => void (await alerting.afterFailure(failure)),
  };
  const policy = policyFrom(settings);
  let inventory: Promise<VnetInventory> | undefined;
  const sweepInventory = async () => {
    if (chooseInventory(settings.SWEEP_INVENTORY, policy.watchedSubscriptions.length) !== "resource-graph")
      return undefined;
    inventory ??= createResourceGraphInventory(settings);
    return inventory;
  };
  return {
    settings,
    policy,
    secrets,
    port,
    sweepInventory,
    reconcileQueue: StorageMessageQueue.on<ReconcileMessage>(storage.queueService, settings.RECONCILE_QUEUE),
    resyncQueue: StorageMessageQueue.on<ResyncMessage>(storage.queueService, RESYNC_QUEUE),
    peerIndex: new TablePeerIndex(storage.table(TABLES.peerIndex)),
    dedupe: new TableDedupeMarkers(storage.table(TABLES.dedupe)),
    audit: new TableAuditStore(storage.table(settings.AUDIT_TABLE)),
    notifier,
    metrics: overrides.metrics ?? (await metricsFromSettings(settings, env)),
    statusSnapshots: new SnapshotCache(
      overrides.now ?? (() => new Date()),
      settings.STATUS_REFRESH_SECONDS * 1000,
    ),
    resyncLimiter: new RateLimiter(
      overrides.now ?? (() => new Date()),
      settings.RESYNC_RATE_LIMIT_PER_HOUR,
      3_600_000,
    ),
    now: () => new Date(),
    newId: randomUUID,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...overrides,
  };
}

/**
 * The exporter and the OpenTelemetry SDK are loaded only when there is somewhere to send to: without a
 * connection string (local runs, tests) they cost nothing at start.
 */
async function metricsFromSettings(
  settings: Settings,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Metrics> {
  if (!settings.APPLICATIONINSIGHTS_CONNECTION_STRING) return noMetrics;
  try {
    const { appInsightsMetricsFromSettings } = await import("../azure/app-insights-metrics.js");
    return appInsightsMetricsFromSettings(settings, {
      ...(env.WEBSITE_SITE_NAME ? { roleName: env.WEBSITE_SITE_NAME } : {}),
    });
  } catch (err) {
    // Telemetry never stops the app: it runs on, with its log lines only.
    const reason = err instanceof Error ? err.name : "unknown error";
    console.warn("TelemetryUnavailable", JSON.stringify({ event: "TelemetryUnavailable", reason }));
    return noMetrics;
  }
}

/** Alert delivery lines: structured like the handlers' telemetry, without secrets (alerts redact them). */
const consoleLogger: AlertLogger = {
  info: (message) => console.info("Alerting", JSON.stringify({ event: "Alerting", level: "info", message })),
  warn: (message) => console.warn("Alerting", JSON.stringify({ event: "Alerting", level: "warn", message })),
  error: (message) =>
    console.error("Alerting", JSON.stringify({ event: "Alerting", level: "error", message })),
};

let shared: Promise<Runtime> | undefined;

/** The process-wide runtime, built on first use; a failed build (bad settings) is retried next time. */
export function runtime(): Promise<Runtime> {
  shared ??= createRuntime(process.env).catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}
