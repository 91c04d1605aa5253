import { startEmulator, type Emulator, type LoadedTopology, type Topology } from "../../../emulator/index.js";
import { emulatorPort } from "../../../src/cli/emulator-target.js";
import { runCli, type Target } from "../../../src/cli/main.js";
import type { JsonAction, JsonDocument } from "../../../src/cli/render.js";

/**
 * The CLI run in-process against an emulator the test owns, so it can seed states, inject faults and
 * read the request counters (`openEmulatorTarget` keeps its emulator to itself). The port is the one
 * `--emulator` builds: the real @azure/arm-network SDK over HTTPS.
 */

export const SUB = "33333333-3333-4333-8333-333333333333";
export const RG = "rg-net";
export const vnetId = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/${name}`;
export const peeringId = (vnet: string, name: string) => `${vnetId(vnet)}/virtualNetworkPeerings/${name}`;

export interface CliEstate {
  emu: Emulator;
  loaded: LoadedTopology;
  target: Target;
  stop(): Promise<void>;
}

export async function startEstate(topology: Topology): Promise<CliEstate> {
  const emu = await startEmulator({ throttle: false });
  const loaded = await emu.loadTopology(topology);
  return {
    emu,
    loaded,
    target: { port: emulatorPort(emu), subscriptions: [SUB], close: async () => {} },
    stop: () => emu.stop(),
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], target: Target, env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(
    args,
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env },
    async () => ({ ...target, close: async () => {} }),
  );
  return { code, stdout, stderr };
}

export function json(run: CliRun): JsonDocument {
  return JSON.parse(run.stdout) as JsonDocument;
}

export const WRITE_KINDS: ReadonlySet<JsonAction["kind"]> = new Set([
  "sync",
  "createReciprocal",
  "resetDisconnected",
]);

/** Write calls the emulator answered (any outcome). */
export function writes(emu: Emulator): number {
  return emu.count({ method: "PUT" }) + emu.count({ method: "DELETE" }) + emu.count({ method: "PATCH" });
}

/** peeringState / peeringSyncLevel of a peering as ARM shows it now. */
export function stateOf(emu: Emulator, id: string): { state: unknown; sync: unknown } | undefined {
  const p = emu.seed.getPeering(id);
  if (!p) return undefined;
  const props = p.properties as Record<string, unknown>;
  return { state: props.peeringState, sync: props.peeringSyncLevel };
}

/** A VNet spec for a topology's resource group. */
export const net = (name: string, prefix: string, tags?: Record<string, string>) => ({
  name,
  addressPrefixes: [prefix],
  ...(tags ? { tags } : {}),
});

/** One subscription, one resource group: enough for every CLI case. */
export function topology(
  vnets: ReturnType<typeof net>[],
  peerings: NonNullable<Topology["peerings"]> = [],
  steps: NonNullable<Topology["steps"]> = [],
): Topology {
  return {
    subscriptions: [{ id: SUB, resourceGroups: [{ name: RG, vnets }] }],
    peerings,
    steps,
  };
}
