import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll } from "vitest";

/**
 * A "foreign host" for the token-boundary tests: a bare TCP listener on a loopback address (a second
 * one such as 127.0.0.2, or another port of 127.0.0.1) that only counts connections and drops them.
 * A test that names it in an ARM answer proves the client never connected, so no token or body went
 * there.
 */
export interface Listener {
  base: string;
  connections: number;
  server: Server;
}

export async function listen(host: string): Promise<Listener> {
  const server = createServer();
  const listener: Listener = { base: "", connections: 0, server };
  server.on("connection", (socket: Socket) => {
    listener.connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  listener.base = `https://${host}:${address.port}`;
  return listener;
}

export const closeListener = (l: Listener): Promise<void> =>
  new Promise((resolve) => l.server.close(() => resolve()));

/** The two foreign origins of the token-boundary tests, by the name the tests give them. */
export type ForeignOrigin = "another host" | "another port";
export const FOREIGN_ORIGINS: readonly ForeignOrigin[] = ["another host", "another port"];

/**
 * A listener for each foreign origin, open while the calling file's tests run (its beforeAll and
 * afterAll): another loopback address, and another port of 127.0.0.1, the emulator's own host.
 */
export function foreignListeners(): Readonly<Record<ForeignOrigin, Listener>> {
  const listeners = {} as Record<ForeignOrigin, Listener>;
  beforeAll(async () => {
    listeners["another host"] = await listen("127.0.0.2");
    listeners["another port"] = await listen("127.0.0.1");
  });
  afterAll(async () => {
    for (const l of Object.values(listeners)) await closeListener(l);
  });
  return listeners;
}
