import type { Emulator } from "../../emulator/index.js";

/** Id of a VNet in resource group "rg" of `subscriptionId`. */
export const vnetIn = (subscriptionId: string) => (name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${name}`;

/**
 * A hub (10.0.0.0/16) peered with spokes s1..sN (10.1.i.0/24) in one subscription, Connected and in
 * sync; with `resized`, the hub then gains 10.200.0.0/16, so every spoke's peering to it must sync.
 */
export function seedHubWithSpokes(
  emu: Emulator,
  subscriptionId: string,
  spokes: number,
  options: { resized?: boolean } = {},
): void {
  const vnetId = vnetIn(subscriptionId);
  emu.seed.vnet({ subscriptionId, resourceGroup: "rg", name: "hub", addressPrefixes: ["10.0.0.0/16"] });
  for (let i = 1; i <= spokes; i++) {
    emu.seed.vnet({
      subscriptionId,
      resourceGroup: "rg",
      name: `s${i}`,
      addressPrefixes: [`10.1.${i}.0/24`],
    });
    emu.seed.connect(vnetId("hub"), vnetId(`s${i}`));
  }
  if (options.resized) emu.seed.setAddressSpace(vnetId("hub"), ["10.0.0.0/16", "10.200.0.0/16"]);
}
