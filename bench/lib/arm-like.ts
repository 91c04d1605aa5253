import { ArmNetworkPort, DEFAULT_FIRST_POLL_DELAY_MS } from "../../src/azure/arm/arm-network-port.js";
import { ARM_REQUEST_BUDGET, type RequestBudget } from "../../src/azure/arm/request-budget.js";
import { emulatorCredential } from "../../src/azure/credentials.js";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator/index.js";
import { PEERING_PUT_SECONDS } from "../../src/what-if/estimate.js";

/**
 * The emulator configured like the real service (docs/azure-behaviour.md#throttling, #errors and #long-running-operations):
 * - token buckets per subscription, reads 250 burst / 25 per s, writes 200 / 10 (docs/azure-behaviour.md#throttling): the
 *   emulator's defaults;
 * - one write at a time per VNet, a second one is answered 409 AnotherOperationInProgress (docs/azure-behaviour.md#errors);
 * - a peering PUT is a long-running operation (docs/azure-behaviour.md#long-running-operations) of LRO_SECONDS emulated seconds. ESTIMATE: Azure
 *   publishes no duration; 10 to 20 s is what people report, 15 s its middle (src/what-if/estimate.ts);
 * - every answer takes REQUEST_SECONDS (ESTIMATE: a typical ARM GET round trip from inside Azure);
 * - NRP's polling answers carry no Retry-After (docs/azure-behaviour.md#long-running-operations: `{"status": "InProgress"}` only), so SDK
 *   clients poll at their own interval (2 s, docs/azure-behaviour.md#sdk-and-transport: updateIntervalInMs, default 2000 ms).
 */
/** The what-if quotes the same figure (src/what-if/estimate.ts). */
export const LRO_SECONDS = PEERING_PUT_SECONDS;
export const REQUEST_SECONDS = 0.05;
export const SDK_POLL_SECONDS = 2;
export const ARM_BUCKETS = {
  reads: { burst: 250, perSecond: 25 },
  writes: { burst: 200, perSecond: 10 },
} as const;

export function armLikeOptions(timeScale: number, extra: EmulatorOptions = {}): EmulatorOptions {
  return {
    timeScale,
    lroDurationSeconds: LRO_SECONDS,
    lroRetryAfterSeconds: 0,
    requestLatencySeconds: REQUEST_SECONDS,
    busy: "409",
    pageSize: 100,
    ...extra,
  };
}

export async function startArmLike(timeScale: number, extra: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator(armLikeOptions(timeScale, extra));
}

/**
 * The product's ARM port pointed at the emulator, as production builds it (createNetworkPort), except
 * that what the SDK measures in wall-clock time is scaled to emulated time: its default 2 s poll
 * interval becomes 2 emulated seconds. Retry-After from the emulator is in emulated seconds, and the
 * engine's injected sleep (see scaledSleep) scales it the same way, and the adapter's request budget
 * (ARM's token buckets) refills per emulated second. `budget.shared: false` paces as ARM's only client
 * (the budget before it learnt from ARM's reported levels), for the instances scenario's comparison.
 */
export function productPort(emu: Emulator, budget: Pick<RequestBudget, "shared"> = {}): ArmNetworkPort {
  return new ArmNetworkPort({
    credential: emulatorCredential,
    endpoint: emu.endpoint,
    caPem: emu.caPem,
    pollIntervalMs: Math.max(1, Math.round(SDK_POLL_SECONDS * 1000 * emu.options.timeScale)),
    requestBudget: { ...scaledBudget(ARM_REQUEST_BUDGET, emu.options.timeScale), ...budget },
    // Production leaves the poll settings unset and gets the defaults; here they are scaled to emulated
    // time. BENCH_READ_SAVINGS=off: the port as it was before poll pacing and read coalescing, for the
    // comparison in bench/README.md.
    ...(process.env.BENCH_READ_SAVINGS === "off"
      ? { learnOperationDurations: false, coalesceReads: false as const }
      : { firstPollDelayMs: Math.round(DEFAULT_FIRST_POLL_DELAY_MS * emu.options.timeScale) }),
  });
}

/** The adapter's default request budget (ARM's buckets) with its refill in emulated seconds. */
export function scaledBudget(budget: RequestBudget, timeScale: number): RequestBudget {
  const scale = (b: { burst: number; perSecond: number }) => ({
    burst: b.burst,
    perSecond: b.perSecond / timeScale,
  });
  return { reads: scale(budget.reads), writes: scale(budget.writes), deletes: scale(budget.deletes) };
}

/** The engine's sleep in emulated milliseconds (Retry-After, backoff), slept in scaled wall-clock time. */
export function scaledSleep(timeScale: number): (ms: number) => Promise<void> {
  return (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms * timeScale)));
}

/** What the emulator answered, grouped the way the tables report it. */
export interface CallCounts {
  reads: number;
  writes: number;
  writeAttempts: number;
  throttled: number;
  busy: number;
  listPages: number;
  /** GETs of an operation's status URL (LRO polls). */
  statusPolls: number;
  /** GETs of one VNet. */
  vnetGets: number;
  /** GETs of one peering: re-reads before a write, and the SDK's final GET after a write's poll said done. */
  peeringGets: number;
}

export function callCounts(emu: Emulator): CallCounts {
  const ok = (method: string) =>
    emu
      .counters()
      .entries.filter((e) => e.method === method && e.status < 300)
      .reduce((n, e) => n + e.count, 0);
  return {
    reads: emu.count({ method: "GET" }),
    writes: ok("PUT") + ok("DELETE"),
    writeAttempts: emu.count({ method: "PUT" }) + emu.count({ method: "DELETE" }),
    throttled: emu.count({ status: 429 }),
    busy: emu.count({ status: 409 }),
    listPages: emu.count({ method: "GET", kind: "virtualNetworkList" }),
    statusPolls: emu.count({ method: "GET", kind: "operationStatus" }),
    vnetGets: emu.count({ method: "GET", kind: "virtualNetwork" }),
    peeringGets: emu.count({ method: "GET", kind: "virtualNetworkPeering" }),
  };
}
