import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A local HTTP server (127.0.0.1, free port) that records every request and answers from a script. */

export interface CapturedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body's bytes as received: what a webhook receiver verifies a signature over. */
  raw: Buffer;
}

/** Answer for one request: status + headers + body, or "hang" to never answer (timeout tests). */
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | "hang";

export interface HttpSink {
  port: number;
  origin: string;
  requests: CapturedRequest[];
  /** Replies used in order; when they run out, `fallback` answers. */
  script(...replies: Reply[]): void;
  /** Drop scripted replies not used yet. */
  unscript(): void;
  /** Called each time a request is left hanging (after it was read whole). */
  onHang(listener: () => void): void;
  close(): Promise<void>;
}

export async function startSink(
  fallback: (req: CapturedRequest) => Reply = () => ({ status: 202 }),
): Promise<HttpSink> {
  const requests: CapturedRequest[] = [];
  const queue: Reply[] = [];
  const hanging = new Set<ServerResponse>();
  const hangListeners: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const captured = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: raw.toString("utf8"),
        raw,
      };
      requests.push(captured);
      const reply = queue.shift() ?? fallback(captured);
      if (reply === "hang") {
        hanging.add(res);
        for (const listener of hangListeners) listener();
        return;
      }
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => queue.push(...replies),
    unscript: () => queue.splice(0),
    onHang: (listener) => void hangListeners.push(listener),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Why a signature check answered 401 (or "ok"): kept per request, in the order they came. */
export type SignatureVerdict = "ok" | "no timestamp" | "stale timestamp" | "no signature" | "mismatch";

export interface SignatureChecker {
  /** Pass as `startSink`'s fallback: 202 for a valid signature, 401 otherwise (verdict recorded). */
  reply: (req: CapturedRequest) => Reply;
  /** The verdict on one request, at the receiver's clock now (nothing recorded). */
  check: (req: CapturedRequest) => SignatureVerdict;
  /** Verdicts of the requests `reply` answered, in order. */
  verdicts: SignatureVerdict[];
}

/**
 * A webhook receiver written from the recipe in docs/alerts.md ("Verifying the signature", Node.js)
 * with node:crypto only. It deliberately does not use the product's signWebhookBody or
 * verifyWebhookSignature: a test that checks the sender with the sender's own code would pass
 * whatever the two agreed on. Here the documented recipe is the referee:
 *   X-Signature-256 == "sha256=" + hex(HMAC-SHA256(secret, "<X-Signature-Timestamp>." + raw body bytes)),
 *   compared in constant time, and the timestamp within `toleranceSeconds` of the receiver's clock.
 */
export function signatureChecker(
  secret: string,
  nowSeconds: () => number,
  toleranceSeconds = 300,
): SignatureChecker {
  const verdicts: SignatureVerdict[] = [];
  const verdictOf = (req: CapturedRequest): SignatureVerdict => {
    const timestamp = req.headers["x-signature-timestamp"];
    const signature = req.headers["x-signature-256"];
    if (typeof timestamp !== "string" || !/^\d+$/.test(timestamp)) return "no timestamp";
    if (Math.abs(nowSeconds() - Number(timestamp)) > toleranceSeconds) return "stale timestamp";
    if (typeof signature !== "string") return "no signature";
    const expected = Buffer.from(
      "sha256=" + createHmac("sha256", secret).update(`${timestamp}.`).update(req.raw).digest("hex"),
    );
    const actual = Buffer.from(signature);
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? "ok" : "mismatch";
  };
  return {
    verdicts,
    check: verdictOf,
    reply: (req) => {
      const verdict = verdictOf(req);
      verdicts.push(verdict);
      return verdict === "ok"
        ? { status: 202 }
        : { status: 401, headers: { "content-type": "application/json" }, body: `{"error":"${verdict}"}` };
    },
  };
}
