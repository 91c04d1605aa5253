import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildDigest } from "../../../src/alerts/model.js";
import { AlertSendError } from "../../../src/alerts/redact.js";
import { TEAMS_MAX_BYTES } from "../../../src/alerts/render-teams.js";
import type { WebhookPayloadV1 } from "../../../src/alerts/render-webhook.js";
import { createTeamsSender } from "../../../src/alerts/teams-sender.js";
import { createAlerting } from "../../../src/alerts/alerting.js";
import {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  createWebhookSender,
  verifyWebhookSignature,
} from "../../../src/alerts/webhook-sender.js";
import { adaptiveCardProblems } from "../../unit/alerts/adaptive-card-check.js";
import { bigReport, failedSync, problem, report } from "../../unit/alerts/fixtures.js";
import type { HttpSink, SignatureChecker } from "./http-sink.js";
import { signatureChecker, startSink } from "./http-sink.js";
import { secret } from "../../support/secrets.js";

/** A virtual clock: sleeping advances it instantly, so backoff and rate limits are asserted, not waited for. */
function virtualTime(start = Date.parse("2026-01-10T10:00:00Z")) {
  const clock = { now: start, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.now,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.now += ms;
    },
  };
}

/**
 * Attempt timeouts that end when the sink leaves a request hanging, and never otherwise: a timeout
 * test then holds however slowly a loaded machine answers the attempts that do get an answer.
 */
function timeoutOnHang(s: HttpSink) {
  const open: AbortController[] = [];
  s.onHang(() => {
    for (const c of open.splice(0)) c.abort(new DOMException("The attempt timed out.", "TimeoutError"));
  });
  return (_ms: number): AbortSignal => {
    const c = new AbortController();
    open.push(c);
    return c.signal;
  };
}

const SIG = secret("sIgNaTuRe0123456789abcdefXYZ");
const digest = buildDigest(report([failedSync("spoke1", "hub"), problem("Disconnected", "hub", "spoke2")]))!;

let sink: HttpSink;
beforeEach(async () => {
  sink = await startSink();
});
afterEach(async () => {
  await sink.close();
});

function teamsUrl(): string {
  return `${sink.origin}/workflows/0123/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`;
}

describe("Teams sender", () => {
  it("posts the Workflows envelope with a valid Adaptive Card and accepts 202", async () => {
    const time = virtualTime();
    const sender = createTeamsSender({ webhookUrl: teamsUrl(), ...time });
    expect(await sender.send(digest)).toEqual({ attempts: 1 });
    expect(sink.requests).toHaveLength(1);
    const req = sink.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toContain(`sig=${SIG}`);
    expect(req.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(req.body);
    expect(body.type).toBe("message");
    expect(body.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(adaptiveCardProblems(body.attachments[0].content)).toEqual([]);
    expect(req.body).toContain("Failed: 1 action on spoke1");
  });

  it("posts a 1,000-item run as one request under 28 KB", async () => {
    const sender = createTeamsSender({ webhookUrl: teamsUrl(), ...virtualTime() });
    await sender.send(buildDigest(bigReport(1000))!);
    expect(sink.requests).toHaveLength(1);
    expect(Buffer.byteLength(sink.requests[0]!.body)).toBeLessThan(TEAMS_MAX_BYTES);
  });

  it("retries 429 honouring Retry-After, and 5xx with exponential backoff", async () => {
    const time = virtualTime();
    sink.script({ status: 429, headers: { "retry-after": "7" } }, { status: 502 }, { status: 503 });
    const sender = createTeamsSender({ webhookUrl: teamsUrl(), ...time });
    expect(await sender.send(digest)).toEqual({ attempts: 4 });
    expect(sink.requests).toHaveLength(4);
    // 7 s from Retry-After, then 2 s and 4 s of backoff (1 s base, doubled per attempt)
    expect(time.clock.sleeps.filter((ms) => ms >= 1000)).toEqual([7000, 2000, 4000]);
  });

  it("gives up after the last attempt with an error that names the status, not the URL", async () => {
    sink.script({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const sender = createTeamsSender({ webhookUrl: teamsUrl(), ...virtualTime() });
    const err = await sender.send(digest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlertSendError);
    expect((err as Error).message).toBe("Teams webhook answered 500 (gave up after 4 attempts)");
    expect(JSON.stringify(err) + String((err as Error).stack)).not.toContain(SIG);
  });

  it("does not retry a 4xx other than 429", async () => {
    sink.script({ status: 413, body: '{"error":"The payload is too large."}' });
    const sender = createTeamsSender({ webhookUrl: teamsUrl(), ...virtualTime() });
    await expect(sender.send(digest)).rejects.toThrow("Teams webhook answered 413 (gave up after 1 attempt)");
    expect(sink.requests).toHaveLength(1);
  });

  it("times out a webhook that never answers, then retries", async () => {
    sink.script("hang", "hang");
    const attemptTimeout = timeoutOnHang(sink);
    const sender = createTeamsSender({
      webhookUrl: teamsUrl(),
      ...virtualTime(),
      retry: { timeoutMs: 200, maxAttempts: 3 },
      attemptTimeout,
    });
    expect(await sender.send(digest)).toEqual({ attempts: 3 });
    sink.script("hang");
    const once = createTeamsSender({
      webhookUrl: teamsUrl(),
      ...virtualTime(),
      // The real timer: only a hang is timed here, so the machine's speed cannot matter.
      retry: { timeoutMs: 200, maxAttempts: 1 },
    });
    await expect(once.send(digest)).rejects.toThrow(
      "Teams webhook did not answer within 200 ms (gave up after 1 attempt)",
    );
  });

  it("keeps to four requests per second per webhook", async () => {
    const time = virtualTime();
    const stamps: number[] = [];
    const sender = createTeamsSender({
      webhookUrl: teamsUrl(),
      ...time,
      fetch: (input, init) => {
        stamps.push(time.clock.now);
        return fetch(input, init);
      },
    });
    for (let i = 0; i < 9; i++) await sender.send(digest);
    expect(sink.requests).toHaveLength(9);
    for (let i = 4; i < stamps.length; i++) expect(stamps[i]! - stamps[i - 4]!).toBeGreaterThanOrEqual(1000);
  });

  it("reports a refused connection by its code", async () => {
    const url = teamsUrl();
    await sink.close();
    const sender = createTeamsSender({ webhookUrl: url, ...virtualTime(), retry: { maxAttempts: 2 } });
    await expect(sender.send(digest)).rejects.toThrow(
      "Teams webhook request failed (ECONNREFUSED) (gave up after 2 attempts)",
    );
    sink = await startSink();
  });
});

describe("generic webhook sender", () => {
  const SECRET = secret("whsec-0123456789abcdef-very-secret");
  /**
   * A request signed by hand, outside this code base: `printf '%s' '1768039200.{"id":"x"}' |
   * openssl dgst -sha256 -hmac 'whsec-0123456789abcdef-very-secret'`.
   */
  const VECTOR = {
    timestamp: "1768039200",
    body: '{"id":"x"}',
    signature: "sha256=b1acfeb9341811c121b15c503579cddf7901e67533d1213335371769093c97b9",
  };

  /** A sink that verifies every request as docs/alerts.md tells receivers to. */
  let receiver: SignatureChecker;
  let time: ReturnType<typeof virtualTime>;
  beforeEach(async () => {
    time = virtualTime();
    receiver = signatureChecker(SECRET, () => time.clock.now / 1000);
    await sink.close();
    sink = await startSink(receiver.reply);
  });
  const hookUrl = () => `${sink.origin}/hooks/vnet`;
  const header = (i: number, name: string) => sink.requests[i]!.headers[name.toLowerCase()] as string;

  describe("the test receiver itself", () => {
    const post = (headers: Record<string, string>, body = VECTOR.body) =>
      fetch(hookUrl(), { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const signed = { [TIMESTAMP_HEADER]: VECTOR.timestamp, [SIGNATURE_HEADER]: VECTOR.signature };

    it("accepts a request signed outside this code base, and answers 401 to any change of it", async () => {
      expect((await post(signed)).status).toBe(202);
      expect((await post(signed, '{"id":"y"}')).status).toBe(401);
      expect(
        (await post({ ...signed, [SIGNATURE_HEADER]: VECTOR.signature.replace("b1", "b2") })).status,
      ).toBe(401);
      expect((await post({ ...signed, [TIMESTAMP_HEADER]: "1768039201" })).status).toBe(401);
      expect((await post({ [SIGNATURE_HEADER]: VECTOR.signature })).status).toBe(401);
      expect((await post({ [TIMESTAMP_HEADER]: VECTOR.timestamp })).status).toBe(401);
      // A signature of another length in bytes (non-ASCII) is a mismatch, not a crash.
      expect((await post({ ...signed, [SIGNATURE_HEADER]: encodeURI("sha256=é") })).status).toBe(401);
      time.clock.now += 301_000;
      expect((await post(signed)).status).toBe(401);
      expect(receiver.verdicts).toEqual([
        "ok",
        "mismatch",
        "mismatch",
        "mismatch",
        "no timestamp",
        "no signature",
        "mismatch",
        "stale timestamp",
      ]);
    });
  });

  it("signs so that a receiver following the documented recipe accepts it", async () => {
    const sender = createWebhookSender({ url: hookUrl(), secret: SECRET, ...time });
    expect(await sender.send(digest)).toEqual({ attempts: 1 });
    expect(receiver.verdicts).toEqual(["ok"]);
    const req = sink.requests[0]!;
    const payload = JSON.parse(req.body) as WebhookPayloadV1;
    expect(payload).toMatchObject({
      schemaVersion: 1,
      id: digest.id,
      severity: "error",
      runId: "run-0001",
      summary: "Failed: 1 action on spoke1",
    });
    expect(payload.items).toHaveLength(2);
    expect(header(0, TIMESTAMP_HEADER)).toBe(String(time.clock.now / 1000));
    expect(header(0, SIGNATURE_HEADER)).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(header(0, "X-Alert-Schema-Version")).toBe("1");
    expect(header(0, "X-Alert-Id")).toBe(digest.id);
  });

  it("configured with the wrong secret: answered 401 once, reported as a failed channel, the run goes on", async () => {
    const lines: string[] = [];
    const logger = {
      info: (m: string) => lines.push(`info ${m}`),
      warn: (m: string) => lines.push(`warn ${m}`),
      error: (m: string) => lines.push(`error ${m}`),
    };
    const alerting = createAlerting(
      {
        ALERT_MIN_SEVERITY: "info",
        ALERT_ON_FIXED: true,
        ALERT_REMINDER_HOURS: 24,
        TEAMS_WEBHOOK_URL: undefined,
        ALERT_WEBHOOK_URL: hookUrl(),
        ALERT_WEBHOOK_SECRET: "whsec-rotated-but-not-here-0123",
        STATUS_PAGE_URL: undefined,
      },
      { logger, ...time },
    );
    const outcome = await alerting.afterRun(report([failedSync("spoke1", "hub")]));
    expect(outcome.channels).toEqual([
      { channel: "webhook", status: "failed", error: "Alert webhook answered 401 (gave up after 1 attempt)" },
    ]);
    // No retry storm: one request, no backoff slept.
    expect(sink.requests).toHaveLength(1);
    expect(receiver.verdicts).toEqual(["mismatch"]);
    expect(time.clock.sleeps).toEqual([]);
    expect(lines.filter((l) => l.startsWith("error"))).toEqual([
      `error alert ${outcome.digest!.id} (error) NOT sent to webhook: Alert webhook answered 401 (gave up after 1 attempt)`,
    ]);
    expect(lines.join("\n")).not.toContain("whsec-rotated");
  });

  it("sends no signature headers without a secret (and a verifying receiver refuses it)", async () => {
    const sender = createWebhookSender({ url: hookUrl(), ...time });
    await expect(sender.send(digest)).rejects.toThrow("Alert webhook answered 401 (gave up after 1 attempt)");
    expect(sink.requests[0]!.headers[SIGNATURE_HEADER.toLowerCase()]).toBeUndefined();
    expect(sink.requests[0]!.headers[TIMESTAMP_HEADER.toLowerCase()]).toBeUndefined();
  });

  it("retries 5xx with exponential backoff, then succeeds, each attempt signed validly", async () => {
    sink.script({ status: 502 }, { status: 503 });
    const sender = createWebhookSender({ url: hookUrl(), secret: SECRET, ...time });
    expect(await sender.send(digest)).toEqual({ attempts: 3 });
    expect(sink.requests).toHaveLength(3);
    expect(time.clock.sleeps).toEqual([1000, 2000]);
    expect(sink.requests.map((r) => receiver.check(r))).toEqual(["ok", "ok", "ok"]);
    expect(new Set(sink.requests.map((r) => r.body)).size).toBe(1);
  });

  it("gives up after the last 5xx with an error that names the status, not the URL", async () => {
    sink.script({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const url = `${sink.origin}/hooks/token-abcdef0123456789`;
    const sender = createWebhookSender({ url, secret: SECRET, ...time });
    const err = await sender.send(digest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlertSendError);
    expect((err as Error).message).toBe("Alert webhook answered 500 (gave up after 4 attempts)");
    expect(JSON.stringify(err) + String((err as Error).stack)).not.toContain("token-abcdef0123456789");
    expect(time.clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it("honours Retry-After on 429, in seconds and as an HTTP date, re-signing each retry", async () => {
    const sender = createWebhookSender({ url: hookUrl(), secret: SECRET, ...time });
    sink.script({ status: 429, headers: { "retry-after": "30" } });
    expect(await sender.send(digest)).toEqual({ attempts: 2 });
    expect(time.clock.sleeps).toEqual([30_000]);
    expect(Number(header(1, TIMESTAMP_HEADER)) - Number(header(0, TIMESTAMP_HEADER))).toBe(30);
    expect(header(1, SIGNATURE_HEADER)).not.toBe(header(0, SIGNATURE_HEADER));
    expect(receiver.verdicts).toEqual(["ok"]);

    sink.script({ status: 429, headers: { "retry-after": new Date(time.clock.now + 20_000).toUTCString() } });
    expect(await sender.send(digest)).toEqual({ attempts: 2 });
    expect(time.clock.sleeps).toEqual([30_000, 20_000]);
    expect(receiver.verdicts).toEqual(["ok", "ok"]);
  });

  it("does not wait for an unreasonable Retry-After", async () => {
    sink.script({ status: 503, headers: { "retry-after": "3600" } });
    const sender = createWebhookSender({ url: hookUrl(), secret: SECRET, ...time });
    await expect(sender.send(digest)).rejects.toThrow(
      "Alert webhook answered 503 with Retry-After 3600 s (longer than we wait) (gave up after 1 attempt)",
    );
    expect(time.clock.sleeps).toEqual([]);
  });

  it("times out a receiver that never answers, then retries", async () => {
    sink.script("hang", "hang");
    const attemptTimeout = timeoutOnHang(sink);
    const sender = createWebhookSender({
      url: hookUrl(),
      secret: SECRET,
      ...time,
      retry: { timeoutMs: 200, maxAttempts: 3 },
      attemptTimeout,
    });
    expect(await sender.send(digest)).toEqual({ attempts: 3 });
    expect(receiver.verdicts).toEqual(["ok"]);
    sink.script("hang");
    const once = createWebhookSender({
      url: hookUrl(),
      secret: SECRET,
      ...time,
      // The real timer: only a hang is timed here, so the machine's speed cannot matter.
      retry: { timeoutMs: 200, maxAttempts: 1 },
    });
    await expect(once.send(digest)).rejects.toThrow(
      "Alert webhook did not answer within 200 ms (gave up after 1 attempt)",
    );
  });

  it("verifyWebhookSignature (shipped for TypeScript receivers) agrees with the hand-signed request", () => {
    const nowSeconds = Number(VECTOR.timestamp) + 10;
    const check = (change: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({ secret: SECRET, ...VECTOR, nowSeconds, ...change });
    expect(check({})).toBe(true);
    expect(check({ body: '{"id":"y"}' })).toBe(false);
    expect(check({ secret: "other-secret-0123456789" })).toBe(false);
    expect(check({ nowSeconds: nowSeconds + 600 })).toBe(false);
    expect(check({ signature: encodeURI("sha256=é") })).toBe(false);
    expect(check({ timestamp: undefined })).toBe(false);
  });
});
