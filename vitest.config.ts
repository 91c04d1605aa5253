import { defineConfig } from "vitest/config";

// Projects are selected by script (npm run test:unit / test:integration / test:reliability /
// test:browser), never by describe.skip. `npm test` runs them all; the reliability project runs its
// small sample there and its full counts under `npm run test:reliability` (RELIABILITY_FULL=1).
// Every project runs the secret log capture (test/support/log-capture.ts): a file that logs a secret
// fails.
const setupFiles = ["test/support/log-capture.ts"];

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], setupFiles } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          setupFiles,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "reliability",
          include: ["test/reliability/**/*.test.ts"],
          setupFiles,
          testTimeout: 300_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          setupFiles,
          globalSetup: ["test/browser/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
