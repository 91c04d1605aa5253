import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator/index.js";
import { openArmTarget, runCli } from "../../../src/cli/main.js";
import type { JsonDocument } from "../../../src/cli/render.js";
import { parseSettings } from "../../../src/config.js";
import { SUB, net, peeringId, stateOf, topology } from "./harness.js";

/**
 * `--endpoint <url> --ca-file <pem>`: any ARM-compatible endpoint, here an emulator started on its own
 * (not `--emulator`), reached by the real binary over HTTPS, trusting only the CA file it was given.
 */

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = join(ROOT, "src/cli/bin.ts");
const SYNC_TARGET = peeringId("hub", "hub-to-spoke1");

let emu: Emulator;
let dir: string;
let caFile: string;
beforeAll(async () => {
  emu = await startEmulator({ throttle: false });
  await emu.loadTopology(
    topology(
      [net("hub", "10.0.0.0/16"), net("spoke1", "10.1.0.0/16")],
      [{ from: "hub", to: "spoke1" }],
      [{ op: "setAddressSpace", vnet: "spoke1", addressPrefixes: ["10.1.0.0/16", "10.101.0.0/16"] }],
    ),
  );
  dir = await mkdtemp(join(tmpdir(), "cli-endpoint-"));
  caFile = join(dir, "ca.pem");
  await writeFile(caFile, emu.caPem);
});
afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The package's binary as a child process (asynchronously: this process serves the emulator). */
function bin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", BIN, ...args],
      // Nothing inherited that could make TLS or the settings pass by accident (NODE_EXTRA_CA_CERTS...).
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }, timeout: 50_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(
    args,
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {} },
    async (emulatorTopology, settings) => {
      expect(emulatorTopology).toBeUndefined();
      return openArmTarget(settings);
    },
  );
  return { code, stdout, stderr };
}

const endpointArgs = () => ["--endpoint", emu.endpoint, "--ca-file", caFile, "--subscription", SUB];

describe("vnet-peering-sync --endpoint --ca-file", () => {
  it("plans against the endpoint: exit 2 and the sync it needs, nothing written", async () => {
    emu.resetCounters();
    const run = await bin(["plan", ...endpointArgs(), "--output", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(2);
    const doc = JSON.parse(run.stdout) as JsonDocument;
    expect(doc.actions.map((a) => [a.kind, a.target])).toEqual([["sync", SYNC_TARGET]]);
    expect(emu.count({ method: "GET" })).toBeGreaterThan(0);
    expect(emu.count({ method: "PUT" })).toBe(0);
  });

  it("applies against the endpoint: exit 0, and ARM shows the pair in sync", async () => {
    emu.resetCounters();
    const run = await bin(["apply", ...endpointArgs(), "--output", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JsonDocument).actions).toEqual([
      expect.objectContaining({ kind: "sync", target: SYNC_TARGET, result: "succeeded" }),
    ]);
    expect(emu.writeCount(SYNC_TARGET)).toBe(1);
    expect(stateOf(emu, SYNC_TARGET)).toEqual({ state: "Connected", sync: "FullyInSync" });
  });

  it("fails with exit 1 and no request answered when the endpoint's CA is not given", async () => {
    emu.resetCounters();
    const run = await inProcess([
      "plan",
      "--endpoint",
      emu.endpoint,
      "--subscription",
      SUB,
      "--output",
      "json",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^plan failed: .*certificate/i);
    expect(emu.counters().total).toBe(0);
  });

  it("names the flag when the CA file cannot be read, and exits 1", async () => {
    const missing = join(dir, "missing.pem");
    const run = await inProcess([
      "plan",
      "--endpoint",
      emu.endpoint,
      "--ca-file",
      missing,
      "--subscription",
      SUB,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Could not reach ARM");
    expect(run.stderr).toContain(missing);
  });

  it("refuses an endpoint that is not https, naming the flag", async () => {
    const run = await inProcess([
      "plan",
      "--endpoint",
      emu.endpoint.replace("https:", "http:"),
      "--subscription",
      SUB,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("ARM_ENDPOINT (--endpoint): must be an https URL");
    // The settings parser agrees: the CLI flag is the same setting as the app's.
    expect(() => parseSettings({ ARM_ENDPOINT: "http://127.0.0.1:1" })).toThrow(/ARM_ENDPOINT/);
  });
});
