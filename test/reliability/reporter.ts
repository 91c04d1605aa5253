import type { SerializedError } from "vitest";
import type { Reporter, TestModule, TestRunEndReason } from "vitest/node";
import type { Tally } from "./support/tally.js";

/**
 * Ends `npm run test:reliability` with what the suite tried: per area, the tests, the cases (inputs,
 * scenarios, property runs), the faults injected, the crashes simulated and the failures; then the
 * plain line `N passed, M failed`. The numbers come from each test's task meta (support/tally.ts),
 * which vitest carries from the workers: nothing is shared through files.
 *
 * A failure is anything that fails the vitest run, not only a failed test: an error of a test file
 * outside its tests (it did not load, or a beforeAll/afterAll hook failed: the secret log capture, an
 * emulator internal error checked at the end), an error of a describe block's hooks, an unhandled
 * error or rejection, and a run vitest ended as failed or interrupted for any other reason. Each of
 * those is counted in M and listed under the table, so "0 failed" is printed only when vitest passed.
 */

interface Row {
  tests: number;
  cases: number;
  faults: number;
  crashes: number;
  failures: number;
}

const PROJECT = "reliability";

export default class ReliabilityReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    const areas = new Map<string, Row>();
    const row = (area: string): Row => {
      let r = areas.get(area);
      if (!r) areas.set(area, (r = { tests: 0, cases: 0, faults: 0, crashes: 0, failures: 0 }));
      return r;
    };
    /** Failures that are not a failed test, one line each. */
    const outside: string[] = [];
    let passed = 0;
    let failed = 0;
    for (const module of testModules) {
      if (module.project.name !== PROJECT) continue;
      const file = module.relativeModuleId;
      const fileArea = file
        .split("/")
        .pop()!
        .replace(/\.test\.ts$/, "");
      let moduleArea: string | undefined;
      let failedTests = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "skipped" || state === "pending") continue;
        const meta = (test.meta() as { reliability?: Tally }).reliability;
        const area = meta?.area ?? fileArea;
        moduleArea ??= area;
        const r = row(area);
        r.tests++;
        r.cases += meta?.cases ?? 1;
        r.faults += meta?.faults ?? 0;
        r.crashes += meta?.crashes ?? 0;
        if (state === "failed") {
          r.failures++;
          failed++;
          failedTests++;
        } else passed++;
      }
      // Errors outside the tests: the file's (load, top-level hooks, setup files) and its suites' hooks.
      const errors: Array<{ where: string; error: SerializedError }> = [
        ...module.errors().map((error) => ({ where: file, error })),
        ...[...module.children.allSuites()].flatMap((suite) =>
          suite.errors().map((error) => ({ where: `${file} > ${suite.fullName}`, error })),
        ),
      ];
      for (const { where, error } of errors) outside.push(`${where}: ${describe(error)}`);
      let count = errors.length;
      if (count === 0 && failedTests === 0 && module.state() === "failed") {
        outside.push(`${file}: failed without a reported error`);
        count = 1;
      }
      if (count > 0) {
        row(moduleArea ?? fileArea).failures += count;
        failed += count;
      }
    }
    // Failures of the run as a whole: no area to put them in, counted in the total.
    let runFailures = unhandledErrors.length;
    for (const error of unhandledErrors) outside.push(`unhandled error: ${describe(error)}`);
    if (reason === "interrupted") {
      outside.push("the run was interrupted before every test ran");
      runFailures++;
    } else if (reason === "failed" && failed + runFailures === 0) {
      outside.push("vitest ended the run as failed");
      runFailures++;
    }
    failed += runFailures;

    const total = [...areas.values()].reduce(
      (t, r) => ({
        tests: t.tests + r.tests,
        cases: t.cases + r.cases,
        faults: t.faults + r.faults,
        crashes: t.crashes + r.crashes,
        failures: t.failures + r.failures,
      }),
      { tests: 0, cases: 0, faults: 0, crashes: 0, failures: runFailures },
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
      ...(outside.length > 0
        ? ["", `failures outside the tests (${outside.length}):`, ...outside.map((o) => `  - ${o}`)]
        : []),
      "",
      `${passed} passed, ${failed} failed`,
      "",
    ];
    process.stdout.write(out.join("\n"));
  }
}

/** One line: the error's name and the first line of its message. */
function describe(error: SerializedError): string {
  const first = String(error.message ?? "").split("\n")[0]!;
  const text = `${error.name ?? "Error"}: ${first}`;
  return text.length > 240 ? `${text.slice(0, 240)}...` : text;
}
