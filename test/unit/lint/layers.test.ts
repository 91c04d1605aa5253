import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The layer rules of docs/architecture.md#layers, checked through ESLint's own API on the repository's
 * eslint.config.js: each case lints a one-import module as if it lived at `file`.
 */

const root = fileURLToPath(new URL("../../../", import.meta.url));
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function layerErrors(file: string, specifier: string): Promise<string[]> {
  const code = `import { x } from "${specifier}";\nexport const y = x;\n`;
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

/** [file, import that crosses a layer]: every one must fail the lint. */
const forbidden: [string, string][] = [
  ["src/reconcile/new.ts", "../config.js"],
  ["src/reconcile/new.ts", "../app/ports.js"],
  ["src/reconcile/new.ts", "@azure/arm-network"],
  ["src/reconcile/new.ts", "../what-if/index.js"],
  ["src/what-if/new.ts", "../config.js"],
  ["src/what-if/new.ts", "../azure/arm/arm-network-port.js"],
  ["src/what-if/new.ts", "../cli/what-if.js"],
  ["src/what-if/new.ts", "@azure/arm-network"],
  ["src/config.ts", "./app/ports.js"],
  ["src/config.ts", "./azure/credentials.js"],
  ["src/alerts/new.ts", "../azure/email-sender.js"],
  ["src/alerts/new.ts", "../app/ports.js"],
  ["src/alerts/new.ts", "../functions/metrics.js"],
  ["src/alerts/new.ts", "@azure/communication-email"],
  ["src/app/new.ts", "../azure/storage/dedupe-table.js"],
  ["src/app/new.ts", "../alerts/index.js"],
  ["src/app/new.ts", "../config.js"],
  ["src/app/new.ts", "@azure/data-tables"],
  ["src/status/new.ts", "../alerts/model.js"],
  ["src/status/new.ts", "../azure/storage/audit-table.js"],
  ["src/status/new.ts", "@azure/arm-network"],
  // The two breaks this rule set was written for: an adapter reaching into a trigger, a trigger into the CLI.
  ["src/azure/app-insights-metrics.ts", "../functions/metrics.js"],
  ["src/functions/resync.ts", "../cli/render.js"],
  ["src/azure/new.ts", "../status/model.js"],
  ["src/azure/arm/new.ts", "../../functions/runtime.js"],
  ["src/azure/arm/new.ts", "../storage/audit-table.js"],
  ["src/azure/arm/new.ts", "../../../emulator/index.js"],
  ["src/azure/storage/new.ts", "../../status/model.js"],
  ["src/azure/storage/new.ts", "../arm/arm-network-port.js"],
  ["src/azure/new.ts", "../../emulator/index.js"],
  ["src/functions/new.ts", "../../emulator/index.js"],
  ["src/functions/new.ts", "@azure/data-tables"],
  ["src/cli/new.ts", "../functions/runtime.js"],
  ["src/cli/new.ts", "@azure/identity"],
  ["src/index.ts", "./azure/arm/create-port.js"],
  ["emulator/new.ts", "../src/reconcile/ids.js"],
  ["emulator/handlers/new.ts", "../../src/reconcile/ids.js"],
];

/** Imports the layers allow: the rules must not be broader than the page says. */
const allowed: [string, string][] = [
  ["src/reconcile/new.ts", "./types.js"],
  ["src/what-if/new.ts", "../reconcile/cidr.js"],
  ["src/what-if/new.ts", "./types.js"],
  ["src/functions/new.ts", "../what-if/index.js"],
  ["src/cli/new.ts", "../what-if/index.js"],
  ["src/config.ts", "./reconcile/types.js"],
  ["src/config.ts", "./azure/clouds.js"],
  ["src/alerts/new.ts", "../reconcile/types.js"],
  ["src/alerts/new.ts", "../config.js"],
  ["src/app/new.ts", "../reconcile/ids.js"],
  ["src/app/new.ts", "@azure/eventgrid"],
  ["src/status/new.ts", "../app/ports.js"],
  ["src/azure/new.ts", "../app/ports.js"],
  ["src/azure/new.ts", "../alerts/index.js"],
  ["src/azure/new.ts", "@azure/arm-network"],
  ["src/azure/arm/new.ts", "../../reconcile/port.js"],
  ["src/azure/arm/new.ts", "../credentials.js"],
  ["src/azure/storage/new.ts", "../../app/ports.js"],
  ["src/azure/storage/new.ts", "../credentials.js"],
  ["src/functions/new.ts", "../azure/arm/create-port.js"],
  ["src/functions/new.ts", "../reconcile/plan-document.js"],
  ["src/functions/new.ts", "@azure/functions"],
  ["src/cli/new.ts", "../azure/arm/create-port.js"],
  ["src/cli/new.ts", "../../emulator/index.js"],
  ["src/index.ts", "./functions/sweep.js"],
  ["emulator/handlers/new.ts", "../state.js"],
  ["test/unit/new.test.ts", "../../src/functions/runtime.js"],
];

describe("layer rules (eslint.config.js)", () => {
  it.each(forbidden)("refuses, in %s, an import of %s", async (file, specifier) => {
    expect(await layerErrors(file, specifier)).toHaveLength(1);
  });

  it.each(allowed)("allows, in %s, an import of %s", async (file, specifier) => {
    expect(await layerErrors(file, specifier)).toEqual([]);
  });

  it("names the layer rule that was broken", async () => {
    const [message] = await layerErrors("src/functions/new.ts", "../cli/render.js");
    expect(message).toContain("src/functions/");
  });
});
