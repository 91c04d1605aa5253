import type { ErrorInfo } from "../reconcile/errors.js";
import type { ActionRecord, RunRecord } from "../app/ports.js";
import { idKey, parsePeeringId, parseVnetId, subscriptionOf } from "../reconcile/ids.js";
import { displayName, farEndOf, isWriteKind, problemTitle } from "../reconcile/vocabulary.js";
import type {
  Action,
  ActionKind,
  Peering,
  PeeringSettings,
  PeeringState,
  Plan,
  ProblemCode,
  Snapshot,
  SyncLevel,
  Vnet,
} from "../reconcile/types.js";

/**
 * The status page's data: what the estate looks like right now (a snapshot and the dry-run plan of
 * it) and what the product did lately (the audit). Pure: no I/O, no clock (the time is given), no
 * Azure SDK. The HTTP status function returns it as JSON; src/status/render.ts draws it as HTML.
 */

/** How one peered pair of VNets is doing, worst first in `HEALTH_ORDER`. */
export type EdgeHealth = "failed" | "disconnected" | "oneSided" | "syncNeeded" | "healthy";

/** Worst first: the order problems are drawn on top of and counted in. */
export const HEALTH_ORDER: readonly EdgeHealth[] = [
  "failed",
  "disconnected",
  "oneSided",
  "syncNeeded",
  "healthy",
];

/** The words shown wherever a colour or line style shows a health (never colour alone). */
export const HEALTH_LABEL: Record<EdgeHealth, string> = {
  healthy: "Connected, in sync",
  syncNeeded: "Connected, sync needed",
  oneSided: "One-sided (Initiated)",
  disconnected: "Disconnected",
  failed: "Provisioning failed",
};

export type SharedService = "bastion" | "gateway" | "privateEndpoints";

export const SERVICE_LABEL: Record<SharedService, string> = {
  bastion: "Azure Bastion",
  gateway: "VPN/ExpressRoute gateway",
  privateEndpoints: "Private endpoints",
};

export interface StatusInput {
  snapshot: Snapshot;
  /** The dry-run plan of `snapshot`. */
  plan: Plan;
  /** ISO 8601, from the caller's clock. */
  generatedAt: string;
  /** ISO 8601: when `snapshot` was read from ARM (the page may serve an earlier read); default generatedAt. */
  readAt?: string;
  /** Writes in the plan are not made automatically (report-only mode). */
  reportOnly?: boolean;
  /** Newest first, from the audit (AuditStore.listRecentRuns). */
  recentRuns?: readonly RunRecord[];
  /** Actions of recent runs, newest run first (AuditStore.getRun). Only writes are shown. */
  recentActions?: readonly ActionRecord[];
}

export interface StatusVnet {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
  addressPrefixes: string[];
  /** hub: many peerings (drawn in the centre); spoke: everything else. */
  role: "hub" | "spoke";
  /**
   * read: in the snapshot. Otherwise only known as the far end of a peering: `inaccessible` (its
   * subscription answered 403), `missing` (deleted), `notRead` (outside the watched subscriptions).
   */
  visibility: "read" | "inaccessible" | "missing" | "notRead";
  optedOut: boolean;
  /** VNets it is peered with (either direction). */
  neighbours: number;
  services: { bastion: boolean; gateway: boolean; privateEndpoints: number };
  /** Open problems on this VNet's peerings or pointing at it. */
  problems: number;
}

export interface StatusPeering {
  id: string;
  name: string;
  vnetId: string;
  remoteVnetId: string;
  state: PeeringState;
  syncLevel: SyncLevel;
  provisioningState: Peering["provisioningState"];
  settings: PeeringSettings;
}

/** A peered pair (or a lone half): one line in the diagram. */
export interface StatusEdge {
  key: string;
  /** With one half only (or one Initiated half), the VNet that has it: the arrow points away from it. */
  from: string;
  to: string;
  health: EdgeHealth;
  label: string;
  halves: StatusPeering[];
  problems: number;
}

export interface StatusSubscription {
  subscriptionId: string;
  /** false when it answered 403: its VNets are only known as peers. */
  accessible: boolean;
  vnets: string[];
}

export interface StatusProblem {
  actionId: string;
  kind: Exclude<ActionKind, "skip">;
  /** The alert's code, or the kind of fix for a write. */
  code: ProblemCode | "SyncNeeded" | "MissingReciprocal" | "DisconnectedRepair";
  title: string;
  /** automatic: the product writes the fix on its next run; human: someone has to act. */
  handling: "automatic" | "human";
  target: string;
  /** `vnet/peering` or `vnet`: what people call it. */
  where: string;
  vnetId: string;
  remoteVnetId?: string;
  edgeKey?: string;
  reason: string;
  remedy: string;
}

export interface StatusSkip {
  target: string;
  where: string;
  skip: string;
  reason: string;
}

/** A VNet peered with a hub that cannot use some of the hub's services, and why. */
export interface BlockedSpoke {
  spokeId: string;
  spokeName: string;
  services: SharedService[];
  reasons: string[];
}

export interface HubServices {
  vnetId: string;
  vnetName: string;
  services: StatusVnet["services"];
  /** VNets peered with it (either direction). */
  peered: number;
  blocked: BlockedSpoke[];
}

export interface StatusRun {
  runId: string;
  trigger: RunRecord["trigger"];
  status: RunRecord["status"];
  dryRun: boolean;
  at?: string;
  finishedAt?: string;
  vnetsRead?: number;
  summary?: Record<string, number>;
  error?: ErrorInfo;
}

export interface StatusAction {
  runId: string;
  at: string;
  kind: string;
  target: string;
  where: string;
  result: ActionRecord["result"];
  reason: string;
  detail?: string;
  error?: ErrorInfo;
}

export interface StatusSummary {
  vnets: number;
  subscriptions: number;
  pairs: number;
  byHealth: Record<EdgeHealth, number>;
  /** Problems someone has to act on. */
  needHuman: number;
  /** Fixes the product will write on its next run. */
  automatic: number;
  skipped: number;
  inaccessibleSubscriptions: string[];
}

export interface StatusReport {
  generatedAt: string;
  /** When the VNets shown were read from ARM: at most the refresh interval before generatedAt. */
  readAt: string;
  reportOnly: boolean;
  summary: StatusSummary;
  topology: { subscriptions: StatusSubscription[]; vnets: StatusVnet[]; edges: StatusEdge[] };
  problems: StatusProblem[];
  sharedServices: HubServices[];
  skipped: StatusSkip[];
  recentRuns: StatusRun[];
  recentActions: StatusAction[];
}

/** A VNet with at least this many peers is a hub (at most MAX_HUBS of them, the most peered first). */
export const HUB_MIN_NEIGHBOURS = 3;
export const MAX_HUBS = 12;
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
    const s = subscriptions.get(v.subscriptionId) ?? {
      subscriptionId: v.subscriptionId,
      accessible: !inaccessible.has(v.subscriptionId),
      vnets: [],
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

function servicesOf(v: Vnet): StatusVnet["services"] {
  return {
    bastion: v.subnets.some((s) => s.name.toLowerCase() === "azurebastionsubnet"),
    gateway: v.hasGateway,
    privateEndpoints: v.subnets.reduce((n, s) => n + (s.privateEndpointCount ?? 0), 0),
  };
}

/** The VNet on the other side of the action's peering; for a problem, from the peering read if need be. */
function remoteOf(action: Action, peerings: Map<string, Peering>): string | undefined {
  const named = farEndOf(action);
  if (named !== undefined || action.kind !== "alertOnly") return named;
  return peerings.get(idKey(action.target))?.remoteVnetId;
}

function codeOf(action: Exclude<Action, { kind: "skip" }>): StatusProblem["code"] {
  switch (action.kind) {
    case "sync":
      return "SyncNeeded";
    case "createReciprocal":
      return "MissingReciprocal";
    case "resetDisconnected":
      return "DisconnectedRepair";
    case "alertOnly":
      return action.problem;
  }
}

function titleOf(action: Exclude<Action, { kind: "skip" }>): string {
  switch (action.kind) {
    case "sync":
      return "Sync needed";
    case "createReciprocal":
      return "Missing reciprocal";
    case "resetDisconnected":
      return "Disconnected (repair planned)";
    case "alertOnly":
      return problemTitle(action.problem);
  }
}

const AUTOMATIC =
  "vnet-peering-sync writes this on its next run (an event, the sweep, POST /api/resync or `vnet-peering-sync apply`).";

function remedyOf(action: Exclude<Action, { kind: "skip" }>, reportOnly: boolean): string {
  if (action.kind === "alertOnly") return action.remedy;
  if (!reportOnly) return AUTOMATIC;
  const peering = parsePeeringId(action.target);
  const vnet = peering ? (parseVnetId(peering.vnetId)?.vnetName ?? peering.vnetId) : action.vnetId;
  const name = peering?.peeringName ?? action.target;
  switch (action.kind) {
    case "sync":
      return `Report-only mode: sync ${name} on ${vnet} by hand (Sync in the portal, or az network vnet peering sync).`;
    case "createReciprocal":
      return `Report-only mode: create ${action.name} on ${vnet} by hand, mirroring the settings of the existing half.`;
    case "resetDisconnected":
      return `Report-only mode: re-PUT ${name} on ${vnet} by hand, then create the peering back.`;
  }
}

/**
 * Hub shared services and the peered VNets that cannot use them. Bastion and private endpoints need
 * a Connected, in-sync pair with virtual network access on both halves (and, for subnet-level
 * peering, the service's subnets among the hub side's peered subnets). A gateway also needs
 * allowGatewayTransit on the hub's half and useRemoteGateways on the spoke's half (docs/azure-behaviour.md#errors: gateway
 * transit); a VNet with its own gateway cannot use a remote one and is not listed for it.
 */
function sharedServicesOf(
  snapshot: Snapshot,
  read: Map<string, Vnet>,
  edges: Map<string, StatusPeering[]>,
  nameOf: (id: string) => string,
): HubServices[] {
  const out: HubServices[] = [];
  const pairsOf = new Map<string, string[]>();
  for (const key of edges.keys()) {
    const [a, b] = key.split("|") as [string, string];
    pairsOf.set(a, [...(pairsOf.get(a) ?? []), key]);
    pairsOf.set(b, [...(pairsOf.get(b) ?? []), key]);
  }
  for (const hub of snapshot.vnets) {
    const services = servicesOf(hub);
    const offered: SharedService[] = [
      ...(services.bastion ? (["bastion"] as const) : []),
      ...(services.gateway ? (["gateway"] as const) : []),
      ...(services.privateEndpoints > 0 ? (["privateEndpoints"] as const) : []),
    ];
    const keys = pairsOf.get(idKey(hub.id)) ?? [];
    // A hub shares with several VNets; a VNet peered with one other is a pair, not a hub.
    if (offered.length === 0 || keys.length < 2) continue;
    const blocked: BlockedSpoke[] = [];
    for (const key of keys) {
      const halves = edges.get(key)!;
      const hubHalf = halves.find((h) => idKey(h.vnetId) === idKey(hub.id));
      const spokeId = hubHalf?.remoteVnetId ?? halves[0]!.vnetId;
      const spoke = read.get(idKey(spokeId));
      const spokeHalf = halves.find((h) => idKey(h.vnetId) === idKey(spokeId));
      const spokeName = nameOf(spokeId);
      const common: string[] = [];
      const where = (h: StatusPeering) => `${nameOf(h.vnetId)}/${h.name}`;
      if (!hubHalf) common.push(`${hub.name} has no peering to ${spokeName}`);
      if (!spokeHalf) {
        common.push(
          spoke
            ? `${spokeName} has no peering to ${hub.name}`
            : `${spokeName}'s peering back could not be read, so its state and flags are unknown`,
        );
      }
      const present = [hubHalf, spokeHalf].filter((h): h is StatusPeering => h !== undefined);
      for (const h of present) {
        if (h.provisioningState === "Failed") common.push(`${where(h)} failed to provision`);
        else if (h.state !== "Connected") common.push(`${where(h)} is ${h.state}`);
      }
      const stale = present.filter((h) => h.state === "Connected" && h.syncLevel !== "FullyInSync");
      if (stale.length > 0) {
        common.push(
          `not in sync (${stale.map((h) => `${where(h)} ${h.syncLevel}`).join(", ")}): address ranges added since the last sync are not reachable`,
        );
      }
      const services: SharedService[] = [];
      const reasons = [...common];
      for (const service of offered) {
        // A VNet with its own gateway cannot use a remote one: not a problem, its own choice.
        if (service === "gateway" && spoke?.hasGateway) continue;
        const flags =
          common.length === 0 && hubHalf && spokeHalf
            ? flagProblems(service, hub, hubHalf, spokeHalf, where)
            : [];
        if (common.length > 0 || flags.length > 0) services.push(service);
        reasons.push(...flags.map((f) => `${SERVICE_LABEL[service]}: ${f}`));
      }
      if (services.length > 0) blocked.push({ spokeId, spokeName, services, reasons });
    }
    blocked.sort(
      (a, b) => a.spokeName.localeCompare(b.spokeName) || idKey(a.spokeId).localeCompare(idKey(b.spokeId)),
    );
    out.push({ vnetId: hub.id, vnetName: hub.name, services, peered: keys.length, blocked });
  }
  return out.sort((a, b) => b.peered - a.peered || a.vnetName.localeCompare(b.vnetName));
}

function flagProblems(
  service: SharedService,
  hub: Vnet,
  hubHalf: StatusPeering,
  spokeHalf: StatusPeering,
  where: (h: StatusPeering) => string,
): string[] {
  const reasons: string[] = [];
  if (service === "gateway") {
    if (!hubHalf.settings.allowGatewayTransit)
      reasons.push(`${where(hubHalf)} does not allow gateway transit`);
    if (!spokeHalf.settings.useRemoteGateways)
      reasons.push(`${where(spokeHalf)} does not use remote gateways`);
    return reasons;
  }
  for (const h of [hubHalf, spokeHalf]) {
    if (!h.settings.allowVirtualNetworkAccess) reasons.push(`virtual network access is off on ${where(h)}`);
  }
  const serviceSubnets =
    service === "bastion"
      ? hub.subnets.filter((s) => s.name.toLowerCase() === "azurebastionsubnet")
      : hub.subnets.filter((s) => (s.privateEndpointCount ?? 0) > 0);
  if (!hubHalf.settings.peerCompleteVnets && hubHalf.settings.localSubnetNames.length > 0) {
    const peered = new Set(hubHalf.settings.localSubnetNames.map((n) => n.toLowerCase()));
    const left = serviceSubnets.filter((s) => !peered.has(s.name.toLowerCase())).map((s) => s.name);
    if (left.length > 0) reasons.push(`${left.join(", ")} not among the subnets peered by ${where(hubHalf)}`);
  }
  if (!spokeHalf.settings.peerCompleteVnets && spokeHalf.settings.remoteSubnetNames.length > 0) {
    const peered = new Set(spokeHalf.settings.remoteSubnetNames.map((n) => n.toLowerCase()));
    const left = serviceSubnets.filter((s) => !peered.has(s.name.toLowerCase())).map((s) => s.name);
    if (left.length > 0)
      reasons.push(`${left.join(", ")} not among the remote subnets of ${where(spokeHalf)}`);
  }
  return [...new Set(reasons)];
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

function bySubscription(a: StatusSubscription, b: StatusSubscription): number {
  return a.subscriptionId.localeCompare(b.subscriptionId);
}
