import { format } from "node:util";
import { AzureLogger } from "@azure/logger";
import { afterAll, expect } from "vitest";
import { SECRETS } from "./secrets.js";

/**
 * Imported by every reliability test file: everything written to the console (the process-wide
 * alerting logger writes there) and through the Azure SDK logger during the file is kept, still
 * printed, and searched for the suite's secret values when the file ends. Invocation logs are
 * searched by the tests themselves (expectSafe and the access spec).
 */

export const captured: string[] = [];

const methods = ["log", "info", "warn", "error", "debug"] as const;
const originals = Object.fromEntries(methods.map((m) => [m, console[m]])) as Record<
  (typeof methods)[number],
  (...args: unknown[]) => void
>;
for (const m of methods) {
  console[m] = (...args: unknown[]) => {
    captured.push(format(...args));
    originals[m](...args);
  };
}
const originalAzureLog = AzureLogger.log;
AzureLogger.log = (...args: unknown[]) => {
  captured.push(format(...args));
  originalAzureLog(...args);
};

afterAll(() => {
  for (const m of methods) console[m] = originals[m];
  AzureLogger.log = originalAzureLog;
  const leaks = captured.filter((line) => SECRETS.some((s) => line.includes(s)));
  expect(leaks, "a secret in a log line").toEqual([]);
});
