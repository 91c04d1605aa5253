// The problem table of the vocabulary (src/reconcile/vocabulary.ts), apart so that the domain's types
// can derive ProblemCode from it without an import cycle.

/**
 * The permission wording for PeerInaccessible (docs/azure-behaviour.md#permissions: peering A to B
 * needs virtualNetworkPeerings/write on A and virtualNetworks/peer/action on B; Network Contributor
 * has both).
 */
export const PEER_PERMISSION_HINT =
  "Grant the app's identity `Microsoft.Network/virtualNetworks/read` and `Microsoft.Network/virtualNetworks/peer/action` on the remote VNet (and `Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write` on the local one); Network Contributor covers all of them.";

/**
 * Every problem a human must act on: its stable code (alerts, dedupe and the status page key on it),
 * its name as it reads inside a sentence (`capitalised` for a title), and the remedy used when the
 * planner gave none. Adding a code here is the whole edit: ProblemCode is derived from this table,
 * and every consumer that keys on it is a `Record<ProblemCode, ...>` the compiler checks.
 */
export const PROBLEMS = {
  AddressSpaceOverlap: {
    name: "address space overlap",
    remedy: "Change one VNet's address space so the prefixes no longer overlap, then the peering can sync.",
  },
  GatewayRuleViolation: {
    name: "gateway rule violation",
    remedy:
      "Fix the gateway flags by hand: only one peering per VNet may use remote gateways, and not when the VNet has its own gateway.",
  },
  PeerInaccessible: { name: "peer not readable", remedy: PEER_PERMISSION_HINT },
  PeerOutOfScope: {
    name: "peer outside the watched scope",
    remedy:
      "Add the peer's subscription to WATCHED_SUBSCRIPTIONS (and SYNC_SCOPE) or manage that side of the peering by hand.",
  },
  PeerVnetMissing: {
    name: "peer VNet missing",
    remedy: "Delete the peering that points at the deleted VNet, or recreate the VNet.",
  },
  // "Disconnected" is the peering state's name in Azure, so it keeps its capital inside a sentence.
  Disconnected: {
    name: "Disconnected peering",
    remedy:
      "Recreate the missing half of the peering, or delete this one; set REPAIR_DISCONNECTED=true to let the product do it.",
  },
  ProvisioningFailed: {
    name: "provisioning failed",
    remedy: "Look at the peering in the portal and re-save it or delete and recreate it.",
  },
  Busy: {
    name: "resource busy",
    remedy:
      "Nothing yet: another operation holds the resource. If this persists, look for a stuck deployment.",
  },
  /** A subnet named by a subnet-level peering does not exist on its VNet (reciprocal not created). */
  SubnetMissing: {
    name: "peered subnet missing",
    remedy:
      "Fix the subnet lists of the subnet-level peering (or re-create the subnets); the product then creates the peering back.",
  },
  /** A write across Entra tenants that Azure would refuse: tenant not allowed or consented, or role missing (docs/cross-tenant.md). */
  CrossTenantAccess: {
    name: "cross-tenant access missing",
    remedy:
      "Have the other tenant's admin consent to the cross-tenant application and grant it Network Contributor on the VNet (docs/cross-tenant.md).",
  },
} as const satisfies Record<string, { name: string; remedy: string }>;

/** Problems a human must act on; stable codes (alerts, dedupe and the status page key on them). */
export type ProblemCode = keyof typeof PROBLEMS;

export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];
