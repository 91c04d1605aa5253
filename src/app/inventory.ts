import pLimit from "p-limit";
import { ArmError } from "../reconcile/errors.js";
import type { NetworkPort } from "../reconcile/port.js";
import type { InventoryPage, InventoryScan, InventorySource, VnetInventory } from "./ports.js";

/** SWEEP_INVENTORY: where the sweep lists VNets from. */
export type InventoryChoice = "auto" | InventorySource;

/**
 * `auto` asks Resource Graph from this many watched subscriptions on. Below it ARM lists cost one
 * request per subscription from that subscription's own read budget (docs/azure-behaviour.md#throttling),
 * give the truth rather than an index that lags, and the full VNets for the status page; above it
 * one Resource Graph query answers for up to 1,000 subscriptions.
 */
export const AUTO_RESOURCE_GRAPH_FROM = 50;

export function chooseInventory(choice: InventoryChoice, watchedSubscriptions: number): InventorySource {
  if (choice !== "auto") return choice;
  return watchedSubscriptions >= AUTO_RESOURCE_GRAPH_FROM ? "resource-graph" : "arm-lists";
}

/**
 * Subscriptions listed at once. Each list in flight holds its answer's full VNets until it is indexed:
 * 500 at once (MAX_PARALLEL_VNETS) took a 100,000-VNet tenant's sweep to 590 MB, past the 512 MB
 * target (bench/README.md, tenant). Each subscription has its own read budget, so fewer at once
 * costs only latency, and the sweep has its whole schedule period.
 */
export const MAX_LISTS_AT_ONCE = 50;

/**
 * The VNets of each subscription from one ARM list of it (today's sweep): the truth, full VNets, one
 * subscription's list held at a time per parallel slot.
 */
export class ArmListsInventory implements VnetInventory {
  readonly source = "arm-lists" as const;

  constructor(
    private readonly port: Pick<NetworkPort, "listVnets">,
    private readonly maxParallel: number,
  ) {}

  async scan(
    subscriptions: readonly string[],
    onPage: (page: InventoryPage) => void | Promise<void>,
  ): Promise<InventoryScan> {
    const limit = pLimit(Math.max(1, Math.min(this.maxParallel, MAX_LISTS_AT_ONCE)));
    const scan: InventoryScan = { covered: [], inaccessible: [], failed: [], requests: 0 };
    await Promise.all(
      subscriptions.map((subscriptionId) =>
        limit(async () => {
          try {
            const vnets = await this.port.listVnets(subscriptionId);
            scan.requests++;
            await onPage({ vnets, full: vnets });
            scan.covered.push(subscriptionId);
          } catch (err) {
            scan.requests++;
            if (err instanceof ArmError && (err.status === 403 || err.status === 401)) {
              scan.inaccessible.push(subscriptionId);
            } else {
              const code = err instanceof ArmError ? err.code : err instanceof Error ? err.name : "Error";
              const message = err instanceof Error ? err.message : String(err);
              scan.failed.push({ subscriptionId, code, message });
            }
          }
        }),
      ),
    );
    return scan;
  }
}
