import type { Clock } from "./clock.js";
import type { ArmErrorBody } from "./errors.js";
import type { Rng } from "./rng.js";

/**
 * Long-running operations as NRP runs them (docs/azure-behaviour.md#long-running-operations): a write is accepted with an operation id, the
 * status URL answers InProgress until the operation's emulated duration has passed, then Succeeded or
 * Failed with `error.code`/`message`. While it runs, the VNet it touches is locked (busy, docs/azure-behaviour.md#errors).
 */

const MAX_KEPT = 20_000;

export type OperationStatus = "InProgress" | "Succeeded" | "Failed";

export interface Operation {
  id: string;
  subscriptionId: string;
  location: string;
  resourceId: string;
  /** NRP operation name, e.g. PutVirtualNetworkPeeringOperation (shows in busy messages). */
  name: string;
  status: OperationStatus;
  error?: ArmErrorBody;
  startTime: string;
  endTime?: string;
  /** Wall-clock ms when it will finish (for Retry-After on busy answers). */
  completesAtMs: number;
  /** Key of the locked VNet, if any. */
  lockKey?: string;
}

export interface OperationSpec {
  subscriptionId: string;
  location: string;
  resourceId: string;
  name: string;
  lockKey?: string;
  durationSeconds: number;
  /** Fail the operation with this error instead of completing it (injected LRO failure, async rule failure). */
  failWith?: ArmErrorBody;
  /** Runs when the operation succeeds: make the write final, emit events. */
  onSucceeded: () => void;
  /** Runs when it fails: mark the resource Failed. */
  onFailed?: (error: ArmErrorBody) => void;
}

export class Operations {
  private readonly ops = new Map<string, Operation>();
  private readonly locks = new Map<string, Operation>();
  /** While a test holds operations, their ends wait here instead of running when their time is up. */
  private held: Array<() => void> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
  ) {}

  start(spec: OperationSpec): Operation {
    const op: Operation = {
      id: this.rng.guid(),
      subscriptionId: spec.subscriptionId,
      location: spec.location,
      resourceId: spec.resourceId,
      name: spec.name,
      status: "InProgress",
      startTime: new Date(this.clock.now()).toISOString(),
      completesAtMs: this.clock.now() + this.clock.realMs(spec.durationSeconds),
      ...(spec.lockKey ? { lockKey: spec.lockKey } : {}),
    };
    this.ops.set(op.id, op);
    this.prune();
    if (spec.lockKey) this.locks.set(spec.lockKey, op);
    this.clock.after(spec.durationSeconds, () => {
      if (this.held) this.held.push(() => this.finish(op, spec));
      else this.finish(op, spec);
    });
    return op;
  }

  /**
   * Keep every operation InProgress (and its VNet busy) past its emulated duration until the
   * returned function is called, which ends those whose time is up, in order. For tests that need
   * an operation in flight regardless of how fast the machine gets its next request in.
   */
  hold(): () => void {
    const held: Array<() => void> = (this.held ??= []);
    return () => {
      if (this.held !== held) return;
      this.held = undefined;
      for (const finish of held) finish();
    };
  }

  private finish(op: Operation, spec: OperationSpec): void {
    if (spec.lockKey && this.locks.get(spec.lockKey) === op) this.locks.delete(spec.lockKey);
    op.endTime = new Date(this.clock.now()).toISOString();
    if (spec.failWith) {
      op.status = "Failed";
      op.error = { ...spec.failWith, details: spec.failWith.details ?? [] };
      spec.onFailed?.(op.error);
      return;
    }
    try {
      spec.onSucceeded();
      op.status = "Succeeded";
    } catch (e) {
      op.status = "Failed";
      op.error = {
        code: "InternalServerError",
        message: e instanceof Error ? e.message : String(e),
        details: [],
      };
      spec.onFailed?.(op.error);
    }
  }

  /** Long benchmark runs: forget the oldest finished operations beyond a bound (Maps keep insertion order). */
  private prune(): void {
    if (this.ops.size <= MAX_KEPT) return;
    for (const [id, op] of this.ops) {
      if (this.ops.size <= MAX_KEPT) break;
      if (op.status !== "InProgress") this.ops.delete(id);
    }
  }

  /** Start times of the kept operations, emulated ms, oldest first. */
  starts(): number[] {
    return [...this.ops.values()].map((op) => Date.parse(op.startTime)).sort((a, b) => a - b);
  }

  get(id: string): Operation | undefined {
    return this.ops.get(id.toLowerCase()) ?? this.ops.get(id);
  }

  /** The operation currently holding a VNet, if any. */
  busy(lockKey: string): Operation | undefined {
    return this.locks.get(lockKey);
  }

  /** Azure-AsyncOperation body: NRP returns just the status (docs/azure-behaviour.md#long-running-operations), plus `error` when Failed. */
  statusBody(op: Operation): Record<string, unknown> {
    return op.status === "Failed" ? { status: "Failed", error: op.error } : { status: op.status };
  }

  /** Paths of the two polling URLs (docs/azure-behaviour.md#long-running-operations: operations/{id} and operationResults/{id}). */
  static asyncOperationPath(op: Operation): string {
    return `/subscriptions/${op.subscriptionId}/providers/Microsoft.Network/locations/${op.location}/operations/${op.id}`;
  }

  static operationResultPath(op: Operation): string {
    return `/subscriptions/${op.subscriptionId}/providers/Microsoft.Network/locations/${op.location}/operationResults/${op.id}`;
  }

  pending(): number {
    return [...this.ops.values()].filter((o) => o.status === "InProgress").length;
  }
}
