import { spawn } from "node:child_process";
import { access, readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { NetworkManagementClient } from "@azure/arm-network";
import { afterEach, describe, expect, it } from "vitest";
import { FAST_LRO, staticCredential, startTestEmulator } from "../../support/emulator.js";
import type { TestEmulator } from "../../support/emulator.js";
import { API, eventually, expectArmError, peer, raw, seedVnet } from "./helpers.js";

let t: TestEmulator | undefined;
afterEach(async () => {
  expect(t?.emu.internalErrors ?? []).toEqual([]);
  await t?.stop();
  t = undefined;
});

describe("request counters", () => {
  it("counts every request by method, resource kind and status, and write calls per resource", async () => {
    t = await startTestEmulator();
    const a = seedVnet(t, "a", "10.1.0.0/16");
    const b = seedVnet(t, "b", "10.2.0.0/16");
    await peer(t.client, "rg", "a", "a-to-b", b);
    await t.client.virtualNetworks.get("rg", "a");
    await expectArmError(t.client.virtualNetworkPeerings.get("rg", "a", "missing"), 404, "NotFound");
    await t.client.virtualNetworkPeerings.beginDeleteAndWait("rg", "a", "a-to-b", FAST_LRO);
    const c = t.emu.counters();
    expect(c.entries).toEqual(
      expect.arrayContaining([
        { method: "PUT", kind: "virtualNetworkPeering", status: 201, count: 1 },
        { method: "GET", kind: "virtualNetworkPeering", status: 200, count: 1 },
        { method: "GET", kind: "virtualNetworkPeering", status: 404, count: 1 },
        { method: "DELETE", kind: "virtualNetworkPeering", status: 202, count: 1 },
        { method: "GET", kind: "virtualNetwork", status: 200, count: 1 },
      ]),
    );
    expect(c.byMethod.PUT).toBe(1);
    expect(c.byKind.operationStatus).toBeGreaterThanOrEqual(2);
    expect(c.byStatus["404"]).toBe(1);
    expect(t.emu.count({ method: "GET", kind: "virtualNetworkPeering" })).toBe(2);
    expect(t.emu.writeCount(`${a}/virtualNetworkPeerings/a-to-b`.toUpperCase())).toBe(2);
    expect(c.writesByResource).toEqual({ [`${a}/virtualNetworkPeerings/a-to-b`.toLowerCase()]: 2 });

    const overHttp = await raw(t.emu, "GET", "/_emulator/counters", { auth: false });
    expect(overHttp.json()).toEqual(c);
    expect((await raw(t.emu, "POST", "/_emulator/counters/reset", { auth: false })).status).toBe(204);
    expect(t.emu.counters().total).toBe(0);
    await t.client.virtualNetworks.get("rg", "a");
    t.emu.resetCounters();
    expect(t.emu.counters()).toMatchObject({ total: 0, entries: [], writesByResource: {} });
  });

  it("counts refused requests too (401, 400, throttled)", async () => {
    t = await startTestEmulator();
    await raw(
      t.emu,
      "GET",
      `/subscriptions/${t.subscriptionId}/providers/Microsoft.Network/virtualNetworks?api-version=${API}`,
      { auth: false },
    );
    await raw(t.emu, "GET", `/subscriptions/${t.subscriptionId}/providers/Microsoft.Network/virtualNetworks`);
    expect(t.emu.counters().entries).toEqual([
      { method: "GET", kind: "virtualNetworkList", status: 400, count: 1 },
      { method: "GET", kind: "virtualNetworkList", status: 401, count: 1 },
    ]);
  });
});

describe("command line", () => {
  it("starts with npm run emulator -- --port 0, prints one JSON line, serves the SDK with the caFile, stops cleanly on Ctrl-C", async () => {
    const child = spawn(
      "npm",
      ["run", "--silent", "emulator", "--", "--port", "0", "--page-size", "2", "--seed", "5"],
      {
        cwd: new URL("../../../", import.meta.url),
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    let caFile = "";
    try {
      const lines = createInterface({ input: child.stdout });
      const jsonLines: string[] = [];
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${stderr}`)), 30_000);
        lines.on("line", (l) => {
          jsonLines.push(l);
          clearTimeout(timer);
          resolve(l);
        });
      });
      const ready = JSON.parse(line) as { endpoint: string; caFile: string };
      expect(Object.keys(ready)).toEqual(["endpoint", "caFile"]);
      expect(ready.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      caFile = ready.caFile;
      const ca = await readFile(ready.caFile, "utf8");
      const client = new NetworkManagementClient(staticCredential, "00000000-0000-4000-8000-0000000000c1", {
        endpoint: ready.endpoint,
        tlsOptions: { ca },
      });
      const vnet = await client.virtualNetworks.beginCreateOrUpdateAndWait(
        "rg",
        "cli-vnet",
        { location: "westeurope", addressSpace: { addressPrefixes: ["10.0.0.0/16"] } },
        FAST_LRO,
      );
      expect(vnet.provisioningState).toBe("Succeeded");
      expect(jsonLines).toHaveLength(1);
    } finally {
      // Ctrl-C: SIGINT to the whole process group (npm, tsx, node).
      process.kill(-child.pid!, "SIGINT");
    }
    await exited;
    // A clean stop removes the temp dir holding the CA file; and no process of the group is left.
    await eventually(async () => {
      expect(() => process.kill(-child.pid!, 0)).toThrow();
      await expect(access(caFile)).rejects.toThrow();
    }, 10_000);
    expect(stderr.replace(/npm warn.*\n?/gi, "")).toBe("");
  });
});
