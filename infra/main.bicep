// vnet-peering-sync: everything `azd up` deploys.
//
// Two phases (docs/deploy.md, "Why two phases"): an Event Grid subscription with an AzureFunction
// destination can only be created once the onNetworkEvent function exists, i.e. after the code is
// deployed. The preprovision hook (scripts/preprovision.mjs) sets CREATE_EVENT_SUBSCRIPTIONS from what
// exists (is onNetworkEvent deployed and its Event Grid extension key there?), never from a flag left
// over from an earlier environment; when it is false, the postdeploy hook waits for the key after the
// code is published, sets it to true and provisions again, which adds the subscriptions.
targetScope = 'subscription'

import { eventDeliveryType, existingSystemTopicType, tagsType } from 'modules/types.bicep'

// ------------------------------------------------------------------------------------------------
// Environment
// ------------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Required. Name of the azd environment; part of every resource name and of the azd-env-name tag.')
param environmentName string

@minLength(1)
@metadata({ azd: { type: 'location' } })
@description('Required. Azure region of the resource group and of every regional resource. Must offer Flex Consumption.')
param location string

@description('Optional. Name of the resource group to create; default rg-<environmentName>.')
param resourceGroupName string = ''

@description('Optional. Tags added to every resource (azd-env-name is always added).')
param tags tagsType = {}

// ------------------------------------------------------------------------------------------------
// What to watch (one system topic + custom role per subscription)
// ------------------------------------------------------------------------------------------------

@description('Optional. Subscription GUIDs to watch and keep peerings healthy in. The app\'s identity gets the peering role on each, and each gets an Event Grid system topic. Default: the subscription deployed to.')
param watchedSubscriptionIds string[] = []

@description('Optional. System topics that already exist for a watched subscription (Event Grid allows one per subscription); these are adopted instead of created. Set by hand; wins over discoveredSystemTopics for the same subscription.')
param existingSystemTopics existingSystemTopicType[] = []

@description('Optional. Existing system topics the preprovision hook found in the watched subscriptions, with their identity and tags (DISCOVERED_SYSTEM_TOPICS). Adopted like existingSystemTopics.')
param discoveredSystemTopics existingSystemTopicType[] = []

@minLength(1)
@maxLength(90)
@description('Optional. Resource group created in each watched subscription (without an adopted topic) to hold its system topic.')
param eventsResourceGroupName string = 'rg-vnet-peering-sync-events'

@description('Optional. Second phase: create the Event Grid subscriptions to the onNetworkEvent function. Only true once the function code is deployed and its Event Grid extension key exists (the preprovision and postdeploy hooks decide it from what is deployed).')
param createEventSubscriptions bool = false

@description('Optional. Event Grid retry policy for deliveries to onNetworkEvent; after it, events are dead-lettered to blob storage.')
param eventDelivery eventDeliveryType = {
  maxDeliveryAttempts: 30
  eventTimeToLiveInMinutes: 1440
}

// ------------------------------------------------------------------------------------------------
// Function app
// ------------------------------------------------------------------------------------------------

@allowed([
  '20'
  '22'
])
@description('Optional. Node.js version of the Flex Consumption runtime.')
param nodeVersion string = '22'

// 512 MB is not offered: some API versions refuse it (Azure/azure-rest-api-specs#40898).
@allowed([
  2048
  4096
])
@description('Optional. Memory (MB) of each Flex Consumption instance.')
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
@description('Optional. Upper bound of Flex Consumption instances (40 is the lowest Flex accepts); ARM write throttling, not CPU, limits this app.')
param maximumInstanceCount int = 40

@minValue(30)
@maxValue(730)
@description('Optional. Days Log Analytics keeps logs.')
param logRetentionInDays int = 30

// ------------------------------------------------------------------------------------------------
// App settings (src/config.ts; same order)
// ------------------------------------------------------------------------------------------------

@description('Optional. SYNC_SCOPE: subscription, resource group or VNet resource ids that narrow the writes. Empty = everything in the watched subscriptions.')
param syncScope string[] = []

@description('Optional. REPORT_ONLY: plan and alert, never write.')
param reportOnly bool = false

@description('Optional. REPAIR_DISCONNECTED: re-PUT Disconnected peerings whose partner is back.')
param repairDisconnected bool = false

@description('Optional. RECIPROCAL_NAME_TEMPLATE: name of a created reciprocal peering; must contain {remoteVnet}.')
param reciprocalNameTemplate string = '{localVnet}-to-{remoteVnet}'

@description('Optional. USE_REMOTE_GATEWAYS_ON_RECIPROCAL: a created reciprocal may use the remote gateway when the gateway rules allow it.')
param useRemoteGatewaysOnReciprocal bool = false

@description('Optional. OPT_OUT_TAG: tag (name=value) that excludes a VNet from every write.')
param optOutTag string = 'peering-sync=off'

@minValue(1)
@maxValue(2000)
@description('Optional. MAX_PARALLEL_VNETS: VNets written in parallel; requests are also spaced to fit ARM per-subscription limits.')
param maxParallelVnets int = 500

@minValue(1)
@maxValue(20)
@description('Optional. MAX_ATTEMPTS: attempts per ARM write before giving up.')
param maxAttempts int = 6

@minValue(0)
@maxValue(90)
@description('Optional. ARM_BUDGET_HEADROOM_PERCENT: percent of ARM\'s refill the instances leave to other clients of the same buckets while they see any (docs/architecture.md#request-pacing).')
param armBudgetHeadroomPercent int = 10

@description('Optional. CROSS_TENANT_APP_CLIENT_ID: the multi-tenant application whose federated credential is the app\'s identity (docs/cross-tenant.md; created by scripts/cross-tenant.mjs). Empty = peers in other tenants are reported, never written.')
param crossTenantAppClientId string = ''

@description('Optional. CROSS_TENANT_ALLOWED_TENANTS: partner tenants whose admins consented to that application.')
param crossTenantAllowedTenants string[] = []

@description('Optional. RECONCILE_QUEUE: the reconcile queue (its poison queue is <name>-poison).')
param reconcileQueueName string = 'reconcile'

@minValue(0)
@maxValue(600)
@description('Optional. RECONCILE_DELAY_SECONDS: delay before a VNet is reconciled, so ARM settles first.')
param reconcileDelaySeconds int = 30

@minValue(0)
@maxValue(3600)
@description('Optional. DEDUPE_WINDOW_SECONDS: events about one VNet within this window (while its reconcile is queued) cost one reconcile.')
param dedupeWindowSeconds int = 60

@description('Optional. SWEEP_SCHEDULE: six-field NCRONTAB schedule of the sweep timer.')
param sweepSchedule string = '0 */30 * * * *'

@allowed([
  'auto'
  'resource-graph'
  'arm-lists'
])
@description('Optional. SWEEP_INVENTORY: where the sweep lists VNets from; auto asks Azure Resource Graph from 50 watched subscriptions on.')
param sweepInventory string = 'auto'

@description('Optional. AUDIT_TABLE: table that keeps the audit trail.')
param auditTableName string = 'peeringaudit'

@allowed([
  'info'
  'warning'
  'error'
])
@description('Optional. ALERT_MIN_SEVERITY: lowest severity that is alerted.')
param alertMinSeverity string = 'info'

@description('Optional. ALERT_ON_FIXED: also alert when the app fixed something.')
param alertOnFixed bool = true

@minValue(1)
@maxValue(720)
@description('Optional. ALERT_REMINDER_HOURS: hours between reminders of a problem that is still open.')
param alertReminderHours int = 24

@secure()
@description('Optional. TEAMS_WEBHOOK_URL: Teams Workflows "When a Teams webhook request is received" URL. Stored in Key Vault; the app gets a Key Vault reference. Empty = no Teams alerts.')
param teamsWebhookUrl string = ''

@secure()
@description('Optional. ALERT_WEBHOOK_URL: generic webhook for alerts. Stored in Key Vault. Empty = no webhook alerts.')
param alertWebhookUrl string = ''

@secure()
@description('Conditional. ALERT_WEBHOOK_SECRET: signing key (16+ characters) of the generic webhook. Required when alertWebhookUrl is set and the receiver checks signatures. Stored in Key Vault.')
param alertWebhookSecret string = ''

@description('Optional. Deploy Azure Communication Services with an Azure-managed email domain and send email alerts.')
param enableEmailAlerts bool = false

@description('Conditional. EMAIL_RECIPIENTS: addresses that receive email alerts. Required when enableEmailAlerts is true.')
param emailRecipients string[] = []

@description('Conditional. Where Communication Services keeps its data at rest (e.g. United States, Europe). Used when enableEmailAlerts is true.')
param emailDataLocation string = 'United States'

@description('Optional. STATUS_PAGE_URL: public URL of the status page linked from alerts.')
param statusPageUrl string = ''

@minValue(0)
@maxValue(86400)
@description('Optional. STATUS_REFRESH_SECONDS: the status page re-reads ARM at most this often per instance.')
param statusRefreshSeconds int = 60

@minValue(1)
@maxValue(3600)
@description('Optional. RESYNC_RATE_LIMIT_PER_HOUR: dry runs and runs one caller may ask POST /api/resync for per hour, per instance.')
param resyncRateLimitPerHour int = 30

@description('Optional. REQUIRE_APP_ROLES: App Service Authentication is in front; POST /api/resync needs the PeeringSync.Resync app role, the read-only endpoints PeeringSync.Read (docs/functions.md).')
param requireAppRoles bool = false

// ------------------------------------------------------------------------------------------------
// Key Vault
// ------------------------------------------------------------------------------------------------

@description('Optional. Key Vault purge protection. Recommended for production; once on it cannot be turned off, and `azd down --purge` can then not purge the vault (its name stays taken for the retention period).')
param keyVaultEnablePurgeProtection bool = false

@minValue(7)
@maxValue(90)
@description('Optional. Days a deleted Key Vault (and secret) can be recovered.')
param keyVaultSoftDeleteRetentionInDays int = 90

// ------------------------------------------------------------------------------------------------
// Names
// ------------------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var allTags = union(tags, { 'azd-env-name': environmentName })
var rgName = empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
var storageAccountName = 'st${resourceToken}'
var deploymentContainerName = 'app-package'
var deadLetterContainerName = 'eventgrid-deadletter'
var functionAppName = 'func-${resourceToken}'

// union() with an empty array drops duplicates, so listing a subscription twice deploys it once.
var watchedSubscriptions = union(
  map(empty(watchedSubscriptionIds) ? [subscription().subscriptionId] : watchedSubscriptionIds, id => toLower(id)),
  []
)
// For a subscription in both lists the hand-set entry wins as a whole (union() would merge the two
// entries' fields, mixing one topic's name with another's identity and tags).
var handSetTopics = toObject(existingSystemTopics, t => toLower(t.subscriptionId))
var discoveredTopics = toObject(discoveredSystemTopics, t => toLower(t.subscriptionId))
var adoptedTopics = toObject(
  filter(watchedSubscriptions, sub => contains(handSetTopics, sub) || contains(discoveredTopics, sub)),
  sub => sub,
  sub => handSetTopics[?sub] ?? discoveredTopics[sub]
)
// An adopted topic keeps its identity and its tags (event-grid-topic.bicep); a created one gets ours.
var topicPlacements = map(watchedSubscriptions, sub => {
  subscriptionId: sub
  adopted: contains(adoptedTopics, sub)
  resourceGroupName: contains(adoptedTopics, sub) ? adoptedTopics[sub].resourceGroupName : eventsResourceGroupName
  topicName: contains(adoptedTopics, sub) ? adoptedTopics[sub].name : 'evgt-vnet-peering-sync'
  identityType: contains(adoptedTopics, sub) ? adoptedTopics[sub].?identityType ?? 'None' : 'None'
  userAssignedIdentityIds: contains(adoptedTopics, sub) ? adoptedTopics[sub].?userAssignedIdentityIds ?? [] : []
  tags: contains(adoptedTopics, sub) ? adoptedTopics[sub].?tags ?? {} : allTags
})

// Key Vault secret names; empty when the secret was not given, so the app setting stays empty
// (an unresolvable Key Vault reference would reach the app as the literal reference text).
var vaultReferences = {
  TEAMS_WEBHOOK_URL: empty(teamsWebhookUrl) ? '' : 'teams-webhook-url'
  ALERT_WEBHOOK_URL: empty(alertWebhookUrl) ? '' : 'alert-webhook-url'
  ALERT_WEBHOOK_SECRET: empty(alertWebhookSecret) ? '' : 'alert-webhook-signing-key'
}

// ------------------------------------------------------------------------------------------------
// Resources in the app's resource group
// ------------------------------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: rgName
  location: location
  tags: allTags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: allTags
    retentionInDays: logRetentionInDays
    publisherPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: allTags
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    reconcileQueueName: reconcileQueueName
    auditTableName: auditTableName
    appPrincipalId: identity.outputs.principalId
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: allTags
    enablePurgeProtection: keyVaultEnablePurgeProtection
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    appPrincipalId: identity.outputs.principalId
    vaultReferences: vaultReferences
    teamsWebhookUrl: teamsWebhookUrl
    alertWebhookUrl: alertWebhookUrl
    alertWebhookSecret: alertWebhookSecret
  }
}

module email 'modules/email.bicep' = {
  name: 'email'
  scope: rg
  params: {
    enabled: enableEmailAlerts
    communicationServiceName: 'acs-${resourceToken}'
    emailServiceName: 'ecs-${resourceToken}'
    dataLocation: emailDataLocation
    tags: allTags
    senderPrincipalId: identity.outputs.principalId
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: allTags
    identityId: identity.outputs.id
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    nodeVersion: nodeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    keyVaultUri: keyVault.outputs.uri
    vaultReferences: vaultReferences
    settings: {
      WATCHED_SUBSCRIPTIONS: join(watchedSubscriptions, ',')
      SYNC_SCOPE: join(syncScope, ',')
      REPORT_ONLY: string(reportOnly)
      REPAIR_DISCONNECTED: string(repairDisconnected)
      RECIPROCAL_NAME_TEMPLATE: reciprocalNameTemplate
      USE_REMOTE_GATEWAYS_ON_RECIPROCAL: string(useRemoteGatewaysOnReciprocal)
      OPT_OUT_TAG: optOutTag
      MAX_PARALLEL_VNETS: string(maxParallelVnets)
      MAX_ATTEMPTS: string(maxAttempts)
      ARM_BUDGET_HEADROOM_PERCENT: string(armBudgetHeadroomPercent)
      // The cloud deployed to, by the name `az cloud list` uses; the app derives the Resource Manager
      // endpoint and token audience from it, so Azure US Government and Azure China need no change.
      ARM_CLOUD: environment().name
      AZURE_CLIENT_ID: identity.outputs.clientId
      CROSS_TENANT_APP_CLIENT_ID: crossTenantAppClientId
      // The application lives in the tenant the app is deployed to, with its identity.
      CROSS_TENANT_HOME_TENANT_ID: empty(crossTenantAppClientId) ? '' : tenant().tenantId
      CROSS_TENANT_ALLOWED_TENANTS: join(crossTenantAllowedTenants, ',')
      AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
      AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
      AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
      RECONCILE_QUEUE: reconcileQueueName
      RECONCILE_DELAY_SECONDS: string(reconcileDelaySeconds)
      DEDUPE_WINDOW_SECONDS: string(dedupeWindowSeconds)
      SWEEP_SCHEDULE: sweepSchedule
      SWEEP_INVENTORY: sweepInventory
      AUDIT_TABLE: auditTableName
      ALERT_MIN_SEVERITY: alertMinSeverity
      ALERT_ON_FIXED: string(alertOnFixed)
      ALERT_REMINDER_HOURS: string(alertReminderHours)
      EMAIL_ENDPOINT: email.outputs.endpoint
      EMAIL_SENDER: email.outputs.senderAddress
      EMAIL_RECIPIENTS: enableEmailAlerts ? join(emailRecipients, ',') : ''
      STATUS_PAGE_URL: statusPageUrl
      STATUS_REFRESH_SECONDS: string(statusRefreshSeconds)
      RESYNC_RATE_LIMIT_PER_HOUR: string(resyncRateLimitPerHour)
      REQUIRE_APP_ROLES: string(requireAppRoles)
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Per watched subscription: peering role for the app, system topic, dead-letter access, event subscription
// ------------------------------------------------------------------------------------------------

module watched 'modules/watched-subscription.bicep' = [
  for placement in topicPlacements: {
    name: 'peering-sync-watch-${resourceToken}'
    scope: subscription(placement.subscriptionId)
    params: {
      placement: placement
      location: location
      tags: allTags
      appPrincipalId: identity.outputs.principalId
      deploymentSuffix: resourceToken
    }
  }
]

module deadLetterAccess 'modules/dead-letter-access.bicep' = [
  for (placement, i) in topicPlacements: {
    name: 'dead-letter-access-${i}'
    scope: rg
    params: {
      storageAccountName: storage.outputs.name
      containerName: deadLetterContainerName
      topicPrincipalId: watched[i].outputs.topicPrincipalId
    }
  }
]

module eventSubscriptions 'modules/event-subscription.bicep' = [
  for (placement, i) in topicPlacements: if (createEventSubscriptions) {
    name: 'peering-sync-events-${resourceToken}'
    scope: resourceGroup(placement.subscriptionId, placement.resourceGroupName)
    dependsOn: [
      deadLetterAccess[i]
    ]
    params: {
      name: 'evgs-peering-sync-${resourceToken}'
      topicName: watched[i].outputs.topicName
      functionResourceId: '${functionApp.outputs.id}/functions/onNetworkEvent'
      deadLetterStorageAccountId: storage.outputs.id
      deadLetterContainerName: deadLetterContainerName
      delivery: eventDelivery
    }
  }
]

// ------------------------------------------------------------------------------------------------
// Outputs (azd stores them in .azure/<env>/.env)
// ------------------------------------------------------------------------------------------------

@description('Region of the resource group and of every regional resource.')
output AZURE_LOCATION string = location

@description('Tenant the deployment ran in.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('The app\'s resource group (the hooks look the function app up in it).')
output AZURE_RESOURCE_GROUP string = rg.name

@description('Name of the Flex Consumption function app.')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('The function app again, under the name azd looks for the `api` service\'s host.')
output SERVICE_API_NAME string = functionApp.outputs.name

@description('Default host name of the function app.')
output AZURE_FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName

@description('Client id of the app\'s user-assigned identity.')
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId

@description('Name of the app\'s storage account.')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Name of the Key Vault that holds the alert secrets.')
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name

@description('Application Insights connection string (names the resource; not a secret).')
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString

@description('Comma-separated watched subscription GUIDs, lower case, as the app gets them.')
output WATCHED_SUBSCRIPTIONS string = join(watchedSubscriptions, ',')

@description('Whether this provision created the Event Grid subscriptions (phase two).')
output EVENT_SUBSCRIPTIONS_CREATED bool = createEventSubscriptions

@description('The cloud deployed to (environment().name), as the app gets it in ARM_CLOUD.')
output ARM_CLOUD string = environment().name

@description('Sender address of email alerts; empty when email alerts are off.')
output EMAIL_SENDER string = email.outputs.senderAddress
