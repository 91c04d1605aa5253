import { randomUUID } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PeerLinks } from "../../../src/app/vnet-index.js";
import { TablePeerIndex } from "../../../src/azure/storage/peer-index-table.js";
import { startAzurite, type Azurite } from "../../support/azurite.js";

/**
 * A sweep rebuilds the peer index from every VNet it read, each sweep. At a tenant's size that must
 * not mean rewriting every row, nor a query per VNet: the Table Storage adapter scans the index once
 * and writes only what changed. Counted here on Azurite, request by request.
 */
let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

const SUB = "00000000-0000-4000-8000-0000000000e1";
const vnetId = (i: number) =>
  `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v${i}`;

/** 60 VNets peered in pairs. */
function estate(): PeerLinks[] {
  return Array.from({ length: 60 }, (_, i) => ({
    id: vnetId(i),
    peerings: [{ remoteVnetId: vnetId(i % 2 === 0 ? i + 1 : i - 1) }],
  }));
}

describe("the peer index rebuilt by a sweep", () => {
  it("writes nothing when nothing changed, and only the changed VNet's rows when one did", async () => {
    const methods: string[] = [];
    const client = TableClient.fromConnectionString(
      azurite.connectionString,
      `peers${randomUUID().replace(/-/g, "").slice(0, 16)}`,
      { allowInsecureConnection: true },
    );
    client.pipeline.addPolicy({
      name: "countRequests",
      sendRequest: (request, next) => {
        methods.push(request.method);
        return next(request);
      },
    });
    const index = new TablePeerIndex(client);
    const writes = () => methods.filter((m) => m !== "GET").length;

    await index.rebuild(estate(), [SUB]);
    const first = writes();
    // 60 VNets x (one `to-` row upsert + one `from-` transaction), plus creating the table.
    expect(first).toBeGreaterThanOrEqual(120);

    methods.length = 0;
    await index.rebuild(estate(), [SUB]);
    expect(writes(), "an unchanged estate writes no row").toBe(0);
    // And reads the index in one scan (one page here), not one query per VNet.
    expect(methods.filter((m) => m === "GET").length).toBe(1);

    methods.length = 0;
    const changed = estate();
    changed[0] = { id: vnetId(0), peerings: [{ remoteVnetId: vnetId(1) }, { remoteVnetId: vnetId(2) }] };
    expect(await index.rebuild(changed, [SUB])).toEqual({ removed: 0 });
    // One new peering: its `to-` row and one `from-` transaction.
    expect(writes()).toBe(2);
    expect((await index.peersOf(vnetId(2))).sort()).toEqual([vnetId(0), vnetId(3)].sort());
  });
});
