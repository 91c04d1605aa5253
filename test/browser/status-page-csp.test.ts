import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStatusReport, renderStatusPage, STATUS_PAGE_CSP } from "../../src/status/index.js";
import { parseSettings, policyFrom } from "../../src/config.js";
import { plan } from "../../src/reconcile/plan.js";
import type { Snapshot } from "../../src/reconcile/types.js";

/**
 * The status page's Content-Security-Policy, enforced by a real browser: the page's own script runs,
 * and a script that got into the page any other way does not.
 */

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"];

const EMPTY: Snapshot = { vnets: [], inaccessibleSubscriptions: [] };
const PAGE = renderStatusPage(
  buildStatusReport({
    snapshot: EMPTY,
    plan: plan(EMPTY, policyFrom(parseSettings({}), { watchedSubscriptions: [] })),
    generatedAt: "2026-11-22T09:30:00.000Z",
  }),
);
/** As if a value had escaped esc(): an inline script the page did not write, and an event handler. */
const INJECTED = PAGE.replace(
  "</main>",
  `<script>window.__owned = "script";</script><img src="data:," onerror="window.__owned = 'handler'"></main>`,
);

let server: Server;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`The browser tests need Chromium at ${CHROMIUM}: sudo bash scripts/install-chromium.sh`);
  server = createServer((req, res) => {
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": STATUS_PAGE_CSP,
    });
    res.end(req.url === "/injected" ? INJECTED : PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

/** Loads a path and answers the CSP violations the page reported and what an injected script set. */
async function load(path: string): Promise<{ violations: string[]; owned: unknown; scriptRan: boolean }> {
  const page = await browser.newPage();
  try {
    await page.addInitScript(() => {
      const w = window as unknown as { __violations: string[] };
      w.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        w.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
      );
      // Record that the page's own script ran: it queries the diagrams once.
      const original = Document.prototype.querySelectorAll;
      Document.prototype.querySelectorAll = function (this: Document, selector: string) {
        if (selector === ".diagram.scroll")
          (window as unknown as { __scriptRan: boolean }).__scriptRan = true;
        return original.call(this, selector);
      } as typeof original;
    });
    await page.goto(`${base}${path}`);
    await page.waitForLoadState("load");
    return await page.evaluate(() => {
      const w = window as unknown as { __violations: string[]; __owned?: unknown; __scriptRan?: boolean };
      return { violations: w.__violations, owned: w.__owned ?? null, scriptRan: w.__scriptRan === true };
    });
  } finally {
    await page.close();
  }
}

describe("the status page's Content-Security-Policy in Chromium", () => {
  it("runs the page's own script, with no violation", async () => {
    const result = await load("/");
    expect(result.violations).toEqual([]);
    expect(result.scriptRan).toBe(true);
  });

  it("blocks an inline script and an event handler the page did not write", async () => {
    const result = await load("/injected");
    expect(result.owned).toBeNull();
    expect(result.scriptRan).toBe(true);
    expect(result.violations.length).toBeGreaterThanOrEqual(2);
    for (const v of result.violations) expect(v).toMatch(/^script-src/);
  });
});
