/**
 * The what-if answer: what Azure would refuse, the syncs a change leaves behind and who does them,
 * and what a reviewer should look at. The CLI (`what-if --output json`) and POST /api/what-if answer
 * this same document; pipelines parse it, so fields are only ever added, never renamed.
 */

/** A subnet as a plan would leave it. */
export interface PlannedSubnet {
  name: string;
  addressPrefixes: string[];
}

/** One VNet's address space as the change would leave it. */
export interface AddressSpaceChange {
  vnetId: string;
  /** The complete address space after the change. */
  addressPrefixes: string[];
  /** The subnets after the change, when the plan changes them too (else the live ones stay). */
  subnets?: PlannedSubnet[];
  /** Where the change came from (a Terraform address, an ARM what-if resource), for the report. */
  source?: string;
}

/** A change as people type it: add or remove prefixes, or give the whole new space. */
export interface ChangeRequest {
  vnetId: string;
  add?: string[];
  remove?: string[];
  addressSpace?: string[];
  source?: string;
  /** The VNet's whole subnet list after the change, when the plan states it. */
  subnets?: PlannedSubnet[];
  /** Single subnets the plan creates, resizes (prefixes) or deletes (null). */
  subnetChanges?: Array<{ name: string; addressPrefixes: string[] | null }>;
}

export interface ChangeSummary {
  vnetId: string;
  vnetName: string;
  subscriptionId: string;
  before: string[];
  after: string[];
  added: string[];
  removed: string[];
  source?: string;
}

/**
 * `vnetUpdate`: the VNet PUT itself is refused. `sync`: the PUT is accepted but the sync it needs is
 * refused afterwards (an asynchronous operation failure), leaving the peering stale.
 */
export type RefusalStage = "vnetUpdate" | "sync";

export interface Refusal {
  stage: RefusalStage;
  /** Azure's error code (docs/azure-behaviour.md#address-space-updates). */
  code: string;
  /** The VNet whose change is refused. */
  vnetId: string;
  message: string;
  prefixes?: string[];
  /** The VNet it collides with, when there is one. */
  otherVnetId?: string;
  /** For a refused sync: the peering whose sync fails. */
  peeringId?: string;
  /** For a refused removal: the subnet that still uses the prefix. */
  subnet?: string;
}

/** Why a sync is left to a human. */
export type ManualReason =
  "OptedOut" | "OutsideWatchedScope" | "Unreadable" | "ManagedByVirtualNetworkManager" | "ReportOnly";

export interface FollowUpSync {
  /**
   * The peering to sync (PUT with syncRemoteAddressSpace=true). Absent when its VNet could not be
   * read: then only the VNet is known.
   */
  peeringId?: string;
  peeringName?: string;
  /** The VNet the peering lives on. */
  vnetId: string;
  vnetName: string;
  subscriptionId: string;
  /** The resized VNet whose new space the sync pulls in. */
  remoteVnetId: string;
  /**
   * `remote`: the peering lives on the other VNet and points at the resized one (the side Azure
   * marks LocalNotInSync); `local`: it lives on a resized VNet and points at another resized one.
   */
  side: "remote" | "local";
  by: "product" | "human";
  manualReason?: ManualReason;
  /** One sentence: what to run, or why the product does not. */
  note: string;
}

export type WarningCode =
  | "OverlapThroughTransit"
  | "GatewayAdvertisesNewPrefixes"
  | "SubnetPeeringUnchanged"
  | "PeerUnreadable"
  | "RouteTableMissesNewPrefix";

export interface Warning {
  code: WarningCode;
  vnetId: string;
  message: string;
  otherVnetId?: string;
  prefixes?: string[];
  /** The route table concerned, when there is one. */
  routeTableId?: string;
}

export interface Estimate {
  /** Sync PUTs the product itself will make. */
  productWrites: number;
  /** Writes per subscription (what ARM's per-subscription write bucket sees). */
  writesPerSubscription: Record<string, number>;
  /**
   * The lower bound ARM's limits allow for the product's writes, in seconds
   * (docs/azure-behaviour.md#throttling): the bench's model, see `writeLowerBoundSeconds`.
   */
  lowerBoundSeconds: number;
}

export type Verdict = "refused" | "followUp" | "nothing";

/** A part of a plan file the what-if did not check, and why. */
export interface NotChecked {
  source: string;
  reason: string;
}

export interface WhatIfAnswer {
  verdict: Verdict;
  changes: ChangeSummary[];
  refused: Refusal[];
  followUp: FollowUpSync[];
  warnings: Warning[];
  estimate: Estimate;
  /** Plan-file entries that were not checked (a replaced VNet, a space known only after apply). */
  notChecked: NotChecked[];
}

export type { RouteTable } from "../reconcile/types.js";
