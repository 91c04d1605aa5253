// Key Vault for the alert secrets. RBAC authorization (no access policies); the app's identity reads
// secrets through App Service Key Vault references (keyVaultReferenceIdentity = that identity), so no
// secret value ever sits in an app setting or in the deployment's outputs.

import { tagsType, vaultReferencesType } from 'types.bicep'

@minLength(3)
@maxLength(24)
@description('Required. Key Vault name (globally unique).')
param name string

@description('Required. Azure region.')
param location string

@description('Optional. Tags of the vault.')
param tags tagsType = {}

@description('Optional. Purge protection; once enabled it cannot be disabled.')
param enablePurgeProtection bool = false

@minValue(7)
@maxValue(90)
@description('Optional. Soft-delete retention in days.')
param softDeleteRetentionInDays int = 90

@description('Required. Resource id of the Log Analytics workspace that receives the vault\'s audit log.')
param logAnalyticsWorkspaceId string

@description('Required. Principal id of the app\'s identity (gets Key Vault Secrets User).')
param appPrincipalId string

@description('Required. Secret name per app setting; an empty name means that secret is not stored.')
param vaultReferences vaultReferencesType

@secure()
@description('Optional. Teams Workflows webhook URL.')
param teamsWebhookUrl string = ''

@secure()
@description('Optional. Generic alert webhook URL.')
param alertWebhookUrl string = ''

@secure()
@description('Optional. Signing key of the generic alert webhook.')
param alertWebhookSecret string = ''

// Key Vault Secrets User: read secret values, nothing else (no list of keys/certificates, no writes).
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // Purge protection accepts only true or "not set"; false is rejected by the service.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource teamsWebhookUrlItem 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(vaultReferences.TEAMS_WEBHOOK_URL)) {
  parent: vault
  name: empty(vaultReferences.TEAMS_WEBHOOK_URL) ? 'unused-teams' : vaultReferences.TEAMS_WEBHOOK_URL
  properties: {
    value: teamsWebhookUrl
    contentType: 'text/plain'
  }
}

resource alertWebhookUrlItem 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(vaultReferences.ALERT_WEBHOOK_URL)) {
  parent: vault
  name: empty(vaultReferences.ALERT_WEBHOOK_URL) ? 'unused-webhook' : vaultReferences.ALERT_WEBHOOK_URL
  properties: {
    value: alertWebhookUrl
    contentType: 'text/plain'
  }
}

resource alertWebhookKeyItem 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(vaultReferences.ALERT_WEBHOOK_SECRET)) {
  parent: vault
  name: empty(vaultReferences.ALERT_WEBHOOK_SECRET) ? 'unused-webhook-key' : vaultReferences.ALERT_WEBHOOK_SECRET
  properties: {
    value: alertWebhookSecret
    contentType: 'text/plain'
  }
}

resource appSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Who read or changed the webhook secrets, kept with the app's other logs: the vault's "audit" category
// group (https://learn.microsoft.com/azure/key-vault/general/logging). Landing zones usually require it
// (Azure Policy "Resource logs in Key Vault should be enabled").
resource auditLog 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

@description('Name of the Key Vault.')
output name string = vault.name

@description('URI of the Key Vault as it reports it (vaultUri, ends in a slash).')
output uri string = vault.properties.vaultUri
