import { createHash } from "node:crypto";
import type { TokenCredential } from "@azure/core-auth";
import { RestError, TableClient } from "@azure/data-tables";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { QueueServiceClient } from "@azure/storage-queue";
import type { Settings } from "../config.js";

/**
 * The Functions app's storage account, for our own queues and tables. Same settings as the Functions
 * host: a connection string locally (`AzureWebJobsStorage`, e.g. `UseDevelopmentStorage=true` for
 * Azurite), the account name and a managed identity in Azure (`AzureWebJobsStorage__accountName`,
 * plus `AzureWebJobsStorage__clientId` for a user-assigned identity). The identity needs Storage Queue
 * Data Contributor and Storage Table Data Contributor on the account.
 */
export interface FunctionsStorage {
  queueService: QueueServiceClient;
  table(name: string): TableClient;
}

export type StorageSettings = Pick<
  Settings,
  "AzureWebJobsStorage" | "AzureWebJobsStorage__accountName" | "AzureWebJobsStorage__clientId"
>;

export function functionsStorage(settings: StorageSettings, credential?: TokenCredential): FunctionsStorage {
  const connectionString = settings.AzureWebJobsStorage;
  if (connectionString) {
    // Azurite speaks http: the Tables SDK refuses it unless told (the Queue SDK does not ask).
    const insecure = /DefaultEndpointsProtocol=http;|TableEndpoint=http:|UseDevelopmentStorage=true/i.test(
      connectionString,
    );
    return {
      queueService: QueueServiceClient.fromConnectionString(connectionString),
      table: (name) =>
        TableClient.fromConnectionString(
          connectionString,
          name,
          insecure ? { allowInsecureConnection: true } : {},
        ),
    };
  }
  const account = settings.AzureWebJobsStorage__accountName;
  if (!account) throw new Error("AzureWebJobsStorage or AzureWebJobsStorage__accountName must be set");
  const identity =
    credential ??
    (settings.AzureWebJobsStorage__clientId
      ? new ManagedIdentityCredential({ clientId: settings.AzureWebJobsStorage__clientId })
      : new DefaultAzureCredential());
  return {
    queueService: new QueueServiceClient(`https://${account}.queue.core.windows.net`, identity),
    table: (name) => new TableClient(`https://${account}.table.core.windows.net`, name, identity),
  };
}

/** Table keys may not contain / \ # ? (and resource ids are full of /): hash the lower-cased id. */
export function keyOf(resourceId: string): string {
  return createHash("sha256").update(resourceId.toLowerCase()).digest("hex");
}

export function isStatus(err: unknown, status: number): boolean {
  return err instanceof RestError && err.statusCode === status;
}

/** createTable once per process (a no-op when it exists); retried after a failure. */
export function lazyTable(table: TableClient): () => Promise<TableClient> {
  let ready: Promise<void> | undefined;
  return async () => {
    ready ??= table.createTable().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    await ready;
    return table;
  };
}

/** Table Storage refuses string properties over 32K UTF-16 characters (64 KiB). */
export const MAX_STRING = 32_000;

export function clip(text: string, max = MAX_STRING): string {
  return text.length <= max ? text : `${text.slice(0, max - 20)}… [truncated]`;
}
