import { createServer, type Server } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator/index.js";
import { emulatorPort } from "../../../src/cli/emulator-target.js";
import { runCli } from "../../../src/cli/main.js";
import { SUB, cli, json, net, peeringId, stateOf, topology } from "./harness.js";

/**
 * The CLI when ARM's answer names another origin for a page or an operation poll: the run stops with
 * exit 1 and a message naming that origin; no plan is printed from the pages before it, and a write
 * whose poll was refused is reported failed, never succeeded. The foreign host, a listener on a
 * second loopback address, sees no connection at all.
 */
let foreign: { base: string; connections: number; server: Server };
beforeAll(async () => {
  const server = createServer((socket) => {
    foreign.connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.2", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  foreign = { base: `https://127.0.0.2:${address.port}`, connections: 0, server };
});
afterAll(async () => {
  await new Promise((resolve) => foreign.server.close(resolve));
});

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator({ throttle: false, pageSize: 1 });
  await emu.loadTopology(
    topology(
      [net("hub", "10.0.0.0/16"), net("spoke1", "10.1.0.0/16"), net("spoke2", "10.2.0.0/16")],
      [
        { from: "hub", to: "spoke1" },
        { from: "hub", to: "spoke2" },
      ],
      [{ op: "setAddressSpace", vnet: "spoke1", addressPrefixes: ["10.1.0.0/16", "10.101.0.0/16"] }],
    ),
  );
});
afterEach(async () => {
  await emu.stop();
});

const target = () => ({ port: emulatorPort(emu), subscriptions: [SUB], close: async () => {} });

describe("the CLI when ARM names a foreign origin", () => {
  it("plan stops with exit 1 naming the foreign nextLink's origin, and prints no plan", async () => {
    emu.injectFault({
      method: "GET",
      path: "/virtualNetworks$",
      count: 1,
      fault: { type: "linkBase", baseUrl: foreign.base },
    });
    const run = await cli(["plan", "--subscription", SUB, "--output", "json"], target());
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^plan failed: /);
    expect(run.stderr).toContain(foreign.base);
    expect(foreign.connections).toBe(0);
  });

  it("apply reports a write whose poll names a foreign origin as failed (exit 1), never succeeded", async () => {
    emu.injectFault({
      method: "PUT",
      count: 1,
      fault: { type: "linkBase", baseUrl: foreign.base },
    });
    const run = await cli(["apply", "--subscription", SUB, "--output", "json"], target());
    expect(run.code).toBe(1);
    const actions = json(run).actions;
    expect(actions).toEqual([
      expect.objectContaining({ kind: "sync", target: peeringId("hub", "hub-to-spoke1"), result: "failed" }),
    ]);
    expect(JSON.stringify(actions)).toContain("ForeignOrigin");
    expect(foreign.connections).toBe(0);
    // ARM itself finished the write: the refusal concerns what the client may believe, not ARM.
    expect(stateOf(emu, peeringId("hub", "hub-to-spoke1"))).toEqual({
      state: "Connected",
      sync: "FullyInSync",
    });
  });

  it("names --send-token-to-custom-endpoint when --endpoint is off this machine, before any request", async () => {
    let opened = false;
    let stderr = "";
    const code = await runCli(
      ["plan", "--endpoint", "https://arm-proxy.contoso.example/", "--subscription", SUB],
      { stdout: () => {}, stderr: (t) => void (stderr += t), env: {} },
      async () => {
        opened = true;
        return target();
      },
    );
    expect(code).toBe(1);
    expect(opened).toBe(false);
    expect(stderr).toContain("ARM_ENDPOINT (--endpoint):");
    expect(stderr).toContain("ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT=true (--send-token-to-custom-endpoint)");
  });

  it("names --cloud when the cloud is not one az cloud list names", async () => {
    const run = await cli(["plan", "--cloud", "AzureGermanCloud", "--subscription", SUB], target());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "ARM_CLOUD (--cloud): must be one of: AzureCloud, AzureUSGovernment, AzureChinaCloud",
    );
  });
});
