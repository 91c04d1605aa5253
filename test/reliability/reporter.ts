import type { SerializedError } from "vitest";
import type { Reporter, TestModule } from "vitest/node";
import type { Tally } from "./support/tally.js";

/**
 * Ends `npm run test:reliability` with what the suite tried: per area, the tests, the cases (inputs,
 * scenarios, property runs), the faults injected, the crashes simulated and the failures; then the
 * plain line `N passed, M failed`. The numbers come from each test's task meta (support/tally.ts),
 * which vitest carries from the workers: nothing is shared through files.
 */
export default class ReliabilityReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    const areas = new Map<
      string,
      { tests: number; cases: number; faults: number; crashes: number; failures: number }
    >();
    let passed = 0;
    let failed = 0;
    for (const module of testModules) {
      if (module.project.name !== "reliability") continue;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "skipped" || state === "pending") continue;
        const meta = (test.meta() as { reliability?: Tally }).reliability;
        const area =
          meta?.area ??
          module.moduleId
            .split("/")
            .pop()!
            .replace(/\.test\.ts$/, "");
        const row = areas.get(area) ?? { tests: 0, cases: 0, faults: 0, crashes: 0, failures: 0 };
        row.tests++;
        row.cases += meta?.cases ?? 1;
        row.faults += meta?.faults ?? 0;
        row.crashes += meta?.crashes ?? 0;
        if (state === "failed") {
          row.failures++;
          failed++;
        } else passed++;
        areas.set(area, row);
      }
    }
    failed += unhandledErrors.length;
    const total = [...areas.values()].reduce(
      (t, r) => ({
        tests: t.tests + r.tests,
        cases: t.cases + r.cases,
        faults: t.faults + r.faults,
        crashes: t.crashes + r.crashes,
        failures: t.failures + r.failures,
      }),
      { tests: 0, cases: 0, faults: 0, crashes: 0, failures: unhandledErrors.length },
    );
    const header = ["area", "tests", "cases tried", "faults injected", "crashes simulated", "failures"];
    const rows = [...areas.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([area, r]) => [area, r.tests, r.cases, r.faults, r.crashes, r.failures].map(String));
    rows.push(["total", total.tests, total.cases, total.faults, total.crashes, total.failures].map(String));
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
    const out = [
      "",
      `Reliability summary (${process.env.RELIABILITY_FULL === "1" ? "full counts" : "small sample"})`,
      line(header),
      `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
      ...rows.map(line),
      ...(unhandledErrors.length > 0 ? [`unhandled errors: ${unhandledErrors.length}`] : []),
      "",
      `${passed} passed, ${failed} failed`,
      "",
    ];
    process.stdout.write(out.join("\n"));
  }
}
