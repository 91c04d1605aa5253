import { randomUUID } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll } from "vitest";
import { TableAuditStore } from "../../../src/azure/storage/audit-table.js";
import { TableDedupeMarkers } from "../../../src/azure/storage/dedupe-table.js";
import { TablePeerIndex } from "../../../src/azure/storage/peer-index-table.js";
import type { Azurite } from "../../support/azurite.js";
import { startAzurite } from "../../support/azurite.js";
import { auditContract } from "../../unit/app/audit-contract.js";
import { dedupeContract } from "../../unit/app/dedupe-contract.js";
import { peerIndexContract } from "../../unit/app/peer-index-contract.js";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

// A fresh table per test: each contract case expects an empty store.
const freshTable = (prefix: string) =>
  TableClient.fromConnectionString(
    azurite.connectionString,
    `${prefix}${randomUUID().replace(/-/g, "").slice(0, 16)}`,
    { allowInsecureConnection: true },
  );

peerIndexContract("Azure Table Storage (Azurite)", async () => new TablePeerIndex(freshTable("peers")));
dedupeContract("Azure Table Storage (Azurite)", async () => new TableDedupeMarkers(freshTable("dedupe")));
auditContract("Azure Table Storage (Azurite)", async () => new TableAuditStore(freshTable("audit")));
