import { createHash } from "node:crypto";
import type { TokenCredential } from "@azure/core-auth";
import { RestError, TableClient } from "@azure/data-tables";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { QueueServiceClient } from "@azure/storage-queue";
import type { Settings } from "../../config.js";

/**
 * The Functions app's storage account, for our own queues and tables. Same settings as the Functions
 * host: a connection string locally (`AzureWebJobsStorage`, e.g. `UseDevelopmentStorage=true` for
 * Azurite); in Azure a managed identity with the account's own service URIs
 * (`AzureWebJobsStorage__queueServiceUri` / `__tableServiceUri`, plus `AzureWebJobsStorage__clientId`
 * for a user-assigned identity). The URIs come from the storage account itself, so they are right in
 * every cloud (core.windows.net, core.usgovcloudapi.net, core.chinacloudapi.cn). `__accountName` alone
 * is still understood, as the host does, and means Azure public cloud
 * (https://learn.microsoft.com/azure/azure-functions/functions-reference#common-properties-for-identity-based-connections).
 * The identity needs Storage Queue Data Contributor and Storage Table Data Contributor on the account.
 */
export interface FunctionsStorage {
  queueService: QueueServiceClient;
  table(name: string): TableClient;
}

export type StorageSettings = Pick<
  Settings,
  | "AzureWebJobsStorage"
  | "AzureWebJobsStorage__accountName"
  | "AzureWebJobsStorage__clientId"
  | "AzureWebJobsStorage__queueServiceUri"
  | "AzureWebJobsStorage__tableServiceUri"
>;

/** Queue and table service URIs from the settings: the explicit URIs first, else public cloud from the account name. */
export function storageServiceUris(settings: StorageSettings): { queue: string; table: string } {
  const account = settings.AzureWebJobsStorage__accountName;
  const queue =
    settings.AzureWebJobsStorage__queueServiceUri ?? (account && `https://${account}.queue.core.windows.net`);
  const table =
    settings.AzureWebJobsStorage__tableServiceUri ?? (account && `https://${account}.table.core.windows.net`);
  if (!queue || !table) {
    throw new Error(
      "AzureWebJobsStorage__queueServiceUri and AzureWebJobsStorage__tableServiceUri (or AzureWebJobsStorage__accountName, or AzureWebJobsStorage) must be set",
    );
  }
  return { queue, table };
}

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
  const uris = storageServiceUris(settings);
  const identity =
    credential ??
    (settings.AzureWebJobsStorage__clientId
      ? new ManagedIdentityCredential({ clientId: settings.AzureWebJobsStorage__clientId })
      : new DefaultAzureCredential());
  return {
    queueService: new QueueServiceClient(uris.queue, identity),
    table: (name) => new TableClient(uris.table, name, identity),
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
