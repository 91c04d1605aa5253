/**
 * Checks over the ARM JSON the real Bicep compiler makes of infra/main.bicep. They need the Bicep CLI
 * (scripts/get-bicep.sh restores it into .tools/, or set BICEP_BIN); without it ONLY these checks are
 * skipped, with a warning. The source-level checks in bicep-source.test.ts always run.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  allResources,
  allStrings,
  compileMain,
  findBicep,
  isObject,
  ofType,
  resolveVariable,
  type ArmResource,
  type Json,
  type JsonObject,
} from "./bicep-tools.js";
import {
  AZURE_SECRET_SETTINGS,
  AZURE_SETTINGS,
  FLEX_SITE_CONFIG_ALLOWED,
  NOT_ON_FLEX,
  flexRefusedProperties,
  PEERING_ROLE_ACTIONS,
  WATCHED_EVENT_TYPES,
  WATCHED_OPERATIONS,
  sorted,
} from "./expectations.js";

const bicep = findBicep();
if (!bicep) {
  console.warn(
    "[infra] SKIPPING the compiled ARM template checks: no Bicep CLI (run scripts/get-bicep.sh, or set BICEP_BIN). " +
      "Only the tree-sitter source checks ran.",
  );
}

const obj = (value: Json | undefined): JsonObject => (isObject(value) ? value : {});
const props = (r: ArmResource): JsonObject => obj(r.body.properties);

describe.skipIf(!bicep)("compiled ARM template (bicep build infra/main.bicep)", () => {
  let template: JsonObject = {};
  let resources: ArmResource[] = [];

  beforeAll(() => {
    template = compileMain(bicep ?? "");
    resources = allResources(template);
  });

  const site = (): ArmResource => {
    const sites = ofType(resources, "Microsoft.Web/sites");
    expect(sites).toHaveLength(1);
    return sites[0] as ArmResource;
  };

  const appSettings = (): { name: string; value: Json | undefined }[] => {
    const list = obj(props(site()).siteConfig).appSettings;
    expect(Array.isArray(list), "appSettings is an array literal").toBe(true);
    return (list as Json[]).map((s) => ({ name: String(obj(s).name), value: obj(s).value }));
  };

  it("targets the subscription", () => {
    expect(String(template.$schema)).toContain("subscriptionDeploymentTemplate");
  });

  it("sets every app setting src/config.ts reads in Azure, in schema order, and none Flex rejects", () => {
    const names = appSettings().map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining([...AZURE_SETTINGS]));
    expect(names.filter((n) => AZURE_SETTINGS.includes(n))).toEqual([...AZURE_SETTINGS]);
    expect(names).toEqual(
      expect.arrayContaining([
        "AzureWebJobsStorage__credential",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
      ]),
    );
    for (const name of NOT_ON_FLEX) expect(names).not.toContain(name);
  });

  it("passes secrets only as Key Vault references resolved with the user-assigned identity", () => {
    const settings = appSettings();
    for (const secret of AZURE_SECRET_SETTINGS) {
      const value = settings.find((s) => s.name === secret)?.value;
      expect(String(value), secret).toContain("@Microsoft.KeyVault(SecretUri=");
    }
    expect(String(props(site()).keyVaultReferenceIdentity)).not.toBe("undefined");
    // No secure parameter reaches the function app's module.
    const appModule = ofType(resources, "Microsoft.Resources/deployments").find(
      (d) => ofType(allResources(obj(props(d).template)), "Microsoft.Web/sites").length > 0,
    );
    const moduleParams = obj(obj(props(appModule as ArmResource).template).parameters);
    for (const [name, definition] of Object.entries(moduleParams)) {
      expect(obj(definition).type, name).not.toBe("securestring");
    }
  });

  it("keeps secret values out of outputs", () => {
    const outputs = JSON.stringify(template.outputs ?? {});
    expect(outputs).not.toMatch(/teamsWebhookUrl|alertWebhookUrl|alertWebhookSecret/);
  });

  it("sets no site property Flex Consumption refuses, and nothing in siteConfig but appSettings", () => {
    const app = site();
    expect(flexRefusedProperties(app.body)).toEqual([]);
    expect(Object.keys(obj(props(app).siteConfig))).toEqual(FLEX_SITE_CONFIG_ALLOWED);
  });

  it("would notice ftpsState or another refused property coming back (the check is not vacuous)", () => {
    const body = structuredClone(site().body);
    const p = obj(body.properties);
    obj(p.siteConfig).ftpsState = "Disabled";
    p.vnetRouteAllEnabled = true;
    expect(flexRefusedProperties(body)).toEqual([
      "properties.siteConfig.ftpsState",
      "properties.vnetRouteAllEnabled",
    ]);
  });

  it("runs Node on Flex Consumption with HTTPS only, no FTP and no basic auth", () => {
    const app = site();
    const p = props(app);
    expect(p.httpsOnly).toBe(true);
    expect(obj(obj(p.functionAppConfig).runtime).name).toBe("node");
    const deploymentStorage = obj(obj(obj(p.functionAppConfig).deployment).storage);
    expect(obj(deploymentStorage.authentication).type).toBe("UserAssignedIdentity");
    const plans = ofType(resources, "Microsoft.Web/serverfarms");
    expect(plans.map((plan) => obj(plan.body.sku).name)).toEqual(["FC1"]);
    const policies = ofType(resources, "Microsoft.Web/sites/basicPublishingCredentialsPolicies");
    expect(policies).toHaveLength(2);
    for (const policy of policies) expect(props(policy).allow).toBe(false);
  });

  it("turns shared keys and public blob access off and requires HTTPS and TLS 1.2 on storage", () => {
    const accounts = ofType(resources, "Microsoft.Storage/storageAccounts");
    expect(accounts).toHaveLength(1);
    const p = props(accounts[0] as ArmResource);
    expect(p.allowSharedKeyAccess).toBe(false);
    expect(p.allowBlobPublicAccess).toBe(false);
    expect(p.minimumTlsVersion).toBe("TLS1_2");
    expect(p.supportsHttpsTrafficOnly).toBe(true);
    const queues = ofType(resources, "Microsoft.Storage/storageAccounts/queueServices/queues");
    // reconcile and resync-runs, each with its declared -poison queue.
    expect(queues).toHaveLength(4);
    expect(ofType(resources, "Microsoft.Storage/storageAccounts/tableServices/tables")).toHaveLength(2);
    expect(ofType(resources, "Microsoft.Storage/storageAccounts/blobServices/containers")).toHaveLength(2);
  });

  it("uses Key Vault with RBAC and soft delete", () => {
    const vaults = ofType(resources, "Microsoft.KeyVault/vaults");
    expect(vaults).toHaveLength(1);
    const p = props(vaults[0] as ArmResource);
    expect(p.enableRbacAuthorization).toBe(true);
    expect(p.enableSoftDelete).toBe(true);
  });

  it("defines the custom peering role with exactly the intended actions", () => {
    const roles = ofType(resources, "Microsoft.Authorization/roleDefinitions").filter((r) =>
      String(props(r).roleName).includes("VNet Peering Sync ("),
    );
    expect(roles).toHaveLength(1);
    const role = roles[0] as ArmResource;
    expect(String(role.name)).toMatch(/^\[guid\(/);
    const permissions = resolveVariable(role, props(role).permissions);
    expect(Array.isArray(permissions)).toBe(true);
    const actions = (permissions as Json[]).flatMap((p) => {
      const a = resolveVariable(role, obj(p).actions);
      return Array.isArray(a) ? a.map(String) : [];
    });
    expect(sorted(actions)).toEqual(sorted(PEERING_ROLE_ACTIONS));
  });

  it("filters events to the four VNet/peering operations, retries, and dead-letters with the topic's identity", () => {
    const subscriptions = ofType(resources, "Microsoft.EventGrid/systemTopics/eventSubscriptions");
    expect(subscriptions).toHaveLength(1);
    const p = props(subscriptions[0] as ArmResource);
    const filter = obj(p.filter);
    expect(sorted((filter.includedEventTypes as Json[]).map(String))).toEqual(sorted(WATCHED_EVENT_TYPES));
    const advanced = (filter.advancedFilters as Json[]).map(obj);
    const operationFilter = advanced.find((f) => f.key === "data.operationName");
    expect(operationFilter?.operatorType).toBe("StringIn");
    expect(sorted((operationFilter?.values as Json[]).map(String))).toEqual(sorted(WATCHED_OPERATIONS));
    const destination = obj(p.destination);
    expect(destination.endpointType).toBe("AzureFunction");
    // The module takes the function's id as a parameter (use-resource-id-functions); main.bicep builds it.
    expect(obj(destination.properties).resourceId).toBe("[parameters('functionResourceId')]");
    expect(allStrings(template).some((s) => s.includes("/functions/onNetworkEvent"))).toBe(true);
    expect(obj(destination.properties).maxEventsPerBatch).toBe(1);
    expect(isObject(p.retryPolicy)).toBe(true);
    const deadLetter = obj(p.deadLetterWithResourceIdentity);
    expect(obj(deadLetter.identity).type).toBe("SystemAssigned");
    expect(obj(deadLetter.deadLetterDestination).endpointType).toBe("StorageBlob");
    const topics = ofType(resources, "Microsoft.EventGrid/systemTopics");
    expect(topics).toHaveLength(1);
    const topic = topics[0] as ArmResource;
    expect(topic.body.location).toBe("global");
    expect(props(topic).topicType).toBe("Microsoft.Resources.Subscriptions");
    // A created topic gets a system-assigned identity; an adopted one keeps its user-assigned ones too.
    expect(JSON.stringify(topic.body.identity)).toContain("'SystemAssigned'");
  });

  it("is idempotent: role assignments have deterministic guid() names and nothing depends on the clock", () => {
    const assignments = ofType(resources, "Microsoft.Authorization/roleAssignments");
    expect(assignments.length).toBeGreaterThanOrEqual(6);
    for (const assignment of assignments) {
      expect(assignment.name).toMatch(/^\[guid\(/);
      expect(assignment.name).not.toMatch(/utcNow|newGuid/);
      expect(props(assignment).principalType).toBe("ServicePrincipal");
    }
    expect(allStrings(template).filter((s) => /utcNow\(|newGuid\(/.test(s))).toEqual([]);
  });
});
