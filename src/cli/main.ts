import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import {
  ConfigError,
  engineLimits,
  parseSettings,
  policyFrom,
  secretValues,
  type Settings,
} from "../config.js";
import { createAlerting, redact, redactData, type Alerting } from "../alerts/index.js";
import { createNetworkPort } from "../azure/arm/create-port.js";
import { emailSenderFromSettings } from "../azure/email-sender.js";
import { actionRecordsOf, runRecordOf } from "../app/audit-records.js";
import { checkScopeId, subscriptionOf } from "../reconcile/ids.js";
import type { NetworkPort } from "../reconcile/port.js";
import { plan as planActions } from "../reconcile/plan.js";
import { focusPlan, readSnapshot, reconcile, type ReconcileOutcome } from "../reconcile/run.js";
import { withTenantAccess } from "../reconcile/tenants.js";
import type { RunReport } from "../reconcile/run-report.js";
import type { Policy } from "../reconcile/types.js";
import { buildStatusReport, renderStatusPage } from "../status/index.js";
import { toJsonDocument, toTable } from "./render.js";
import { jsonText, terminalSafe } from "./terminal.js";
import { runWhatIfCli } from "./what-if.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Colour and width only when printing to a terminal. */
  tty?: { columns: number };
}

/** Where the CLI's ARM calls go: Azure, an endpoint, or an emulator started for this run. */
export interface Target {
  port: NetworkPort;
  /** Subscriptions the target knows to watch (the emulator's topology), used when none were given. */
  subscriptions: string[];
  close(): Promise<void>;
}

export type TargetOpener = (emulatorTopology: string | undefined, settings: Settings) => Promise<Target>;

/** Builds the alert channels from settings; injected so tests can point them at local sinks. */
export type AlertingFactory = (settings: Settings, io: CliIo) => Alerting;

/** The same channels as the Functions app, with in-memory dedupe (a CLI run has no memory). */
export const defaultAlerting: AlertingFactory = (settings, io) => {
  const emailSender = emailSenderFromSettings(settings);
  return createAlerting(settings, {
    logger: {
      info: () => {},
      warn: (message) => io.stderr(`alerts: ${message}\n`),
      error: (message) => io.stderr(`alerts: ${message}\n`),
    },
    ...(emailSender ? { emailSender } : {}),
  });
};

const USAGE = `Usage: vnet-peering-sync <plan|apply> [options]
       vnet-peering-sync what-if --help

Finds VNet peerings that need a sync, a missing reciprocal or a repair, and (apply) fixes what is safe.

Options:
  --subscription <id>     watch this subscription (repeatable; default WATCHED_SUBSCRIPTIONS)
  --scope <resource id>   look only at this subscription, resource group or VNet (repeatable)
  --cloud <name>          AzureCloud (default), AzureUSGovernment or AzureChinaCloud, as az cloud
                          list names them: that cloud's Resource Manager, token audience and login
  --endpoint <url>        another ARM-compatible endpoint (default the cloud's Resource Manager);
                          one not on this machine gets the identity's token only with:
  --send-token-to-custom-endpoint
                          trust --endpoint with the token for the cloud's Resource Manager
  --ca-file <pem>         extra CA certificate for --endpoint
  --emulator [topology]   start the bundled emulator in-process (default: the demo topology)
  --repair-disconnected   re-PUT Disconnected peerings and recreate their other half
  --report-only           plan and report, never write (apply becomes plan)
  --output <table|json|html>
                          table for people (default), json for pipelines, html for the status
                          page (one self-contained file: > report.html)
  -h, --help              show this help

Exit codes: 0 nothing to do (plan) or every write succeeded (apply); 2 the plan found work, including
problems only a human can fix (alertOnly), and apply --report-only found work; 1 an error or a failed
write.
Settings are read from the environment too (see README, "Configuration").`;

export async function runCli(
  argv: string[],
  rawIo: CliIo,
  openTarget: TargetOpener,
  alertingFactory: AlertingFactory = defaultAlerting,
): Promise<number> {
  // Every byte the CLI prints passes here: no control character from ARM data reaches the terminal.
  const colour = Boolean(rawIo.tty) && !rawIo.env.NO_COLOR;
  const io: CliIo = {
    ...rawIo,
    stdout: (text) => rawIo.stdout(terminalSafe(text, colour)),
    stderr: (text) => rawIo.stderr(terminalSafe(text)),
  };
  if (argv.includes("what-if")) return runWhatIfCli(argv, io, openTarget);
  let parsed;
  try {
    parsed = parseArgs({
      args: normaliseEmulatorFlag(argv),
      allowPositionals: true,
      options: {
        subscription: { type: "string", multiple: true, default: [] },
        scope: { type: "string", multiple: true, default: [] },
        cloud: { type: "string" },
        endpoint: { type: "string" },
        "send-token-to-custom-endpoint": { type: "boolean", default: false },
        "ca-file": { type: "string" },
        emulator: { type: "string" },
        "repair-disconnected": { type: "boolean", default: false },
        "report-only": { type: "boolean", default: false },
        output: { type: "string", default: "table" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    io.stderr(`${(err as Error).message}\n\n${USAGE}\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const command = positionals[0];
  if (command !== "plan" && command !== "apply") {
    io.stderr(`${command ? `Unknown command "${command}".` : "Missing command."}\n\n${USAGE}\n`);
    return 1;
  }
  if (positionals.length > 1) {
    io.stderr(`Unexpected argument "${positionals[1]}".\n\n${USAGE}\n`);
    return 1;
  }
  if (values.output !== "table" && values.output !== "json" && values.output !== "html") {
    io.stderr(`--output must be table, json or html, not "${values.output}".\n`);
    return 1;
  }

  let settings: Settings;
  try {
    settings = parseSettings({
      ...io.env,
      ...(values.cloud ? { ARM_CLOUD: values.cloud } : {}),
      ...(values.endpoint ? { ARM_ENDPOINT: values.endpoint } : {}),
      ...(values["send-token-to-custom-endpoint"] ? { ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT: "true" } : {}),
      ...(values["ca-file"] ? { ARM_CA_FILE: values["ca-file"] } : {}),
      ...(values.subscription.length ? { WATCHED_SUBSCRIPTIONS: values.subscription.join(",") } : {}),
      ...(values["report-only"] ? { REPORT_ONLY: "true" } : {}),
      ...(values["repair-disconnected"] ? { REPAIR_DISCONNECTED: "true" } : {}),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`${flagNames(err.message)}\n`);
      return 1;
    }
    throw err;
  }
  // Taken out of the data before any output renders it (table, JSON, HTML, messages).
  const secrets = secretValues(settings);
  const scope: string[] = [];
  for (const raw of values.scope) {
    const checked = checkScopeId(raw);
    if (!checked.ok) {
      const why = checked.shape
        ? "is not a subscription, resource group or VNet resource id"
        : checked.message;
      io.stderr(`--scope ${JSON.stringify(raw)} ${why}.\n`);
      return 1;
    }
    scope.push(checked.id);
  }

  let target: Target;
  try {
    target = await openTarget(values.emulator, settings);
  } catch (err) {
    io.stderr(`Could not reach ARM: ${redact((err as Error).message, secrets)}\n`);
    return 1;
  }
  try {
    const watched = settings.WATCHED_SUBSCRIPTIONS.length
      ? settings.WATCHED_SUBSCRIPTIONS
      : scope.length
        ? [...new Set(scope.map((s) => subscriptionOf(s)!))]
        : target.subscriptions;
    if (watched.length === 0) {
      io.stderr("Nothing to watch: give --subscription, --scope or set WATCHED_SUBSCRIPTIONS.\n");
      return 1;
    }
    const policy = policyFrom(settings, { watchedSubscriptions: watched });
    const outcome = await reconcile(
      {
        trigger: "cli",
        correlationId: randomUUID(),
        scope,
        dryRun: command === "plan",
      },
      {
        port: target.port,
        policy,
        now: () => new Date(),
        newRunId: randomUUID,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        ...engineLimits(settings),
      },
    );
    if (values.output === "html") {
      io.stdout(
        await statusPage(outcome, command, target, policy, scope, settings.MAX_PARALLEL_VNETS, secrets),
      );
    } else {
      print(outcome, command, values.output, io, secrets);
    }
    if (command === "apply") await sendAlerts(alertingFactory(settings, io), outcome, io);
    return exitCode(outcome, command, policy.reportOnly);
  } catch (err) {
    io.stderr(`${command} failed: ${redact((err as Error).message, secrets)}\n`);
    return 1;
  } finally {
    await target.close();
  }
}

function print(
  outcome: ReconcileOutcome,
  command: "plan" | "apply",
  output: "table" | "json",
  io: CliIo,
  secrets: readonly string[],
): void {
  const colour = Boolean(io.tty) && !io.env.NO_COLOR;
  io.stdout(
    printedRun(outcome.report, command, output, {
      secrets,
      colour,
      ...(io.tty ? { width: io.tty.columns } : {}),
    }),
  );
}

/**
 * The table or JSON document for a run, exactly as the CLI prints it: the data redacted first, then
 * rendered, then made safe for a terminal.
 */
export function printedRun(
  report: RunReport,
  command: "plan" | "apply",
  output: "table" | "json",
  options: { secrets: readonly string[]; colour: boolean; width?: number },
): string {
  const items = redactData(
    report.results.map(({ action, result }) => (command === "apply" ? { action, result } : { action })),
    options.secrets,
  );
  if (output === "json") return `${jsonText(toJsonDocument(items))}\n`;
  const table = toTable(items, {
    colour: options.colour,
    ...(options.width ? { width: options.width } : {}),
  });
  return terminalSafe(`${table}\n`, options.colour);
}

/**
 * The status page (src/status) for this run: the plan's view of the estate; after apply, the estate
 * as it is now (re-read and re-planned, no writes) with the run's writes as the recent actions.
 */
async function statusPage(
  outcome: ReconcileOutcome,
  command: "plan" | "apply",
  target: Target,
  policy: Policy,
  scope: string[],
  parallelism: number,
  secrets: readonly string[],
): Promise<string> {
  let { snapshot, plan } = outcome;
  if (command === "apply") {
    const reread = await readSnapshot(target.port, policy, scope, parallelism);
    snapshot = reread.snapshot;
    plan = focusPlan(planActions(snapshot, policy), snapshot, reread.focus);
  }
  // Across tenants: the writes Azure would refuse are alerts, and subscriptions group by tenant.
  const tenants = await withTenantAccess(target.port, snapshot, plan, policy);
  plan = tenants.plan;
  const run = runRecordOf(outcome.report, outcome.snapshot);
  const report = buildStatusReport({
    snapshot,
    plan,
    generatedAt: outcome.report.finishedAt,
    reportOnly: policy.reportOnly,
    ...(tenants.tenantOfSubscription ? { tenantOfSubscription: tenants.tenantOfSubscription } : {}),
    ...(command === "apply"
      ? { recentRuns: [run], recentActions: actionRecordsOf(outcome.report, outcome.snapshot) }
      : {}),
  });
  return `${renderStatusPage(redactData(report, secrets))}\n`;
}

/** apply tells the configured channels what it did, exactly as the Functions app would. */
async function sendAlerts(alerting: Alerting, outcome: ReconcileOutcome, io: CliIo): Promise<void> {
  if (alerting.senders.length === 0) return;
  const { digest, channels } = await alerting.afterRun(outcome.report);
  if (!digest) return;
  const summary = channels.map((c) => (c.status === "sent" ? `${c.channel} sent` : `${c.channel} failed`));
  io.stderr(`Alerts (${digest.severity}): ${summary.join(", ")}\n`);
}

/**
 * 2 whenever the plan holds anything but skips, alertOnly included: a problem only a human can fix is
 * still open work, and a pipeline gate must not go green on it. apply answers 0 once every write it
 * made succeeded; in report-only mode it made none, so it answers like plan.
 */
function exitCode(outcome: ReconcileOutcome, command: "plan" | "apply", reportOnly: boolean): number {
  if (outcome.report.results.some((r) => r.result.status === "failed")) return 1;
  if (command === "apply" && !reportOnly) return 0;
  return outcome.plan.actions.some((a) => a.kind !== "skip") ? 2 : 0;
}

/** `--emulator` takes an optional topology file; parseArgs needs a value, so supply the default marker. */
function normaliseEmulatorFlag(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    out.push(argv[i]!);
    const next = argv[i + 1];
    if (
      argv[i] === "--emulator" &&
      (next === undefined || next.startsWith("-") || next === "plan" || next === "apply")
    ) {
      out.push("");
    }
  }
  return out;
}

/** Settings errors name environment variables; on the command line, name the flag too. */
function flagNames(message: string): string {
  return message
    .replace("WATCHED_SUBSCRIPTIONS:", "WATCHED_SUBSCRIPTIONS (--subscription):")
    .replace("ARM_CLOUD:", "ARM_CLOUD (--cloud):")
    .replace("ARM_ENDPOINT:", "ARM_ENDPOINT (--endpoint):")
    .replace(
      "ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT=true",
      "ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT=true (--send-token-to-custom-endpoint)",
    )
    .replace("set ARM_CLOUD=", "set ARM_CLOUD (--cloud) to ")
    .replace("ARM_CA_FILE:", "ARM_CA_FILE (--ca-file):");
}

/** Azure or `--endpoint` through the real SDK. */
export async function openArmTarget(settings: Settings): Promise<Target> {
  return { port: await createNetworkPort(settings), subscriptions: [], close: async () => {} };
}
