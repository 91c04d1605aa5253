import { Agent } from "node:https";
import { createSecureContext } from "node:tls";

/**
 * The HTTPS connections every subscription's client of one port shares.
 *
 * The SDK's own agent (one per client, keep-alive, no socket limit) opens a new TLS connection for
 * each request that finds no idle one, so a burst of 500 writes opens 500 of them, and each builds
 * its TLS context again (the CA certificates, when a private CA is given) and hands a session over.
 * That costs the app a core for about a second before the last write of the burst is even sent
 * (bench/README.md, hub resize). One agent for the port, with one secure context built once, and a
 * bound on the connections per host: requests beyond it wait for a free connection, which at ARM's
 * round trip is a few milliseconds, instead of paying for a new one.
 *
 * Not behind a proxy: the SDK's proxy policy (HTTPS_PROXY, ALL_PROXY or HTTP_PROXY, upper or lower
 * case) gives way to any agent the client brings, so with a proxy configured the port leaves the
 * connections to the SDK, as before (`proxyConfigured`).
 */
export interface ConnectionOptions {
  /** PEM of a private CA to trust (the local emulator); the system's roots when unset. */
  caPem?: string;
  /** Connections per host at most (default DEFAULT_MAX_SOCKETS). */
  maxSockets?: number;
}

/**
 * Enough for ARM's bursts: a subscription's write bucket holds 200 (docs/azure-behaviour.md#throttling),
 * and at a 50 ms round trip 128 connections carry over two thousand requests a second. Measured in
 * the hub resize (bench/README.md): 16 connections stretch 500 writes' acceptance to 1.7 s, 64 and
 * 128 to under 1 s, and no bound to 0.9 s at twice the CPU per request.
 */
export const DEFAULT_MAX_SOCKETS = 128;

export function armAgent(options: ConnectionOptions = {}): Agent {
  return new Agent({
    keepAlive: true,
    maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS,
    secureContext: createSecureContext(options.caPem ? { ca: options.caPem } : {}),
  });
}

/** Whether the SDK would send requests through a proxy named in the environment (its own reading). */
export function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return ["HTTPS_PROXY", "ALL_PROXY", "HTTP_PROXY"].some((name) => !!(env[name] || env[name.toLowerCase()]));
}
