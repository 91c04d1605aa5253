import type { RunRecord } from "../app/ports.js";
import { idKey, parseVnetId, subscriptionOf } from "../reconcile/ids.js";
import { displayName, isWriteKind } from "../reconcile/vocabulary.js";
import type { Peering, Vnet } from "../reconcile/types.js";
import { codeOf, remedyOf, remoteOf, titleOf } from "./problems.js";
import { servicesOf, sharedServicesOf } from "./shared-services.js";
import {
  type EdgeHealth,
  HEALTH_LABEL,
  HEALTH_ORDER,
  HUB_MIN_NEIGHBOURS,
  MAX_HUBS,
  type StatusAction,
  type StatusEdge,
  type StatusInput,
  type StatusPeering,
  type StatusProblem,
  type StatusReport,
  type StatusRun,
  type StatusSkip,
  type StatusSubscription,
  type StatusVnet,
} from "./types.js";

// The model's types live in types.ts; importers of the model see them here too.
export * from "./types.js";

const MAX_RECENT_ACTIONS = 50;

export function buildStatusReport(input: StatusInput): StatusReport {
  const { snapshot, plan } = input;
  const reportOnly = input.reportOnly ?? false;
  const inaccessible = new Set(snapshot.inaccessibleSubscriptions.map((s) => s.toLowerCase()));
  const read = new Map<string, Vnet>(snapshot.vnets.map((v) => [idKey(v.id), v]));
  const peeringsById = new Map<string, Peering>();
  for (const v of snapshot.vnets) for (const p of v.peerings) peeringsById.set(idKey(p.id), p);

  const known = (id: string) => read.get(idKey(id))?.name;
  const nameOf = (id: string) => displayName(id, known);

  // Edges: every peering of a read VNet, grouped by the unordered pair of VNets it joins.
  const edges = new Map<string, StatusPeering[]>();
  for (const v of snapshot.vnets) {
    for (const p of v.peerings) {
      const key = pairKey(p.vnetId, p.remoteVnetId);
      const halves = edges.get(key) ?? [];
      halves.push(toStatusPeering(p));
      edges.set(key, halves);
    }
  }

  // Problems: every action of the plan that is not a skip.
  const missing = new Set<string>();
  const problems: StatusProblem[] = [];
  const skipped: StatusSkip[] = [];
  for (const action of plan.actions) {
    if (action.kind === "skip") {
      skipped.push({
        target: action.target,
        where: nameOf(action.target),
        skip: action.skip,
        reason: action.reason,
      });
      continue;
    }
    const remote = remoteOf(action, peeringsById);
    if (action.kind === "alertOnly" && action.problem === "PeerVnetMissing" && remote)
      missing.add(idKey(remote));
    problems.push({
      actionId: action.id,
      kind: action.kind,
      code: codeOf(action),
      title: titleOf(action),
      handling: action.kind === "alertOnly" || reportOnly ? "human" : "automatic",
      target: action.target,
      where: nameOf(action.target),
      vnetId: action.vnetId,
      ...(remote ? { remoteVnetId: remote, edgeKey: pairKey(action.vnetId, remote) } : {}),
      reason: action.reason,
      remedy: remedyOf(action, reportOnly),
    });
  }

  // Nodes: the VNets read, plus the far ends of their peerings that could not be read.
  const neighbours = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    const set = neighbours.get(idKey(a)) ?? new Set<string>();
    set.add(idKey(b));
    neighbours.set(idKey(a), set);
  };
  const nodeIds = new Map<string, string>();
  for (const v of snapshot.vnets) nodeIds.set(idKey(v.id), v.id);
  for (const halves of edges.values()) {
    for (const h of halves) {
      link(h.vnetId, h.remoteVnetId);
      link(h.remoteVnetId, h.vnetId);
      if (!nodeIds.has(idKey(h.remoteVnetId))) nodeIds.set(idKey(h.remoteVnetId), h.remoteVnetId);
    }
  }
  const problemsPerVnet = new Map<string, number>();
  const problemsPerEdge = new Map<string, number>();
  for (const p of problems) {
    const involved = new Set([idKey(p.vnetId), ...(p.remoteVnetId ? [idKey(p.remoteVnetId)] : [])]);
    for (const id of involved) problemsPerVnet.set(id, (problemsPerVnet.get(id) ?? 0) + 1);
    if (p.edgeKey) problemsPerEdge.set(p.edgeKey, (problemsPerEdge.get(p.edgeKey) ?? 0) + 1);
  }
  const hubs = new Set(
    [...nodeIds.keys()]
      .map((key) => ({ key, n: neighbours.get(key)?.size ?? 0 }))
      .filter((h) => h.n >= HUB_MIN_NEIGHBOURS && read.has(h.key))
      .sort((a, b) => b.n - a.n || a.key.localeCompare(b.key))
      .slice(0, MAX_HUBS)
      .map((h) => h.key),
  );

  const optedOut = new Set(skipped.filter((s) => s.skip === "OptOutTag").map((s) => idKey(s.target)));
  const vnets: StatusVnet[] = [...nodeIds.entries()]
    .map(([key, id]): StatusVnet => {
      const v = read.get(key);
      const sub = (v?.subscriptionId ?? subscriptionOf(id) ?? "").toLowerCase();
      return {
        id: v?.id ?? id,
        name: nameOf(id),
        subscriptionId: sub,
        resourceGroup: v?.resourceGroup ?? parseVnetId(id)?.resourceGroup ?? "",
        ...(v?.location ? { location: v.location } : {}),
        addressPrefixes: v ? [...v.addressPrefixes] : [],
        role: hubs.has(key) ? "hub" : "spoke",
        visibility: v
          ? "read"
          : inaccessible.has(sub)
            ? "inaccessible"
            : missing.has(key)
              ? "missing"
              : "notRead",
        optedOut: optedOut.has(key),
        neighbours: neighbours.get(key)?.size ?? 0,
        services: v ? servicesOf(v) : { bastion: false, gateway: false, privateEndpoints: 0 },
        problems: problemsPerVnet.get(key) ?? 0,
      };
    })
    .sort(byVnetOrder);

  const statusEdges: StatusEdge[] = [...edges.entries()]
    .map(([key, halves]): StatusEdge => {
      const sorted = [...halves].sort((a, b) => idKey(a.vnetId).localeCompare(idKey(b.vnetId)));
      const first = sorted[0]!;
      const health = healthOf(sorted, read.has(idKey(first.remoteVnetId)));
      const lone = sorted.length === 1 || sorted.filter((h) => h.state === "Initiated").length === 1;
      const from = lone ? (sorted.find((h) => h.state === "Initiated") ?? first) : first;
      return {
        key,
        from: from.vnetId,
        to: from.remoteVnetId,
        health,
        label: HEALTH_LABEL[health],
        halves: sorted,
        problems: problemsPerEdge.get(key) ?? 0,
      };
    })
    .sort(
      (a, b) => HEALTH_ORDER.indexOf(a.health) - HEALTH_ORDER.indexOf(b.health) || a.key.localeCompare(b.key),
    );

  const subscriptions = new Map<string, StatusSubscription>();
  for (const v of vnets) {
    const tenantId = input.tenantOfSubscription?.[v.subscriptionId.toLowerCase()];
    const s = subscriptions.get(v.subscriptionId) ?? {
      subscriptionId: v.subscriptionId,
      accessible: !inaccessible.has(v.subscriptionId),
      vnets: [],
      ...(tenantId ? { tenantId } : {}),
    };
    s.vnets.push(v.id);
    subscriptions.set(v.subscriptionId, s);
  }

  const byHealth = Object.fromEntries(HEALTH_ORDER.map((h) => [h, 0])) as Record<EdgeHealth, number>;
  for (const e of statusEdges) byHealth[e.health]++;

  const recentActions = (input.recentActions ?? [])
    .filter((a) => isWriteKind(a.kind))
    .slice(0, MAX_RECENT_ACTIONS)
    .map((a): StatusAction => ({
      runId: a.runId,
      at: a.at,
      kind: a.kind,
      target: a.target,
      where: nameOf(a.target),
      result: a.result,
      reason: a.reason,
      ...(a.detail ? { detail: a.detail } : {}),
      ...(a.error ? { error: { code: a.error.code, message: a.error.message } } : {}),
    }));

  return {
    generatedAt: input.generatedAt,
    readAt: input.readAt ?? input.generatedAt,
    reportOnly,
    summary: {
      vnets: snapshot.vnets.length,
      subscriptions: subscriptions.size,
      pairs: statusEdges.length,
      byHealth,
      needHuman: problems.filter((p) => p.handling === "human").length,
      automatic: problems.filter((p) => p.handling === "automatic").length,
      skipped: skipped.length,
      inaccessibleSubscriptions: [...inaccessible].sort(),
    },
    topology: { subscriptions: [...subscriptions.values()].sort(bySubscription), vnets, edges: statusEdges },
    problems: problems.sort(
      (a, b) =>
        (a.handling === b.handling ? 0 : a.handling === "human" ? -1 : 1) || a.where.localeCompare(b.where),
    ),
    sharedServices: sharedServicesOf(snapshot, read, edges, nameOf),
    skipped,
    recentRuns: (input.recentRuns ?? []).map(toStatusRun),
    recentActions,
  };
}

/** The unordered pair of VNets, lower-cased: both halves of a pair share it. */
export function pairKey(a: string, b: string): string {
  const [x, y] = [idKey(a), idKey(b)].sort();
  return `${x}|${y}`;
}

function toStatusPeering(p: Peering): StatusPeering {
  return {
    id: p.id,
    name: p.name,
    vnetId: p.vnetId,
    remoteVnetId: p.remoteVnetId,
    state: p.state,
    syncLevel: p.syncLevel,
    provisioningState: p.provisioningState,
    settings: {
      ...p.settings,
      localSubnetNames: [...p.settings.localSubnetNames],
      remoteSubnetNames: [...p.settings.remoteSubnetNames],
    },
  };
}

/**
 * A lone half whose far end was read is one-sided (docs/azure-behaviour.md#peering-state: A->B alone stays Initiated). A lone half
 * whose far end could not be read says by its own state whether the other half exists.
 */
function healthOf(halves: StatusPeering[], remoteRead: boolean): EdgeHealth {
  if (halves.some((h) => h.provisioningState === "Failed")) return "failed";
  if (halves.some((h) => h.state === "Disconnected")) return "disconnected";
  if (halves.some((h) => h.state === "Initiated") || (halves.length < 2 && remoteRead)) return "oneSided";
  if (halves.some((h) => h.syncLevel !== "FullyInSync")) return "syncNeeded";
  return "healthy";
}

function toStatusRun(r: RunRecord): StatusRun {
  const at = r.startedAt ?? r.queuedAt ?? r.finishedAt;
  return {
    runId: r.runId,
    trigger: r.trigger,
    status: r.status,
    dryRun: r.dryRun,
    ...(at ? { at } : {}),
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
    ...(r.vnetsRead !== undefined ? { vnetsRead: r.vnetsRead } : {}),
    ...(r.summary ? { summary: { ...r.summary } } : {}),
    ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
  };
}

function byVnetOrder(a: StatusVnet, b: StatusVnet): number {
  return (
    a.subscriptionId.localeCompare(b.subscriptionId) ||
    a.resourceGroup.toLowerCase().localeCompare(b.resourceGroup.toLowerCase()) ||
    a.name.toLowerCase().localeCompare(b.name.toLowerCase()) ||
    idKey(a.id).localeCompare(idKey(b.id))
  );
}

/** Grouped by tenant (unknown last), then by subscription. */
function bySubscription(a: StatusSubscription, b: StatusSubscription): number {
  const ta = a.tenantId ?? "\uffff";
  const tb = b.tenantId ?? "\uffff";
  return ta.localeCompare(tb) || a.subscriptionId.localeCompare(b.subscriptionId);
}
