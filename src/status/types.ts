// The status page's model: what buildStatusReport (model.ts) answers, as HTML and as JSON.
import type { ErrorInfo } from "../reconcile/errors.js";
import type { ActionRecord, RunRecord } from "../app/ports.js";
import type {
  ActionKind,
  Peering,
  PeeringSettings,
  PeeringState,
  Plan,
  ProblemCode,
  Snapshot,
  SyncLevel,
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
  /** Lower-case subscription id to its Entra tenant, when peers span tenants (docs/cross-tenant.md). */
  tenantOfSubscription?: Readonly<Record<string, string>>;
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
  /** Its Entra tenant, known in a cross-tenant setup (docs/cross-tenant.md). */
  tenantId?: string;
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
