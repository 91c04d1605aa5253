import { randomUUID } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TableAlertStateStore, rowKeyOf } from "../../../src/azure/storage/alert-state-table.js";
import type { Azurite } from "../../support/azurite.js";
import { startAzurite } from "../../support/azurite.js";
import { alertStateContract } from "../../unit/alerts/alert-state-contract.js";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

// A fresh table per test: the contract expects an empty store.
const freshTable = () => `alerts${randomUUID().replace(/-/g, "").slice(0, 16)}`;

alertStateContract("Azure Table Storage (Azurite)", async () =>
  TableAlertStateStore.fromConnectionString(azurite.connectionString, freshTable()),
);

describe("TableAlertStateStore", () => {
  it("keeps problems across instances (a restart, another Functions instance)", async () => {
    const table = freshTable();
    const first = TableAlertStateStore.fromConnectionString(azurite.connectionString, table);
    const key =
      "PeerInaccessible|/subscriptions/x/resourcegroups/rg/providers/microsoft.network/virtualnetworks/a/virtualnetworkpeerings/a-to-b";
    await first.put({
      key,
      code: "PeerInaccessible",
      category: "needsAttention",
      severity: "warning",
      title: "t",
      where: { vnetId: "/v", vnetName: "a", targetId: "/v/p" },
      firstAlertedAt: "2026-01-10T10:00:00.000Z",
      lastAlertedAt: "2026-01-10T10:00:00.000Z",
    });
    const second = TableAlertStateStore.fromConnectionString(azurite.connectionString, table);
    expect((await second.listOpen()).map((p) => p.key)).toEqual([key]);
    // Row keys are hashes: resource ids contain '/', which Table keys forbid.
    const raw = TableClient.fromConnectionString(azurite.connectionString, table, {
      allowInsecureConnection: true,
    });
    const rows = [];
    for await (const e of raw.listEntities()) rows.push(e);
    expect(rows.map((r) => r.rowKey)).toEqual([rowKeyOf(key)]);
  });
});
