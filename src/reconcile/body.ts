import type { Peering, PeeringBody } from "./types.js";

/**
 * The body that writes a peering back exactly as it is (sync, reset of a Disconnected peering).
 * A PUT replaces the whole peering, so everything the user set travels back unchanged (docs/azure-behaviour.md#sync-is-a-put).
 */
export function bodyOf(peering: Peering): PeeringBody {
  return {
    remoteVnetId: peering.remoteVnetId,
    settings: structuredClone(peering.settings),
    localAddressSpace: [...peering.localAddressSpace],
    remoteAddressSpace: [...peering.remoteAddressSpace],
  };
}
