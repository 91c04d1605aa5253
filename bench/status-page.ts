/**
 * Server time of the status page for a 500-spoke hub-and-spoke: plan (dry run), build the report,
 * render the HTML. Standalone: `npx tsx bench/status-page.ts [spokes] [--out page.html]`.
 * The budget is one second for 500 spokes; the ARM reads are not included (they depend on ARM).
 */
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { plan } from "../src/reconcile/plan.js";
import type { Snapshot } from "../src/reconcile/types.js";
import { buildStatusReport, renderStatusPage } from "../src/status/index.js";
import { connectedPair, peering, policy, resize, snapshot, subnet, vnet } from "../test/support/builders.js";

export function hubAndSpokes(spokes: number): Snapshot {
  const subscriptions = [
    "aaaaaaaa-0000-0000-0000-000000000001",
    "bbbbbbbb-0000-0000-0000-000000000002",
    "dddddddd-0000-0000-0000-000000000004",
    "eeeeeeee-0000-0000-0000-000000000005",
  ];
  const hub = vnet("hub-prod-weu", {
    addressPrefixes: ["10.0.0.0/16"],
    subnets: [
      subnet("GatewaySubnet", "10.0.255.0/27"),
      subnet("AzureBastionSubnet", "10.0.254.0/26"),
      { ...subnet("private-endpoints", "10.0.10.0/24"), privateEndpointCount: 12 },
    ],
    hasGateway: true,
  });
  const all = [hub];
  for (let i = 0; i < spokes; i++) {
    const subscriptionId = subscriptions[i % subscriptions.length]!;
    const spoke = vnet(`spoke-${String(i).padStart(3, "0")}-app`, {
      subscriptionId,
      resourceGroup: `rg-spokes-${i % 7}`,
      addressPrefixes: [`10.${1 + Math.floor(i / 250)}.${i % 250}.0/24`],
    });
    all.push(spoke);
    switch (i % 25) {
      case 3: // one-sided: the hub never peered back
        peering(spoke, hub, { state: "Initiated" });
        break;
      case 7: // Disconnected: the spoke's half was deleted
        peering(hub, spoke, { state: "Disconnected" });
        break;
      default:
        connectedPair(hub, spoke, {
          ab: { settings: { allowGatewayTransit: true } },
          ba: { settings: { useRemoteGateways: i % 25 !== 11 } },
        });
    }
  }
  // A few spokes grew: their hub-side peerings need a sync.
  for (let i = 1; i < spokes; i += 40) {
    const spoke = all[i + 1]!;
    resize(spoke, [...spoke.addressPrefixes, `172.${16 + (i % 8)}.${i % 250}.0/24`], all);
  }
  return snapshot(all);
}

const args = process.argv.slice(2);
const spokes = Number(args.find((a) => /^\d+$/.test(a)) ?? 500);
const outIndex = args.indexOf("--out");
const watched = [
  "aaaaaaaa-0000-0000-0000-000000000001",
  "bbbbbbbb-0000-0000-0000-000000000002",
  "dddddddd-0000-0000-0000-000000000004",
  "eeeeeeee-0000-0000-0000-000000000005",
];

const snap = hubAndSpokes(spokes);
const p = policy({ watchedSubscriptions: watched });
let html = "";
const samples: number[] = [];
const phases = { plan: 0, model: 0, render: 0 };
for (let round = 0; round < 6; round++) {
  const t0 = performance.now();
  const planned = plan(snap, p);
  const t1 = performance.now();
  const report = buildStatusReport({ snapshot: snap, plan: planned, generatedAt: new Date(0).toISOString() });
  const t2 = performance.now();
  html = renderStatusPage(report);
  const t3 = performance.now();
  // The first round warms the JIT up; it is not counted.
  if (round > 0) {
    samples.push(t3 - t0);
    phases.plan += (t1 - t0) / 5;
    phases.model += (t2 - t1) / 5;
    phases.render += (t3 - t2) / 5;
  }
}
samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)]!;
console.log(
  `status page, ${spokes} spokes (${snap.vnets.length} VNets): median ${median.toFixed(1)} ms ` +
    `(plan ${phases.plan.toFixed(1)} ms, model ${phases.model.toFixed(1)} ms, render ${phases.render.toFixed(1)} ms), ` +
    `${(html.length / 1024).toFixed(0)} KiB of HTML; budget 1000 ms: ${median < 1000 ? "ok" : "OVER"}`,
);
if (outIndex >= 0 && args[outIndex + 1]) writeFileSync(args[outIndex + 1]!, html);
