import {
  ArmNetworkPort,
  toVnet,
  type ArmConnectionOptions,
} from "../../../src/azure/arm/arm-network-port.js";
import { emulatorCredential } from "../../../src/azure/credentials.js";
import type { ApplyEvent } from "../../../src/reconcile/apply.js";
import type { NetworkPort } from "../../../src/reconcile/port.js";
import { reconcile, type ReconcileOutcome, type ReconcileRequest } from "../../../src/reconcile/run.js";
import type { Peering, Policy, Vnet } from "../../../src/reconcile/types.js";
import type { VirtualNetwork } from "@azure/arm-network";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../../emulator/index.js";
import { BASE_POLICY } from "../../support/builders.js";

/**
 * The engine on the emulator through the real SDK, tuned for fault injection: the SDK pipeline does
 * not retry (the engine's own retries are under test, and backoff sleeps are recorded, not slept),
 * and emulated time runs 100x faster than real time. Requests keep the product's own timeout: a
 * loaded machine must not turn an ordinary request into a RequestTimeout. Only rigs that inject
 * hangs pass `port: { requestTimeoutMs: HANG_TIMEOUT_MS }`, a bound an unhung loopback request stays
 * far below while a hang stays far above it.
 */

export const TIME_SCALE = 0.01;
export const HANG_TIMEOUT_MS = 750;
/** An emulated delay that outlasts HANG_TIMEOUT_MS (real ms = seconds * 1000 * TIME_SCALE). */
export const HANG_SECONDS = 120;
export const HANG_REAL_MS = HANG_SECONDS * 1000 * TIME_SCALE;

export interface RunOptions {
  request?: Partial<ReconcileRequest>;
  /** Wraps the port for this run (crash injection, mid-run deletes). */
  port?: (inner: NetworkPort) => NetworkPort;
  maxParallelVnets?: number;
  maxAttempts?: number;
}

export interface Rig {
  emu: Emulator;
  port: ArmNetworkPort;
  sleeps: number[];
  events: ApplyEvent[];
  run(
    policy: Partial<Policy> & { watchedSubscriptions: string[] },
    options?: RunOptions,
  ): Promise<ReconcileOutcome>;
  /** Every VNet given, read straight from the emulator's state (no HTTP, no faults, no counters). */
  read(vnetIds: readonly string[]): Map<string, Vnet>;
  /** Every peering on the VNets given, by lower-cased id. */
  peerings(vnetIds: readonly string[]): Map<string, Peering>;
  writes(): number;
  /**
   * Waits (bounded) until no long-running operation is in progress: a write ARM accepted finishes on
   * its own even when the product stopped polling it, and the final state is what counts.
   */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRig(
  options: { emulator?: EmulatorOptions; port?: Partial<ArmConnectionOptions> } = {},
): Promise<Rig> {
  const emu = await startEmulator({ throttle: false, timeScale: TIME_SCALE, ...options.emulator });
  const port = new ArmNetworkPort({
    credential: emulatorCredential,
    endpoint: emu.endpoint,
    caPem: emu.caPem,
    pollIntervalMs: 2,
    sdkMaxRetries: 0,
    ...options.port,
  });
  const sleeps: number[] = [];
  const events: ApplyEvent[] = [];
  let runs = 0;
  const read = (ids: readonly string[]) => {
    const out = new Map<string, Vnet>();
    for (const id of ids) {
      const raw = emu.seed.getVnet(id);
      if (raw) out.set(id.toLowerCase(), toVnet(flatten(raw) as VirtualNetwork));
    }
    return out;
  };
  return {
    emu,
    port,
    sleeps,
    events,
    run: (policy, o = {}) => {
      runs++;
      return reconcile(
        { trigger: "cli", correlationId: `rel-${runs}`, scope: [], dryRun: false, ...o.request },
        {
          port: o.port ? o.port(port) : port,
          policy: { ...BASE_POLICY, ...policy },
          now: () => new Date("2026-11-22T10:00:00Z"),
          newRunId: () => `run-${runs}`,
          sleep: async (ms) => void sleeps.push(ms),
          maxParallelVnets: o.maxParallelVnets ?? 4,
          maxAttempts: o.maxAttempts ?? 4,
          onEvent: (e) => events.push(e),
        },
      );
    },
    read,
    peerings: (ids) => {
      const out = new Map<string, Peering>();
      for (const vnet of read(ids).values()) for (const p of vnet.peerings) out.set(p.id.toLowerCase(), p);
      return out;
    },
    writes: () =>
      emu.count({ method: "PUT" }) + emu.count({ method: "DELETE" }) + emu.count({ method: "PATCH" }),
    settle: async () => {
      const deadline = Date.now() + SETTLE_LIMIT_MS;
      while (emu.pendingOperations() > 0) {
        if (Date.now() > deadline)
          throw new Error(`${emu.pendingOperations()} operation(s) still in progress`);
        await waitMs(5);
      }
    },
    stop: () => emu.stop(),
  };
}

/** Far above any emulated LRO of these tests (seconds * 1000 * TIME_SCALE real ms). */
const SETTLE_LIMIT_MS = 5_000;

/** A fresh pair of watched subscriptions (and one foreign) per case: cases never see each other. */
let caseNo = 0;
export function freshSubscriptions(): { subs: [string, string]; foreign: string } {
  caseNo++;
  const g = (n: number) =>
    `${String(caseNo).padStart(8, "0")}-${String(process.pid % 10000).padStart(4, "0")}-4000-8000-${String(n).padStart(12, "0")}`;
  return { subs: [g(1), g(2)], foreign: g(9) };
}

export const sameIdAs = (a: string) => (b: string) => a.toLowerCase() === b.toLowerCase();

export function healthy(p: Peering): boolean {
  return p.state === "Connected" && p.syncLevel === "FullyInSync" && p.provisioningState === "Succeeded";
}

/** Two peerings from one VNet to the same remote VNet: what a duplicated create would leave. */
export function duplicates(peerings: Iterable<Peering>): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const p of peerings) {
    const k = `${p.vnetId.toLowerCase()} -> ${p.remoteVnetId.toLowerCase()}`;
    const other = seen.get(k);
    if (other) out.push(`${other} and ${p.id}`);
    else seen.set(k, p.id);
  }
  return out;
}

export function waitMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The SDK flattens `properties` into its models (x-ms-client-flatten); do the same for seed reads. */
function flatten(raw: Record<string, unknown>): Record<string, unknown> {
  const { properties, ...rest } = raw as { properties?: Record<string, unknown> };
  const out: Record<string, unknown> = { ...rest, ...(properties ?? {}) };
  for (const child of ["virtualNetworkPeerings", "subnets"]) {
    if (Array.isArray(out[child]))
      out[child] = (out[child] as Record<string, unknown>[]).map((c) => flatten(c));
  }
  return out;
}
