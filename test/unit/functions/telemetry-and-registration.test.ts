import { readFileSync } from "node:fs";
import { InvocationContext } from "@azure/functions";
import type * as AzureFunctions from "@azure/functions";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { StorageMessageQueue } from "../../../src/azure/storage/reconcile-queue.js";
import { SETTING_NAMES, parseSettings, secretValues } from "../../../src/config.js";
import { RESYNC_QUEUE, createRuntime } from "../../../src/functions/runtime.js";
import { logEvent, logRun, withoutSecrets } from "../../../src/functions/telemetry.js";
import type { NetworkPort } from "../../../src/reconcile/port.js";
import type { RunReport } from "../../../src/reconcile/run-report.js";
import { connectedPair, vnet } from "../../support/builders.js";

// src/index.ts registers through `app`: record every registration (test mode would skip them), and
// replace each handler module by a recorder, to check which handler each registration calls.
const registered = vi.hoisted(
  () => new Map<string, { trigger: string; options: Record<string, unknown> & { handler: Handler } }>(),
);
const handled = vi.hoisted(() => [] as Array<{ handler: string; args: unknown[] }>);
type Handler = (input: unknown, context: unknown) => Promise<unknown>;
vi.mock("@azure/functions", async (importOriginal) =>
  (await import("../../support/functions-app-mock.js")).recordingFunctions(
    await importOriginal<typeof AzureFunctions>(),
    (trigger, name, options) => {
      if (registered.has(name)) throw new Error(`${name} registered twice`);
      registered.set(name, { trigger, options: options as Record<string, unknown> & { handler: Handler } });
    },
  ),
);
const recorder = (handler: string) => ({
  [handler]: async (...args: unknown[]) => void handled.push({ handler, args }),
});
vi.mock("../../../src/functions/on-network-event.js", () => recorder("onNetworkEvent"));
vi.mock("../../../src/functions/reconcile-vnet.js", () => recorder("reconcileVnet"));
vi.mock("../../../src/functions/reconcile-poison.js", () => recorder("reconcilePoison"));
vi.mock("../../../src/functions/resync-run.js", () => recorder("resyncRun"));
vi.mock("../../../src/functions/resync-poison.js", () => recorder("resyncPoison"));
vi.mock("../../../src/functions/resync-status.js", () => recorder("resyncStatus"));
vi.mock("../../../src/functions/resync.js", () => recorder("resync"));
vi.mock("../../../src/functions/status.js", () => recorder("status"));
vi.mock("../../../src/functions/sweep.js", () => recorder("sweep"));
vi.mock("../../../src/functions/what-if.js", () => recorder("whatIf"));

function capture() {
  const lines: { level: string; args: unknown[] }[] = [];
  const context = new InvocationContext({
    invocationId: "inv-1",
    functionName: "t",
    logHandler: (level, ...args) => lines.push({ level, args }),
  });
  return { context, lines };
}

describe("telemetry lines", () => {
  it("are a stable event name followed by one JSON object (KQL parse_json, not util.inspect)", () => {
    const { context, lines } = capture();
    logEvent(context, "warn", "NetworkEventMalformed", { field: "subject" });
    expect(lines).toEqual([
      {
        level: "warning",
        args: ["NetworkEventMalformed", '{"event":"NetworkEventMalformed","field":"subject"}'],
      },
    ]);
  });

  it("give one ReconcileAction per action and one ReconcileRun per run, with kind, result and counts", () => {
    const hub = vnet("hub");
    const spoke = vnet("spoke");
    const [hs] = connectedPair(hub, spoke);
    const report: RunReport = {
      runId: "r1",
      trigger: "event",
      correlationId: "evt-1",
      startedAt: "2026-01-01T00:00:00.000Z",
      finishedAt: "2026-01-01T00:00:02.000Z",
      dryRun: false,
      scope: [hub.id],
      vnetsRead: 2,
      results: [
        {
          action: {
            kind: "sync",
            id: "a1",
            target: hs.id,
            vnetId: hub.id,
            reason: "r",
            remoteVnetId: spoke.id,
            before: {
              syncLevel: "LocalNotInSync",
              remoteAddressSpace: [],
              remoteVirtualNetworkAddressSpace: [],
            },
          },
          result: {
            status: "failed",
            error: { code: "AnotherOperationInProgress", message: "busy", retryable: true },
          },
        },
      ],
    };
    const { context, lines } = capture();
    logRun(context, report, 1);
    const parsed = lines.map((l) => [
      l.level,
      l.args[0],
      JSON.parse(String(l.args[1])) as Record<string, unknown>,
    ]);
    expect(parsed[0]).toEqual([
      "warning",
      "ReconcileAction",
      expect.objectContaining({
        kind: "sync",
        result: "failed",
        errorCode: "AnotherOperationInProgress",
        retryable: true,
      }),
    ]);
    expect(parsed[1]).toEqual([
      "information",
      "ReconcileRun",
      expect.objectContaining({ runId: "r1", writes: 1, durationMs: 2000, counts: { sync: 1, failed: 1 } }),
    ]);
  });
});

/** What the Functions host does with `%NAME%` in a binding: the app setting's value, or it fails. */
function resolveBinding(expression: string, appSettings: Record<string, string | undefined>): string {
  return expression.replace(/%([^%]+)%/g, (_, name: string) => {
    const value = appSettings[name];
    if (value === undefined || value === "") throw new Error(`%${name}% does not resolve to a value`);
    return value;
  });
}

const SAMPLE_SETTINGS = (
  JSON.parse(readFileSync(new URL("../../../local.settings.sample.json", import.meta.url), "utf8")) as {
    Values: Record<string, string>;
  }
).Values;

describe("registration (src/index.ts)", () => {
  beforeAll(async () => {
    await import("../../../src/index.js");
  });
  const get = (name: string) => {
    const r = registered.get(name);
    if (!r) throw new Error(`${name} is not registered`);
    return r;
  };

  it("registers exactly the app's functions, each with its trigger type", () => {
    expect(Object.fromEntries([...registered].map(([name, r]) => [name, r.trigger]))).toEqual({
      onNetworkEvent: "eventGrid",
      reconcileVnet: "storageQueue",
      reconcilePoison: "storageQueue",
      resyncRun: "storageQueue",
      resyncPoison: "storageQueue",
      sweep: "timer",
      resync: "http",
      resyncStatus: "http",
      status: "http",
      whatIf: "http",
    });
  });

  it("hands each trigger's input and context to the handler of the same name", async () => {
    for (const [name, { options }] of registered) {
      handled.length = 0;
      const input = { from: name };
      const context = new InvocationContext({ invocationId: `inv-${name}`, functionName: name });
      await options.handler(input, context);
      expect(handled, name).toEqual([{ handler: name, args: [input, context] }]);
    }
  });

  it("the sweep timer never runs on startup and takes its schedule from SWEEP_SCHEDULE", () => {
    const { options } = get("sweep");
    expect(options.runOnStartup).toBe(false);
    expect(options.schedule).toBe("%SWEEP_SCHEDULE%");
    const hourly = "0 0 * * * *";
    expect(resolveBinding(String(options.schedule), { SWEEP_SCHEDULE: hourly })).toBe(
      parseSettings({ SWEEP_SCHEDULE: hourly }).SWEEP_SCHEDULE,
    );
  });

  it("the reconcile and resync workers listen on their queues, their poison handlers on <queue>-poison", () => {
    expect(get("reconcileVnet").options).toMatchObject({
      queueName: "%RECONCILE_QUEUE%",
      connection: "AzureWebJobsStorage",
    });
    expect(get("reconcilePoison").options).toMatchObject({
      queueName: "%RECONCILE_QUEUE%-poison",
      connection: "AzureWebJobsStorage",
    });
    expect(get("resyncRun").options).toMatchObject({
      queueName: RESYNC_QUEUE,
      connection: "AzureWebJobsStorage",
    });
    expect(get("resyncPoison").options).toMatchObject({
      queueName: `${RESYNC_QUEUE}-poison`,
      connection: "AzureWebJobsStorage",
    });
    const settings = { RECONCILE_QUEUE: "peering-work" };
    expect(resolveBinding(String(get("reconcileVnet").options.queueName), settings)).toBe("peering-work");
    expect(resolveBinding(String(get("reconcilePoison").options.queueName), settings)).toBe(
      "peering-work-poison",
    );
  });

  it("the queues the triggers listen on are the ones the runtime sends to, whatever RECONCILE_QUEUE says", async () => {
    const env = {
      WATCHED_SUBSCRIPTIONS: "00000000-0000-4000-8000-000000000001",
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
      RECONCILE_QUEUE: "peering-work",
    };
    const port = {} as NetworkPort; // never called: building the runtime makes no request
    const rt = await createRuntime(env, { overrides: { port } });
    expect(rt.reconcileQueue).toBeInstanceOf(StorageMessageQueue);
    expect(rt.resyncQueue).toBeInstanceOf(StorageMessageQueue);
    const nameOf = (q: unknown) => (q as StorageMessageQueue<unknown>).client.name;
    expect(nameOf(rt.reconcileQueue)).toBe(
      resolveBinding(String(get("reconcileVnet").options.queueName), env),
    );
    expect(nameOf(rt.resyncQueue)).toBe(get("resyncRun").options.queueName);
  });

  it("the runtime hands out the secret values collected once, which the status page and telemetry redact", async () => {
    const env = {
      WATCHED_SUBSCRIPTIONS: "00000000-0000-4000-8000-000000000001",
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
      TEAMS_WEBHOOK_URL: "https://example.webhook.office.com/webhookb2/secret-path",
      ALERT_WEBHOOK_URL: "https://hooks.example.com/peering",
      ALERT_WEBHOOK_SECRET: "hook-secret-value",
    };
    const rt = await createRuntime(env, { overrides: { port: {} as NetworkPort } });
    expect([...rt.secrets].sort()).toEqual(
      [
        "UseDevelopmentStorage=true",
        "hook-secret-value",
        "https://example.webhook.office.com/webhookb2/secret-path",
        "https://hooks.example.com/peering",
      ].sort(),
    );
    expect(rt.secrets).toEqual(secretValues(rt.settings));
    expect(withoutSecrets("posting to hook-secret-value failed")).not.toContain("hook-secret-value");
  });

  it("every %SETTING% a binding names is a setting, set in local.settings.sample.json (the host cannot see config defaults)", () => {
    const expressions = [...registered.values()].flatMap(({ options }) =>
      [options.queueName, options.schedule].filter((v): v is string => typeof v === "string"),
    );
    const names = expressions.flatMap((e) => [...e.matchAll(/%([^%]+)%/g)].map((m) => m[1]!));
    expect(new Set(names)).toEqual(new Set(["RECONCILE_QUEUE", "SWEEP_SCHEDULE"]));
    for (const name of names) {
      expect(SETTING_NAMES).toContain(name);
      expect(SAMPLE_SETTINGS[name], name).toBeTruthy();
    }
    const sample = parseSettings(SAMPLE_SETTINGS);
    expect(resolveBinding("%RECONCILE_QUEUE%", SAMPLE_SETTINGS)).toBe(sample.RECONCILE_QUEUE);
    expect(resolveBinding("%SWEEP_SCHEDULE%", SAMPLE_SETTINGS)).toBe(sample.SWEEP_SCHEDULE);
  });

  it("the HTTP functions need a function key and answer only their method and route", () => {
    expect(get("resync").options).toMatchObject({
      methods: ["POST"],
      authLevel: "function",
      route: "resync",
    });
    expect(get("resyncStatus").options).toMatchObject({
      methods: ["GET"],
      authLevel: "function",
      route: "resync/{runId}",
    });
    expect(get("status").options).toMatchObject({ methods: ["GET"], authLevel: "function", route: "status" });
    expect(get("whatIf").options).toMatchObject({
      methods: ["POST"],
      authLevel: "function",
      route: "what-if",
    });
    for (const [name, { trigger, options }] of registered) {
      if (trigger === "http") expect(options.authLevel, name).toBe("function");
    }
  });

  it("onNetworkEvent is an Event Grid trigger with no other binding options", () => {
    const { trigger, options } = get("onNetworkEvent");
    expect(trigger).toBe("eventGrid");
    expect(Object.keys(options)).toEqual(["handler"]);
  });
});
