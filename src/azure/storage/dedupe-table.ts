import type { TableClient } from "@azure/data-tables";
import type { DedupeMarkers } from "../../app/ports.js";
import { isStatus, keyOf, lazyTable } from "./functions-storage.js";

const PARTITION = "queued";

interface MarkerEntity {
  partitionKey: string;
  rowKey: string;
  vnetId: string;
  claimedAtMs: number;
}

/**
 * Dedupe markers in Table Storage, so every instance sees them: a conditional insert claims a free
 * VNet, an update conditioned on the etag takes over an expired marker. Two instances racing for the
 * same VNet: exactly one insert (or one etag update) wins.
 */
export class TableDedupeMarkers implements DedupeMarkers {
  private readonly table: () => Promise<TableClient>;

  constructor(client: TableClient) {
    this.table = lazyTable(client);
  }

  async claim(vnetId: string, now: Date, windowSeconds: number): Promise<boolean> {
    const table = await this.table();
    const entity: MarkerEntity = {
      partitionKey: PARTITION,
      rowKey: keyOf(vnetId),
      vnetId,
      claimedAtMs: now.getTime(),
    };
    try {
      await table.createEntity(entity);
      return true;
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
    }
    let current;
    try {
      current = await table.getEntity<MarkerEntity>(PARTITION, entity.rowKey);
    } catch (err) {
      // Released between our insert and this read: the reconcile started; whoever inserts next wins.
      if (isStatus(err, 404)) return this.insertOnly(table, entity);
      throw err;
    }
    if (now.getTime() - Number(current.claimedAtMs) < windowSeconds * 1000) return false;
    try {
      await table.updateEntity(entity, "Replace", { etag: current.etag });
      return true;
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 404)) return false;
      throw err;
    }
  }

  private async insertOnly(table: TableClient, entity: MarkerEntity): Promise<boolean> {
    try {
      await table.createEntity(entity);
      return true;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }

  async release(vnetId: string): Promise<void> {
    const table = await this.table();
    try {
      await table.deleteEntity(PARTITION, keyOf(vnetId));
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
  }
}
