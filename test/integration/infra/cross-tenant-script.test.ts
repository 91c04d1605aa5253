import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

/**
 * scripts/cross-tenant.mjs makes the admin steps of docs/cross-tenant.md with the Azure CLI: a fake
 * `az` records every call and answers like an empty directory, so the test sees exactly what the
 * script would change.
 */
const script = fileURLToPath(new URL("../../../scripts/cross-tenant.mjs", import.meta.url));
const TENANT = "aaaaaaaa-0000-4000-8000-00000000000a";
const MI_CLIENT = "22222222-0000-4000-8000-000000000a98";
const MI_OBJECT = "33333333-0000-4000-8000-000000000a97";
const APP = "11111111-0000-4000-8000-000000000a99";
const VNET =
  "/subscriptions/00000000-0000-4000-8000-0000000000b1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/s1";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function run(args: string[]): { status: number | null; stdout: string; stderr: string; calls: string[][] } {
  dir = mkdtempSync(join(tmpdir(), "fake-az-"));
  const log = join(dir, "calls.jsonl");
  const fake = join(dir, "az");
  writeFileSync(
    fake,
    `#!/usr/bin/env node
const fs = require("node:fs");
const args = process.argv.slice(2).filter((a) => a !== "--only-show-errors");
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + "\\n");
const k = args.slice(0, 3).join(" ");
const out =
  k === "account show --output" ? { tenantId: "${TENANT}" } :
  k === "ad sp show" ? { id: "${MI_OBJECT}", appId: "${MI_CLIENT}" } :
  k === "ad app list" || k === "ad sp list" || k === "ad app federated-credential" && args[3] === "list" ? [] :
  k === "ad app create" ? { appId: "${APP}" } :
  {};
process.stdout.write(JSON.stringify(out));
`,
  );
  chmodSync(fake, 0o755);
  const result = spawnSync(process.execPath, [script, ...args], {
    encoding: "utf8",
    env: { ...process.env, AZ_COMMAND: fake },
  });
  let calls: string[][] = [];
  try {
    calls = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string[]);
  } catch {
    calls = [];
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

describe("scripts/cross-tenant.mjs", () => {
  it("app: creates the multi-tenant application with the identity as its federated credential", () => {
    const r = run(["app", MI_CLIENT]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls).toContainEqual(
      expect.arrayContaining(["ad", "app", "create", "--sign-in-audience", "AzureADMultipleOrgs"]),
    );
    const fic = r.calls.find((c) => c.slice(0, 4).join(" ") === "ad app federated-credential create")!;
    const parameters = JSON.parse(fic[fic.indexOf("--parameters") + 1]!) as Record<string, unknown>;
    expect(parameters).toMatchObject({
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      subject: MI_OBJECT,
      audiences: ["api://AzureADTokenExchange"],
    });
    expect(r.calls).toContainEqual(expect.arrayContaining(["ad", "sp", "create", "--id", APP]));
    expect(r.stdout).toContain(`CROSS_TENANT_APP_CLIENT_ID=${APP}`);
    expect(r.stdout).toContain(`CROSS_TENANT_HOME_TENANT_ID=${TENANT}`);
  });

  it("consent: service principal and Network Contributor on each VNet, nothing else", () => {
    const r = run(["consent", APP, VNET]);
    expect(r.status, r.stderr).toBe(0);
    const writes = r.calls.filter((c) => c.includes("create"));
    expect(writes).toEqual([
      ["ad", "sp", "create", "--id", APP, "--output", "json"],
      [
        "role",
        "assignment",
        "create",
        "--assignee",
        APP,
        "--role",
        "Network Contributor",
        "--scope",
        VNET,
        "--output",
        "json",
      ],
    ]);
  });

  it("refuses arguments that are not ids, before calling az", () => {
    for (const args of [
      ["app", "not-a-guid"],
      ["consent", APP, "/subscriptions/x; rm -rf /"],
      ["consent", APP],
    ]) {
      const r = run(args);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("usage:");
      expect(r.calls).toEqual([]);
    }
  });
});
