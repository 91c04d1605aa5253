/**
 * When to ask ARM whether a long-running peering write is done.
 *
 * NRP answers a peering PUT at once and finishes it many seconds later; its status URL carries no
 * Retry-After today (docs/azure-behaviour.md#long-running-operations: `{"status": "InProgress"}` only; older answers sent `Retry-After: 10`),
 * so the SDK polls every 2 s and a 15 s write costs about eight reads. (The port's poll is a GET of
 * the peering, whose provisioningState says when it is done: the same count, and the last one is
 * the result.) Reads share one bucket
 * per subscription (250 burst, 25 per s, docs/azure-behaviour.md#throttling) with the re-reads before each write, so in a hub
 * resize the polls, not the writes, set the pace. Two things make most writes need one poll:
 *
 * - Writes of one kind take about as long as each other: the pace learns their duration from the
 *   ones that finished, and a write's first poll goes out when it is likely done.
 * - Writes accepted after another one are unlikely to finish before it: a write's first poll waits
 *   until the oldest write still in flight has been seen done. Of 200 writes accepted together only
 *   the oldest polls at the interval; the rest poll once, when it is done.
 *
 * Past its first poll a write polls at the interval, so a slow write is noticed as soon as before.
 * The one exception is the oldest write while nothing has been learned and other writes wait for it:
 * their first polls go out at its measured duration, so each poll of it that comes late makes every
 * one of them late by as much. It polls at a finer interval (an eighth by default), a score of reads
 * once per pace, so the duration it teaches overshoots by a quarter second, not by up to 2 s.
 * A write that got faster is noticed only at the old expected end (the estimate never sees below it):
 * later by at most that duration, which an unattended reconcile can afford, while every poll saved
 * is a read the bucket keeps for the next write's re-read. Only Date.now and setTimeout: fake timers
 * work.
 */
export interface PollPaceOptions {
  /** Poll interval once a write is older than expected, and until a write has finished. */
  intervalMs: number;
  /**
   * Before any write of this kind has finished, the first poll waits this long (default: one
   * interval). The port starts it at NRP's own former hint, `Retry-After: 10` (docs/azure-behaviour.md#long-running-operations).
   */
  firstPollMs?: number;
  /** Finished writes remembered (the newest). */
  keep?: number;
  /** Finished writes needed before their durations count. */
  minSamples?: number;
  /** The quantile of the remembered durations taken as "likely done": low, so holds rarely overshoot. */
  quantile?: number;
  /**
   * No write waits longer than this for its first poll, for an older write or an expected end (a
   * write that once took minutes, or one stuck in flight, must not hold every other one back).
   */
  maxHoldMs?: number;
  /**
   * Poll interval of the oldest write while nothing has been learned and other writes wait for it
   * (default an eighth of intervalMs).
   */
  learningIntervalMs?: number;
  /** false: no learning and no waiting for older writes; poll at the interval as the SDK would. */
  learn?: boolean;
}

/** One accepted write being polled. */
interface Flight {
  readonly acceptedAt: number;
  /** Settles when the write is seen done, failed, or given up. */
  readonly ended: Promise<void>;
  end(): void;
}

/** What this needs of the SDK's long-running-operation poller (@azure/core-lro SimplePollerLike). */
export interface OperationPoller<T> {
  isDone(): boolean;
  poll(options: { abortSignal: AbortSignal }): Promise<void>;
  pollUntilDone(options: { abortSignal: AbortSignal }): Promise<T>;
}

export class PollPace {
  private readonly samples: number[] = [];
  private next = 0;
  private readonly keep: number;
  private readonly minSamples: number;
  private readonly quantile: number;
  private readonly maxHoldMs: number;
  /** Writes accepted and not ended, oldest first (a Set iterates in insertion order). */
  private readonly inFlight = new Set<Flight>();

  constructor(private readonly options: PollPaceOptions) {
    this.keep = options.keep ?? 32;
    this.minSamples = options.minSamples ?? 1;
    this.quantile = options.quantile ?? 0.1;
    this.maxHoldMs = options.maxHoldMs ?? 60_000;
    if (!(options.intervalMs >= 0)) throw new Error("intervalMs must be >= 0");
  }

  /**
   * Polls an accepted write at this pace's times instead of the SDK's fixed interval, then lets the
   * poller finish (its result, or the operation's error thrown), and learns how long a
   * successful write took.
   */
  async untilDone<T>(poller: OperationPoller<T>, abortSignal: AbortSignal): Promise<T> {
    const flight = this.begin();
    try {
      let polls = 0;
      let askedAt = flight.acceptedAt;
      // What the first poll was held for, when a learned duration held it.
      let heldFor: number | undefined;
      while (!poller.isDone()) {
        const first = polls++ === 0;
        if (first) await this.waitForElder(flight, abortSignal);
        if (first) heldFor = this.expectedMs();
        await wait(
          this.nextPollInMs(Date.now() - flight.acceptedAt, first, this.teaching(flight)),
          abortSignal,
        );
        askedAt = Date.now();
        await poller.poll({ abortSignal });
      }
      const result = await poller.pollUntilDone({ abortSignal });
      // When the poll that found it done was asked for, not answered: under load a poll waits its
      // turn in the request budget, and that wait is ours, not how long ARM took. A write found done
      // at a first poll held for the learned duration took at most that: recording when the poll
      // went out (the duration, the margin, timer lateness) would raise the estimate a little with
      // every generation of samples, 0.25 s per 32 writes, and hold every later write longer.
      const took = askedAt - flight.acceptedAt;
      this.record(polls === 1 && heldFor !== undefined ? Math.min(took, heldFor) : took);
      return result;
    } finally {
      this.end(flight);
    }
  }

  /** A write the port has just had accepted. */
  private begin(): Flight {
    let end = () => {};
    const ended = new Promise<void>((resolve) => (end = resolve));
    const flight: Flight = { acceptedAt: Date.now(), ended, end };
    this.inFlight.add(flight);
    return flight;
  }

  private end(flight: Flight): void {
    if (this.inFlight.delete(flight)) flight.end();
  }

  /** The write a first poll of `flight` should wait for: the oldest in flight, when older than it. */
  private elderOf(flight: Flight): Flight | undefined {
    if (this.options.learn === false) return undefined;
    const oldest = this.inFlight.values().next().value;
    return oldest && oldest !== flight && oldest.acceptedAt <= flight.acceptedAt ? oldest : undefined;
  }

  /** Whether other writes' first polls wait for this one's duration: nothing learned, it is the oldest. */
  private teaching(flight: Flight): boolean {
    if (this.options.learn === false || this.expectedMs() !== undefined || this.inFlight.size < 2)
      return false;
    return this.inFlight.values().next().value === flight;
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

  /**
   * The wait before the next poll of a write accepted `elapsedMs` ago. A first poll goes out
   * at once when the write is already past its expected end; later ones keep at least the interval,
   * or the learning interval while `teaching` (other writes wait for this one's duration).
   */
  nextPollInMs(elapsedMs: number, first = false, teaching = false): number {
    const learningMs = this.options.learningIntervalMs ?? this.options.intervalMs / 8;
    const intervalMs = teaching ? learningMs : this.options.intervalMs;
    const expected = this.expectedMs();
    // A learned duration is timed from when the client saw the write accepted, which an event loop
    // busy sending a burst sees late: the durations it learns run short by that lag, up to a tenth
    // of a second or two. A poll that comes that much early costs a second poll a whole interval
    // later (in a hub resize, 200 of 500 writes did, 2 s on the run), so learned holds end one
    // learning interval after the expected end.
    const hold =
      expected === undefined
        ? (this.options.firstPollMs ?? intervalMs) - elapsedMs
        : Math.min(this.maxHoldMs, expected + learningMs) - elapsedMs;
    if (first) return Math.max(0, hold);
    return hold > intervalMs ? hold : intervalMs;
  }

  private async waitForElder(flight: Flight, abortSignal: AbortSignal): Promise<void> {
    const elder = this.elderOf(flight);
    const budget = this.maxHoldMs - (Date.now() - flight.acceptedAt);
    if (elder && budget > 0) await wait(budget, abortSignal, elder.ended);
  }
}

/**
 * setTimeout that an abort ends early with an AbortError, as the SDK's own delay does, and that
 * `wake` ends early without one.
 */
function wait(ms: number, signal: AbortSignal, wake?: Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", aborted);
      resolve();
    };
    const aborted = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    if (signal.aborted) return aborted();
    if (ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", aborted, { once: true });
    void wake?.then(done);
  });
}

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
}
