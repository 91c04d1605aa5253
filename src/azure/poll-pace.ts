/**
 * When to ask ARM whether a long-running peering write is done.
 *
 * NRP answers a peering PUT at once and finishes it many seconds later; its status URL carries no
 * Retry-After today (facts 2: `{"status": "InProgress"}` only; older answers sent `Retry-After: 10`),
 * so the SDK polls every 2 s and a 15 s write costs about eight status reads. Reads share one bucket
 * per subscription (250 burst, 25 per s, facts 6) with the re-reads before each write, so in a hub
 * resize the polls, not the writes, set the pace. Writes of one kind take about as long as each other,
 * so this learns their duration from the ones that finished and holds the next polls back until a
 * write is likely done: most writes are then polled once or twice.
 *
 * The first poll goes out one interval before the expected end, so a write that got faster is seen
 * done earlier and the estimate follows it down; past that point it polls at the interval again, so a
 * slow write is noticed as soon as before. Only Date.now and setTimeout: fake timers work.
 */
export interface PollPaceOptions {
  /** Poll interval once a write is older than expected, and until enough writes have finished. */
  intervalMs: number;
  /**
   * Before any write of this kind has finished, the first poll waits this long (default: one
   * interval). The port starts it at NRP's own former hint, `Retry-After: 10` (facts 2).
   */
  firstPollMs?: number;
  /** Finished writes remembered (the newest). */
  keep?: number;
  /** Finished writes needed before polls are held back. */
  minSamples?: number;
  /** The quantile of the remembered durations taken as "likely done": low, so holds rarely overshoot. */
  quantile?: number;
  /** A hold never exceeds this (a write that once took minutes must not make every poll wait that long). */
  maxHoldMs?: number;
  /** false: never hold, poll at the interval as the SDK would. */
  learn?: boolean;
}

export class PollPace {
  private readonly samples: number[] = [];
  private next = 0;
  private readonly keep: number;
  private readonly minSamples: number;
  private readonly quantile: number;
  private readonly maxHoldMs: number;

  constructor(private readonly options: PollPaceOptions) {
    this.keep = options.keep ?? 32;
    this.minSamples = options.minSamples ?? 3;
    this.quantile = options.quantile ?? 0.1;
    this.maxHoldMs = options.maxHoldMs ?? 60_000;
    if (!(options.intervalMs >= 0)) throw new Error("intervalMs must be >= 0");
  }

  /** A write that was accepted `durationMs` before it was seen done. */
  record(durationMs: number): void {
    if (this.options.learn === false || !Number.isFinite(durationMs) || durationMs < 0) return;
    if (this.samples.length < this.keep) this.samples.push(durationMs);
    else this.samples[this.next] = durationMs;
    this.next = (this.next + 1) % this.keep;
  }

  /** How long a write is likely to take; undefined until enough writes finished. */
  expectedMs(): number | undefined {
    if (this.samples.length < this.minSamples) return undefined;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = Math.min(sorted.length - 1, Math.floor(this.quantile * sorted.length));
    return Math.min(this.maxHoldMs, sorted[at] as number);
  }

  /** The wait before the next status poll of a write accepted `elapsedMs` ago. */
  nextPollInMs(elapsedMs: number): number {
    const { intervalMs } = this.options;
    const expected = this.expectedMs();
    const hold =
      expected === undefined
        ? (this.options.firstPollMs ?? intervalMs) - elapsedMs
        : expected - intervalMs - elapsedMs;
    return hold > intervalMs ? hold : intervalMs;
  }
}
