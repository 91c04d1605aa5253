import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildDigest } from "../../../src/alerts/model.js";
import { AlertSendError } from "../../../src/alerts/redact.js";
import { TEAMS_MAX_BYTES } from "../../../src/alerts/render-teams.js";
import type { WebhookPayloadV1 } from "../../../src/alerts/render-webhook.js";
import { createTeamsSender } from "../../../src/alerts/teams-sender.js";
import {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  createWebhookSender,
  verifyWebhookSignature,
} from "../../../src/alerts/webhook-sender.js";
import { adaptiveCardProblems } from "../../unit/alerts/adaptive-card-check.js";
import { bigReport, failedSync, problem, report } from "../../unit/alerts/fixtures.js";
import type { HttpSink } from "./http-sink.js";
import { startSink } from "./http-sink.js";

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

const SIG = "sIgNaTuRe0123456789abcdefXYZ";
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
    const sender = createTeamsSender({
      webhookUrl: teamsUrl(),
      ...virtualTime(),
      retry: { timeoutMs: 200, maxAttempts: 3 },
    });
    expect(await sender.send(digest)).toEqual({ attempts: 3 });
    sink.script("hang");
    const once = createTeamsSender({
      webhookUrl: teamsUrl(),
      ...virtualTime(),
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
  const SECRET = "whsec-0123456789abcdef-very-secret";

  it("posts schema version 1 signed over timestamp and raw body", async () => {
    const time = virtualTime();
    const sender = createWebhookSender({ url: `${sink.origin}/hooks/vnet`, secret: SECRET, ...time });
    await sender.send(digest);
    const req = sink.requests[0]!;
    const payload = JSON.parse(req.body) as WebhookPayloadV1;
    expect(payload).toMatchObject({
      schemaVersion: 1,
      severity: "error",
      runId: "run-0001",
      summary: "Failed: 1 action on spoke1",
    });
    expect(payload.items).toHaveLength(2);
    const timestamp = req.headers[TIMESTAMP_HEADER.toLowerCase()] as string;
    const signature = req.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(timestamp).toBe(String(time.clock.now / 1000));
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(req.headers["x-alert-schema-version"]).toBe("1");
    const nowSeconds = time.clock.now / 1000;
    expect(verifyWebhookSignature({ secret: SECRET, body: req.body, timestamp, signature, nowSeconds })).toBe(
      true,
    );
    // tampered body, wrong secret, replay ten minutes later: all rejected
    expect(
      verifyWebhookSignature({
        secret: SECRET,
        body: req.body.replace("error", "info"),
        timestamp,
        signature,
        nowSeconds,
      }),
    ).toBe(false);
    expect(
      verifyWebhookSignature({
        secret: "other-secret-0123456789",
        body: req.body,
        timestamp,
        signature,
        nowSeconds,
      }),
    ).toBe(false);
    expect(
      verifyWebhookSignature({
        secret: SECRET,
        body: req.body,
        timestamp,
        signature,
        nowSeconds: nowSeconds + 600,
      }),
    ).toBe(false);
  });

  it("sends no signature headers without a secret", async () => {
    await createWebhookSender({ url: `${sink.origin}/hooks/vnet`, ...virtualTime() }).send(digest);
    expect(sink.requests[0]!.headers[SIGNATURE_HEADER.toLowerCase()]).toBeUndefined();
  });

  it("re-signs each retry with its own timestamp", async () => {
    const time = virtualTime();
    sink.script({ status: 429, headers: { "retry-after": "30" } });
    await createWebhookSender({ url: `${sink.origin}/h`, secret: SECRET, ...time }).send(digest);
    const [first, second] = sink.requests;
    expect(
      Number(second!.headers[TIMESTAMP_HEADER.toLowerCase()]) -
        Number(first!.headers[TIMESTAMP_HEADER.toLowerCase()]),
    ).toBe(30);
    expect(second!.headers[SIGNATURE_HEADER.toLowerCase()]).not.toBe(
      first!.headers[SIGNATURE_HEADER.toLowerCase()],
    );
  });

  it("does not wait for an unreasonable Retry-After", async () => {
    sink.script({ status: 503, headers: { "retry-after": "3600" } });
    const sender = createWebhookSender({ url: `${sink.origin}/h`, ...virtualTime() });
    await expect(sender.send(digest)).rejects.toThrow(
      "Alert webhook answered 503 with Retry-After 3600 s (longer than we wait) (gave up after 1 attempt)",
    );
  });
});
