import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { generateTls } from "../../../emulator/tls.js";

/**
 * A local stand-in for Application Insights' ingestion endpoint (`<IngestionEndpoint>/v2.1/track`):
 * records every envelope the exporter posts and answers like Breeze (200 with itemsAccepted), or
 * from a script (a status, or "hang" to never answer). HTTP by default; HTTPS with a throw-away CA
 * (the emulator's) when a test sends a bearer token, which the SDK refuses to send over plain http.
 */

export interface Envelope {
  name: string;
  iKey?: string;
  time: string;
  tags?: Record<string, string>;
  data: { baseType: string; baseData: Record<string, unknown> };
}

export interface TrackRequest {
  url: string;
  headers: IncomingMessage["headers"];
  /** The body as received: what a test searches for secrets. */
  body: string;
  envelopes: Envelope[];
}

export type SinkReply = { status: number } | "hang";

export interface IngestionSink {
  /** The origin to put in the connection string's IngestionEndpoint. */
  origin: string;
  /** `InstrumentationKey=...;IngestionEndpoint=<origin>` */
  connectionString: string;
  /** The CA that signed the HTTPS sink's certificate (https only). */
  caPem?: string;
  requests: TrackRequest[];
  envelopes(): Envelope[];
  /** customEvents rows: EventData envelopes, with their name, properties and measurements. */
  events(): { name: string; properties: Record<string, string>; measurements: Record<string, number> }[];
  /** customMetrics rows: one MetricData envelope per data point. */
  metrics(): {
    name: string;
    value: number;
    count?: number;
    min?: number;
    max?: number;
    properties: Record<string, string>;
  }[];
  /** Replies used in order; afterwards `always` (default 200). */
  script(...replies: SinkReply[]): void;
  always(reply: SinkReply): void;
  close(): Promise<void>;
}

export const INSTRUMENTATION_KEY = "11111111-2222-4333-8444-555555555555";

export async function startIngestionSink(options: { https?: boolean } = {}): Promise<IngestionSink> {
  const requests: TrackRequest[] = [];
  const queue: SinkReply[] = [];
  let fallback: SinkReply = { status: 200 };
  const hanging = new Set<ServerResponse>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const body = (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
      let envelopes: Envelope[] = [];
      try {
        const parsed = JSON.parse(body) as unknown;
        envelopes = (Array.isArray(parsed) ? parsed : [parsed]) as Envelope[];
      } catch {
        envelopes = [];
      }
      requests.push({ url: req.url ?? "", headers: req.headers, body, envelopes });
      const reply = queue.shift() ?? fallback;
      if (reply === "hang") {
        hanging.add(res);
        return;
      }
      const accepted = reply.status === 200 ? envelopes.length : 0;
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          itemsReceived: envelopes.length,
          itemsAccepted: accepted,
          errors:
            reply.status === 200
              ? []
              : envelopes.map((_, index) => ({ index, statusCode: reply.status, message: "sink" })),
        }),
      );
    });
  };

  const tls = options.https ? await generateTls() : undefined;
  const server = tls
    ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, handle)
    : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `${tls ? "https" : "http"}://127.0.0.1:${port}`;

  const envelopes = () => requests.flatMap((r) => r.envelopes);
  return {
    origin,
    connectionString: `InstrumentationKey=${INSTRUMENTATION_KEY};IngestionEndpoint=${origin}/`,
    ...(tls ? { caPem: tls.caPem } : {}),
    requests,
    envelopes,
    events: () =>
      envelopes()
        .filter((e) => e.data.baseType === "EventData")
        .map((e) => ({
          name: String(e.data.baseData.name),
          properties: (e.data.baseData.properties ?? {}) as Record<string, string>,
          measurements: (e.data.baseData.measurements ?? {}) as Record<string, number>,
        })),
    metrics: () =>
      envelopes()
        .filter((e) => e.data.baseType === "MetricData")
        .flatMap((e) => {
          const properties = (e.data.baseData.properties ?? {}) as Record<string, string>;
          const points = e.data.baseData.metrics as {
            name: string;
            value: number;
            count?: number;
            min?: number;
            max?: number;
          }[];
          return points.map((p) => ({ ...p, properties }));
        }),
    script: (...replies) => queue.push(...replies),
    always: (reply) => {
      fallback = reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
