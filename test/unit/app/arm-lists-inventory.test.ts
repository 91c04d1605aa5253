import { describe, expect, it } from "vitest";
import { ArmListsInventory, MAX_LISTS_AT_ONCE } from "../../../src/app/inventory.js";
import { ArmError } from "../../../src/reconcile/errors.js";
import type { Vnet } from "../../../src/reconcile/types.js";
import { vnet } from "../../support/builders.js";

/**
 * The ARM-lists inventory holds each list's full VNets until they are indexed: how many lists are in
 * flight at once bounds the sweep's memory (bench/README.md, tenant: 500 at once peaked at 590 MB).
 */
describe("ARM lists inventory", () => {
  it("lists at most MAX_LISTS_AT_ONCE subscriptions at once, whatever MAX_PARALLEL_VNETS says", async () => {
    let inFlight = 0;
    let most = 0;
    const port = {
      listVnets: async (subscriptionId: string): Promise<Vnet[]> => {
        inFlight++;
        most = Math.max(most, inFlight);
        // Let every other list that may start, start.
        for (let i = 0; i < 5; i++) await Promise.resolve();
        inFlight--;
        if (subscriptionId.endsWith("3")) throw new ArmError(403, "AuthorizationFailed", "no");
        if (subscriptionId.endsWith("7")) throw new ArmError(503, "ServiceUnavailable", "busy");
        return [vnet(`v-${subscriptionId.slice(-4)}`, { subscriptionId })];
      },
    };
    const subs = Array.from(
      { length: 120 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    );
    const pages: number[] = [];
    const scan = await new ArmListsInventory(port, 500).scan(
      subs,
      (page) => void pages.push(page.vnets.length),
    );
    expect(most).toBe(MAX_LISTS_AT_ONCE);
    expect(scan.covered.length + scan.inaccessible.length + scan.failed.length).toBe(120);
    expect(scan.inaccessible).toHaveLength(12);
    expect(scan.failed.map((f) => f.code)).toEqual(Array(12).fill("ServiceUnavailable"));
    expect(pages).toHaveLength(96);
  });
});
