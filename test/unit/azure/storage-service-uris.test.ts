/**
 * The app reaches its storage account at the URIs the account itself reports (the template passes
 * primaryEndpoints in AzureWebJobsStorage__queueServiceUri / __tableServiceUri), so a deployment to
 * Azure US Government or Azure China needs no code change. Only the bare account name falls back to
 * Azure public cloud, as the Functions host does.
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { describe, expect, it } from "vitest";
import { functionsStorage, storageServiceUris } from "../../../src/azure/storage/functions-storage.js";
import { TableAlertStateStore } from "../../../src/azure/storage/alert-state-table.js";

// Never asked for a token: building clients makes no request.
const noToken: TokenCredential = {
  getToken: (): Promise<AccessToken | null> => Promise.reject(new Error("no request expected")),
};

describe("storage service URIs", () => {
  it("uses the queue and table URIs of a US Government account as given", () => {
    const storage = functionsStorage(
      {
        AzureWebJobsStorage__queueServiceUri: "https://stgov.queue.core.usgovcloudapi.net/",
        AzureWebJobsStorage__tableServiceUri: "https://stgov.table.core.usgovcloudapi.net/",
        AzureWebJobsStorage__accountName: "stgov",
      },
      noToken,
    );
    expect(storage.queueService.url).toBe("https://stgov.queue.core.usgovcloudapi.net/");
    expect(storage.table("peeringaudit").url).toMatch(
      /^https:\/\/stgov\.table\.core\.usgovcloudapi\.net\/?$/,
    );
  });

  it("uses a China account's table URI for the alert state", () => {
    const store = TableAlertStateStore.fromServiceUri("https://stcn.table.core.chinacloudapi.cn/", noToken);
    // The table client is private; its URL shows through the store's only field.
    const table = (store as unknown as { table: { url: string } }).table;
    expect(table.url).toMatch(/^https:\/\/stcn\.table\.core\.chinacloudapi\.cn\/?$/);
  });

  it("falls back to Azure public cloud only for a bare account name", () => {
    expect(storageServiceUris({ AzureWebJobsStorage__accountName: "stpub" })).toEqual({
      queue: "https://stpub.queue.core.windows.net",
      table: "https://stpub.table.core.windows.net",
    });
  });

  it("names the settings it needs when none is given", () => {
    expect(() => storageServiceUris({})).toThrow(/AzureWebJobsStorage__queueServiceUri/);
  });
});
