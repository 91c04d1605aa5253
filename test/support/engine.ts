import { ArmNetworkPort } from "../../src/azure/arm/arm-network-port.js";
import { emulatorCredential } from "../../src/azure/credentials.js";
import type { ApplyEvent } from "../../src/reconcile/apply.js";
import { reconcile, type ReconcileOutcome, type ReconcileRequest } from "../../src/reconcile/run.js";
import type { Policy } from "../../src/reconcile/types.js";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator/index.js";
import { BASE_POLICY } from "./builders.js";

/**
 * The engine wired to the emulator through the real @azure/arm-network SDK, as the product runs it,
 * with time compressed: backoff sleeps are recorded and skipped.
 */
export interface EngineHarness {
  emu: Emulator;
  port: ArmNetworkPort;
  sleeps: number[];
  events: ApplyEvent[];
  run(
    policy: Partial<Policy> & { watchedSubscriptions: string[] },
    request?: Partial<ReconcileRequest>,
    options?: { maxParallelVnets?: number; freshReadMs?: number; now?: () => Date },
  ): Promise<ReconcileOutcome>;
  /** PUT and DELETE calls that reached the emulator since the last reset. */
  writes(): number;
  stop(): Promise<void>;
}

export { BASE_POLICY };

export async function startEngine(options: EmulatorOptions = {}): Promise<EngineHarness> {
  const emu = await startEmulator(options);
  const port = new ArmNetworkPort({
    credential: emulatorCredential,
    endpoint: emu.endpoint,
    caPem: emu.caPem,
    pollIntervalMs: 2,
    sdkMaxRetries: 3,
  });
  const sleeps: number[] = [];
  const events: ApplyEvent[] = [];
  let runs = 0;
  return {
    emu,
    port,
    sleeps,
    events,
    run: (policy, request = {}, options = {}) =>
      reconcile(
        { trigger: "cli", correlationId: `test-${++runs}`, scope: [], dryRun: false, ...request },
        {
          port,
          policy: { ...BASE_POLICY, ...policy },
          now: options.now ?? (() => new Date("2026-11-22T10:00:00Z")),
          newRunId: () => `run-${runs}`,
          sleep: async (ms) => void sleeps.push(ms),
          maxParallelVnets: options.maxParallelVnets ?? 4,
          ...(options.freshReadMs !== undefined ? { freshReadMs: options.freshReadMs } : {}),
          maxAttempts: 5,
          onEvent: (e) => events.push(e),
        },
      ),
    writes: () => emu.count({ method: "PUT" }) + emu.count({ method: "DELETE" }),
    stop: () => emu.stop(),
  };
}
