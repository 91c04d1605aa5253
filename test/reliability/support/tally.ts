import type { TestContext } from "vitest";

/**
 * What a reliability test tried, for the summary table `npm run test:reliability` ends with
 * (test/reliability/reporter.ts). Each test records its own numbers in its task's meta, which vitest
 * carries from the worker to the reporter: no temp files, nothing shared between workers.
 */
export interface Tally {
  /** Area of the summary table the test belongs to. */
  area: string;
  /** Inputs, scenarios or property runs tried. */
  cases: number;
  /** Faults the emulator (or a port wrapper) injected and the product saw. */
  faults: number;
  /** Simulated process deaths. */
  crashes: number;
}

declare module "@vitest/runner" {
  interface TaskMeta {
    reliability?: Tally;
  }
}

/** Full counts under `npm run test:reliability` (RELIABILITY_FULL=1), a small sample inside `npm test`. */
export const FULL = process.env.RELIABILITY_FULL === "1";

export function sample(small: number, full: number): number {
  return FULL ? full : small;
}

/** A running tally bound to one test; `add` as the test goes, the numbers land in the task's meta. */
export function tally(context: TestContext, area: string): { add(part: Partial<Omit<Tally, "area">>): void } {
  const t: Tally = { area, cases: 0, faults: 0, crashes: 0 };
  context.task.meta.reliability = { ...t };
  return {
    add(part) {
      t.cases += part.cases ?? 0;
      t.faults += part.faults ?? 0;
      t.crashes += part.crashes ?? 0;
      context.task.meta.reliability = { ...t };
    },
  };
}
