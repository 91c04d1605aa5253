/**
 * What ARM's limits allow (docs/azure-behaviour.md#throttling): every subscription's writes drain its token bucket (full at the
 * start: `burst` at once, then `perSecond`), the slowest subscription decides, and the last write still
 * takes one operation to finish.
 */
export function writeLowerBoundSeconds(
  writesPerSubscription: Iterable<number>,
  bucket: { burst: number; perSecond: number },
  operationSeconds: number,
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

/** Reads a sweep needs at least: one page per pageSize VNets of every subscription. */
export function listPagesNeeded(vnetsPerSubscription: Iterable<number>, pageSize: number): number {
  let pages = 0;
  for (const n of vnetsPerSubscription) pages += Math.max(1, Math.ceil(n / pageSize));
  return pages;
}
