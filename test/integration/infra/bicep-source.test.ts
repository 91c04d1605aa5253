/**
 * Checks over the Bicep source that need no .NET: they run everywhere (tree-sitter-bicep parses the
 * files). The compiled-template checks in arm-template.test.ts go further where the Bicep CLI exists.
 */
import { describe, expect, it } from "vitest";
import { bicepFiles, parameters, readRepoFile, stringArrayVariable, syntaxProblems } from "./bicep-tools.js";
import {
  AZURE_SECRET_SETTINGS,
  AZURE_SETTINGS,
  NOT_ON_FLEX,
  PEERING_ROLE_ACTIONS,
  WATCHED_EVENT_TYPES,
  WATCHED_OPERATIONS,
  sorted,
} from "./expectations.js";
import { RESYNC_QUEUE, TABLES } from "../../../src/functions/runtime.js";
import { checkInfraSources } from "./syntax-check.js";

/** `name: '...'` entries of the appSettings array literal in function-app.bicep, in order. */
function appSettingNames(source: string): string[] {
  const block = /appSettings: \[([\s\S]*?)\n {6}\]/.exec(source)?.[1] ?? "";
  return [...block.matchAll(/name: '([^']+)'/g)].map((m) => m[1] ?? "");
}

/** The `value:` line that follows `name: '<setting>'` in the appSettings array. */
function appSettingValue(source: string, setting: string): string {
  return new RegExp(`name: '${setting}'\\s*\\n\\s*value: (.*)`).exec(source)?.[1] ?? "";
}

/** Every `resource x 'Microsoft.Authorization/roleAssignments@...' = ... {` block, up to its closing brace. */
function roleAssignmentBlocks(source: string): string[] {
  return [
    ...source.matchAll(/^resource \w+ 'Microsoft\.Authorization\/roleAssignments@[^']+' =[\s\S]*?^[}\]]/gm),
  ].map((m) => m[0]);
}

describe("infra sources", () => {
  it("has main.bicep and only local modules", () => {
    expect(bicepFiles()).toContain("infra/main.bicep");
    for (const file of bicepFiles()) {
      expect(readRepoFile(file), file).not.toMatch(/'br[:/]|'ts[:/]/);
    }
  });

  it("parses every Bicep file without syntax errors, and describes every parameter AVM-style", async () => {
    expect(await checkInfraSources()).toEqual([]);
  });

  it("would notice a syntax error (the fallback check is not vacuous)", async () => {
    expect(await syntaxProblems("param x string =\nresource r 'a/b@2024-01-01' = {\n")).not.toEqual([]);
  });

  it("gives the app every setting src/config.ts reads in Azure, in schema order", () => {
    const names = appSettingNames(readRepoFile("infra/modules/function-app.bicep"));
    expect(names).toEqual(expect.arrayContaining([...AZURE_SETTINGS]));
    const inSchemaOrder = names.filter((n) => AZURE_SETTINGS.includes(n));
    expect(inSchemaOrder).toEqual([...AZURE_SETTINGS]);
    expect(names).toEqual(
      expect.arrayContaining(["APPLICATIONINSIGHTS_CONNECTION_STRING", "AzureWebJobsStorage__credential"]),
    );
    for (const forbidden of NOT_ON_FLEX) expect(names).not.toContain(forbidden);
  });

  it("hands the app its secrets only as Key Vault references", () => {
    const source = readRepoFile("infra/modules/function-app.bicep");
    expect(AZURE_SECRET_SETTINGS.length).toBeGreaterThan(0);
    for (const secret of AZURE_SECRET_SETTINGS) {
      expect(appSettingValue(source, secret), secret).toMatch(
        /^empty\(vaultReferences\.\w+\) \? '' : '@Microsoft\.KeyVault\(SecretUri=\$\{keyVaultUri\}secrets\//,
      );
    }
    expect(source).not.toMatch(/@secure\(\)/);
    expect(source).toMatch(/keyVaultReferenceIdentity: identity\.id/);
  });

  it("grants the custom role exactly the peering actions", async () => {
    const actions = await stringArrayVariable(
      readRepoFile("infra/modules/watched-subscription.bicep"),
      "peeringSyncActions",
    );
    expect(sorted(actions)).toEqual(sorted(PEERING_ROLE_ACTIONS));
  });

  it("filters events to VNet and peering writes and deletes, with retries and dead-lettering", () => {
    const source = readRepoFile("infra/modules/event-subscription.bicep");
    const values = /key: 'data\.operationName'\s*values: \[([\s\S]*?)\]/.exec(source)?.[1] ?? "";
    expect(sorted([...values.matchAll(/'([^']+)'/g)].map((m) => m[1] ?? ""))).toEqual(
      sorted(WATCHED_OPERATIONS),
    );
    for (const eventType of WATCHED_EVENT_TYPES) expect(source).toContain(`'${eventType}'`);
    expect(source).toMatch(/operatorType: 'StringIn'/);
    expect(source).toMatch(/endpointType: 'AzureFunction'/);
    expect(source).toMatch(/maxEventsPerBatch: 1\n/);
    expect(source).toMatch(/retryPolicy: \{/);
    expect(source).toMatch(/deadLetterWithResourceIdentity: \{/);
  });

  it("names every role assignment with guid() and marks the principal as a service principal", () => {
    let count = 0;
    for (const file of bicepFiles()) {
      for (const block of roleAssignmentBlocks(readRepoFile(file))) {
        count += 1;
        expect(block, file).toMatch(/\n\s+name: guid\(/);
        expect(block, file).toMatch(/principalType: 'ServicePrincipal'/);
      }
      expect(readRepoFile(file), file).not.toMatch(/utcNow\(|newGuid\(/);
    }
    // storage (3 in a loop), dead letters, Key Vault, App Insights, email, peering role
    expect(count).toBeGreaterThanOrEqual(6);
  });

  it("hardens storage and the function app", () => {
    const storage = readRepoFile("infra/modules/storage.bicep");
    expect(storage).toMatch(/allowSharedKeyAccess: false/);
    expect(storage).toMatch(/allowBlobPublicAccess: false/);
    expect(storage).toMatch(/minimumTlsVersion: 'TLS1_2'/);
    expect(storage).toMatch(/supportsHttpsTrafficOnly: true/);
    const app = readRepoFile("infra/modules/function-app.bicep");
    expect(app).toMatch(/httpsOnly: true/);
    // FTP is off through the publishing-credentials policy; Flex refuses siteConfig.ftpsState.
    expect(app).not.toMatch(/^\s*ftpsState:/m);
    expect(app).toMatch(/name: 'ftp'\s*properties: \{\s*allow: false/);
    expect(app).toMatch(/name: 'scm'\s*properties: \{\s*allow: false/);
    expect(app).toMatch(/tier: 'FlexConsumption'/);
  });

  it("declares every queue and table whose name is fixed in the app", async () => {
    const storage = readRepoFile("infra/modules/storage.bicep");
    expect(storage).toContain(`var resyncQueueName = '${RESYNC_QUEUE}'`);
    expect((await stringArrayVariable(storage, "fixedTableNames")).sort()).toEqual(
      Object.values(TABLES).sort(),
    );
  });
  it("maps azd variables only to parameters main.bicep declares, including the hooks' two", async () => {
    const file = JSON.parse(readRepoFile("infra/main.parameters.json")) as {
      parameters: Record<string, { value: string }>;
    };
    const declared = (await parameters(readRepoFile("infra/main.bicep"))).map((p) => p.name);
    expect(Object.keys(file.parameters).filter((name) => !declared.includes(name))).toEqual([]);
    expect(file.parameters.createEventSubscriptions?.value).toBe("${CREATE_EVENT_SUBSCRIPTIONS=false}");
    expect(file.parameters.discoveredSystemTopics?.value).toBe("${DISCOVERED_SYSTEM_TOPICS=[]}");
  });
});
