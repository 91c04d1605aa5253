import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmulatorTarget } from "../../../src/cli/emulator-target.js";
import { createAlerting } from "../../../src/alerts/index.js";
import { runCli, type AlertingFactory, type Target } from "../../../src/cli/main.js";
import type { JsonDocument } from "../../../src/cli/render.js";
import { secret } from "../../support/secrets.js";

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], target?: Target, env: Record<string, string> = {}): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(
    args,
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env },
    async () => {
      if (!target) throw new Error("no target in this test");
      return { ...target, close: async () => {} };
    },
  );
  return { code, stdout, stderr };
}

describe("the CLI on the demo topology", () => {
  let target: Target;
  beforeAll(async () => {
    target = await openEmulatorTarget(undefined);
  });
  afterAll(async () => {
    await target.close();
  });

  it("plans with exit code 2 and a stable JSON document naming every case of the demo", async () => {
    const { code, stdout } = await cli(["plan", "--emulator", "--output", "json"], target);
    expect(code).toBe(2);
    const doc = JSON.parse(stdout) as JsonDocument;
    const byTarget = Object.fromEntries(doc.actions.map((a) => [a.target.split("/").slice(-3).join("/"), a]));
    expect(Object.keys(byTarget).sort()).toEqual(
      [
        "hub-vnet/virtualNetworkPeerings/hub-to-partner",
        "hub-vnet/virtualNetworkPeerings/hub-to-spoke-data",
        "hub-vnet/virtualNetworkPeerings/hub-to-spoke-legacy",
        "hub-vnet/virtualNetworkPeerings/hub-to-spoke-sandbox",
        "hub-vnet/virtualNetworkPeerings/hub-vnet-to-spoke-app",
        "hub-vnet/virtualNetworkPeerings/hub-vnet-to-spoke-batch",
        "lab-vnet/virtualNetworkPeerings/lab-to-hub",
        "spoke-api/virtualNetworkPeerings/spoke-api-to-hub",
        "spoke-data/virtualNetworkPeerings/spoke-data-to-hub",
        "Microsoft.Network/virtualNetworks/spoke-sandbox",
        "spoke-web/virtualNetworkPeerings/spoke-web-to-hub",
      ].sort(),
    );
    expect(byTarget["hub-vnet/virtualNetworkPeerings/hub-to-partner"]).toMatchObject({
      kind: "alertOnly",
      problem: "PeerInaccessible",
    });
    expect(byTarget["lab-vnet/virtualNetworkPeerings/lab-to-hub"]).toMatchObject({
      problem: "AddressSpaceOverlap",
    });
    expect(byTarget["hub-vnet/virtualNetworkPeerings/hub-to-spoke-legacy"]).toMatchObject({
      problem: "Disconnected",
    });
    expect(byTarget["hub-vnet/virtualNetworkPeerings/hub-vnet-to-spoke-app"]).toMatchObject({
      kind: "createReciprocal",
      name: "hub-vnet-to-spoke-app",
    });
    for (const action of doc.actions) {
      expect(Object.keys(action)).toEqual(expect.arrayContaining(["kind", "target", "vnet", "reason"]));
      expect(action).not.toHaveProperty("result");
    }
    expect(doc.summary).toMatchObject({ sync: 4, createReciprocal: 2, alertOnly: 4, skip: 1 });
  });

  it("lists writes in the order apply runs them: a reset before the reciprocal that waits for it", async () => {
    const { stdout } = await cli(["plan", "--emulator", "--repair-disconnected"], target);
    const kinds = stdout
      .trimEnd()
      .split("\n")
      .slice(1, -1)
      .map((line) => line.split(/\s+/)[0]!);
    const order = ["sync", "resetDisconnected", "createReciprocal", "alertOnly", "skip"];
    const ranks = kinds.map((k) => order.indexOf(k));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(kinds).toContain("resetDisconnected");
    expect(kinds).toContain("createReciprocal");
  });

  it("applies with exit code 0, adds a result to every action, then re-plans only reports", async () => {
    const applied = await cli(["apply", "--emulator", "--repair-disconnected", "--output", "json"], target);
    expect(applied.code).toBe(0);
    const doc = JSON.parse(applied.stdout) as JsonDocument;
    for (const a of doc.actions) {
      expect(a.result).toBe(["alertOnly", "skip"].includes(a.kind) ? "skipped" : "succeeded");
    }

    const again = await cli(["plan", "--emulator", "--repair-disconnected", "--output", "json"], target);
    const left = (JSON.parse(again.stdout) as JsonDocument).actions.map((a) => a.kind);
    expect(left.every((k) => k === "alertOnly" || k === "skip")).toBe(true);
  });

  it("prints an aligned table for people with a summary line", async () => {
    const { stdout } = await cli(["plan", "--emulator"], target);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^KIND\s+TARGET\s+REASON$/);
    const reasonColumn = lines[0]!.indexOf("REASON");
    for (const line of lines.slice(1, -1)) expect(line[reasonColumn - 1]).toBe(" ");
    expect(lines.at(-1)).toMatch(/^Plan: \d+ to sync/);
    expect(stdout).not.toContain("\u001b["); // no colour when not a terminal
  });
});

describe("the CLI's input checks", () => {
  it("exits 1 with usage for an unknown command", async () => {
    const { code, stderr } = await cli(["frobnicate"]);
    expect(code).toBe(1);
    expect(stderr).toContain('Unknown command "frobnicate"');
    expect(stderr).toContain("Usage: vnet-peering-sync");
  });

  it("names the flag of a bad subscription id", async () => {
    const { code, stderr } = await cli(["plan", "--subscription", "not-a-guid"]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      "WATCHED_SUBSCRIPTIONS (--subscription): each entry must be a subscription GUID",
    );
  });

  it("refuses a scope that is not a resource id", async () => {
    const { code, stderr } = await cli(["plan", "--scope", "hub-vnet"]);
    expect(code).toBe(1);
    expect(stderr).toContain('--scope "hub-vnet" is not a subscription, resource group or VNet resource id');
  });

  it("refuses an unknown output format", async () => {
    const { code, stderr } = await cli(["plan", "--output", "yaml"]);
    expect(code).toBe(1);
    expect(stderr).toContain("--output must be table, json or html");
  });

  it("explains that there is nothing to watch", async () => {
    const empty: Target = {
      port: {
        listVnets: async () => [],
        getVnet: async () => undefined,
        getPeering: async () => undefined,
        putPeering: async () => {
          throw new Error("no writes expected");
        },
      },
      subscriptions: [],
      close: async () => {},
    };
    const { code, stderr } = await cli(["plan"], empty);
    expect(code).toBe(1);
    expect(stderr).toContain("Nothing to watch");
  });
});

describe("the CLI's alerts", () => {
  it("sends apply's digest to the configured webhook, and nothing on plan", async () => {
    const target = await openEmulatorTarget(undefined);
    const posted: { url: string; body: string }[] = [];
    const capture: typeof fetch = async (input, init) => {
      posted.push({ url: String(input), body: String(init?.body) });
      return new Response(null, { status: 204 });
    };
    const factory: AlertingFactory = (settings) =>
      createAlerting(settings, { logger: { info() {}, warn() {}, error() {} }, fetch: capture });
    const env = {
      ALERT_WEBHOOK_URL: "https://hooks.example.invalid/peering",
      ALERT_WEBHOOK_SECRET: secret("0123456789abcdef0123"),
    };
    const run = async (args: string[]) => {
      let stderr = "";
      const code = await runCli(
        args,
        { stdout: () => {}, stderr: (t) => void (stderr += t), env },
        async () => ({ ...target, close: async () => {} }),
        factory,
      );
      return { code, stderr };
    };
    try {
      await run(["plan", "--emulator"]);
      expect(posted).toEqual([]);

      const { code, stderr } = await run(["apply", "--emulator"]);

      expect(code).toBe(0);
      expect(posted).toHaveLength(1);
      expect(posted[0]!.url).toBe(env.ALERT_WEBHOOK_URL);
      const payload = JSON.parse(posted[0]!.body) as { severity: string; items: { code: string }[] };
      expect(payload.severity).toBe("warning");
      expect(payload.items.map((i) => i.code)).toEqual(
        expect.arrayContaining(["AddressSpaceOverlap", "PeerInaccessible"]),
      );
      expect(stderr).toContain("Alerts (warning): webhook sent");
      expect(stderr).not.toContain(env.ALERT_WEBHOOK_SECRET);
    } finally {
      await target.close();
    }
  });
});
