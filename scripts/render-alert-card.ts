/**
 * Regenerates docs/alert-card.png: the Adaptive Card the Teams sender posts for a typical run, rendered
 * by the adaptivecards library itself inside headless Chromium (so the picture is what the renderer
 * produces, not a mock-up).
 *
 *   npm run docs:alert-card [-- out.png]     (or: npx tsx scripts/render-alert-card.ts [out.png])
 *
 * Needs `chromium` on PATH (Debian: apt-get install -y chromium) or CHROMIUM=/path/to/chrome.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildDigest } from "../src/alerts/model.js";
import { renderTeamsMessage } from "../src/alerts/render-teams.js";
import type { RunReport } from "../src/reconcile/run-report.js";
import type { AppliedAction } from "../src/reconcile/types.js";

const SUB = "6f1c2a4e-0b7d-4c1e-9a51-3d2f8e7b9c10";
const vnet = (name: string, rg = "rg-network") =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${name}`;
const peering = (v: string, p: string) => `${vnet(v)}/virtualNetworkPeerings/${p}`;

function sync(spoke: string): AppliedAction {
  return {
    action: {
      kind: "sync",
      id: `sync:${spoke}`,
      target: peering(spoke, `${spoke}-to-hub-vnet`),
      vnetId: vnet(spoke),
      remoteVnetId: vnet("hub-vnet"),
      reason: `hub-vnet added 10.2.0.0/16, so ${spoke}-to-hub-vnet on ${spoke} is LocalNotInSync.`,
      before: {
        syncLevel: "LocalNotInSync",
        remoteAddressSpace: ["10.1.0.0/16"],
        remoteVirtualNetworkAddressSpace: ["10.1.0.0/16", "10.2.0.0/16"],
      },
    },
    result: { status: "succeeded" },
  };
}

const results: AppliedAction[] = [
  sync("spoke-app"),
  sync("spoke-data"),
  sync("spoke-web"),
  {
    action: {
      kind: "alertOnly",
      id: "alert:overlap",
      target: peering("hub-vnet", "hub-vnet-to-spoke-lab"),
      vnetId: vnet("hub-vnet"),
      problem: "AddressSpaceOverlap",
      remoteVnetId: vnet("spoke-lab"),
      reason:
        "hub-vnet's new 10.2.0.0/16 overlaps spoke-lab's 10.2.4.0/24, so hub-vnet-to-spoke-lab cannot sync.",
      remedy: "Re-address spoke-lab (or remove 10.2.0.0/16 from hub-vnet), then sync hub-vnet-to-spoke-lab.",
      overlappingPrefixes: [["10.2.0.0/16", "10.2.4.0/24"]],
    },
    result: { status: "succeeded" },
  },
  {
    action: {
      kind: "alertOnly",
      id: "alert:inaccessible",
      target: peering("hub-vnet", "hub-vnet-to-partner-vnet"),
      vnetId: vnet("hub-vnet"),
      problem: "PeerInaccessible",
      remoteVnetId: vnet("partner-vnet", "rg-partner"),
      reason:
        "hub-vnet changed its address space, so partner-vnet-to-hub-vnet still peers the old range; partner-vnet's subscription could not be read (403).",
      remedy:
        "The owner of partner-vnet must run sync on partner-vnet-to-hub-vnet (az network vnet peering sync).",
    },
    result: { status: "succeeded" },
  },
];

const report: RunReport = {
  runId: "sweep-20260110-1000",
  trigger: "sweep",
  correlationId: "b1e0c6a2",
  startedAt: "2026-01-10T09:59:40Z",
  finishedAt: "2026-01-10T10:00:02Z",
  dryRun: false,
  scope: [`/subscriptions/${SUB}`],
  vnetsRead: 42,
  results,
};

const digest = buildDigest(report, { statusPageUrl: "https://vnet-peering-sync.example.net/api/status" });
if (!digest) throw new Error("sample run produced no digest");
const card = renderTeamsMessage(digest).attachments[0].content;

// Teams-like host config: Segoe UI, Teams' light-theme status colours.
const hostConfig = {
  fontFamily: "'Segoe UI', 'Helvetica Neue', Arial, sans-serif",
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 28, padding: 16 },
  separator: { lineThickness: 1, lineColor: "#E0E0E0" },
  fontSizes: { small: 12, default: 14, medium: 17, large: 21, extraLarge: 26 },
  factSet: {
    title: { weight: "Bolder", color: "Default", size: "Default", wrap: true, maxWidth: 110 },
    value: { wrap: true },
    spacing: 12,
  },
  containerStyles: {
    default: {
      backgroundColor: "#FFFFFF",
      foregroundColors: {
        default: { default: "#242424", subtle: "#616161" },
        attention: { default: "#C4314B", subtle: "#C4314B" },
        warning: { default: "#835C00", subtle: "#835C00" },
        good: { default: "#237B4B", subtle: "#237B4B" },
        accent: { default: "#5B5FC7", subtle: "#5B5FC7" },
      },
    },
    attention: {
      backgroundColor: "#FCF4F6",
      foregroundColors: { default: { default: "#242424" }, attention: { default: "#C4314B" } },
    },
    warning: {
      backgroundColor: "#FBF6D9",
      foregroundColors: { default: { default: "#242424" }, warning: { default: "#835C00" } },
    },
    good: {
      backgroundColor: "#E7F2DA",
      foregroundColors: { default: { default: "#242424" }, good: { default: "#237B4B" } },
    },
  },
  actions: {
    actionsOrientation: "Horizontal",
    actionAlignment: "Left",
    buttonSpacing: 8,
    showCard: { actionMode: "Inline" },
  },
};

const require = createRequire(import.meta.url);
const library = readFileSync(require.resolve("adaptivecards/dist/adaptivecards.min.js"), "utf8");
const html = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
  body { margin: 0; padding: 24px; background: #F5F5F5; font-family: 'Segoe UI', Arial, sans-serif; }
  #card { width: 600px; background: #fff; border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.18); overflow: hidden; }
  .ac-pushButton { border: 1px solid #D1D1D1; background: #fff; border-radius: 4px; padding: 6px 14px; font: 600 14px 'Segoe UI', Arial; color: #242424; }
</style></head><body><div id="card"></div>
<script>${library}</script>
<script>
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = new AdaptiveCards.HostConfig(${JSON.stringify(hostConfig)});
  card.parse(${JSON.stringify(card)});
  document.getElementById("card").appendChild(card.render());
</script></body></html>`;

const out = resolve(process.argv[2] ?? "docs/alert-card.png");
const dir = mkdtempSync(join(tmpdir(), "alert-card-"));
try {
  const page = join(dir, "card.html");
  writeFileSync(page, html);
  execFileSync(
    process.env.CHROMIUM ?? "chromium",
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--hide-scrollbars",
      `--user-data-dir=${join(dir, "profile")}`,
      `--screenshot=${out}`,
      "--window-size=648,1112",
      `file://${page}`,
    ],
    { stdio: "inherit" },
  );
  console.log(`wrote ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
