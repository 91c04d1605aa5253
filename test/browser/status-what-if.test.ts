import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmulatorTarget } from "../../src/cli/emulator-target.js";
import type { Target } from "../../src/cli/main.js";
import { parseSettings, policyFrom, secretValues } from "../../src/config.js";
import type { Runtime } from "../../src/functions/runtime.js";
import { RateLimiter } from "../../src/functions/rate-limit.js";
import { SnapshotCache } from "../../src/functions/snapshot-cache.js";
import { status } from "../../src/functions/status.js";
import { whatIf } from "../../src/functions/what-if.js";
import { idKey } from "../../src/reconcile/ids.js";
import { MemoryAudit } from "../support/memory-ports.js";

/**
 * The status page's what-if form in Chromium, against the real status and what-if handlers on the
 * demo topology: the page posts with its own function key, shows the answer and highlights the
 * affected peerings in the diagram, under the page's own Content-Security-Policy.
 */
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
];
const KEY = "page-key-123";
const HUB =
  "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub-vnet";
const spoke = (name: string) =>
  `/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-spokes/providers/Microsoft.Network/virtualNetworks/${name}`;
const pairOf = (a: string, b: string) => [idKey(a), idKey(b)].sort().join(" ");

let target: Target;
let server: Server;
let browser: Browser;
let base: string;
const whatIfCalls: string[] = [];
const external: string[] = [];

async function toHttpRequest(req: IncomingMessage, url: string): Promise<HttpRequest> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
  return new HttpRequest({
    url,
    method: req.method ?? "GET",
    headers,
    ...(chunks.length ? { body: { string: Buffer.concat(chunks).toString("utf8") } } : {}),
  });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`The browser tests need Chromium at ${CHROMIUM}.`);
  target = await openEmulatorTarget(undefined);
  const settings = parseSettings({ WATCHED_SUBSCRIPTIONS: target.subscriptions.join(",") });
  const now = () => new Date("2026-11-22T09:30:00.000Z");
  const rt = {
    settings,
    policy: policyFrom(settings),
    secrets: secretValues(settings),
    port: target.port,
    audit: new MemoryAudit(),
    now,
    statusSnapshots: new SnapshotCache(now, 0),
    resyncLimiter: new RateLimiter(now, 1000, 3_600_000),
  } as unknown as Runtime;
  server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", base);
      // The Functions host's function key, as the host checks it: no key, no answer.
      if (url.searchParams.get("code") !== KEY) {
        res.writeHead(401).end();
        return;
      }
      const context = new InvocationContext({ invocationId: "inv" });
      let answer: HttpResponseInit;
      if (url.pathname === "/api/status")
        answer = await status(await toHttpRequest(req, url.href), context, rt);
      else if (url.pathname === "/api/what-if") {
        whatIfCalls.push(url.href);
        answer = await whatIf(await toHttpRequest(req, url.href), context, rt);
      } else answer = { status: 404 };
      const headers = { ...(answer.headers as Record<string, string> | undefined) };
      if (answer.jsonBody !== undefined) headers["content-type"] = "application/json";
      res.writeHead(answer.status ?? 200, headers);
      res.end(
        answer.jsonBody !== undefined ? JSON.stringify(answer.jsonBody) : (answer.body as string | undefined),
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await target?.close();
});

async function openPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.route("**/*", (route) => {
    if (route.request().url().startsWith(base)) return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
  await page.goto(`${base}/api/status?code=${KEY}`);
  return page;
}

async function runWhatIf(page: Page, vnet: string, add: string): Promise<string> {
  await page.selectOption("#what-if-form select[name=vnet]", vnet);
  await page.fill("#what-if-form input[name=add]", add);
  await page.click("#what-if-form button[type=submit]");
  await page.waitForSelector("#what-if-answer .verdict");
  return page.innerText("#what-if-answer");
}

const marked = (page: Page, cls: string) =>
  page.$$eval(`.edge.${cls}`, (gs) => gs.map((g) => g.getAttribute("data-pair") ?? ""));

describe("the status page's what-if form", () => {
  it("runs a what-if with the page's key and lights up every peering that needs a sync", async () => {
    const page = await openPage();
    const text = await runWhatIf(page, HUB, "10.101.0.0/16");
    expect(text).toContain("Accepted, then peerings must be synced.");
    expect(text).toContain("spoke-web-to-hub on spoke-web");
    const hits = await marked(page, "whatif-hit");
    expect(hits).toContain(pairOf(HUB, spoke("spoke-web")));
    expect(hits).toContain(pairOf(HUB, spoke("spoke-sandbox")));
    expect(hits.every((p) => p.split(" ").includes(idKey(HUB)))).toBe(true);
    expect(await marked(page, "whatif-refused")).toEqual([]);
    expect(whatIfCalls.at(-1)).toContain(`code=${KEY}`);
    expect(text).toContain(`${hits.length} peerings highlighted in the diagram.`);
    await page.close();
  });

  it("marks the peering Azure would refuse, and clears the previous answer's highlights", async () => {
    const page = await openPage();
    await runWhatIf(page, HUB, "10.101.0.0/16");
    const text = await runWhatIf(page, HUB, "10.2.128.0/17");
    expect(text).toContain("Refused: Azure would not accept this change as it stands.");
    expect(text).toContain("VnetAddressSpaceOverlapsWithAlreadyPeeredVnet");
    expect(await marked(page, "whatif-refused")).toEqual([pairOf(HUB, spoke("spoke-api"))]);
    await page.close();
  });

  it("shows a refused input as text, and fetches nothing outside the app", async () => {
    const page = await openPage();
    const text = await (async () => {
      await page.selectOption("#what-if-form select[name=vnet]", HUB);
      await page.fill("#what-if-form input[name=add]", "<b>x</b>");
      await page.click("#what-if-form button[type=submit]");
      await page.waitForSelector("#what-if-answer .verdict");
      return page.innerText("#what-if-answer");
    })();
    expect(text).toContain("InvalidAddressPrefixFormat");
    expect(await page.$$("#what-if-answer b")).toHaveLength(0);
    expect(external).toEqual([]);
    await page.close();
  });
});
