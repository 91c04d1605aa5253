import { format } from "node:util";
import { AzureLogger } from "@azure/logger";
import { afterAll, expect } from "vitest";
import { captureState, describeLeak, recordLogLine, resetCapture, secretIn } from "./secrets.js";

/**
 * A setupFiles entry of every vitest project (vitest.config.ts): for the whole file, everything written
 * to the console, to process.stdout/stderr and through the Azure SDK logger is kept (and still
 * printed); invocation log lines arrive from test/support/queue-harness.ts. Each line is searched for
 * the secrets the tests declared (test/support/secrets.ts) and for secret-shaped values, and the kept
 * lines are searched again when the file ends (a secret declared after it was logged still counts).
 * Any hit fails the file, from an afterAll hook, naming the source and quoting the line masked.
 */

resetCapture();

const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
const originalConsole = Object.fromEntries(methods.map((m) => [m, console[m]])) as Record<
  (typeof methods)[number],
  (...args: unknown[]) => void
>;
for (const m of methods) {
  console[m] = (...args: unknown[]) => {
    recordLogLine(`console.${m}`, format(...args), true);
    originalConsole[m](...args);
  };
}

const originalAzureLog = AzureLogger.log;
AzureLogger.log = (...args: unknown[]) => {
  recordLogLine("Azure SDK logger", format(...args), true);
  originalAzureLog(...args);
};

type Write = typeof process.stdout.write;
const streams = [
  ["process.stdout", process.stdout],
  ["process.stderr", process.stderr],
] as const;
const originalWrites = streams.map(([, stream]) => stream.write);
for (const [name, stream] of streams) {
  const original = stream.write;
  stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === "string" || chunk instanceof Uint8Array)
      recordLogLine(name, typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"), true);
    return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Write;
}

afterAll(() => {
  for (const m of methods) console[m] = originalConsole[m];
  AzureLogger.log = originalAzureLog;
  streams.forEach(([, stream], i) => (stream.write = originalWrites[i]!));
  const state = captureState();
  const leaks = [...state.leaks];
  for (const line of state.lines) {
    const found = secretIn(line);
    if (found !== undefined && !leaks.some((l) => l.line === line))
      leaks.push({ source: "a line logged before its secret was declared", line, secret: found });
  }
  expect(leaks.map(describeLeak), "a secret in a log line").toEqual([]);
});
