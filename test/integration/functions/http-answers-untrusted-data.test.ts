import { createHash } from "node:crypto";
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator/index.js";
import { emulatorPort } from "../../../src/cli/emulator-target.js";
import type { ActionRecord, RunRecord } from "../../../src/app/ports.js";
import { resync } from "../../../src/functions/resync.js";
import { resyncStatus } from "../../../src/functions/resync-status.js";
import { status } from "../../../src/functions/status.js";
import { testContext } from "../../support/queue-harness.js";
import { secret } from "../../support/secrets.js";
import { encodedForms } from "../../support/untrusted-text.js";
import { memoryRuntime, type MemoryRuntime } from "../../reliability/support/memory-runtime.js";

/**
 * The HTTP answers (the status page and its JSON, a run's status, ARM failures) show ARM's error
 * messages, from the audit or straight from ARM. One quoting a secret setting
 * whose value holds every character HTML and JSON escape must show the secret in no form: the page
 * escaped it to `&lt;&amp;&gt;&quot;&#39;` and the JSON to `\"`, so a redaction after rendering,
 * looking for the raw value, missed both.
 */

const SUB = "44444444-4444-4444-8444-444444444444";
const HUB = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub`;
const HMAC = secret(`hmac<&>"'\\-status-0123456789`);
const ENV = {
  WATCHED_SUBSCRIPTIONS: SUB,
  // Every view reads ARM, so the view that meets a refused read is not answered from an earlier one.
  STATUS_REFRESH_SECONDS: "0",
  ALERT_WEBHOOK_URL: secret("https://127.0.0.2/hooks/status?token=HookTokenStatus0123456789"),
  ALERT_WEBHOOK_SECRET: HMAC,
};
const MESSAGE = `Invalid value ALERT_WEBHOOK_SECRET=${HMAC} for hub-to-spoke; see ${encodeURIComponent(HMAC)}`;

const RUN_ID = "0f0f0f0f-0000-4000-8000-000000000001";

let emu: Emulator;
let mem: MemoryRuntime;
beforeAll(async () => {
  emu = await startEmulator({ throttle: false });
  emu.seed.vnet({
    subscriptionId: SUB,
    resourceGroup: "rg-net",
    name: "hub",
    addressPrefixes: ["10.0.0.0/16"],
  });
  mem = await memoryRuntime(ENV, emulatorPort(emu));
  const run: RunRecord = {
    runId: RUN_ID,
    trigger: "event",
    correlationId: "c-1",
    status: "failed",
    dryRun: false,
    scope: [HUB],
    startedAt: "2026-12-01T10:00:00.000Z",
    finishedAt: "2026-12-01T10:00:05.000Z",
    summary: { sync: 1, failed: 1 },
    error: { code: "InvalidRequestFormat", message: MESSAGE },
  };
  const action: ActionRecord = {
    runId: run.runId,
    index: 0,
    trigger: "event",
    correlationId: "c-1",
    at: "2026-12-01T10:00:04.000Z",
    kind: "sync",
    target: `${HUB}/virtualNetworkPeerings/hub-to-spoke`,
    vnetId: HUB,
    reason: "The address space of spoke changed.",
    result: "failed",
    error: { code: "InvalidRequestFormat", message: MESSAGE, retryable: false },
  };
  await mem.audit.putRun(run);
  mem.audit.runs.get(run.runId)?.actions.push(action);
});
afterAll(async () => {
  await emu?.stop();
});

async function get(accept?: string): Promise<HttpResponseInit> {
  const request = new HttpRequest({
    method: "GET",
    url: "http://localhost:7071/api/status",
    headers: accept ? { accept } : {},
  });
  return status(request, testContext("status", []), mem.rt);
}

describe("status page with a secret quoted in ARM's error messages", () => {
  it("the HTML page shows the message with the secret redacted, in no escaped form", async () => {
    const response = await get();
    const html = String(response.body);
    expect(html).toContain("ALERT_WEBHOOK_SECRET=[redacted] for hub-to-spoke");
    for (const form of encodedForms(HMAC)) expect(html).not.toContain(form);
  });

  it("its JSON shows the message with the secret redacted, in no escaped form", async () => {
    const response = await get("application/json");
    const body = String(response.body);
    expect(body).toContain("ALERT_WEBHOOK_SECRET=[redacted] for hub-to-spoke");
    for (const form of encodedForms(HMAC)) expect(body).not.toContain(form);
  });
});

describe("status page Content-Security-Policy", () => {
  it("lets only the page's own inline script run, by its hash, never any inline script", async () => {
    const response = await get();
    const csp = String((response.headers as Record<string, string>)["Content-Security-Policy"]);
    const scriptSrc = csp
      .split(";")
      .map((d) => d.trim())
      .find((d) => d.startsWith("script-src "));
    expect(scriptSrc).toBeDefined();
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    const scripts = [...String(response.body).matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    const hashes = scripts.map((s) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`);
    expect(scriptSrc!.split(/\s+/).slice(1).sort()).toEqual([...new Set(hashes)].sort());
  });
});

describe("other HTTP answers with a secret quoted in ARM's error messages", () => {
  it("a run's status (GET /api/resync/{runId}) shows the audited message with the secret redacted", async () => {
    const response = await resyncStatus(
      new HttpRequest({
        method: "GET",
        url: `http://localhost:7071/api/resync/${RUN_ID}`,
        params: { runId: RUN_ID },
      }),
      testContext("resyncStatus", []),
      mem.rt,
    );
    expect(response.status).toBe(200);
    const body = JSON.stringify(response.jsonBody);
    expect(body).toContain("ALERT_WEBHOOK_SECRET=[redacted] for hub-to-spoke");
    for (const form of encodedForms(HMAC)) expect(body).not.toContain(form);
  });

  it("an ARM read refused with a message quoting the secret answers 502 with it redacted", async () => {
    const rule = emu.injectFault({
      method: "GET",
      path: /\/virtualNetworks$/i,
      fault: { type: "status", status: 400, code: "InvalidRequestFormat", message: MESSAGE },
    });
    try {
      const response = await get("application/json");
      expect(response.status).toBe(502);
      const body = JSON.stringify(response.jsonBody);
      expect(body).toContain("ALERT_WEBHOOK_SECRET=[redacted] for hub-to-spoke");
      for (const form of encodedForms(HMAC)) expect(body).not.toContain(form);
    } finally {
      emu.removeFault(rule);
    }
  });
});

describe("a dry run whose plan names a VNet after a secret", () => {
  // The plan quotes names only, and names cannot hold `<&>"'`; a secret that is a valid name can
  // still be one (an HMAC key someone also used as a VNet name), and the answer must not show it.
  const OTHER = "55555555-5555-4555-8555-555555555555";
  const NAMED = secret("HmacKeyUsedAsName0123456789");
  let dry: MemoryRuntime;
  let emu2: Emulator;
  beforeAll(async () => {
    emu2 = await startEmulator({ throttle: false });
    const hub = emu2.seed.vnet({
      subscriptionId: SUB,
      resourceGroup: "rg-net",
      name: "hub",
      addressPrefixes: ["10.0.0.0/16"],
    });
    const spoke = emu2.seed.vnet({
      subscriptionId: OTHER,
      resourceGroup: "rg-b",
      name: NAMED,
      addressPrefixes: ["10.1.0.0/16"],
    });
    emu2.seed.peering({ vnetId: hub, remoteVnetId: spoke });
    dry = await memoryRuntime(
      { ...ENV, ALERT_WEBHOOK_SECRET: NAMED, WATCHED_SUBSCRIPTIONS: `${SUB},${OTHER}` },
      emulatorPort(emu2),
    );
  });
  afterAll(async () => {
    await emu2?.stop();
  });

  it("answers the plan with the secret redacted", async () => {
    emu2.injectFault({
      method: "GET",
      path: new RegExp(`/subscriptions/${OTHER}/`, "i"),
      fault: { type: "status", status: 403, code: "AuthorizationFailed", message: MESSAGE },
    });
    const response = await resync(
      new HttpRequest({
        method: "POST",
        url: "http://localhost:7071/api/resync",
        body: { string: JSON.stringify({ scope: [`/subscriptions/${SUB}`], dryRun: true }) },
      }),
      testContext("resync", []),
      dry.rt,
    );
    expect(response.status).toBe(200);
    const body = JSON.stringify(response.jsonBody);
    expect(body).toContain("[redacted]");
    for (const form of encodedForms(HMAC)) expect(body).not.toContain(form);
  });
});
