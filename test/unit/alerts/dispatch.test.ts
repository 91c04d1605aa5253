import { describe, expect, it } from "vitest";
import { createAlerting } from "../../../src/alerts/alerting.js";
import { dispatch } from "../../../src/alerts/dispatch.js";
import { buildDigest } from "../../../src/alerts/model.js";
import { AlertSendError } from "../../../src/alerts/redact.js";
import type { AlertSender } from "../../../src/alerts/sender.js";
import { RateLimiter, parseRetryAfter } from "../../../src/alerts/sender.js";
import type { AlertStateStore } from "../../../src/alerts/state.js";
import { captureSender } from "./alert-state-contract.js";
import { failedSync, problem, report, synced } from "./fixtures.js";
import { secret } from "../../support/secrets.js";

function memoryLogger() {
  const lines: string[] = [];
  return {
    lines,
    info: (m: string) => lines.push(`info ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
    error: (m: string) => lines.push(`error ${m}`),
  };
}

const failing = (err: unknown): AlertSender => ({
  channel: "teams",
  async send() {
    throw err;
  },
});

describe("dispatch", () => {
  const digest = buildDigest(report([failedSync("spoke1", "hub")]))!;

  it("never throws: a failing channel is logged and recorded, the others still send", async () => {
    const logger = memoryLogger();
    const ok = captureSender();
    const results = await dispatch(
      digest,
      [
        failing(new AlertSendError("teams", "Teams webhook answered 500 (gave up after 4 attempts)", 500)),
        ok,
      ],
      logger,
    );
    expect(results).toEqual([
      { channel: "teams", status: "failed", error: "Teams webhook answered 500 (gave up after 4 attempts)" },
      { channel: "capture", status: "sent", attempts: 1 },
    ]);
    expect(ok.digests).toHaveLength(1);
    expect(logger.lines).toContain(
      "error alert run-0001 (error) NOT sent to teams: Teams webhook answered 500 (gave up after 4 attempts)",
    );
  });

  it("drops the raw message of an unknown error (it may quote a URL) and keeps its name and code", async () => {
    const logger = memoryLogger();
    const err = Object.assign(new TypeError(`fetch https://hook/x?sig=${secret("SECRET123456")} failed`), {
      code: "ECONNRESET",
    });
    const [result] = await dispatch(digest, [failing(err)], logger);
    expect(result).toEqual({ channel: "teams", status: "failed", error: "TypeError ECONNRESET" });
    expect(logger.lines.join("\n")).not.toContain("SECRET123456");
  });
});

describe("createAlerting", () => {
  const base = {
    ALERT_MIN_SEVERITY: "info" as const,
    ALERT_ON_FIXED: true,
    ALERT_REMINDER_HOURS: 24,
    TEAMS_WEBHOOK_URL: undefined,
    ALERT_WEBHOOK_URL: undefined,
    ALERT_WEBHOOK_SECRET: undefined,
    STATUS_PAGE_URL: "https://status.example.net/",
  };

  it("builds a sender per configured channel", () => {
    const logger = memoryLogger();
    const all = createAlerting(
      {
        ...base,
        TEAMS_WEBHOOK_URL: secret("https://t.example/x?sig=abcdefgh12345"),
        ALERT_WEBHOOK_URL: "https://w.example/hook",
      },
      { logger, emailSender: captureSender() },
    );
    expect(all.senders.map((s) => s.channel)).toEqual(["teams", "capture", "webhook"]);
    expect(createAlerting(base, { logger }).senders).toEqual([]);
  });

  it("sends one digest per run with fixes when ALERT_ON_FIXED and ALERT_MIN_SEVERITY=info allow them", async () => {
    const sender = captureSender();
    const alerting = createAlerting(base, {
      logger: memoryLogger(),
      extraSenders: [sender],
      now: () => Date.parse("2026-01-10T10:00:00Z"),
    });
    const outcome = await alerting.afterRun(
      report([synced("a", "hub"), synced("b", "hub"), problem("Busy", "c", "hub")]),
    );
    expect(sender.digests).toHaveLength(1);
    expect(outcome.digest!.counts).toEqual({ failed: 0, needsAttention: 1, resolved: 0, fixed: 2 });
    expect(outcome.digest!.statusPageUrl).toBe("https://status.example.net/");
    expect(outcome.channels).toEqual([{ channel: "capture", status: "sent", attempts: 1 }]);

    const quiet = captureSender();
    await createAlerting(
      { ...base, ALERT_ON_FIXED: false },
      { logger: memoryLogger(), extraSenders: [quiet] },
    ).afterRun(report([synced("a", "hub")]));
    expect(quiet.digests).toHaveLength(0);
  });

  it("leaves retryable failures to the queue's retry when the run will be retried, and resolves nothing", async () => {
    const sender = captureSender();
    let now = Date.parse("2026-01-10T10:00:00Z");
    const alerting = createAlerting(base, { logger: memoryLogger(), extraSenders: [sender], now: () => now });
    await alerting.afterRun(report([problem("Busy", "c", "hub")]));
    now += 3_600_000;
    const busy = failedSync("a", "hub", {
      code: "AnotherOperationInProgress",
      message: "busy",
      retryable: true,
    });
    const terminal = failedSync("b", "hub", {
      code: "InvalidRequestFormat",
      message: "bad",
      retryable: false,
    });
    const outcome = await alerting.afterRun(report([busy, terminal]), { willRetry: true });
    // the terminal failure is alerted, the retryable one is not, and the Busy problem is not "resolved"
    expect(outcome.digest!.items.map((i) => `${i.category}:${i.code}`)).toEqual([
      "failed:InvalidRequestFormat",
    ]);
    // the final attempt alerts the retryable failure and resolves what is gone
    now += 3_600_000;
    const last = await alerting.afterRun(report([busy]));
    expect(last.digest!.items.map((i) => `${i.category}:${i.code}`)).toEqual([
      "failed:AnotherOperationInProgress",
      "resolved:Busy",
      "resolved:InvalidRequestFormat",
    ]);
  });

  it("still alerts (undeduped) when the state store is down, and says so", async () => {
    const logger = memoryLogger();
    const sender = captureSender();
    const broken: AlertStateStore = {
      listOpen: () =>
        Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
      put: () => Promise.resolve(),
      remove: () => Promise.resolve(),
    };
    await createAlerting(base, { logger, store: broken, extraSenders: [sender] }).afterRun(
      report([problem("Busy", "c", "hub")]),
    );
    expect(sender.digests).toHaveLength(1);
    expect(logger.lines[0]).toBe("warn alert state unavailable, sending without dedupe: Error ECONNREFUSED");
  });

  it("warns when something needs saying but no channel is configured", async () => {
    const logger = memoryLogger();
    const outcome = await createAlerting(base, { logger }).afterRun(report([problem("Busy", "c", "hub")]));
    expect(outcome.channels).toEqual([]);
    expect(logger.lines).toEqual(["warn alert run-0001 (warning): no alert channel is configured"]);
  });
});

describe("rate limit and Retry-After", () => {
  it("lets at most four requests through per second", async () => {
    let now = 0;
    const limiter = new RateLimiter(
      4,
      1_000,
      () => now,
      async (ms) => {
        now += ms;
      },
    );
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      await limiter.acquire();
      times.push(now);
    }
    expect(times).toEqual([0, 0, 0, 0, 1000, 1000, 1000, 1000, 2000, 2000]);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-10T10:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Sat, 10 Jan 2026 10:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});
