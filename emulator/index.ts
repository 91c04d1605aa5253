import { rm } from "node:fs/promises";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { Clock } from "./clock.js";
import { Counters } from "./counters.js";
import type { CounterQuery, CounterSnapshot } from "./counters.js";
import type { EmulatorOptions, Env, ResolvedOptions } from "./env.js";
import { EventBus, defaultEventOptions } from "./events.js";
import type { EventListener } from "./events.js";
import { Faults } from "./faults.js";
import type { FaultRule } from "./faults.js";
import { Operations } from "./lro.js";
import { createRng, deriveSeed } from "./rng.js";
import { Seeder } from "./seed.js";
import { createRequestHandler } from "./server.js";
import { ResourceGraph, defaultResourceGraphOptions } from "./resource-graph.js";
import { NetworkState } from "./state.js";
import { Tenancy } from "./tenants.js";
import { Throttle, defaultThrottleOptions } from "./throttle.js";
import { generateTls, writeCaFile } from "./tls.js";
import { loadTopology, readTopology } from "./topology.js";
import type { LoadedTopology, Topology } from "./topology.js";

export type { EmulatorOptions, BusyMode, ResolvedOptions } from "./env.js";
export type { CounterEntry, CounterQuery, CounterSnapshot, ResourceKind } from "./counters.js";
export type {
  CloudEvent,
  EmittedEvent,
  EventGridEvent,
  EventListener,
  EventOptions,
  EventSchema,
  ResourceEventData,
} from "./events.js";
export type { Fault, FaultRule } from "./faults.js";
export type { ThrottleOptions, BucketSpec } from "./throttle.js";
export type { ResourceGraphOptions } from "./resource-graph.js";
export { SUPPORTED_QUERY as RESOURCE_GRAPH_QUERY, defaultResourceGraphOptions } from "./resource-graph.js";
export type { LoadedTopology, Topology } from "./topology.js";
export type { SeedPeering, SeedPeeringSettings, SeedSubnet, SeedVnet } from "./seed.js";
export type { PeeringSettings, PeeringState, SyncLevel, ProvisioningState } from "./state.js";
export type { Tenancy, EmulatorRole, RegisteredApp, TokenClaims } from "./tenants.js";
export { Seeder } from "./seed.js";
export { topologySchema } from "./topology.js";
export { vnetIdOf, gatewayIdOf } from "./state.js";
export { defaultThrottleOptions } from "./throttle.js";
export { defaultEventOptions } from "./events.js";
export { generateTls } from "./tls.js";
export type { EmulatorTls } from "./tls.js";

export interface Emulator {
  /** https://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
  /** The CA that signed the server certificate: pass as `tlsOptions: { ca }`. */
  readonly caPem: string;
  /** The CA written to a temp file (for NODE_EXTRA_CA_CERTS or another process). */
  readonly caFile: string;
  readonly options: ResolvedOptions;
  /** Direct state seeding (no HTTP, no validation, no events). */
  readonly seed: Seeder;
  loadTopology(topology: Topology | string): Promise<LoadedTopology>;
  /** Receive every event a subscription system topic would deliver; returns an unsubscribe function. */
  onEvent(fn: EventListener): () => void;
  /** Deliver events held back by a reorder window and wait for HTTP deliveries. */
  settleEvents(): Promise<void>;
  /** Add a fault rule; returns its id. */
  injectFault(rule: FaultRule): string;
  removeFault(id: string): void;
  clearFaults(): void;
  counters(): CounterSnapshot;
  /** Requests matching the query (method/kind/status). */
  count(query?: CounterQuery): number;
  /** Write calls (PUT/PATCH/DELETE) that reached this resource id, any outcome. */
  writeCount(resourceId: string): number;
  resetCounters(): void;
  /** Refill every token bucket. */
  resetThrottling(): void;
  /**
   * Entra tenants, applications, consent and role assignments (emulator/tenants.ts). Registering an
   * application turns token checks on for every ARM call.
   */
  readonly tenancy: Tenancy;
  /**
   * Mint a token as Entra would: tests stand in for a managed identity's endpoint with it (the
   * identity's token for `api://AzureADTokenExchange`).
   */
  issueToken(claims: { aud: string; tid: string; appid: string; oid: string }): string;
  /** Long-running operations still InProgress. */
  pendingOperations(): number;
  /**
   * When the operations still kept were accepted, in emulated ms since the epoch, oldest first
   * (benchmarks: over how long a burst of writes was accepted).
   */
  operationStarts(): number[];
  /**
   * Hold long-running operations in flight past their emulated duration (their VNets stay busy)
   * until the returned function is called. Tests only: makes "while another operation runs" exact.
   */
  holdOperations(): () => void;
  /** Errors the emulator hit while serving (answered as 500): tests assert it stays empty. */
  readonly internalErrors: Error[];
  /** TLS connections clients opened so far, and the most that were open at once. */
  connections(): { opened: number; peakOpen: number };
  stop(): Promise<void>;
}

function resolveOptions(o: EmulatorOptions): ResolvedOptions {
  const tenantId = o.tenantId ?? "72f988bf-0000-4000-8000-00000000e1a7";
  return {
    seed: o.seed ?? 1,
    timeScale: o.timeScale ?? 1,
    lroDurationSeconds: o.lroDurationSeconds ?? 0,
    lroRetryAfterSeconds: o.lroRetryAfterSeconds ?? 0,
    requestLatencySeconds: o.requestLatencySeconds ?? 0,
    pageSize: o.pageSize ?? 100,
    busy: o.busy ?? "409",
    defaultLocation: (o.defaultLocation ?? "westeurope").toLowerCase(),
    tenantId,
    principal: {
      clientId: o.principal?.clientId ?? "04b07795-0000-4000-8000-0000000e1a70",
      objectId: o.principal?.objectId ?? "5f1c0d2a-0000-4000-8000-0000000e1a71",
      tenantId: o.principal?.tenantId ?? tenantId,
    },
    implicitResourceGroups: o.implicitResourceGroups ?? true,
  };
}

/** Start the emulator: generate TLS material, listen on loopback, optionally load a topology. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options);
  if (!(resolved.pageSize >= 1)) throw new Error(`pageSize must be >= 1, got ${resolved.pageSize}`);
  const clock = new Clock(resolved.timeScale);
  const rng = createRng(deriveSeed(resolved.seed, "ids"));
  const throttleOptions =
    options.throttle === false
      ? { ...defaultThrottleOptions(), enabled: false }
      : { ...defaultThrottleOptions(), ...(options.throttle ?? {}) };
  const state = new NetworkState(rng, { location: resolved.defaultLocation, tenantId: resolved.tenantId });
  // Filled in below: Resource Graph reads the environment it belongs to.
  const env = {
    options: resolved,
    clock,
    rng,
    state,
    tenancy: new Tenancy(state),
    ops: new Operations(clock, rng),
    events: new EventBus(clock, createRng(deriveSeed(resolved.seed, "events")), {
      ...defaultEventOptions(),
      ...(options.events ?? {}),
    }),
    faults: new Faults(createRng(deriveSeed(resolved.seed, "faults"))),
    throttle: new Throttle(clock, throttleOptions),
    counters: new Counters(),
  } as Env;
  env.resourceGraph = new ResourceGraph(env, {
    ...defaultResourceGraphOptions(),
    ...(options.resourceGraph ?? {}),
  });
  for (const rule of options.faults ?? []) env.faults.add(rule);
  const seed = new Seeder(env);
  const load = async (t: Topology | string | unknown) =>
    loadTopology(seed, typeof t === "string" ? await readTopology(t) : t);
  if (options.topology !== undefined) await load(options.topology);

  const tls = await generateTls();
  const caFile = await writeCaFile(tls.caPem);
  const internalErrors: Error[] = [];
  const server = createServer(
    { key: tls.keyPem, cert: tls.certPem },
    createRequestHandler(env, { loadTopology: async (t) => void (await load(t)) }, internalErrors),
  );
  const sockets = { opened: 0, open: 0, peakOpen: 0 };
  server.on("secureConnection", (socket) => {
    sockets.opened++;
    sockets.peakOpen = Math.max(sockets.peakOpen, ++sockets.open);
    socket.once("close", () => sockets.open--);
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let stopped = false;

  return {
    endpoint: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    caPem: tls.caPem,
    caFile,
    options: resolved,
    seed,
    loadTopology: (t) => load(t),
    onEvent: (fn) => env.events.onEvent(fn),
    settleEvents: () => env.events.settle(),
    injectFault: (rule) => env.faults.add(rule),
    removeFault: (id) => env.faults.remove(id),
    clearFaults: () => env.faults.clear(),
    counters: () => env.counters.snapshot(),
    count: (q) => env.counters.count(q),
    writeCount: (id) => env.counters.writesTo(id),
    resetCounters: () => env.counters.reset(),
    resetThrottling: () => env.throttle.reset(),
    pendingOperations: () => env.ops.pending(),
    operationStarts: () => env.ops.starts(),
    holdOperations: () => env.ops.hold(),
    tenancy: env.tenancy,
    issueToken: (claims) => env.tenancy.issue(claims, Math.floor(clock.now() / 1000)),
    internalErrors,
    connections: () => ({ opened: sockets.opened, peakOpen: sockets.peakOpen }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clock.cancelAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dirname(caFile), { recursive: true, force: true });
    },
  };
}
