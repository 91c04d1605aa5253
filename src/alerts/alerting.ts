import type { Settings } from "../config.js";
import { secretValues } from "../config.js";
import type { RunReport } from "../reconcile/run-report.js";
import type { ChannelResult } from "./dispatch.js";
import { dispatch } from "./dispatch.js";
import type { FailureNotice } from "../reconcile/errors.js";
import type { AlertItem, Digest, DigestMeta, DigestOptions } from "./model.js";
import { collectItems, digestFrom, failureItem, failureMeta, filterItems, metaOf } from "./model.js";
import { describeSendError, redactData } from "./redact.js";
import type { AlertLogger, AlertSender, Fetch, Now, RetryPolicy, Sleep } from "./sender.js";
import { realSleep } from "./sender.js";
import type { AlertStateStore, RunCoverage } from "./state.js";
import { InMemoryAlertStateStore, applyLifecycle } from "./state.js";
import { createTeamsSender } from "./teams-sender.js";
import { createWebhookSender } from "./webhook-sender.js";

/** The settings alerts read (a subset of config.ts's Settings). */
export type AlertSettings = Pick<
  Settings,
  | "ALERT_MIN_SEVERITY"
  | "ALERT_ON_FIXED"
  | "ALERT_REMINDER_HOURS"
  | "TEAMS_WEBHOOK_URL"
  | "ALERT_WEBHOOK_URL"
  | "ALERT_WEBHOOK_SECRET"
  | "STATUS_PAGE_URL"
> &
  Partial<Settings>;

export interface AlertingDeps {
  /** The Functions InvocationContext fits; the CLI passes a console-backed logger. */
  logger: AlertLogger;
  /** Dedupe state: TableAlertStateStore in Azure, InMemoryAlertStateStore for the CLI (the default). */
  store?: AlertStateStore;
  /** Built by src/azure/email-sender.ts (alerts may not import Azure SDKs); absent = no email. */
  emailSender?: AlertSender;
  /** More channels (tests, future integrations). */
  extraSenders?: AlertSender[];
  now?: Now;
  sleep?: Sleep;
  fetch?: Fetch;
  retry?: Partial<RetryPolicy>;
}

export interface AlertOutcome {
  /** What was sent (after filtering and dedupe); undefined when there was nothing to say. */
  digest?: Digest;
  channels: ChannelResult[];
}

export interface Alerting {
  readonly senders: readonly AlertSender[];
  /**
   * Call once after every reconcile run (event, sweep, resync, CLI). Never throws. Pass
   * `willRetry: true` when the handler is about to rethrow so the queue retries the message: retryable
   * failures are then left out (the retry may fix them; if the queue gives up, afterFailure alerts), and
   * nothing is marked resolved by a run that is not final.
   */
  afterRun(report: RunReport, options?: { willRetry?: boolean }): Promise<AlertOutcome>;
  /** Call when a queue message is given up on (poison) or a run threw before producing a report. Never throws. */
  afterFailure(failure: FailureNotice): Promise<AlertOutcome>;
}

/** Secret values from the settings, for redaction: config.ts's secretValues, the one collection. */
export const secretsOf = secretValues;

export function createAlerting(settings: AlertSettings, deps: AlertingDeps): Alerting {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const secrets = secretsOf(settings);
  const store = deps.store ?? new InMemoryAlertStateStore();
  const senders: AlertSender[] = [];
  const common = {
    now,
    sleep,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
  };
  if (settings.TEAMS_WEBHOOK_URL)
    senders.push(createTeamsSender({ webhookUrl: settings.TEAMS_WEBHOOK_URL, ...common }));
  if (deps.emailSender) senders.push(deps.emailSender);
  if (settings.ALERT_WEBHOOK_URL) {
    senders.push(
      createWebhookSender({
        url: settings.ALERT_WEBHOOK_URL,
        ...(settings.ALERT_WEBHOOK_SECRET ? { secret: settings.ALERT_WEBHOOK_SECRET } : {}),
        ...common,
      }),
    );
  }
  senders.push(...(deps.extraSenders ?? []));

  const options: DigestOptions = {
    minSeverity: settings.ALERT_MIN_SEVERITY,
    includeFixed: settings.ALERT_ON_FIXED,
    ...(settings.STATUS_PAGE_URL ? { statusPageUrl: settings.STATUS_PAGE_URL } : {}),
    secrets,
  };

  async function deliver(items: AlertItem[], meta: DigestMeta, coverage: RunCoverage): Promise<AlertOutcome> {
    let toSend: AlertItem[];
    try {
      toSend = await applyLifecycle(filterItems(items, options), coverage, store, {
        now: new Date(now()).toISOString(),
        reminderHours: settings.ALERT_REMINDER_HOURS,
      });
    } catch (err) {
      // Better a repeated alert than a lost one: without state, send this run's items undeduped.
      deps.logger.warn(`alert state unavailable, sending without dedupe: ${describeSendError(err, secrets)}`);
      toSend = filterItems(items, options);
    }
    const digest = digestFrom(toSend, meta, options);
    if (!digest) return { channels: [] };
    if (senders.length === 0) {
      deps.logger.warn(`alert ${digest.id} (${digest.severity}): no alert channel is configured`);
      return { digest, channels: [] };
    }
    return { digest, channels: await dispatch(digest, senders, deps.logger, secrets) };
  }

  return {
    senders,
    async afterRun(report, runOptions = {}) {
      try {
        // Redacted before anything is built from it: every channel then escapes redacted text.
        const safe = redactData(report, secrets);
        const items = collectItems(safe).filter((i) => !(runOptions.willRetry && i.retryable));
        return await deliver(items, metaOf(safe), {
          scope: report.scope,
          canResolve: !report.dryRun && !runOptions.willRetry,
        });
      } catch (err) {
        deps.logger.error(`alerting failed for run ${report.runId}: ${describeSendError(err, secrets)}`);
        return { channels: [] };
      }
    },
    async afterFailure(failure) {
      try {
        const safe = redactData(failure, secrets);
        return await deliver([failureItem(safe)], failureMeta(safe), {
          scope: [],
          canResolve: false,
        });
      } catch (err) {
        deps.logger.error(`alerting failed for ${failure.correlationId}: ${describeSendError(err, secrets)}`);
        return { channels: [] };
      }
    },
  };
}
