/**
 * The body of a missing reciprocal peering, mirrored from the half that exists, and the gateway rules
 * Azure enforces on the pair (docs/azure-behaviour.md#peering-model, #errors and #subnet-peering).
 */
import { isSubnetPeering } from "./spaces.js";
import type { Peering, PeeringBody, Vnet } from "./types.js";

export interface GatewayDecision {
  /** For the new peering: the existing side uses the new side's gateway. */
  allowGatewayTransit: boolean;
  /** For the new peering: only when asked for and every rule allows it. */
  useRemoteGateways: boolean;
  /** Rules the pair would break: the reciprocal must not be created; a human must act. */
  violations: string[];
  /** Why useRemoteGateways stays off although the existing side offers transit (for the reason). */
  notes: string[];
}

export interface GatewayContext {
  /** The existing half and the VNet it lives on. */
  existing: Peering;
  existingVnet: Vnet;
  /** The VNet the reciprocal will live on. */
  newVnet: Vnet;
  useRemoteGatewaysOnReciprocal: boolean;
}

/**
 * Gateway flags for the reciprocal and the rules they must satisfy:
 * - existing useRemoteGateways=true: the new side must offer transit (allowGatewayTransit=true), so the
 *   new side's VNet needs a gateway (else Azure answers RemoteVnetHasNoGateways for the existing half)
 *   and the existing side's VNet must not have one of its own ("this flag cannot be set if virtual
 *   network already has a gateway"). Both are reported as violations instead of writing.
 * - existing allowGatewayTransit=true: the new side may use that gateway (useRemoteGateways=true) only
 *   if the policy asks for it, the existing side's VNet has a gateway, the new side's VNet has none,
 *   and no other peering on the new side's VNet already uses remote gateways ("only one peering can
 *   have this flag set to true"). Otherwise it stays false; that is a note, not a violation.
 */
export function decideGateways(ctx: GatewayContext): GatewayDecision {
  const { existing, existingVnet, newVnet } = ctx;
  const violations: string[] = [];
  const notes: string[] = [];

  const allowGatewayTransit = existing.settings.useRemoteGateways;
  if (allowGatewayTransit) {
    if (!newVnet.hasGateway) {
      violations.push(
        `${existing.name} on ${existingVnet.name} uses remote gateways, but ${newVnet.name} has no gateway to offer: ` +
          `Azure refuses the pair (RemoteVnetHasNoGateways)`,
      );
    }
    if (existingVnet.hasGateway) {
      violations.push(
        `${existing.name} on ${existingVnet.name} uses remote gateways, but ${existingVnet.name} has a gateway of its own: ` +
          `Azure does not allow useRemoteGateways on a VNet with a gateway`,
      );
    }
  }

  let useRemoteGateways = false;
  if (existing.settings.allowGatewayTransit) {
    const otherUser = newVnet.peerings.find((p) => p.settings.useRemoteGateways);
    if (!ctx.useRemoteGatewaysOnReciprocal) {
      notes.push(
        `useRemoteGatewaysOnReciprocal is off, so ${newVnet.name} will not use ${existingVnet.name}'s gateway`,
      );
    } else if (!existingVnet.hasGateway) {
      notes.push(
        `${existingVnet.name} offers gateway transit but has no gateway, so useRemoteGateways stays off`,
      );
    } else if (newVnet.hasGateway) {
      notes.push(`${newVnet.name} has its own gateway, so useRemoteGateways stays off`);
    } else if (otherUser) {
      notes.push(
        `${newVnet.name} already uses remote gateways through ${otherUser.name} (only one peering may), ` +
          `so useRemoteGateways stays off`,
      );
    } else {
      useRemoteGateways = true;
    }
  }

  return { allowGatewayTransit, useRemoteGateways, violations, notes };
}

/**
 * The reciprocal's PUT body: same access and forwarding flags, gateway flags from `gateways`,
 * subnet lists swapped, IPv6-only kept. doNotVerifyRemoteGateways is false and the BGP community is
 * not copied (it belongs to the other VNet).
 */
export function mirrorBody(
  existing: Peering,
  gateways: Pick<GatewayDecision, "allowGatewayTransit" | "useRemoteGateways">,
): PeeringBody {
  const s = existing.settings;
  const body: PeeringBody = {
    remoteVnetId: existing.vnetId,
    settings: {
      allowVirtualNetworkAccess: s.allowVirtualNetworkAccess,
      allowForwardedTraffic: s.allowForwardedTraffic,
      allowGatewayTransit: gateways.allowGatewayTransit,
      useRemoteGateways: gateways.useRemoteGateways,
      doNotVerifyRemoteGateways: false,
      peerCompleteVnets: s.peerCompleteVnets,
      enableOnlyIPv6Peering: s.enableOnlyIPv6Peering,
      localSubnetNames: s.peerCompleteVnets ? [] : [...s.remoteSubnetNames],
      remoteSubnetNames: s.peerCompleteVnets ? [] : [...s.localSubnetNames],
    },
  };
  // Address-space-scoped peering (peerCompleteVnets=false, no subnet names): the prefixes are inputs
  // of the PUT (docs/azure-behaviour.md#subnet-peering), so they are mirrored too.
  if (!s.peerCompleteVnets && !isSubnetPeering(s)) {
    body.localAddressSpace = [...existing.remoteAddressSpace];
    body.remoteAddressSpace = [...existing.localAddressSpace];
  }
  return body;
}
