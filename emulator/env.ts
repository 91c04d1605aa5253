import type { Clock } from "./clock.js";
import type { Counters } from "./counters.js";
import type { Principal } from "./errors.js";
import type { EventBus, EventOptions } from "./events.js";
import type { FaultRule, Faults } from "./faults.js";
import type { Operations } from "./lro.js";
import type { ResourceGraph, ResourceGraphOptions } from "./resource-graph.js";
import type { Rng } from "./rng.js";
import type { NetworkState } from "./state.js";
import type { Tenancy, TokenClaims } from "./tenants.js";
import type { Throttle, ThrottleOptions } from "./throttle.js";
import type { Topology } from "./topology-schema.js";

/** How a busy VNet answers a write (docs/azure-behaviour.md#errors): classic 409, newer NRP 429 RetryableError, or never. */
export type BusyMode = "409" | "429" | "off";

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Seed for every random choice (ids, etags, fault probabilities, event duplication/reordering). Default 1. */
  seed?: number;
  /** Wall-clock seconds per emulated second: 0.01 runs 100x faster than real ARM. Default 1. */
  timeScale?: number;
  /** Emulated seconds each long-running operation takes. Default 0 (done by the first poll). */
  lroDurationSeconds?: number;
  /**
   * Retry-After (whole seconds) on 202s and InProgress polls. Default 0, which the SDK's poller treats
   * as "use your own updateIntervalInMs" (docs/azure-behaviour.md#long-running-operations), so tests stay fast.
   */
  lroRetryAfterSeconds?: number;
  /** Emulated seconds added to every answer (slow ARM). Default 0. */
  requestLatencySeconds?: number;
  /** Items per page of list calls before a nextLink. Default 100. */
  pageSize?: number;
  busy?: BusyMode;
  /** ARM token buckets (docs/azure-behaviour.md#throttling); `false` disables throttling. Partial values override the defaults. */
  throttle?: Partial<ThrottleOptions> | false;
  faults?: FaultRule[];
  events?: Partial<EventOptions>;
  /** Location for VNets created without one by the seeding API, and for operation URLs. Default westeurope. */
  defaultLocation?: string;
  tenantId?: string;
  /** Who the emulator believes is calling (names the client in 403 messages and event claims). */
  principal?: Partial<Principal>;
  /** VNet PUT into an unknown resource group creates it (default true) or answers ResourceGroupNotFound. */
  implicitResourceGroups?: boolean;
  /** Loaded before the server starts accepting requests. */
  topology?: Topology | string;
  /** Resource Graph's quota and lag (emulator/resource-graph.ts); partial values override the defaults. */
  resourceGraph?: Partial<ResourceGraphOptions>;
}

export interface ResolvedOptions {
  seed: number;
  timeScale: number;
  lroDurationSeconds: number;
  lroRetryAfterSeconds: number;
  requestLatencySeconds: number;
  pageSize: number;
  busy: BusyMode;
  defaultLocation: string;
  tenantId: string;
  principal: Principal;
  implicitResourceGroups: boolean;
}

export interface Env {
  options: ResolvedOptions;
  state: NetworkState;
  clock: Clock;
  rng: Rng;
  ops: Operations;
  events: EventBus;
  faults: Faults;
  throttle: Throttle;
  counters: Counters;
  /** Entra tenants, applications, consent and roles; checked once an application is registered. */
  tenancy: Tenancy;
  resourceGraph: ResourceGraph;
}

/** One request as the handlers see it. */
export interface RequestInfo {
  method: string;
  url: URL;
  apiVersion: string;
  rawBody: string;
  /** https://host:port the client used, for absolute nextLink and polling URLs. */
  baseUrl: string;
  requestId: string;
  correlationId: string;
  clientRequestId: string;
  clientIpAddress: string;
  principal: Principal;
  claims: Record<string, string>;
  /** The verified primary token, when the emulator checks tokens (emulator/tenants.ts). */
  token?: TokenClaims;
  /** The raw `x-ms-authorization-auxiliary` header. */
  auxiliaryHeader?: string;
  /** An injected lroFailure fault for this request. */
  lroFailure?: { code?: string; message?: string };
  /** An injected linkBase fault asked a write to name its operation in Location only. */
  pollByLocation?: boolean;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
