import { MemoryAudit, MemoryDedupe, MemoryPeerIndex } from "../../support/memory-ports.js";
import { auditContract } from "./audit-contract.js";
import { dedupeContract } from "./dedupe-contract.js";
import { peerIndexContract } from "./peer-index-contract.js";

// The twins the reliability suite runs on; test/integration/app/table-ports.test.ts runs the same
// contracts on the Table Storage adapters.
peerIndexContract("in-memory", async () => new MemoryPeerIndex());
dedupeContract("in-memory", async () => new MemoryDedupe());
auditContract("in-memory", async () => new MemoryAudit());
