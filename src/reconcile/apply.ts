import pLimit from "p-limit";
import { bodyOf } from "./body.js";
import { ArmError, isRetryable } from "./errors.js";
import { idKey, parsePeeringId, sameId } from "./ids.js";
import type { NetworkPort } from "./port.js";
import { isWrite } from "./vocabulary.js";
import type {
  Action,
  ActionResult,
  AppliedAction,
  ApplyReport,
  CreateReciprocalAction,
  Peering,
  Plan,
  ResetDisconnectedAction,
  SyncAction,
  Vnet,
} from "./types.js";

export interface ApplyOptions {
  port: NetworkPort;
  /** Injected so tests and benchmarks control time; production passes a setTimeout-based sleep. */
  sleep: (ms: number) => Promise<void>;
  /** Different VNets are written in parallel up to this bound; one VNet is never written twice at once. */
  maxParallelVnets: number;
  /** Attempts per action for retryable failures (busy, throttled, transient). */
  maxAttempts: number;
  /** No writes at all: every write action is reported as skipped. */
  reportOnly: boolean;
  /** Backoff when the service gave no Retry-After: base * 2^(attempt-1), capped, with jitter. */
  backoff?: { baseMs: number; maxMs: number };
  /** Jitter source in [0, 1); injected for determinism. */
  random?: () => number;
  onEvent?: (event: ApplyEvent) => void;
  /**
   * The VNet as the plan's own read saw it, while that read is fresh enough to stand for the re-read
   * before a write (src/reconcile/run.ts freshReadMs); undefined when it is not. Used on a write's
   * first attempt only, and never for a VNet this apply has written on (or peered with) since.
   */
  recentRead?: (vnetId: string) => Vnet | undefined;
}

export type ApplyEvent =
  | { type: "write"; action: Action; attempt: number }
  | { type: "retry"; action: Action; attempt: number; delayMs: number; error: ArmError }
  | { type: "done"; applied: AppliedAction };

export { isWrite } from "./vocabulary.js";

/**
 * Carries out a plan. Each write re-reads its target first, so a stale plan never overwrites a newer
 * state (its first attempt may take the plan's own read instead while that is seconds old:
 * `recentRead`); writes on one VNet are serialized (ARM answers a concurrent write on the same VNet with 409
 * AnotherOperationInProgress or 429 RetryableError, docs/azure-behaviour.md#errors); Retry-After is honoured.
 */
export async function apply(plan: Plan, options: ApplyOptions): Promise<ApplyReport> {
  const { actions } = plan;
  const limit = pLimit(options.maxParallelVnets);
  const vnetQueues = new Map<string, Promise<unknown>>();
  const outcomes = new Map<string, Promise<ActionResult>>();
  const counter = { writes: 0, touched: new Set<string>() };

  const serializedOn = <T>(vnetId: string, task: () => Promise<T>): Promise<T> => {
    const key = idKey(vnetId);
    const previous = vnetQueues.get(key) ?? Promise.resolve();
    const run = previous.then(
      () => limit(task),
      () => limit(task),
    );
    vnetQueues.set(
      key,
      run.catch(() => undefined),
    );
    return run;
  };

  const runOne = async (action: Action): Promise<ActionResult> => {
    if (!isWrite(action)) return { status: "skipped", why: action.kind === "skip" ? "skipped" : "reported" };
    if (options.reportOnly) return { status: "skipped", why: "report-only mode: no writes" };
    if (action.dependsOn) {
      // Wait for the dependency before queueing on this VNet: waiting while holding the VNet's turn
      // could deadlock two VNets that depend on each other's actions.
      const dependency = await outcomes.get(action.dependsOn);
      if (dependency?.status === "failed") {
        return { status: "skipped", why: `not attempted: ${action.dependsOn} failed` };
      }
    }
    return serializedOn(action.vnetId, () => withRetries(action, options, counter));
  };

  // Register every outcome before awaiting any, so dependencies can find each other.
  for (const action of actions) outcomes.set(action.id, runOne(action));
  const results: AppliedAction[] = [];
  for (const action of actions) {
    const result = await outcomes.get(action.id)!;
    const applied = { action, result };
    options.onEvent?.({ type: "done", applied });
    results.push(applied);
  }
  return { results, writes: counter.writes };
}

/** Where a write's first attempt reads its target: the plan's own read while fresh, else ARM. */
interface Reader {
  vnet(vnetId: string): Promise<Vnet | undefined>;
  peering(peeringId: string): Promise<Peering | undefined>;
}

function readerFor(port: NetworkPort, recent: ((vnetId: string) => Vnet | undefined) | undefined): Reader {
  return {
    vnet: async (vnetId) => recent?.(vnetId) ?? port.getVnet(vnetId),
    peering: async (peeringId) => {
      const vnetId = parsePeeringId(peeringId)?.vnetId;
      const vnet = vnetId ? recent?.(vnetId) : undefined;
      return vnet ? vnet.peerings.find((p) => sameId(p.id, peeringId)) : port.getPeering(peeringId);
    },
  };
}

async function withRetries(
  action: SyncAction | CreateReciprocalAction | ResetDisconnectedAction,
  options: ApplyOptions,
  counter: { writes: number; touched: Set<string> },
): Promise<ActionResult> {
  const backoff = options.backoff ?? { baseMs: 1000, maxMs: 60_000 };
  const random = options.random ?? (() => 0.5);
  for (let attempt = 1; ; attempt++) {
    // A retry follows a failed or unanswered write: only ARM knows what it left.
    const recentRead = options.recentRead;
    const recent =
      attempt === 1 && recentRead
        ? (vnetId: string) => (counter.touched.has(idKey(vnetId)) ? undefined : recentRead(vnetId))
        : undefined;
    try {
      return await execute(action, options.port, readerFor(options.port, recent), (vnetId, remoteVnetId) => {
        // A write changes both ends of its pair (the remote's peering state and sync level too).
        counter.touched.add(idKey(vnetId)).add(idKey(remoteVnetId));
        counter.writes++;
        options.onEvent?.({ type: "write", action, attempt });
      });
    } catch (err) {
      const error =
        err instanceof ArmError
          ? err
          : new ArmError(0, "InternalError", String(err), undefined, { cause: err });
      const retryable = err instanceof ArmError && isRetryable(error);
      if (!retryable || attempt >= options.maxAttempts) {
        return { status: "failed", error: { code: error.code, message: error.message, retryable } };
      }
      const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1));
      const delayMs = error.retryAfterMs ?? Math.round(exponential * (0.5 + random() / 2));
      options.onEvent?.({ type: "retry", action, attempt, delayMs, error });
      await options.sleep(delayMs);
    }
  }
}

/**
 * The plan leaves peerings that are Updating, Deleting or Failed alone; the re-read must too, since
 * one can turn so between plan and write: a write in flight is someone else's (its own event brings
 * us back), and a PUT on a Failed peering would replay whatever made it fail.
 */
function notWritable(current: Peering): Extract<ActionResult, { status: "skipped" }> | undefined {
  if (current.provisioningState === "Succeeded") return undefined;
  return current.provisioningState === "Failed"
    ? { status: "skipped", why: "its provisioning failed since the plan: a person must look at it" }
    : {
        status: "skipped",
        why: `it is ${current.provisioningState} since the plan: a write is in flight`,
        inFlight: true,
      };
}

/** One attempt: re-read the target, decide whether the write is still needed, write at most once. */
async function execute(
  action: SyncAction | CreateReciprocalAction | ResetDisconnectedAction,
  port: NetworkPort,
  read: Reader,
  countWrite: (vnetId: string, remoteVnetId: string) => void,
): Promise<ActionResult> {
  switch (action.kind) {
    case "sync": {
      const current = await read.peering(action.target);
      if (!current) return { status: "skipped", why: "the peering no longer exists" };
      const busy = notWritable(current);
      if (busy) return busy;
      if (current.state !== "Connected") {
        return { status: "skipped", why: `the peering is now ${current.state}, not Connected` };
      }
      if (!current.syncLevel.startsWith("Local")) {
        return { status: "skipped", why: `already ${current.syncLevel}: nothing to pull in` };
      }
      countWrite(current.vnetId, current.remoteVnetId);
      const after = await port.putPeering(current.vnetId, current.name, bodyOf(current), {
        syncRemoteAddressSpace: true,
      });
      return { status: "succeeded", after };
    }
    case "resetDisconnected": {
      const current = await read.peering(action.target);
      if (!current) return { status: "skipped", why: "the peering no longer exists" };
      const busy = notWritable(current);
      if (busy) return busy;
      if (current.state !== "Disconnected") {
        return { status: "skipped", why: `the peering is now ${current.state}, no reset needed` };
      }
      countWrite(current.vnetId, current.remoteVnetId);
      const after = await port.putPeering(current.vnetId, current.name, bodyOf(current));
      return { status: "succeeded", after };
    }
    case "createReciprocal": {
      const vnet = await read.vnet(action.vnetId);
      if (!vnet) return { status: "skipped", why: "the VNet no longer exists" };
      const existing = vnet.peerings.find((p) => sameId(p.remoteVnetId, action.body.remoteVnetId));
      // One that is Failed or still being written (this run's own earlier attempt, when its operation
      // failed or timed out) is not a repaired pair: say so, not that the work is done.
      if (existing) {
        const busy = notWritable(existing);
        return {
          status: "skipped",
          why: busy
            ? `the peering back ${existing.name}: ${busy.why}`
            : `a peering back already exists: ${existing.name}`,
          ...(busy?.inFlight ? { inFlight: true as const } : {}),
        };
      }
      const mirrored = await read.peering(action.mirrorOf);
      if (!mirrored) return { status: "skipped", why: "the peering it mirrors no longer exists" };
      // A half created against a Disconnected or failed peering would stay Initiated forever: one
      // more one-sided peering, not a repaired pair.
      if (mirrored.provisioningState !== "Succeeded") {
        return {
          status: "skipped",
          why: `the peering it mirrors is ${mirrored.provisioningState} since the plan`,
          ...(mirrored.provisioningState !== "Failed" ? { inFlight: true as const } : {}),
        };
      }
      if (mirrored.state === "Disconnected") {
        return {
          status: "skipped",
          why: "the peering it mirrors is still Disconnected: it must be reset first",
        };
      }
      const name = parsePeeringId(action.target)?.peeringName ?? action.name;
      countWrite(action.vnetId, action.body.remoteVnetId);
      const after = await port.putPeering(action.vnetId, name, action.body);
      return { status: "succeeded", after };
    }
  }
}
