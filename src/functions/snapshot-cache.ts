import type { Snapshot } from "../reconcile/types.js";

export interface CachedSnapshot {
  snapshot: Snapshot;
  /** When the read began: the snapshot is at least this old. */
  readAt: Date;
}

/**
 * The last read of the whole watched estate, kept for the status page. Without it every page view
 * listed every watched subscription from ARM, so a leaked page link could spend the identity's read
 * budget that the event-driven reconciles need (docs/status-page.md "Where the data comes from").
 *
 * Per process (per Functions instance): a page view reads ARM only when the newest snapshot is older
 * than the refresh interval, and concurrent views share that one read (single-flight). The sweep and
 * whole-estate dry runs offer what they read, so a page usually costs no ARM read at all.
 */
export class SnapshotCache {
  private latest: CachedSnapshot | undefined;
  private inflight: Promise<CachedSnapshot> | undefined;

  constructor(
    private readonly now: () => Date,
    private readonly refreshMs: number,
  ) {}

  /** Keep `snapshot` if it is newer than the one held (reads may finish out of order). */
  offer(snapshot: Snapshot, readAt: Date): void {
    if (!this.latest || readAt.getTime() >= this.latest.readAt.getTime()) {
      this.latest = { snapshot, readAt };
    }
  }

  /** The held snapshot while it is fresh enough; otherwise one shared `read()` for every caller. */
  async get(read: () => Promise<Snapshot>): Promise<CachedSnapshot> {
    const latest = this.latest;
    if (latest && this.now().getTime() - latest.readAt.getTime() < this.refreshMs) return latest;
    if (!this.inflight) {
      const flight = this.refresh(read);
      this.inflight = flight;
      // A failed read is not kept: the next view tries again.
      flight.then(
        () => this.settle(flight),
        () => this.settle(flight),
      );
    }
    return this.inflight;
  }

  private async refresh(read: () => Promise<Snapshot>): Promise<CachedSnapshot> {
    const readAt = this.now();
    this.offer(await read(), readAt);
    return this.latest!;
  }

  private settle(flight: Promise<CachedSnapshot>): void {
    if (this.inflight === flight) this.inflight = undefined;
  }
}

/** Whether a run's scope is every watched subscription, whole: what it read is the estate's snapshot. */
export function coversEstate(scope: readonly string[], watchedSubscriptions: readonly string[]): boolean {
  const whole = new Set(
    scope
      .map((id) => /^\/subscriptions\/([^/]+)\/?$/i.exec(id)?.[1]?.toLowerCase())
      .filter((s): s is string => s !== undefined),
  );
  return scope.length === 0 || watchedSubscriptions.every((s) => whole.has(s.toLowerCase()));
}
