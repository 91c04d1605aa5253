import { NetworkManagementClient } from "@azure/arm-network";
import type { Emulator } from "../../emulator/index.js";
import { emulatorCredential } from "../../src/azure/credentials.js";
import { SDK_POLL_SECONDS, callCounts, startArmLike } from "./arm-like.js";
import { measure, round } from "./measure.js";
import type { ScenarioResult } from "./report.js";

/**
 * Today's way, as a PowerShell runbook does it (Get-AzVirtualNetwork | Get-AzVirtualNetworkPeering |
 * where PeeringSyncLevel -ne FullyInSync | Sync-AzVirtualNetworkPeering): with the raw SDK client,
 * walk every VNet of every subscription, GET every peering, and sync each one that needs it (GET, then
 * PUT with syncRemoteAddressSpace, waiting for the operation), one at a time.
 */
export interface RunbookResult {
  vnets: number;
  peeringsRead: number;
  synced: number;
  failures: number;
}

export async function runbook(emu: Emulator, subscriptions: string[]): Promise<RunbookResult> {
  const pollMs = Math.max(1, Math.round(SDK_POLL_SECONDS * 1000 * emu.options.timeScale));
  const result: RunbookResult = { vnets: 0, peeringsRead: 0, synced: 0, failures: 0 };
  for (const subscriptionId of subscriptions) {
    const client = new NetworkManagementClient(emulatorCredential, subscriptionId, {
      endpoint: emu.endpoint,
      credentialScopes: ["https://management.azure.com/.default"],
      tlsOptions: { ca: emu.caPem },
    });
    for await (const vnet of client.virtualNetworks.listAll()) {
      result.vnets++;
      const rg = vnet.id!.split("/")[4]!;
      for (const embedded of vnet.virtualNetworkPeerings ?? []) {
        const peering = await client.virtualNetworkPeerings.get(rg, vnet.name!, embedded.name!);
        result.peeringsRead++;
        if (!peering.peeringSyncLevel?.startsWith("Local")) continue;
        try {
          // Sync-AzVirtualNetworkPeering: GET the peering, PUT it back with the sync flag, wait.
          const current = await client.virtualNetworkPeerings.get(rg, vnet.name!, embedded.name!);
          await client.virtualNetworkPeerings.beginCreateOrUpdateAndWait(
            rg,
            vnet.name!,
            current.name!,
            current,
            {
              syncRemoteAddressSpace: "true",
              updateIntervalInMs: pollMs,
            },
          );
          result.synced++;
        } catch {
          result.failures++;
        }
      }
    }
  }
  return result;
}

/**
 * A scenario's baseline: the runbook over the estate `seed` lays out (its drift included) on an
 * emulator of its own at `timeScale`, in this process (it is the comparison, not the product). Sets
 * the result's baselineSeconds and speedupVsBaseline (against its emulatedSeconds, so after the
 * engine's run) and returns the baseline's rows of the table.
 */
export async function runBaseline(
  timeScale: number,
  seed: (emu: Emulator) => { subscriptions: string[] },
  result: ScenarioResult,
): Promise<[string, string | number | null][]> {
  const bemu = await startArmLike(timeScale);
  try {
    const estate = seed(bemu);
    bemu.resetCounters();
    const run = await measure(() => runbook(bemu, estate.subscriptions));
    const emulated = run.seconds / timeScale;
    const counts = callCounts(bemu);
    result.baselineSeconds = round(emulated, 1);
    result.speedupVsBaseline = round(emulated / result.emulatedSeconds!, 1);
    return [
      ["baseline (runbook): emulated s", round(emulated, 1)],
      ["baseline: wall-clock s", round(run.seconds)],
      ["baseline: reads / writes", `${counts.reads} / ${counts.writes}`],
      ["baseline: synced / failures", `${run.value.synced} / ${run.value.failures}`],
      ["speedup vs baseline", result.speedupVsBaseline],
    ];
  } finally {
    await bemu.stop();
  }
}
