import type { TokenCredential } from "@azure/core-auth";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import {
  AzureMonitorLogExporter,
  AzureMonitorMetricExporter,
  type AzureMonitorExporterOptions,
} from "@azure/monitor-opentelemetry-exporter";
import type { Attributes, Counter, Histogram } from "@opentelemetry/api";
import { SeverityNumber, type Logger } from "@opentelemetry/api-logs";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import type { Settings } from "../config.js";
import type { ActionTelemetry, Metrics, RunTelemetry } from "../app/ports.js";
import { azureCredential } from "./credentials.js";

/**
 * Application Insights custom events and metrics through the Azure Monitor OpenTelemetry exporter
 * (@azure/monitor-opentelemetry-exporter 1.0.0-beta.42, pinned: the later betas need Node.js 22 and
 * this app still supports 20). The only file that imports the exporter or the OpenTelemetry SDK; the
 * runtime imports it lazily, only when APPLICATIONINSIGHTS_CONNECTION_STRING is set.
 *
 * - customEvents: an OpenTelemetry log record with the attribute `microsoft.custom_event.name`
 *   becomes an EventData envelope named after it; its other attributes become customDimensions.
 *   customMeasurements come from `body.measurements` (numbers only). Both are what the exporter's
 *   logToEnvelope does in this version, read in its source; the `body.measurements` path is not in
 *   its documentation (unconfirmed as a contract), test/integration/telemetry checks the envelopes.
 * - customMetrics: instruments of an OpenTelemetry MeterProvider; the exporter asks for DELTA
 *   temporality for counters and histograms, so each flush sends what happened since the last one
 *   (a histogram arrives as value = sum, valueCount, valueMin, valueMax).
 *
 * Settled for a Functions process that may be frozen between invocations:
 * - no offline storage (the exporter would otherwise write failed batches under the temp directory
 *   and retry them on a timer), no pipeline retries: a failed batch is dropped, the traces remain;
 * - Statsbeat off (APPLICATION_INSIGHTS_NO_STATSBEAT, read by the exporter's constructor): the SDK's
 *   own usage metrics go to a Microsoft endpoint and, as "SDK stats", into the user's customMetrics;
 * - flush() is bounded by a timeout and swallows every failure. The SDK itself reports a failed
 *   export nowhere (a retriable answer counts as "persisted" even with offline storage off), so the
 *   adapter watches its own transport and credential and says what went wrong (HTTP status, error
 *   name: never a payload) in one TelemetryExportFailed warning line per flush.
 */

export const EVENT_NAME_ATTRIBUTE = "microsoft.custom_event.name";
export const METRIC_ACTIONS = "peering_sync.actions";
export const METRIC_RUN_DURATION = "peering_sync.run.duration";

export interface AppInsightsMetricsOptions {
  connectionString: string;
  /** Entra ID ingestion (the resource has local auth off); without it the instrumentation key alone. */
  credential?: TokenCredential;
  /** Extra CA for a test ingestion endpoint with a self-signed certificate. */
  caPem?: string;
  /** cloud_RoleName: the function app's name, like the host's own telemetry. */
  roleName?: string;
  flushTimeoutMs?: number;
  /** Told why a flush did not complete (a reason, never a payload). Default: a console warning line. */
  onFlushFailure?: (reason: string) => void;
}

export const DEFAULT_FLUSH_TIMEOUT_MS = 3000;

export class AppInsightsMetrics implements Metrics {
  /** One list per flush in progress: what went wrong in the exporters' requests meanwhile. */
  private readonly watching = new Set<string[]>();
  private readonly meters: MeterProvider;
  private readonly logs: LoggerProvider;
  private readonly logger: Logger;
  private readonly actions: Counter;
  private readonly runDuration: Histogram;
  private readonly flushTimeoutMs: number;
  private readonly onFlushFailure: (reason: string) => void;

  constructor(options: AppInsightsMetricsOptions) {
    process.env.APPLICATION_INSIGHTS_NO_STATSBEAT ??= "true";
    this.flushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
    const credential = options.credential ? this.watchedCredential(options.credential) : undefined;
    const exporterOptions: AzureMonitorExporterOptions = {
      connectionString: options.connectionString,
      disableOfflineStorage: true,
      retryOptions: { maxRetries: 0 },
      httpClient: this.watchedTransport(),
      ...(credential ? { credential } : {}),
      ...(options.caPem ? { tlsOptions: { ca: options.caPem } } : {}),
    };
    this.onFlushFailure = options.onFlushFailure ?? warnFlushFailure;
    const resource = resourceFromAttributes({ "service.name": options.roleName ?? "vnet-peering-sync" });

    this.meters = new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new AzureMonitorMetricExporter(exporterOptions),
          // Handlers flush after each run; the interval only catches what a crash left behind.
          exportIntervalMillis: 60_000,
          exportTimeoutMillis: this.flushTimeoutMs,
        }),
      ],
    });
    const meter = this.meters.getMeter("vnet-peering-sync");
    this.actions = meter.createCounter(METRIC_ACTIONS, {
      description: "Reconcile actions carried out, by kind and result",
      unit: "{action}",
    });
    this.runDuration = meter.createHistogram(METRIC_RUN_DURATION, {
      description: "Duration of a reconcile run (read, plan, apply)",
      unit: "ms",
    });

    this.logs = new LoggerProvider({
      resource,
      forceFlushTimeoutMillis: this.flushTimeoutMs,
      processors: [
        new BatchLogRecordProcessor(new AzureMonitorLogExporter(exporterOptions), {
          exportTimeoutMillis: this.flushTimeoutMs,
        }),
      ],
    });
    this.logger = this.logs.getLogger("vnet-peering-sync");
  }

  actionCompleted(a: ActionTelemetry): void {
    this.safely(() => {
      const dimensions: Attributes = {
        kind: a.kind,
        result: a.result,
        trigger: a.trigger,
        dryRun: String(a.dryRun),
        subscriptionId: a.subscriptionId,
        ...(a.errorCode ? { errorCode: a.errorCode } : {}),
      };
      this.actions.add(1, dimensions);
      this.logger.emit({
        severityNumber: a.result === "failed" ? SeverityNumber.WARN : SeverityNumber.INFO,
        attributes: {
          [EVENT_NAME_ATTRIBUTE]: "ReconcileAction",
          ...dimensions,
          runId: a.runId,
          correlationId: a.correlationId,
          vnetId: a.vnetId,
          target: a.target,
          ...(a.retryable !== undefined ? { retryable: String(a.retryable) } : {}),
          ...(a.problem ? { problem: a.problem } : {}),
          ...(a.skip ? { skip: a.skip } : {}),
        },
      });
    });
  }

  runCompleted(r: RunTelemetry): void {
    this.safely(() => {
      const dimensions: Attributes = { trigger: r.trigger, result: r.result, dryRun: String(r.dryRun) };
      this.runDuration.record(r.durationMs, dimensions);
      this.logger.emit({
        severityNumber: SeverityNumber.INFO,
        body: {
          measurements: {
            durationMs: r.durationMs,
            vnetsRead: r.vnetsRead,
            actions: r.actions,
            writes: r.writes,
            succeeded: r.byResult.succeeded,
            skipped: r.byResult.skipped,
            failed: r.byResult.failed,
          },
        },
        attributes: {
          [EVENT_NAME_ATTRIBUTE]: "ReconcileRun",
          ...dimensions,
          runId: r.runId,
          correlationId: r.correlationId,
          counts: JSON.stringify(r.counts),
        },
      });
    });
  }

  async flush(): Promise<void> {
    const noted: string[] = [];
    this.watching.add(noted);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.flushTimeoutMs);
    });
    const flushed = Promise.allSettled([this.meters.forceFlush(), this.logs.forceFlush()]).then((results) => {
      const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      return failure ? `export failed: ${reasonOf(failure.reason)}` : "ok";
    });
    try {
      const outcome = await Promise.race([flushed, timedOut]);
      const problems = [...new Set(noted)];
      if (outcome === "timeout") problems.push(`no answer within ${this.flushTimeoutMs} ms`);
      else if (outcome !== "ok") problems.push(outcome);
      if (problems.length > 0) this.onFlushFailure(problems.join("; "));
    } catch (err) {
      this.onFlushFailure(reasonOf(err));
    } finally {
      clearTimeout(timer);
      this.watching.delete(noted);
    }
  }

  /** Stops the timers and sends what is left (tests; the host just ends the process). */
  async shutdown(): Promise<void> {
    await Promise.allSettled([this.meters.shutdown(), this.logs.shutdown()]);
  }

  /**
   * The exporters' HTTP transport: the default one, with each request bounded by the flush timeout (a
   * hung endpoint ends in an error, not an open socket) and every non-2xx answer or error noted.
   */
  private watchedTransport(): HttpClient {
    const transport = createDefaultHttpClient();
    return {
      sendRequest: async (request) => {
        request.timeout = this.flushTimeoutMs;
        try {
          const response = await transport.sendRequest(request);
          if (response.status < 200 || response.status > 299) this.note(`HTTP ${response.status}`);
          return response;
        } catch (err) {
          this.note(reasonOf(err));
          throw err;
        }
      },
    };
  }

  private watchedCredential(credential: TokenCredential): TokenCredential {
    return {
      getToken: async (scopes, options) => {
        try {
          return await credential.getToken(scopes, options);
        } catch (err) {
          this.note(`no token: ${reasonOf(err)}`);
          throw err;
        }
      },
    };
  }

  private note(problem: string): void {
    for (const noted of this.watching) if (noted.length < 20) noted.push(problem);
  }

  private safely(emit: () => void): void {
    try {
      emit();
    } catch (err) {
      this.onFlushFailure(`could not record: ${reasonOf(err)}`);
    }
  }
}

/** Error name and HTTP status only: an SDK error message may quote a URL or a response body. */
function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return "unknown error";
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === "number" ? `${err.name} (HTTP ${status})` : err.name;
}

function warnFlushFailure(reason: string): void {
  console.warn("TelemetryExportFailed", JSON.stringify({ event: "TelemetryExportFailed", reason }));
}

/**
 * Which identity sends telemetry, or undefined for instrumentation-key ingestion. The Functions host
 * reads APPLICATIONINSIGHTS_AUTHENTICATION_STRING for its own telemetry (`Authorization=AAD` for the
 * system-assigned identity, `Authorization=AAD;ClientId=<id>` for a user-assigned one, as Microsoft
 * documents for the host and the Profiler); the worker's exporter does not read it (read in the
 * exporter's source: it only takes a `credential` option), so the app applies it. Without a ClientId
 * in it, AZURE_CLIENT_ID (the identity the app uses for ARM) is the one, then the system-assigned one.
 */
export function ingestionIdentity(
  settings: Pick<Settings, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING" | "AZURE_CLIENT_ID">,
): { clientId?: string } | undefined {
  const auth = settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING;
  if (!auth) return undefined;
  const clientId = auth.clientId ?? settings.AZURE_CLIENT_ID;
  return clientId ? { clientId } : {};
}

/** The adapter as the settings describe it; the caller has checked the connection string is set. */
export function appInsightsMetricsFromSettings(
  settings: Pick<
    Settings,
    "APPLICATIONINSIGHTS_CONNECTION_STRING" | "APPLICATIONINSIGHTS_AUTHENTICATION_STRING" | "AZURE_CLIENT_ID"
  >,
  options: Omit<AppInsightsMetricsOptions, "connectionString" | "credential"> = {},
): AppInsightsMetrics {
  const identity = ingestionIdentity(settings);
  return new AppInsightsMetrics({
    ...options,
    connectionString: settings.APPLICATIONINSIGHTS_CONNECTION_STRING ?? "",
    ...(identity ? { credential: azureCredential(identity.clientId) } : {}),
  });
}
