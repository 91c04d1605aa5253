// Exported user-defined types shared by main.bicep and its modules (AVM habit: structured inputs are typed).

@export()
@description('Resource tags: names to string values.')
type tagsType = {
  *: string
}

@export()
@description('Managed identity types Event Grid reports on a system topic.')
type topicIdentityType = 'None' | 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned, UserAssigned'

@export()
@description('An Event Grid system topic that already exists for a watched subscription. Event Grid allows only one system topic per source, so when one exists (for example the Default-EventGrid topic the portal creates) the deployment adopts it instead of creating a second one. The preprovision hook (scripts/preprovision.mjs) finds them and fills in the identity and tags; adopting re-submits the topic, so both must be the ones it has or other teams\' event subscriptions on it can break.')
type existingSystemTopicType = {
  @description('Required. The watched subscription (GUID) the system topic belongs to.')
  subscriptionId: string

  @description('Required. The resource group in that subscription that holds the system topic, for example Default-EventGrid.')
  resourceGroupName: string

  @description('Required. The name of the existing system topic.')
  name: string

  @description('Optional. The identity type the topic has now. A system-assigned identity is added (dead-lettering needs it); user-assigned identities are kept. Default: None.')
  identityType: topicIdentityType?

  @description('Optional. Resource ids of the user-assigned identities the topic has now; kept as they are.')
  userAssignedIdentityIds: string[]?

  @description('Optional. The tags the topic has now; re-submitted unchanged (this project adds none to a topic it adopts). Default: no tags.')
  tags: tagsType?
}

@export()
@description('How Event Grid retries a delivery to the onNetworkEvent function before dead-lettering it.')
type eventDeliveryType = {
  @description('Required. Delivery attempts per event (1-30). Event Grid default: 30.')
  @minValue(1)
  @maxValue(30)
  maxDeliveryAttempts: int

  @description('Required. Minutes an undelivered event is kept before it is dead-lettered (1-1440). Event Grid default: 1440.')
  @minValue(1)
  @maxValue(1440)
  eventTimeToLiveInMinutes: int
}

@export()
@description('Where a watched subscription\'s system topic lives and whether it is adopted or created.')
type eventTopicPlacementType = {
  @description('Required. The watched subscription (GUID).')
  subscriptionId: string

  @description('Required. The resource group in that subscription that holds (or will hold) the system topic.')
  resourceGroupName: string

  @description('Required. The system topic name.')
  topicName: string

  @description('Required. True when the system topic already existed and is adopted; then the resource group is not created.')
  adopted: bool

  @description('Required. The identity type an adopted topic has now (None for a topic this deployment creates).')
  identityType: topicIdentityType

  @description('Required. User-assigned identities an adopted topic has now (empty for a created topic).')
  userAssignedIdentityIds: string[]

  @description('Required. Tags of the topic: an adopted topic\'s own tags, or this deployment\'s tags for a created one.')
  tags: tagsType
}

@export()
@description('Non-secret settings of the Functions app, named exactly as src/config.ts reads them. Secrets (TEAMS_WEBHOOK_URL, ALERT_WEBHOOK_URL, ALERT_WEBHOOK_SECRET) are not here: the app gets them as Key Vault references.')
type peeringSyncSettingsType = {
  @description('Required. Comma-separated subscription GUIDs the app watches and may write to.')
  WATCHED_SUBSCRIPTIONS: string

  @description('Required. Comma-separated subscription / resource group / VNet resource ids that narrow the writes; empty = all of WATCHED_SUBSCRIPTIONS.')
  SYNC_SCOPE: string

  @description('Required. "true" = plan and report, never write.')
  REPORT_ONLY: string

  @description('Required. "true" = re-PUT Disconnected peerings whose partner is back.')
  REPAIR_DISCONNECTED: string

  @description('Required. Name of a created reciprocal peering; must contain {remoteVnet}.')
  RECIPROCAL_NAME_TEMPLATE: string

  @description('Required. "true" = a created reciprocal may use the remote gateway when the rules allow it.')
  USE_REMOTE_GATEWAYS_ON_RECIPROCAL: string

  @description('Required. Tag (name=value) that excludes a VNet from every write.')
  OPT_OUT_TAG: string

  @description('Required. VNets reconciled in parallel.')
  MAX_PARALLEL_VNETS: string

  @description('Required. Attempts per ARM write before giving up.')
  MAX_ATTEMPTS: string

  @description('Required. Percent of ARM\'s refill left to other clients of the same buckets while any are seen.')
  ARM_BUDGET_HEADROOM_PERCENT: string

  @description('Required. Name of the cloud the app runs in, as environment().name spells it (AzureCloud, AzureUSGovernment, AzureChinaCloud).')
  ARM_CLOUD: string

  @description('Required. Client id of the user-assigned identity the app authenticates with.')
  AZURE_CLIENT_ID: string

  @description('Required. Multi-tenant application for peers in other tenants (docs/cross-tenant.md); empty when not used.')
  CROSS_TENANT_APP_CLIENT_ID: string

  @description('Required. Tenant of that application; empty when not used.')
  CROSS_TENANT_HOME_TENANT_ID: string

  @description('Required. Partner tenants that consented, comma-separated; empty when not used.')
  CROSS_TENANT_ALLOWED_TENANTS: string

  @description('Required. Blob service URI of the app\'s storage account (host leases and keys).')
  AzureWebJobsStorage__blobServiceUri: string

  @description('Required. Queue service URI of the app\'s storage account (reconcile and resync queues).')
  AzureWebJobsStorage__queueServiceUri: string

  @description('Required. Table service URI of the app\'s storage account (audit, alert state and peers tables).')
  AzureWebJobsStorage__tableServiceUri: string

  @description('Required. Queue that onNetworkEvent and sweep fill and reconcileVnet drains.')
  RECONCILE_QUEUE: string

  @description('Required. Seconds a reconcile message stays invisible so ARM settles first.')
  RECONCILE_DELAY_SECONDS: string

  @description('Required. Seconds in which further events about a queued VNet cost no extra reconcile.')
  DEDUPE_WINDOW_SECONDS: string

  @description('Required. Six-field NCRONTAB schedule of the sweep timer.')
  SWEEP_SCHEDULE: string

  @description('Required. Where the sweep lists VNets from: auto, resource-graph or arm-lists.')
  SWEEP_INVENTORY: string

  @description('Required. Table that keeps the audit trail.')
  AUDIT_TABLE: string

  @description('Required. Lowest severity that is alerted: info, warning or error.')
  ALERT_MIN_SEVERITY: string

  @description('Required. "true" = also alert when the app fixed something.')
  ALERT_ON_FIXED: string

  @description('Required. Hours between reminders of an open problem.')
  ALERT_REMINDER_HOURS: string

  @description('Required. Azure Communication Services endpoint (https), empty when email alerts are off.')
  EMAIL_ENDPOINT: string

  @description('Required. Sender address on the linked email domain, empty when email alerts are off.')
  EMAIL_SENDER: string

  @description('Required. Comma-separated recipient addresses, empty when email alerts are off.')
  EMAIL_RECIPIENTS: string

  @description('Required. Public URL of the status page linked from alerts, or empty.')
  STATUS_PAGE_URL: string

  @description('Required. Seconds between the status page\'s ARM reads, per instance.')
  STATUS_REFRESH_SECONDS: string

  @description('Required. Dry runs and runs one caller may ask for per hour, per instance.')
  RESYNC_RATE_LIMIT_PER_HOUR: string

  @description('Required. "true" when App Service Authentication is in front and app roles are required.')
  REQUIRE_APP_ROLES: string
}

@export()
@description('Key Vault secret names the app reads through Key Vault references, keyed by app setting; an empty name means the setting is not configured and stays empty.')
type vaultReferencesType = {
  @description('Required. Key Vault secret name holding the Teams Workflows webhook URL, or empty.')
  TEAMS_WEBHOOK_URL: string

  @description('Required. Key Vault secret name holding the generic alert webhook URL, or empty.')
  ALERT_WEBHOOK_URL: string

  @description('Required. Key Vault secret name holding the generic webhook signing key, or empty.')
  ALERT_WEBHOOK_SECRET: string
}
