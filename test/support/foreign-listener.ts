import { createServer, type Server, type Socket } from "node:net";

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
