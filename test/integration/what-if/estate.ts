import { NetworkManagementClient } from "@azure/arm-network";
import { startEmulator, type Emulator, type Topology } from "../../../emulator/index.js";
import { emulatorPort } from "../../../src/cli/emulator-target.js";
import { runCli, type Target } from "../../../src/cli/main.js";
import type { WhatIfAnswer } from "../../../src/what-if/index.js";
import { FAST_LRO, staticCredential } from "../../support/emulator.js";

/**
 * A hub-and-spoke with every case the what-if reports: a hub with a gateway offering transit, a spoke
 * using it, a second hub behind the first with a VNet of its own, an opted-out spoke, a subnet-level
 * peering, a peer in an unwatched subscription and one in a subscription that answers 403.
 */
export const SUB = "44444444-4444-4444-8444-444444444444";
export const UNWATCHED = "55555555-5555-4555-8555-555555555555";
export const HIDDEN = "66666666-6666-4666-8666-666666666666";
export const RG = "rg-net";
export const vnetId = (name: string, sub = SUB) =>
  `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/${name}`;
export const peeringId = (vnet: string, name: string, sub = SUB) =>
  `${vnetId(vnet, sub)}/virtualNetworkPeerings/${name}`;
export const HUB = vnetId("hub");

export const estateTopology: Topology = {
  subscriptions: [
    {
      id: SUB,
      resourceGroups: [
        {
          name: RG,
          vnets: [
            {
              name: "hub",
              addressPrefixes: ["10.0.0.0/16"],
              subnets: [
                { name: "GatewaySubnet", addressPrefixes: ["10.0.255.0/27"] },
                { name: "shared", addressPrefixes: ["10.0.1.0/24"] },
              ],
              gateway: "hub-gw",
            },
            {
              name: "spoke1",
              addressPrefixes: ["10.1.0.0/16"],
              subnets: [{ name: "workload", addressPrefixes: ["10.1.1.0/24"] }],
            },
            { name: "spoke2", addressPrefixes: ["10.2.0.0/16"] },
            {
              name: "spoke-subnets",
              addressPrefixes: ["10.8.0.0/16"],
              subnets: [{ name: "app", addressPrefixes: ["10.8.1.0/24"] }],
            },
            { name: "sandbox", addressPrefixes: ["10.9.0.0/16"], tags: { "peering-sync": "off" } },
            { name: "hub2", addressPrefixes: ["10.50.0.0/16"] },
            { name: "far", addressPrefixes: ["10.60.0.0/16"] },
          ],
          // The hub's gateway sends spoke traffic through a firewall at 10.0.3.4; spoke1 reaches
          // spoke2 (and the range next to it) through the same firewall.
          routeTables: [
            {
              name: "rt-gateway",
              subnets: ["hub/GatewaySubnet"],
              routes: [
                {
                  name: "to-spoke1",
                  addressPrefix: "10.1.0.0/16",
                  nextHopType: "VirtualAppliance",
                  nextHopIpAddress: "10.0.3.4",
                },
                {
                  name: "to-spoke2",
                  addressPrefix: "10.2.0.0/16",
                  nextHopType: "VirtualAppliance",
                  nextHopIpAddress: "10.0.3.4",
                },
              ],
            },
            {
              name: "rt-spoke1",
              subnets: ["spoke1/workload"],
              routes: [
                {
                  name: "default",
                  addressPrefix: "0.0.0.0/0",
                  nextHopType: "VirtualAppliance",
                  nextHopIpAddress: "10.0.3.4",
                },
                {
                  name: "to-spoke2",
                  addressPrefix: "10.2.0.0/15",
                  nextHopType: "VirtualAppliance",
                  nextHopIpAddress: "10.0.3.4",
                },
              ],
            },
          ],
        },
      ],
    },
    {
      id: UNWATCHED,
      resourceGroups: [{ name: RG, vnets: [{ name: "ext", addressPrefixes: ["10.70.0.0/16"] }] }],
    },
    {
      id: HIDDEN,
      accessible: false,
      resourceGroups: [{ name: RG, vnets: [{ name: "partner", addressPrefixes: ["172.16.0.0/16"] }] }],
    },
  ],
  peerings: [
    {
      from: "hub",
      to: "spoke1",
      name: "hub-to-spoke1",
      settings: { allowGatewayTransit: true, allowForwardedTraffic: true },
      reverse: { name: "spoke1-to-hub", settings: { useRemoteGateways: true, allowForwardedTraffic: true } },
    },
    { from: "hub", to: "spoke2", name: "hub-to-spoke2", reverse: { name: "spoke2-to-hub" } },
    {
      from: "hub",
      to: "hub2",
      name: "hub-to-hub2",
      settings: { allowForwardedTraffic: true },
      reverse: { name: "hub2-to-hub", settings: { allowForwardedTraffic: true } },
    },
    {
      from: "hub2",
      to: "far",
      name: "hub2-to-far",
      settings: { allowForwardedTraffic: true },
      reverse: { name: "far-to-hub2", settings: { allowForwardedTraffic: true } },
    },
    { from: "hub", to: "sandbox", name: "hub-to-sandbox", reverse: { name: "sandbox-to-hub" } },
    {
      from: "spoke-subnets",
      to: "hub",
      name: "spoke-subnets-to-hub",
      settings: { peerCompleteVnets: false, localSubnetNames: ["app"], remoteSubnetNames: ["shared"] },
      reverse: { name: "hub-to-spoke-subnets" },
    },
    { from: "hub", to: vnetId("ext", UNWATCHED), name: "hub-to-ext", reverse: { name: "ext-to-hub" } },
    {
      from: "hub",
      to: vnetId("partner", HIDDEN),
      name: "hub-to-partner",
      reverse: { name: "partner-to-hub" },
    },
  ],
};

export interface Estate {
  emu: Emulator;
  target: Target;
  stop(): Promise<void>;
}

export async function startWhatIfEstate(topology: Topology = estateTopology): Promise<Estate> {
  const emu = await startEmulator({ throttle: false });
  await emu.loadTopology(topology);
  return {
    emu,
    target: { port: emulatorPort(emu), subscriptions: [SUB], close: async () => {} },
    stop: () => emu.stop(),
  };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in-process against the estate, watching SUB and HIDDEN (which answers 403); UNWATCHED is outside. */
export async function cli(args: string[], target: Target): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(
    [...args, "--subscription", SUB, "--subscription", HIDDEN],
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {} },
    async () => ({ ...target, close: async () => {} }),
  );
  return { code, stdout, stderr };
}

export async function whatIfJson(
  args: string[],
  target: Target,
): Promise<{ code: number; answer: WhatIfAnswer }> {
  const run = await cli(["what-if", ...args, "--output", "json"], target);
  if (!run.stdout) throw new Error(`what-if printed nothing: ${run.stderr}`);
  return { code: run.code, answer: JSON.parse(run.stdout) as WhatIfAnswer };
}

/**
 * Really make the change, as `az network vnet update` does: GET the VNet, change its address space,
 * PUT the whole body back through the SDK. Returns ARM's error code, or undefined when accepted.
 */
export async function applyAddressSpace(
  emu: Emulator,
  id: string,
  prefixes: string[],
  subnetPrefixes: Record<string, string> = {},
): Promise<string | undefined> {
  const m = /subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/.*virtualNetworks\/([^/]+)$/i.exec(id)!;
  const client = new NetworkManagementClient(staticCredential, m[1]!, {
    endpoint: emu.endpoint,
    tlsOptions: { ca: emu.caPem },
    retryOptions: { maxRetries: 0 },
  });
  const vnet = await client.virtualNetworks.get(m[2]!, m[3]!);
  vnet.addressSpace = { addressPrefixes: prefixes };
  for (const s of vnet.subnets ?? [])
    if (s.name && subnetPrefixes[s.name]) {
      s.addressPrefix = subnetPrefixes[s.name]!;
      delete s.addressPrefixes;
    }
  try {
    await client.virtualNetworks.beginCreateOrUpdateAndWait(m[2]!, m[3]!, vnet, FAST_LRO);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** `az network vnet peering sync`: GET the peering, PUT it back with syncRemoteAddressSpace=true. */
export async function syncByHand(emu: Emulator, id: string): Promise<string | undefined> {
  const m =
    /subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/.*virtualNetworks\/([^/]+)\/virtualNetworkPeerings\/([^/]+)$/i.exec(
      id,
    )!;
  const client = new NetworkManagementClient(staticCredential, m[1]!, {
    endpoint: emu.endpoint,
    tlsOptions: { ca: emu.caPem },
    retryOptions: { maxRetries: 0 },
  });
  const peering = await client.virtualNetworkPeerings.get(m[2]!, m[3]!, m[4]!);
  try {
    await client.virtualNetworkPeerings.beginCreateOrUpdateAndWait(m[2]!, m[3]!, m[4]!, peering, {
      ...FAST_LRO,
      syncRemoteAddressSpace: "true",
    });
    return undefined;
  } catch (err) {
    // An operation that fails asynchronously reaches the SDK's poller as "...has failed. <code>. <message>".
    const e = err as { code?: string; message?: string };
    return e.code ?? /has failed\. (\w+)\./.exec(e.message ?? "")?.[1] ?? String(err);
  }
}
