import functions from "@azure/functions";
import type { Emulator } from "../../emulator/index.js";
import { RECENT_RUNS, recentActivity, status } from "../../src/functions/status.js";
import { createRuntime, type Runtime } from "../../src/functions/runtime.js";
import { plan } from "../../src/reconcile/plan.js";
import type { RunReport } from "../../src/reconcile/run-report.js";
import { readSnapshot } from "../../src/reconcile/run.js";
import type { Snapshot, SyncAction } from "../../src/reconcile/types.js";
import { buildStatusReport, renderStatusPage } from "../../src/status/index.js";
import { startAzurite } from "../../test/support/azurite.js";
import { callCounts, productPort, startArmLike } from "../lib/arm-like.js";
import { slash24, subscriptionIds } from "../lib/estate.js";
import { measure, round } from "../lib/measure.js";
import { emptyResult, table, type ScenarioResult } from "../lib/report.js";

/**
 * Server time of GET /api/status for a hub and `spokes` spokes: the real handler (src/functions/
 * status.ts) with the real runtime, so one request reads every watched subscription from the
 * emulator configured like ARM (through the SDK and our ARM port, in real time: time scale 1, each
 * answer 0.05 s) and the recent runs from the audit table in Azurite, then plans (dry run), builds
 * the status model and renders the HTML. The first request is reported on its own (cold: the page's
 * code runs for the first time in the process, the SDK opens its connections); the others give the
 * warm median. The phases are timed apart on the same estate, each one as the handler calls it.
 * The target: under a second of server time for 500 spokes.
 */
export interface StatusPageOptions {
  spokes: number;
  /** Requests after the first (cold) one. */
  warmRequests: number;
}

export type StatusPageResult = ScenarioResult & {
  coldSeconds: number | null;
  warmMedianSeconds: number | null;
  armReadMs: number | null;
  auditReadMs: number | null;
  planMs: number | null;
  modelMs: number | null;
  renderMs: number | null;
  htmlKiB: number | null;
  vnets: number | null;
  problems: number | null;
};

const SUBSCRIPTIONS = 4;
// The package is CommonJS: under tsx (plain Node ESM) only `app` is found as a named export.
const { HttpRequest, InvocationContext } = functions;

/** A hub with Bastion and a gateway, spokes over four subscriptions, one in ten of them with a problem. */
function seedEstate(emu: Emulator, spokes: number): { subscriptions: string[]; hubId: string } {
  const subscriptions = subscriptionIds(SUBSCRIPTIONS);
  const hubId = emu.seed.vnet({
    subscriptionId: subscriptions[0]!,
    resourceGroup: "rg-hub",
    name: "hub-prod-weu",
    addressPrefixes: ["192.168.0.0/16"],
    subnets: [{ name: "AzureBastionSubnet", addressPrefixes: ["192.168.254.0/26"] }],
  });
  emu.seed.gateway(hubId, { gatewaySubnetPrefix: "192.168.255.0/27" });
  for (let i = 0; i < spokes; i++) {
    const spoke = emu.seed.vnet({
      subscriptionId: subscriptions[i % SUBSCRIPTIONS]!,
      resourceGroup: `rg-spokes-${i % 7}`,
      name: `spoke-${String(i).padStart(3, "0")}-app`,
      addressPrefixes: [slash24(i + 1)],
    });
    switch (i % 25) {
      case 3: // one-sided: the hub never peered back
        emu.seed.peering({ vnetId: spoke, remoteVnetId: hubId });
        break;
      case 7: {
        // Disconnected: the spoke's half was deleted
        const [, back] = emu.seed.connect(hubId, spoke);
        emu.seed.deletePeering(back);
        break;
      }
      default:
        emu.seed.connect(hubId, spoke, {
          ab: { allowGatewayTransit: true },
          ba: { useRemoteGateways: i % 25 !== 11 },
        });
        // A few spokes grew: both halves of their pair need a sync.
        if (i % 40 === 1) emu.seed.setAddressSpace(spoke, [slash24(i + 1), `172.16.${i % 250}.0/24`]);
    }
  }
  return { subscriptions, hubId };
}

/**
 * What the page lists as recent activity: RECENT_RUNS runs, the newest a hub resize that synced the
 * spoke side of every pair (all its actions are read back), four runs with ten syncs each, and the
 * rest sweeps without writes.
 */
async function fillAudit(rt: Runtime, snapshot: Snapshot, hubId: string): Promise<void> {
  const hubKey = hubId.toLowerCase();
  const syncs: SyncAction[] = snapshot.vnets.flatMap((v) =>
    v.peerings
      .filter((p) => p.remoteVnetId.toLowerCase() === hubKey)
      .map((p) => ({
        kind: "sync",
        id: `sync:${p.id}`,
        target: p.id,
        vnetId: p.vnetId,
        remoteVnetId: p.remoteVnetId,
        reason: `${v.name}'s hub gained 172.31.0.0/16, so ${p.name} was LocalNotInSync.`,
        before: {
          syncLevel: "LocalNotInSync",
          remoteAddressSpace: ["192.168.0.0/16"],
          remoteVirtualNetworkAddressSpace: ["192.168.0.0/16", "172.31.0.0/16"],
        },
      })),
  );
  const base = Date.parse("2026-11-22T08:00:00Z");
  for (let i = RECENT_RUNS - 1; i >= 0; i--) {
    const at = new Date(base + (RECENT_RUNS - i) * 60_000).toISOString();
    const done = i === 0 ? syncs : i < 5 ? syncs.slice(i * 10, i * 10 + 10) : [];
    const report: RunReport = {
      runId: `bench-run-${String(i).padStart(2, "0")}`,
      trigger: done.length > 0 ? "event" : "sweep",
      correlationId: `bench-${i}`,
      startedAt: at,
      finishedAt: at,
      dryRun: false,
      scope: [],
      vnetsRead: snapshot.vnets.length,
      results: done.map((action) => ({ action, result: { status: "succeeded" as const } })),
    };
    await rt.audit.recordRun(report, snapshot);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t };
}

export async function statusPageScenario(
  o: StatusPageOptions,
  log: (s: string) => void,
): Promise<StatusPageResult> {
  const name = `status-page-${o.spokes}-spokes`;
  const result: StatusPageResult = {
    ...emptyResult(name),
    coldSeconds: null,
    warmMedianSeconds: null,
    armReadMs: null,
    auditReadMs: null,
    planMs: null,
    modelMs: null,
    renderMs: null,
    htmlKiB: null,
    vnets: null,
    problems: null,
  };
  const emu = await startArmLike(1);
  const azurite = await startAzurite();
  try {
    const { subscriptions, hubId } = seedEstate(emu, o.spokes);
    const rt = await createRuntime(
      {
        WATCHED_SUBSCRIPTIONS: subscriptions.join(","),
        AzureWebJobsStorage: azurite.connectionString,
        AUDIT_TABLE: "benchstatusaudit",
        // Every request pays its ARM read, the page's worst case: views within the refresh interval
        // would otherwise be served from the first one's read.
        STATUS_REFRESH_SECONDS: "0",
      },
      { overrides: { port: productPort(emu) } },
    );
    // The audit, about the estate's own peerings (read here once, outside the measured requests).
    const seeded = await readSnapshot(rt.port, rt.policy, [], rt.settings.MAX_PARALLEL_VNETS);
    await fillAudit(rt, seeded.snapshot, hubId);
    emu.resetCounters();

    const context = new InvocationContext({
      invocationId: "bench",
      functionName: "status",
      logHandler: () => undefined,
    });
    const request = () => new HttpRequest({ method: "GET", url: "http://localhost:7071/api/status" });
    const handlerMs: number[] = [];
    let html = "";
    let failures = 0;
    const run = await measure(async () => {
      for (let i = 0; i <= o.warmRequests; i++) {
        const { value: response, ms } = await timed(() => status(request(), context, rt));
        handlerMs.push(ms);
        if (response.status !== 200) failures++;
        html = String(response.body ?? "");
      }
    });
    const counts = callCounts(emu);
    const requests = o.warmRequests + 1;

    // The phases one by one, warm, as statusReport() and the handler run them.
    const phases = { arm: [] as number[], audit: [] as number[], plan: [] as number[] };
    const model: number[] = [];
    const render: number[] = [];
    let problems = 0;
    let auditRead = "";
    for (let i = 0; i < Math.max(3, o.warmRequests); i++) {
      const read = await timed(() => readSnapshot(rt.port, rt.policy, [], rt.settings.MAX_PARALLEL_VNETS));
      const recent = await timed(() => recentActivity(rt.audit));
      const planned = await timed(() => plan(read.value.snapshot, rt.policy));
      const built = await timed(() =>
        buildStatusReport({
          snapshot: read.value.snapshot,
          plan: planned.value,
          generatedAt: new Date().toISOString(),
          reportOnly: rt.policy.reportOnly,
          recentRuns: recent.value.runs,
          recentActions: recent.value.actions,
        }),
      );
      const rendered = await timed(() => renderStatusPage(built.value));
      phases.arm.push(read.ms);
      phases.audit.push(recent.ms);
      phases.plan.push(planned.ms);
      model.push(built.ms);
      render.push(rendered.ms);
      problems = built.value.problems.length;
      auditRead = `${recent.value.runs.length} runs, ${recent.value.actions.length} actions`;
      result.vnets = built.value.summary.vnets;
    }

    const cold = handlerMs[0]!;
    const warm = handlerMs.length > 1 ? median(handlerMs.slice(1)) : cold;
    Object.assign(result, {
      seconds: round(warm / 1000, 3),
      reads: Math.round(counts.reads / requests),
      writes: counts.writes,
      throttled: counts.throttled,
      busy: counts.busy,
      failures,
      peakRssMb: round(run.peakRssMb, 0),
      coldSeconds: round(cold / 1000, 3),
      warmMedianSeconds: round(warm / 1000, 3),
      armReadMs: round(median(phases.arm), 1),
      auditReadMs: round(median(phases.audit), 1),
      planMs: round(median(phases.plan), 1),
      modelMs: round(median(model), 1),
      renderMs: round(median(render), 1),
      htmlKiB: round(html.length / 1024, 0),
      problems,
    });
    log(
      table(`${name} (real handler, emulator like ARM at time scale 1, audit in Azurite)`, [
        ["VNets / problems on the page", `${result.vnets} / ${problems}`],
        ["cold: first request, ms", round(cold, 0)],
        [`warm: median of ${o.warmRequests} requests, ms`, round(warm, 0)],
        ["  ARM snapshot read, ms", result.armReadMs],
        [`  audit read (${auditRead}), ms`, result.auditReadMs],
        ["  plan (dry run), ms", result.planMs],
        ["  status model, ms", result.modelMs],
        ["  render HTML, ms", result.renderMs],
        ["ARM reads per request (GET)", result.reads],
        ["writes (must be 0)", counts.writes],
        ["throttled (429) / busy (409)", `${counts.throttled} / ${counts.busy}`],
        ["HTML KiB", result.htmlKiB],
        ["answers other than 200", failures],
        ["target: under 1000 ms of server time", warm < 1000 && cold < 1000 ? "met" : "NOT met"],
      ]),
    );
  } finally {
    await emu.stop();
    await azurite.stop();
  }
  return result;
}
