import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A local HTTP server (127.0.0.1, free port) that records every request and answers from a script. */

export interface CapturedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
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
  close(): Promise<void>;
}

export async function startSink(
  fallback: (req: CapturedRequest) => Reply = () => ({ status: 202 }),
): Promise<HttpSink> {
  const requests: CapturedRequest[] = [];
  const queue: Reply[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const captured = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(captured);
      const reply = queue.shift() ?? fallback(captured);
      if (reply === "hang") {
        hanging.add(res);
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
