/**
 * How long the product's follow-up writes take at best, under ARM's write limits
 * (docs/azure-behaviour.md#throttling). The same model bench/ measures the engine against.
 */

/** ARM's per-subscription write bucket: 200 at once, then 10 per second. */
export const ARM_WRITE_BUCKET = { burst: 200, perSecond: 10 } as const;

/**
 * Seconds one peering PUT's long-running operation takes: an estimate (Azure publishes no figure;
 * 10 to 20 s is what people report, this is the middle), used only for the lower bound and by the
 * benchmarks' emulator.
 */
export const PEERING_PUT_SECONDS = 15;

/**
 * Every subscription's writes drain its token bucket (full at the start: `burst` at once, then
 * `perSecond`), the slowest subscription decides, and the last write still takes one operation to
 * finish.
 */
export function writeLowerBoundSeconds(
  writesPerSubscription: Iterable<number>,
  bucket: { burst: number; perSecond: number } = ARM_WRITE_BUCKET,
  operationSeconds: number = PEERING_PUT_SECONDS,
): number {
  let drain = 0;
  let any = false;
  for (const writes of writesPerSubscription) {
    if (writes <= 0) continue;
    any = true;
    drain = Math.max(drain, Math.max(0, writes - bucket.burst) / bucket.perSecond);
  }
  return any ? drain + operationSeconds : 0;
}
