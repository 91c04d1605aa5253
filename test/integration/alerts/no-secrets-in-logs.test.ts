import { AzureLogger, setLogLevel } from "@azure/logger";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAlerting } from "../../../src/alerts/alerting.js";
import { createEmailSender } from "../../../src/azure/email-sender.js";
import { failedSync, problem, report, synced } from "../../unit/alerts/fixtures.js";
import type { HttpSink } from "./http-sink.js";
import { startSink } from "./http-sink.js";
import { secret } from "../../support/secrets.js";

/**
 * Every line logged during runs whose alerts succeed and fail on every channel (ours through the
 * injected logger, and the Azure SDK's own verbose log) is searched for every secret.
 */

const TEAMS_SIG = secret("TeamsSig0123456789SECRETabcdefghij");
const WEBHOOK_TOKEN = secret("hookToken9876543210SECRET");
const WEBHOOK_SECRET = secret("hmac-secret-0123456789-SECRET");
const ACCESS_KEY_RAW = secret("acs-access-key-SECRET-0123456789");
const ACCESS_KEY = secret(Buffer.from(ACCESS_KEY_RAW).toString("base64"));

let sink: HttpSink;
const lines: string[] = [];
const originalLog = AzureLogger.log;

beforeAll(async () => {
  sink = await startSink();
  setLogLevel("verbose");
  AzureLogger.log = (...args: unknown[]) => lines.push(`azure-sdk ${args.map(String).join(" ")}`);
});
afterAll(async () => {
  AzureLogger.log = originalLog;
  setLogLevel("warning");
  await sink.close();
});
afterEach(() => {
  sink.requests.length = 0;
});

const logger = {
  info: (m: string) => lines.push(`info ${m}`),
  warn: (m: string) => lines.push(`warn ${m}`),
  error: (m: string) => lines.push(`error ${m}`),
};

function alerting(origin: string) {
  const teams = `${origin}/workflows/1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${TEAMS_SIG}`;
  const webhook = `${origin}/hooks/${WEBHOOK_TOKEN}?token=${WEBHOOK_TOKEN}`;
  const connectionString = `endpoint=${origin}/;accesskey=${ACCESS_KEY}`;
  return {
    teams,
    webhook,
    connectionString,
    alerting: createAlerting(
      {
        ALERT_MIN_SEVERITY: "info",
        ALERT_ON_FIXED: true,
        ALERT_REMINDER_HOURS: 24,
        TEAMS_WEBHOOK_URL: teams,
        ALERT_WEBHOOK_URL: webhook,
        ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
        EMAIL_CONNECTION_STRING: connectionString,
        STATUS_PAGE_URL: "https://status.example.net/",
      },
      {
        logger,
        emailSender: createEmailSender({
          connectionString,
          senderAddress: "DoNotReply@x.azurecomm.net",
          recipients: ["netops@example.com"],
          clientOptions: {
            allowInsecureConnection: true,
            retryOptions: { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 10 },
          },
          pollIntervalMs: 5,
          timeoutMs: 2_000,
        }),
        sleep: async () => {},
        // Nothing here hangs: a short attempt timeout would only turn a slow answer into a failure.
        retry: { maxAttempts: 2, timeoutMs: 10_000 },
      },
    ),
  };
}

describe("secrets never reach a log line, an error or an alert body", () => {
  it("holds while every channel fails, and while they succeed", async () => {
    const { alerting: a, teams, webhook, connectionString } = alerting(sink.origin);
    // An error message that quotes a secret URL (it happens: proxies echo the request line).
    const run = report([
      failedSync("spoke1", "hub", {
        code: "BadGateway",
        message: `upstream ${teams} refused`,
        retryable: true,
      }),
      problem("PeerInaccessible", "spoke2", "partner"),
      synced("spoke3", "hub"),
    ]);

    // 1. every channel fails: Teams 500, webhook 503, ACS 500
    sink.script(...Array.from({ length: 20 }, () => ({ status: 500 })));
    const failed = await a.afterRun(run);
    expect(failed.channels.map((c) => `${c.channel}:${c.status}`).sort()).toEqual([
      "email:failed",
      "teams:failed",
      "webhook:failed",
    ]);
    sink.unscript();

    // 2. nothing listens any more: connection refused on every channel
    const closed = alerting(`http://127.0.0.1:9`);
    const refused = await closed.alerting.afterRun({ ...run, runId: "run-refused" });
    expect(refused.channels.every((c) => c.status === "failed")).toBe(true);

    // 3. a poison message, and a successful run to the sink
    await a.afterFailure({
      vnetId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub",
      error: { code: "Boom", message: `at ${webhook}` },
      correlationId: "m1",
      at: "2026-01-10T10:00:00.000Z",
    });
    const ok = await createOkRun(sink.origin).afterRun({ ...run, runId: "run-ok" });
    expect(ok.channels.map((c) => c.status)).toEqual(["sent", "sent"]);
    const bodies = sink.requests.map((r) => r.body).join("\n");
    expect(bodies).toContain("[redacted]");

    const everything = [
      ...lines,
      ...failed.channels.map((c) => JSON.stringify(c)),
      ...refused.channels.map((c) => JSON.stringify(c)),
      bodies,
    ].join("\n");
    expect(
      lines.some((l) =>
        l.startsWith("error alert run-0001 (error) NOT sent to teams: Teams webhook answered 500"),
      ),
    ).toBe(true);
    expect(lines.some((l) => l.startsWith("azure-sdk"))).toBe(true);
    for (const secret of [
      TEAMS_SIG,
      WEBHOOK_TOKEN,
      WEBHOOK_SECRET,
      ACCESS_KEY,
      ACCESS_KEY_RAW,
      teams,
      webhook,
      connectionString,
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});

/** Teams + webhook pointed at the sink, answering 202: the alert bodies are searched too. */
function createOkRun(origin: string) {
  return createAlerting(
    {
      ALERT_MIN_SEVERITY: "info",
      ALERT_ON_FIXED: true,
      ALERT_REMINDER_HOURS: 24,
      TEAMS_WEBHOOK_URL: `${origin}/ok?sig=${TEAMS_SIG}`,
      ALERT_WEBHOOK_URL: `${origin}/hooks/${WEBHOOK_TOKEN}`,
      ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STATUS_PAGE_URL: undefined,
    },
    { logger, sleep: async () => {} },
  );
}
