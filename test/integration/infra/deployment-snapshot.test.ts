/**
 * What a deployment would create, evaluated by the real Bicep compiler (`bicep snapshot`) for given
 * parameters: a deployment to Azure US Government whose second watched subscription already has an
 * Event Grid system topic (found by the preprovision hook) and whose third has one set by hand. Needs
 * the Bicep CLI like arm-template.test.ts; skipped loudly without it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  allStrings,
  findBicep,
  isObject,
  snapshotMain,
  type Json,
  type JsonObject,
  type Snapshot,
} from "./bicep-tools.js";
import { PEERING_ROLE_ACTIONS, flexRefusedProperties, sorted } from "./expectations.js";

const bicep = findBicep();
if (!bicep) {
  console.warn(
    "[infra] SKIPPING the deployment snapshot checks: no Bicep CLI (run scripts/get-bicep.sh, or set BICEP_BIN).",
  );
}

const APP_SUB = "11111111-1111-1111-1111-111111111111";
const TOPIC_SUB = "22222222-2222-2222-2222-222222222222";
const HAND_SUB = "33333333-3333-3333-3333-333333333333";
const THEIR_IDENTITY =
  "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-network/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-network-team";

const obj = (value: Json | undefined): JsonObject => (isObject(value) ? value : {});
const ofType = (s: Snapshot, type: string): JsonObject[] =>
  s.predictedResources.filter((r) => String(r.type).toLowerCase() === type.toLowerCase());
const appSettings = (s: Snapshot): Map<string, string> => {
  const [site] = ofType(s, "Microsoft.Web/sites");
  const list = obj(obj(obj(site).properties).siteConfig).appSettings as Json[];
  return new Map(list.map((e) => [String(obj(e).name), String(obj(e).value)]));
};

// Hosts of Azure public cloud that must not appear in a deployment to another cloud.
const PUBLIC_CLOUD_HOSTS = [
  "core.windows.net",
  "management.azure.com",
  "azurewebsites.net",
  "vault.azure.net",
  "login.microsoftonline.com",
  "applicationinsights.azure.com",
];

describe.skipIf(!bicep)("deployment snapshot (bicep snapshot)", () => {
  let gov: Snapshot;
  let firstPhase: Snapshot;

  beforeAll(() => {
    gov = snapshotMain(bicep ?? "", {
      cloudProfile: "AzureUSGovernment",
      subscriptionId: APP_SUB,
      location: "usgovvirginia",
      params: `
param environmentName = 'gov'
param location = 'usgovvirginia'
param watchedSubscriptionIds = ['${APP_SUB}', '${TOPIC_SUB}', '${HAND_SUB.toUpperCase()}']
param createEventSubscriptions = true
param enableEmailAlerts = true
param emailRecipients = ['ops@example.com']
param discoveredSystemTopics = [
  {
    subscriptionId: '${TOPIC_SUB}'
    resourceGroupName: 'Default-EventGrid'
    name: 'network-team-topic'
    identityType: 'UserAssigned'
    userAssignedIdentityIds: ['${THEIR_IDENTITY}']
    tags: { owner: 'network-team', costCenter: '42' }
  }
  {
    subscriptionId: '${HAND_SUB}'
    resourceGroupName: 'rg-found'
    name: 'found-topic'
    identityType: 'SystemAssigned'
    tags: { found: 'yes' }
  }
]
param existingSystemTopics = [
  {
    subscriptionId: '${HAND_SUB}'
    resourceGroupName: 'rg-hand'
    name: 'hand-topic'
  }
]
`,
    });
    firstPhase = snapshotMain(bicep ?? "", {
      subscriptionId: APP_SUB,
      location: "westeurope",
      params: `
param environmentName = 'pub'
param location = 'westeurope'
`,
    });
  }, 120_000);

  it("evaluates and lints without a diagnostic under the US Government cloud profile", () => {
    expect(gov.diagnostics).toEqual([]);
    expect(gov.lint.split("\n").filter((l) => /\) : (Error|Warning) /.test(l))).toEqual([]);
  });

  it("names the cloud instead of an endpoint and takes storage URIs from the account", () => {
    const settings = appSettings(gov);
    expect(settings.get("ARM_CLOUD")).toBe("[environment().name]");
    expect(settings.has("ARM_ENDPOINT")).toBe(false);
    expect(settings.has("AzureWebJobsStorage__accountName")).toBe(false);
    for (const service of ["blob", "queue", "table"]) {
      expect(settings.get(`AzureWebJobsStorage__${service}ServiceUri`)).toMatch(
        new RegExp(
          `^\\[reference\\('[^']*/Microsoft\\.Storage/storageAccounts/[^']+', '[^']+'\\)\\.primaryEndpoints\\.${service}\\]$`,
        ),
      );
    }
    expect(gov.outputs.ARM_CLOUD).toBe("[environment().name]");
  });

  it("holds no Azure public cloud host anywhere (resources and outputs)", () => {
    const strings = [...allStrings(gov.predictedResources), ...allStrings(gov.outputs)];
    for (const host of PUBLIC_CLOUD_HOSTS)
      expect(
        strings.filter((s) => s.includes(host)),
        host,
      ).toEqual([]);
  });

  it("adopts a discovered topic keeping its user-assigned identity and its tags, and creates no group there", () => {
    const topics = ofType(gov, "Microsoft.EventGrid/systemTopics");
    const theirs = topics.find((t) => t.name === "network-team-topic");
    expect(String(theirs?.id)).toBe(
      `/subscriptions/${TOPIC_SUB}/resourceGroups/Default-EventGrid/providers/Microsoft.EventGrid/systemTopics/network-team-topic`,
    );
    expect(obj(theirs?.identity)).toEqual({
      type: "SystemAssigned, UserAssigned",
      userAssignedIdentities: { [THEIR_IDENTITY]: {} },
    });
    expect(theirs?.tags).toEqual({ owner: "network-team", costCenter: "42" });
    const groups = ofType(gov, "Microsoft.Resources/resourceGroups").map((g) => String(g.id));
    expect(groups.filter((id) => id.startsWith(`/subscriptions/${TOPIC_SUB}/`))).toEqual([]);
    const subscriptions = ofType(gov, "Microsoft.EventGrid/systemTopics/eventSubscriptions");
    expect(
      subscriptions.some((s) =>
        String(s.id).includes("/systemTopics/network-team-topic/eventSubscriptions/"),
      ),
    ).toBe(true);
  });

  it("lets a hand-set topic win over a discovered one for the same subscription", () => {
    const topics = ofType(gov, "Microsoft.EventGrid/systemTopics");
    const hand = topics.find((t) => String(t.id).startsWith(`/subscriptions/${HAND_SUB}/`));
    expect(String(hand?.id)).toContain(
      "/resourceGroups/rg-hand/providers/Microsoft.EventGrid/systemTopics/hand-topic",
    );
    expect(obj(hand?.identity)).toEqual({ type: "SystemAssigned" });
    expect(hand?.tags).toEqual({});
    expect(topics.some((t) => t.name === "found-topic")).toBe(false);
  });

  it("creates a topic with this deployment's tags where none exists", () => {
    const ours = ofType(gov, "Microsoft.EventGrid/systemTopics").find((t) =>
      String(t.id).startsWith(`/subscriptions/${APP_SUB}/`),
    );
    expect(String(ours?.id)).toContain("/resourceGroups/rg-vnet-peering-sync-events/");
    expect(obj(ours?.identity)).toEqual({ type: "SystemAssigned" });
    expect(obj(ours?.tags)["azd-env-name"]).toBe("gov");
  });

  it("grants no peering delete, and email through a custom send role instead of the Owner role", () => {
    const roles = ofType(gov, "Microsoft.Authorization/roleDefinitions");
    const actionsOf = (r: JsonObject): string[] =>
      ((obj(r.properties).permissions as Json[]) ?? []).flatMap((p) =>
        (obj(p).actions as Json[]).map(String),
      );
    const peering = roles.filter((r) => String(obj(r.properties).roleName).startsWith("VNet Peering Sync ("));
    expect(peering).toHaveLength(3);
    for (const role of peering) expect(sorted(actionsOf(role))).toEqual(sorted(PEERING_ROLE_ACTIONS));
    const email = roles.filter((r) =>
      String(obj(r.properties).roleName).startsWith("VNet Peering Sync Email Sender"),
    );
    expect(email).toHaveLength(1);
    expect(sorted(actionsOf(email[0] as JsonObject))).toEqual(
      sorted([
        "Microsoft.Communication/CommunicationServices/Read",
        "Microsoft.Communication/CommunicationServices/Write",
        "Microsoft.Communication/EmailServices/write",
      ]),
    );
    // Communication and Email Service Owner (built-in) is not assigned.
    expect(
      allStrings(gov.predictedResources).some((s) => s.includes("09976791-48a7-449e-bb21-39d1a415f350")),
    ).toBe(false);
  });

  it("evaluates to a Flex site with no refused property, in every cloud", () => {
    for (const s of [gov, firstPhase]) {
      const [site] = ofType(s, "Microsoft.Web/sites");
      expect(flexRefusedProperties(site)).toEqual([]);
    }
  });

  it("creates no event subscription in the first phase", () => {
    expect(ofType(firstPhase, "Microsoft.EventGrid/systemTopics/eventSubscriptions")).toEqual([]);
    expect(ofType(firstPhase, "Microsoft.EventGrid/systemTopics")).toHaveLength(1);
  });
  it("sends the Key Vault's audit log to the app's Log Analytics workspace", () => {
    const [vault] = ofType(gov, "Microsoft.KeyVault/vaults");
    const settings = ofType(gov, "Microsoft.Insights/diagnosticSettings").filter((d) =>
      String(d.id).startsWith(`${String(vault?.id)}/providers/Microsoft.Insights/diagnosticSettings/`),
    );
    expect(settings).toHaveLength(1);
    const p = obj(settings[0]?.properties);
    expect(String(p.workspaceId)).toMatch(/\/Microsoft\.OperationalInsights\/workspaces\/log-/);
    expect(p.logs).toEqual([{ categoryGroup: "audit", enabled: true }]);
  });
});
