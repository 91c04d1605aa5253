import type { ClassifiedError } from "./errors.js";
import type { ProblemCode } from "./problems.js";
/**
 * Our own model of VNets and peerings. The Azure adapter (src/azure/) maps the SDK's all-optional
 * models into these once; nothing in src/reconcile/ sees an SDK type.
 * Field meanings: docs/azure-behaviour.md#peering-model.
 */

export type PeeringState = "Initiated" | "Connected" | "Disconnected";

export type SyncLevel = "FullyInSync" | "RemoteNotInSync" | "LocalNotInSync" | "LocalAndRemoteNotInSync";

/** The settings a user chose on a peering. The product never changes these on an existing peering. */
export interface PeeringSettings {
  allowVirtualNetworkAccess: boolean;
  allowForwardedTraffic: boolean;
  allowGatewayTransit: boolean;
  useRemoteGateways: boolean;
  doNotVerifyRemoteGateways: boolean;
  /** false for subnet-level (or address-space-scoped) peering. */
  peerCompleteVnets: boolean;
  enableOnlyIPv6Peering: boolean;
  localSubnetNames: string[];
  remoteSubnetNames: string[];
  /** `remoteBgpCommunities.virtualNetworkCommunity`, when set. */
  remoteBgpCommunity?: string;
}

export interface Peering {
  /** Full resource id, casing as ARM returned it. Compare ids with `sameId()`. */
  id: string;
  name: string;
  /** The VNet this peering belongs to. */
  vnetId: string;
  remoteVnetId: string;
  state: PeeringState;
  syncLevel: SyncLevel;
  provisioningState: "Succeeded" | "Updating" | "Deleting" | "Failed";
  /** Shared by both halves of a connected pair. */
  resourceGuid?: string;
  etag?: string;
  settings: PeeringSettings;
  /** The remote prefixes actually peered: frozen until a sync. */
  remoteAddressSpace: string[];
  /** The remote VNet's current prefixes. */
  remoteVirtualNetworkAddressSpace: string[];
  /** The local prefixes peered (subnet prefixes for subnet-level peering). */
  localAddressSpace: string[];
  /** The local VNet's current prefixes. */
  localVirtualNetworkAddressSpace: string[];
}

export interface Subnet {
  name: string;
  addressPrefixes: string[];
  /**
   * Private endpoints in this subnet (`subnets[].privateEndpoints` of the VNet GET), when the source
   * reported them. The status page uses it to find spokes that cannot reach a hub's private endpoints.
   */
  privateEndpointCount?: number;
}

export interface Vnet {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  addressPrefixes: string[];
  subnets: Subnet[];
  tags: Record<string, string>;
  /** True when a virtual network gateway (VPN/ExpressRoute) sits in this VNet's GatewaySubnet. */
  hasGateway: boolean;
  peerings: Peering[];
}

/**
 * What the product wants written on a peering: everything a PUT body carries except the
 * service-computed fields. A sync PUT sends the current peering's body back unchanged.
 */
export interface PeeringBody {
  remoteVnetId: string;
  settings: PeeringSettings;
  /** Only meaningful as an input for address-space-scoped peering (peerCompleteVnets=false, no subnets). */
  localAddressSpace?: string[];
  remoteAddressSpace?: string[];
}

/** The state plan() reasons about: every watched VNet as read from ARM, plus what could not be read. */
export interface Snapshot {
  vnets: Vnet[];
  /** Subscriptions that answered 403 (or similar) when read: peers there are reported, never written. */
  inaccessibleSubscriptions: string[];
}

export interface Policy {
  /** Subscription ids the product may read and write. Lower-case GUIDs. */
  watchedSubscriptions: string[];
  /**
   * Optional narrower scope inside the watched subscriptions: subscription, resource-group or VNet
   * resource ids. Empty = all of the watched subscriptions.
   */
  scope: string[];
  /** Re-PUT Disconnected peerings (back to Initiated) and recreate their missing half. */
  repairDisconnected: boolean;
  /** Plan and report, never write. */
  reportOnly: boolean;
  /**
   * Name template for created reciprocals. Placeholders: {localVnet} (the VNet the new peering lives
   * on), {remoteVnet}, {localRg}, {remoteRg}.
   */
  reciprocalNameTemplate: string;
  /**
   * When the existing side has allowGatewayTransit=true, also set useRemoteGateways=true on the
   * created reciprocal (only if the gateway rules allow it).
   */
  useRemoteGatewaysOnReciprocal: boolean;
  /** Tag name and value that switch the product off for a VNet (default `peering-sync` = `off`). */
  optOutTag: { name: string; value: string };
}

/** Problem codes, with their names and remedies, live in the vocabulary (src/reconcile/problems.ts). */
export type { ProblemCode } from "./problems.js";

export type SkipCode = "OptOutTag" | "ManagedByVirtualNetworkManager" | "OutsideWatchedScope" | "ReportOnly";

interface ActionBase {
  /** Stable within a plan, used for ordering dependencies. */
  id: string;
  /**
   * The peering to write: its resource id (for createReciprocal the id it will get). For skips of a
   * whole VNet, the VNet id.
   */
  target: string;
  /** The VNet whose peering is written (writes on one VNet are serialized). */
  vnetId: string;
  /** One sentence a network engineer understands: what is wrong and what this action does about it. */
  reason: string;
  /** Id of an action that must succeed first. */
  dependsOn?: string;
}

export interface SyncAction extends ActionBase {
  kind: "sync";
  /** The remote VNet whose new address space is pulled in. */
  remoteVnetId: string;
  before: { syncLevel: SyncLevel; remoteAddressSpace: string[]; remoteVirtualNetworkAddressSpace: string[] };
  /**
   * The remote prefixes the peering carries once synced, compared like with like with
   * `before.remoteAddressSpace`: the listed subnets' prefixes for subnet-level peering, only IPv6 ones
   * with enableOnlyIPv6Peering. Empty when that cannot be known (subnet-level peering whose remote VNet
   * was not read): `remoteVirtualNetworkAddressSpace` is not a substitute, since what Azure puts
   * there for subnet peering is not settled (README, "Subnet-level and IPv6-only address spaces"). Always set by plan(); optional for
   * actions built elsewhere (recorded runs, fixtures), which fall back to that field.
   */
  pulls?: string[];
}

export interface CreateReciprocalAction extends ActionBase {
  kind: "createReciprocal";
  name: string;
  body: PeeringBody;
  /** The existing half this one mirrors. */
  mirrorOf: string;
}

export interface ResetDisconnectedAction extends ActionBase {
  kind: "resetDisconnected";
  remoteVnetId: string;
}

export interface AlertOnlyAction extends ActionBase {
  kind: "alertOnly";
  problem: ProblemCode;
  /** What a human should do. */
  remedy: string;
  /** The VNet on the other side of the peering, when the problem involves one. */
  remoteVnetId?: string;
  /** AddressSpaceOverlap: each pair of overlapping prefixes, [incoming or ours, theirs]. */
  overlappingPrefixes?: Array<[string, string]>;
}

export interface SkipAction extends ActionBase {
  kind: "skip";
  skip: SkipCode;
}

export type Action =
  SyncAction | CreateReciprocalAction | ResetDisconnectedAction | AlertOnlyAction | SkipAction;

export type ActionKind = Action["kind"];

export interface Plan {
  actions: Action[];
}

export type ActionResult =
  | { status: "succeeded"; after?: Peering }
  /** `inFlight`: skipped because someone else's write on it (or on its mirror) is still running. */
  | { status: "skipped"; why: string; inFlight?: true }
  | { status: "failed"; error: ClassifiedError };

export interface AppliedAction {
  action: Action;
  result: ActionResult;
}

export interface ApplyReport {
  results: AppliedAction[];
  writes: number;
}

/**
 * A route table as the what-if reads it (report only: the product never writes routes). Routes carry
 * what ARM returns; `subnetIds` are the subnets it is associated with.
 */
export interface RouteTable {
  id: string;
  name: string;
  subscriptionId: string;
  routes: Array<{ name: string; addressPrefix: string; nextHopType: string; nextHopIpAddress?: string }>;
  subnetIds: string[];
}
