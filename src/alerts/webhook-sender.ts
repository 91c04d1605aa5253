import { createHmac, timingSafeEqual } from "node:crypto";
import type { Digest } from "./model.js";
import { renderWebhookPayload } from "./render-webhook.js";
import type { AlertSender, AttemptTimeout, Fetch, Now, RetryPolicy, SendOutcome, Sleep } from "./sender.js";
import { DEFAULT_RETRY, postWithRetry, realSleep } from "./sender.js";

/**
 * Generic webhook: POST of the versioned JSON payload (render-webhook.ts). With ALERT_WEBHOOK_SECRET,
 * every request carries
 *   X-Signature-Timestamp: <unix seconds>
 *   X-Signature-256: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * The timestamp is inside the signed text, so a receiver that rejects timestamps older than a few
 * minutes also rejects replays of a captured request (verification example: docs/alerts.md).
 */

export const SIGNATURE_HEADER = "X-Signature-256";
export const TIMESTAMP_HEADER = "X-Signature-Timestamp";

export function signWebhookBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex")}`;
}

export interface WebhookSenderOptions {
  url: string;
  secret?: string;
  fetch?: Fetch;
  sleep?: Sleep;
  now?: Now;
  retry?: Partial<RetryPolicy>;
  attemptTimeout?: AttemptTimeout;
}

export function createWebhookSender(options: WebhookSenderOptions): AlertSender {
  const now = options.now ?? Date.now;
  return {
    channel: "webhook",
    async send(digest: Digest): Promise<SendOutcome> {
      const body = JSON.stringify(renderWebhookPayload(digest));
      return postWithRetry({
        channel: "webhook",
        label: "Alert webhook",
        url: options.url,
        body,
        headers: () => {
          const headers: Record<string, string> = {
            "X-Alert-Schema-Version": "1",
            "X-Alert-Id": digest.id,
          };
          if (options.secret) {
            // A fresh timestamp per attempt: a retry after a long Retry-After is not mistaken for a replay.
            const timestamp = String(Math.floor(now() / 1000));
            headers[TIMESTAMP_HEADER] = timestamp;
            headers[SIGNATURE_HEADER] = signWebhookBody(options.secret, timestamp, body);
          }
          return headers;
        },
        fetch: options.fetch ?? fetch,
        sleep: options.sleep ?? realSleep,
        ...(options.attemptTimeout ? { attemptTimeout: options.attemptTimeout } : {}),
        now,
        retry: { ...DEFAULT_RETRY, ...options.retry },
      });
    },
  };
}

/**
 * Receiver-side check, exported for receivers written in TypeScript and for our tests: constant-time
 * comparison, and a timestamp no older (or newer) than `toleranceSeconds`.
 */
export function verifyWebhookSignature(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowSeconds: number;
  toleranceSeconds?: number;
}): boolean {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(input.nowSeconds - Number(timestamp)) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhookBody(input.secret, timestamp, input.body));
  const actual = Buffer.from(signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
