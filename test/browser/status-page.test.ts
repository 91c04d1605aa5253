import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmulatorTarget } from "../../src/cli/emulator-target.js";
import type { Target } from "../../src/cli/main.js";
import { parseSettings, policyFrom } from "../../src/config.js";
import { actionRecordsOf, runRecordOf } from "../../src/events/audit-records.js";
import { plan as planActions } from "../../src/reconcile/plan.js";
import { readSnapshot, reconcile } from "../../src/reconcile/run.js";
import type { Action, Policy } from "../../src/reconcile/types.js";
import { buildStatusReport, renderStatusPage } from "../../src/status/index.js";

/**
 * The status page of the demo topology in a real browser (Debian's Chromium driven by
 * playwright-core; no browser is downloaded). Install it with `sudo bash scripts/install-chromium.sh`.
 */
const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = fileURLToPath(new URL("../../docs/status-page.png", import.meta.url));
// The machine's network is closed: these flags keep Chromium from trying to reach anything.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// A fixed clock: the page, and so the screenshot the README shows, is the same on every run.
const AT = "2026-11-22T09:30:00.000Z";

let target: Target;
let server: Server;
let browser: Browser;
let url: string;
/** What the page must show: every write and alert of the dry-run plan of the estate it shows. */
let expected: Action[];
const external: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM} and it is missing. Install it with ` +
        "`sudo bash scripts/install-chromium.sh` (apt-get install chromium), then run `npm run test:browser`.",
    );
  }
  // The demo, after one real run that synced spoke-data's pair: the page shows the estate as it is
  // now and that run as its recent activity.
  target = await openEmulatorTarget(undefined);
  const policy: Policy = policyFrom(parseSettings({}), { watchedSubscriptions: target.subscriptions });
  const deps = {
    port: target.port,
    policy,
    now: () => new Date(AT),
    newRunId: () => "5d0c4a52-7d1e-4c57-9a39-2f0b1e4d8a10",
    sleep: async () => undefined,
    maxParallelVnets: 4,
    maxAttempts: 2,
  };
  const spokeData = (await target.port.listVnets(target.subscriptions[1]!)).find(
    (v) => v.name === "spoke-data",
  )!;
  const run = await reconcile(
    { trigger: "event", correlationId: "demo", scope: [spokeData.id], dryRun: false },
    deps,
  );
  const { snapshot } = await readSnapshot(target.port, policy, [], 4);
  const plan = planActions(snapshot, policy);
  expected = plan.actions.filter((a) => a.kind !== "skip");
  const html = renderStatusPage(
    buildStatusReport({
      snapshot,
      plan,
      generatedAt: AT,
      recentRuns: [runRecordOf(run.report, run.snapshot)],
      recentActions: actionRecordsOf(run.report, run.snapshot),
    }),
  );
  server = createServer((_, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/status`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await target?.close();
});

async function open(width: number, height = 900): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  // Works offline: anything not served by the local page server is refused and remembered.
  await page.route("**/*", (route) => {
    const requested = route.request().url();
    if (requested.startsWith(url.slice(0, url.indexOf("/api/")))) return route.continue();
    external.push(requested);
    return route.abort();
  });
  await page.goto(url);
  return page;
}

describe("the status page in Chromium (demo topology)", () => {
  it("shows every problem of the plan, with its words and what to do", async () => {
    const page = await open(1280);
    const rows = page.locator("#problems tbody tr");
    expect(await rows.count()).toBe(expected.length);
    for (const action of expected) {
      const row = page.locator(`#problems tr[data-target="${action.target}"]`);
      await expect.poll(() => row.count()).toBeGreaterThan(0);
      expect(await row.first().isVisible()).toBe(true);
      const text = await row.first().innerText();
      expect(text).toContain(action.target.split("/").pop()!);
      if (action.kind === "alertOnly") expect(text).toContain(action.remedy);
    }
    // Every problem's peering is also a line of the diagram, and the state words are in the legend.
    expect(await page.locator("svg.topo .edge").count()).toBeGreaterThan(0);
    const legend = await page.locator("figcaption").innerText();
    for (const words of ["Connected, in sync", "sync needed", "One-sided", "Disconnected"]) {
      expect(legend).toContain(words);
    }
    expect(await page.locator("#recent-actions tbody tr").count()).toBe(2);
    await page.close();
  });

  it("lets the keyboard reach the skip link first, then every VNet of the diagram", async () => {
    const page = await open(1280);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip");
    const nodes = await page.locator("svg.topo a.node").count();
    const reached = new Set<string>();
    for (let i = 0; i < 40 && reached.size < nodes; i++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        return el?.matches("svg a.node") ? el.getAttribute("aria-label") : null;
      });
      if (focused) reached.add(focused);
    }
    expect(reached.size).toBe(nodes);
    expect([...reached].some((label) => label.startsWith("hub-vnet, hub"))).toBe(true);
    // Enter on a focused VNet goes to its row.
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => location.hash)).toMatch(/^#vnet-\d+$/);
    await page.close();
  });

  it("fits a narrow window: no horizontal overflow of the main content", async () => {
    const page = await open(360, 740);
    const sizes = await page.evaluate(() => {
      const main = document.querySelector("main")!;
      return {
        main: [main.scrollWidth, main.clientWidth],
        page: [document.documentElement.scrollWidth, window.innerWidth],
      };
    });
    expect(sizes.main[0]).toBeLessThanOrEqual(sizes.main[1]!);
    expect(sizes.page[0]).toBeLessThanOrEqual(sizes.page[1]!);
    await page.close();
  });

  it("fetches nothing from the network, and saves the screenshot the README shows", async () => {
    const page = await open(1280, 1360);
    const png = await page.screenshot({ path: SCREENSHOT });
    expect(png.byteLength).toBeGreaterThan(10_000);
    expect(external).toEqual([]);
    await page.close();
  });
});
