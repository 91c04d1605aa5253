/**
 * Emulated time. Latencies, Retry-After values and token-bucket refill rates are expressed in
 * emulated seconds; `timeScale` maps them to wall-clock time (0.01 = 100x faster than real ARM).
 * Only setTimeout and Date.now are used, so fake timers can drive the emulator.
 */
export class Clock {
  readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(readonly timeScale: number) {
    if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
  }

  /** Wall-clock milliseconds for a duration in emulated seconds. */
  realMs(emulatedSeconds: number): number {
    return Math.max(0, emulatedSeconds * 1000 * this.timeScale);
  }

  /** Emulated seconds elapsed for a wall-clock duration. */
  emulatedSeconds(realMs: number): number {
    return realMs / 1000 / this.timeScale;
  }

  now(): number {
    return Date.now();
  }

  /** setTimeout in emulated seconds; cancelled by `cancelAll` when the emulator stops. */
  after(emulatedSeconds: number, fn: () => void): void {
    const handle = setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, this.realMs(emulatedSeconds));
    this.timers.add(handle);
  }

  sleep(emulatedSeconds: number): Promise<void> {
    return new Promise((resolve) => this.after(emulatedSeconds, resolve));
  }

  cancelAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
