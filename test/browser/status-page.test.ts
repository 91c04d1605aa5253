import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmulatorTarget } from "../../src/cli/emulator-target.js";
import type { Target } from "../../src/cli/main.js";
import { parseSettings, policyFrom } from "../../src/config.js";
import { actionRecordsOf, runRecordOf } from "../../src/app/audit-records.js";
import { plan as planActions } from "../../src/reconcile/plan.js";
import { readSnapshot, reconcile } from "../../src/reconcile/run.js";
import type { Action, Policy } from "../../src/reconcile/types.js";
import { buildStatusReport, renderStatusPage, type StatusReport } from "../../src/status/index.js";
import { SERVICE_LABEL, type SharedService } from "../../src/status/model.js";

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
/** The model the page was rendered from: the other expectations are computed from it. */
let status: StatusReport;
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
  status = buildStatusReport({
    snapshot,
    plan,
    generatedAt: AT,
    recentRuns: [runRecordOf(run.report, run.snapshot)],
    recentActions: actionRecordsOf(run.report, run.snapshot),
  });
  const html = renderStatusPage(status);
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

  it("lists the spokes that cannot use the hub's shared services, with what and why", async () => {
    const page = await open(1280);
    // The demo's hub has a Bastion subnet and a gateway, and most of its spokes are not healthy.
    expect(status.sharedServices.map((h) => h.vnetName)).toEqual(["hub-vnet"]);
    const hub = status.sharedServices[0]!;
    expect(hub.services).toMatchObject({ bastion: true, gateway: true });
    // Cross-check with the diagram's part of the model: a spoke whose pair with the hub is anything
    // but healthy cannot use any of the hub's services; a healthy pair is listed only for a missing
    // flag, and says which.
    const hubKey = hub.vnetId.toLowerCase();
    const pairs = status.topology.edges.filter((e) => e.key.split("|").includes(hubKey));
    expect(pairs).toHaveLength(hub.peered);
    const other = (key: string) => key.split("|").find((k) => k !== hubKey)!;
    const blockedById = new Map(hub.blocked.map((b) => [b.spokeId.toLowerCase(), b]));
    const offered = (["bastion", "gateway", "privateEndpoints"] as const).filter((x): x is SharedService =>
      x === "privateEndpoints" ? hub.services.privateEndpoints > 0 : hub.services[x],
    );
    const unhealthy = pairs.filter((e) => e.health !== "healthy");
    expect(unhealthy.length).toBeGreaterThan(0);
    for (const pair of unhealthy) {
      const ownGateway = status.topology.vnets.find((v) => v.id.toLowerCase() === other(pair.key))?.services
        .gateway;
      expect(blockedById.get(other(pair.key))?.services, other(pair.key)).toEqual(
        offered.filter((x) => !(x === "gateway" && ownGateway)),
      );
    }
    const flagOnly = hub.blocked.filter((b) =>
      pairs.some((e) => e.health === "healthy" && other(e.key) === b.spokeId.toLowerCase()),
    );
    for (const b of flagOnly) {
      const named = b.reasons.map(
        (r) => Object.entries(SERVICE_LABEL).find(([, l]) => r.startsWith(`${l}: `))?.[0],
      );
      expect(named.every((n) => n !== undefined)).toBe(true);
      expect([...new Set(named)]).toEqual(b.services);
    }
    expect(flagOnly.length).toBeGreaterThan(0);
    expect(hub.blocked).toHaveLength(unhealthy.length + flagOnly.length);

    const section = page.locator("#shared-services");
    expect(await section.locator("h3").allInnerTexts()).toEqual([hub.vnetName]);
    expect(await section.innerText()).toContain(`${hub.blocked.length} of ${hub.peered}`);
    const rows = section.locator("tbody tr");
    expect(await rows.count()).toBe(hub.blocked.length);
    for (const blocked of hub.blocked) {
      const row = section.locator(`tr[data-spoke="${blocked.spokeId}"]`);
      expect(await row.count()).toBe(1);
      expect(await row.isVisible()).toBe(true);
      const [spoke, cannot, why] = await row.locator("td").allInnerTexts();
      expect(spoke).toBe(blocked.spokeName);
      expect(cannot).toBe(blocked.services.map((x) => SERVICE_LABEL[x]).join(", "));
      expect(await row.locator("td ul.reasons li").allInnerTexts()).toEqual(blocked.reasons);
      expect(why!.length).toBeGreaterThan(0);
    }
    await page.close();
  });

  it("says which subscription could not be read (403), and marks its VNet in the diagram", async () => {
    const page = await open(1280);
    const denied = status.summary.inaccessibleSubscriptions;
    expect(denied).toHaveLength(1);
    const note = await page.locator("p.note").innerText();
    expect(note).toContain("Not readable (403)");
    expect(note).toContain(denied[0]!);
    expect(note).toContain("show only the half this side can see");
    const hidden = status.topology.vnets.filter((v) => v.visibility === "inaccessible");
    expect(hidden.length).toBeGreaterThan(0);
    for (const v of hidden) {
      const node = page.locator(`svg.topo a.node.v-inaccessible[aria-label^="${v.name},"]`);
      expect(await node.getAttribute("aria-label")).toContain("not readable: its subscription answered 403");
    }
    const headings = await page.locator("#vnets h3").allInnerTexts();
    expect(headings).toContain(`Subscription ${denied[0]} (not readable)`);
    await page.close();
  });

  it("labels every subscription in the diagram, the hub's own included", async () => {
    const page = await open(1280);
    const labels = await page.locator("svg.topo text.sector-label").allTextContents();
    const hubSubs = new Set(
      status.topology.vnets.filter((v) => v.role === "hub").map((v) => v.subscriptionId),
    );
    expect(hubSubs.size).toBe(1);
    for (const sub of status.topology.subscriptions) {
      const mine = labels.filter((l) => l.startsWith(`sub ${sub.subscriptionId.slice(0, 8)}…`));
      expect(mine, sub.subscriptionId).toHaveLength(1);
      if (hubSubs.has(sub.subscriptionId)) expect(mine[0]).toContain("1 hub");
    }
    // The hub's label is drawn inside the diagram, on top of the lines (after them in the SVG).
    const box = await page.locator("svg.topo .hub-sectors text").boundingBox();
    const svg = await page.locator("svg.topo").boundingBox();
    expect(box && svg && box.x > svg.x && box.x + box.width < svg.x + svg.width).toBe(true);
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
