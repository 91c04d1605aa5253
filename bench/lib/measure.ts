/** Wall-clock timing and peak RSS sampling for one phase. */
export interface Measured<T> {
  value: T;
  seconds: number;
  peakRssMb: number;
}

export async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, seconds: (performance.now() - started) / 1000, peakRssMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

export const round = (n: number | null, digits = 2): number | null =>
  n === null || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits;
