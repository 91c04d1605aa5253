import { createHash } from "node:crypto";
import type { TableEntityResult } from "@azure/data-tables";
import { RestError, TableClient } from "@azure/data-tables";
import type { TokenCredential } from "@azure/core-auth";
import type { AlertLocation, AlertStateStore, OpenProblem, Severity } from "../../alerts/index.js";

/**
 * Open alert problems in Azure Table Storage (one row per problem), so dedupe survives restarts and is
 * shared by every Functions instance. Row keys are a hash of the problem key: Table keys may not contain
 * '/', '\\', '#', '?' and resource ids are full of '/'.
 */

const PARTITION = "open";

interface ProblemEntity {
  partitionKey: string;
  rowKey: string;
  problemKey: string;
  code: string;
  category: string;
  severity: string;
  title: string;
  /** AlertLocation as JSON: one column, so adding a field to it needs no schema change. */
  whereJson: string;
  firstAlertedAt: string;
  lastAlertedAt: string;
}

export function rowKeyOf(problemKey: string): string {
  return createHash("sha256").update(problemKey).digest("hex");
}

export class TableAlertStateStore implements AlertStateStore {
  private ready: Promise<void> | undefined;

  constructor(private readonly table: TableClient) {}

  /** Local runs and tests (Azurite): a connection string. Over http Azurite needs allowInsecureConnection. */
  static fromConnectionString(connectionString: string, tableName = "alertstate"): TableAlertStateStore {
    const insecure = /DefaultEndpointsProtocol=http;|TableEndpoint=http:|UseDevelopmentStorage=true/i.test(
      connectionString,
    );
    return new TableAlertStateStore(
      TableClient.fromConnectionString(
        connectionString,
        tableName,
        insecure ? { allowInsecureConnection: true } : {},
      ),
    );
  }

  /** In Azure: the storage account's table service URI as the account reports it (the app setting
   * AzureWebJobsStorage__tableServiceUri, right in every cloud) and the Function app's managed identity
   * (needs "Storage Table Data Contributor" on the account). */
  static fromServiceUri(
    tableServiceUri: string,
    credential: TokenCredential,
    tableName = "alertstate",
  ): TableAlertStateStore {
    return new TableAlertStateStore(new TableClient(tableServiceUri, tableName, credential));
  }

  private ensureTable(): Promise<void> {
    // createTable is a no-op when the table exists (the SDK swallows 409 TableAlreadyExists).
    this.ready ??= this.table.createTable().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  async listOpen(): Promise<OpenProblem[]> {
    await this.ensureTable();
    const out: OpenProblem[] = [];
    const entities = this.table.listEntities<ProblemEntity>({
      queryOptions: { filter: `PartitionKey eq '${PARTITION}'` },
    });
    for await (const entity of entities) out.push(fromEntity(entity));
    return out;
  }

  async put(problem: OpenProblem): Promise<void> {
    await this.ensureTable();
    const entity: ProblemEntity = {
      partitionKey: PARTITION,
      rowKey: rowKeyOf(problem.key),
      problemKey: problem.key,
      code: problem.code,
      category: problem.category,
      severity: problem.severity,
      title: problem.title,
      whereJson: JSON.stringify(problem.where),
      firstAlertedAt: problem.firstAlertedAt,
      lastAlertedAt: problem.lastAlertedAt,
    };
    await this.table.upsertEntity(entity, "Replace");
  }

  async remove(key: string): Promise<void> {
    await this.ensureTable();
    try {
      await this.table.deleteEntity(PARTITION, rowKeyOf(key));
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return;
      throw err;
    }
  }
}

function fromEntity(entity: TableEntityResult<ProblemEntity>): OpenProblem {
  return {
    key: entity.problemKey,
    code: entity.code,
    category: entity.category === "failed" ? "failed" : "needsAttention",
    severity: entity.severity as Severity,
    title: entity.title,
    where: JSON.parse(entity.whereJson) as AlertLocation,
    firstAlertedAt: entity.firstAlertedAt,
    lastAlertedAt: entity.lastAlertedAt,
  };
}
