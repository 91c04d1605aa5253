/** The model lives with the what-if, which quotes it to people (src/what-if/estimate.ts). */
export { writeLowerBoundSeconds } from "../../src/what-if/estimate.js";

/** Reads a sweep needs at least: one page per pageSize VNets of every subscription. */
export function listPagesNeeded(vnetsPerSubscription: Iterable<number>, pageSize: number): number {
  let pages = 0;
  for (const n of vnetsPerSubscription) pages += Math.max(1, Math.ceil(n / pageSize));
  return pages;
}
