import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { tally } from "./support/tally.js";

/**
 * The summary must never say "0 failed" when vitest failed. Runs the reporter (in its own vitest
 * process) over fixtures/reporter/, where every test that runs passes and the run fails anyway: a
 * file's afterAll fails (as the emulator internal-error check does), a describe block's beforeAll
 * fails, a module does not load, a rejection is left unhandled, and a test logs a secret, which the
 * suite's log capture (test/support/log-capture.ts) turns into a failure of the file.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function runFixtures(): Promise<{ code: number | null; out: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(VITEST|RELIABILITY_FULL$|NODE_OPTIONS$)/.test(name)),
  );
  const child = spawn(
    process.execPath,
    [
      "node_modules/vitest/vitest.mjs",
      "run",
      "--config",
      "test/reliability/fixtures/reporter/vitest.config.ts",
      "--reporter=default",
      "--reporter=./test/reliability/reporter.ts",
      "--no-color",
    ],
    { cwd: ROOT, env: { ...env, NO_COLOR: "1", FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

it("counts failed hooks, modules that did not load, unhandled errors and logged secrets as failures", async (context) => {
  const t = tally(context, "reporter");
  const { code, out } = await runFixtures();
  const summary = out.slice(out.lastIndexOf("Reliability summary"));
  expect(code, out).toBe(1);
  // Five tests ran and passed (one was skipped by its failed beforeAll); five things failed the run.
  expect(summary.trimEnd().split("\n").at(-1), summary).toBe("5 passed, 5 failed");
  expect(summary).toMatch(/^\| total +\| +5 \| +8 \| +2 \| +1 \| +5 \|$/m);
  expect(summary).toMatch(/^\| fixture +\| +5 \| +8 \| +2 \| +1 \| +3 \|$/m);
  expect(summary).toContain("failures outside the tests (5):");
  const listed = summary.split("\n").filter((l) => l.startsWith("  - "));
  expect(listed).toHaveLength(5);
  for (const expected of [
    /hooks\.fixture\.ts: AssertionError: emulator internal errors/,
    /hooks\.fixture\.ts > a block whose beforeAll fails: Error: the rig did not start/,
    /load-error\.fixture\.ts: Error: Cannot find module .*a-module-that-does-not-exist/,
    /secret-logged\.fixture\.ts: AssertionError: a secret in a log line/,
    /unhandled error: Error: a rejection nobody awaited/,
  ])
    expect(
      listed.some((l) => expected.test(l)),
      `${expected} in\n${listed.join("\n")}`,
    ).toBe(true);
  // The capture's failure names the line with the secret masked, not the secret.
  expect(out).toContain('"console.log: signing alerts with [SECRET hmac...]"');
  t.add({ cases: 5 });
});
