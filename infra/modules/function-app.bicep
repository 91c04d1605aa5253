// Flex Consumption plan + function app (Node.js, v4 programming model).
// Flex takes its runtime from functionAppConfig.runtime: FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION, WEBSITE_RUN_FROM_PACKAGE and WEBSITE_CONTENT* are not used on Flex and
// are deliberately absent (Learn "Flex Consumption plan deprecations",
// https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations;
// test/integration/infra/ checks it).
//
// siteConfig holds appSettings and nothing else. Flex refuses most of the classic siteConfig properties
// (ARM error 51021 "... site configuration properties (Site.SiteConfig.FtpsState, ...) for Flex
// Consumption sites is invalid", microsoft/azure-pipelines-tasks#21032,
// Azure/terraform-azurerm-avm-res-web-site#360), and Microsoft's Flex samples
// (https://github.com/Azure-Samples/azure-functions-flex-consumption-samples) set none beyond appSettings.
// What they used to do is done elsewhere: FTP and SCM basic auth are off through the
// basicPublishingCredentialsPolicies below, and new sites get TLS 1.2 as their minimum by default.

import { peeringSyncSettingsType, tagsType, vaultReferencesType } from 'types.bicep'

@description('Required. Function app name (globally unique host name).')
param name string

@description('Required. Flex Consumption plan name.')
param planName string

@description('Required. Azure region (must offer Flex Consumption).')
param location string

@description('Optional. Tags; azd-service-name=api is added so `azd deploy` finds the app.')
param tags tagsType = {}

@description('Required. Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Required. Storage account for the host and the deployment package.')
param storageAccountName string

@description('Required. Blob container holding the deployment package.')
param deploymentContainerName string

@description('Required. Application Insights connection string.')
param applicationInsightsConnectionString string

@allowed([
  '20'
  '22'
])
@description('Optional. Node.js version.')
param nodeVersion string = '22'

// 512 MB is left out: some API versions refuse it (Azure/azure-rest-api-specs#40898) and this app's
// sweep holds whole subscriptions' VNets in memory.
@allowed([
  2048
  4096
])
@description('Optional. Instance memory in MB.')
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
@description('Optional. Maximum number of instances.')
param maximumInstanceCount int = 40

@description('Required. Key Vault URI as the vault reports it (vaultUri, ending in a slash).')
param keyVaultUri string

@description('Required. Key Vault secret name per secret app setting; empty = setting not configured.')
param vaultReferences vaultReferencesType

@description('Required. The app settings src/config.ts reads, except secrets and the host-only ones.')
param settings peeringSyncSettingsType

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: last(split(identityId, '/'))
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      // Same order as the schema in src/config.ts (and the README's settings table).
      appSettings: [
        {
          name: 'WATCHED_SUBSCRIPTIONS'
          value: settings.WATCHED_SUBSCRIPTIONS
        }
        {
          name: 'SYNC_SCOPE'
          value: settings.SYNC_SCOPE
        }
        {
          name: 'REPORT_ONLY'
          value: settings.REPORT_ONLY
        }
        {
          name: 'REPAIR_DISCONNECTED'
          value: settings.REPAIR_DISCONNECTED
        }
        {
          name: 'RECIPROCAL_NAME_TEMPLATE'
          value: settings.RECIPROCAL_NAME_TEMPLATE
        }
        {
          name: 'USE_REMOTE_GATEWAYS_ON_RECIPROCAL'
          value: settings.USE_REMOTE_GATEWAYS_ON_RECIPROCAL
        }
        {
          name: 'OPT_OUT_TAG'
          value: settings.OPT_OUT_TAG
        }
        {
          name: 'MAX_PARALLEL_VNETS'
          value: settings.MAX_PARALLEL_VNETS
        }
        {
          name: 'MAX_ATTEMPTS'
          value: settings.MAX_ATTEMPTS
        }
        {
          name: 'ARM_BUDGET_HEADROOM_PERCENT'
          value: settings.ARM_BUDGET_HEADROOM_PERCENT
        }
        // The cloud by name (environment().name); the app maps it to its Resource Manager endpoint and
        // token audience. ARM_ENDPOINT is only an override for emulators and custom endpoints.
        {
          name: 'ARM_CLOUD'
          value: settings.ARM_CLOUD
        }
        {
          name: 'AZURE_CLIENT_ID'
          value: settings.AZURE_CLIENT_ID
        }
        {
          name: 'CROSS_TENANT_APP_CLIENT_ID'
          value: settings.CROSS_TENANT_APP_CLIENT_ID
        }
        {
          name: 'CROSS_TENANT_HOME_TENANT_ID'
          value: settings.CROSS_TENANT_HOME_TENANT_ID
        }
        {
          name: 'CROSS_TENANT_ALLOWED_TENANTS'
          value: settings.CROSS_TENANT_ALLOWED_TENANTS
        }
        // Identity-based host storage with the account's own service URIs, as Microsoft's Flex quickstart
        // does: __accountName would make the host (and the app) assume core.windows.net, which is wrong in
        // Azure US Government and Azure China
        // (https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity).
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identity.properties.clientId
        }
        {
          name: 'AzureWebJobsStorage__blobServiceUri'
          value: settings.AzureWebJobsStorage__blobServiceUri
        }
        {
          name: 'AzureWebJobsStorage__queueServiceUri'
          value: settings.AzureWebJobsStorage__queueServiceUri
        }
        {
          name: 'AzureWebJobsStorage__tableServiceUri'
          value: settings.AzureWebJobsStorage__tableServiceUri
        }
        {
          name: 'RECONCILE_QUEUE'
          value: settings.RECONCILE_QUEUE
        }
        {
          name: 'RECONCILE_DELAY_SECONDS'
          value: settings.RECONCILE_DELAY_SECONDS
        }
        {
          name: 'DEDUPE_WINDOW_SECONDS'
          value: settings.DEDUPE_WINDOW_SECONDS
        }
        {
          name: 'SWEEP_SCHEDULE'
          value: settings.SWEEP_SCHEDULE
        }
        {
          name: 'SWEEP_INVENTORY'
          value: settings.SWEEP_INVENTORY
        }
        {
          name: 'AUDIT_TABLE'
          value: settings.AUDIT_TABLE
        }
        {
          name: 'ALERT_MIN_SEVERITY'
          value: settings.ALERT_MIN_SEVERITY
        }
        {
          name: 'ALERT_ON_FIXED'
          value: settings.ALERT_ON_FIXED
        }
        {
          name: 'ALERT_REMINDER_HOURS'
          value: settings.ALERT_REMINDER_HOURS
        }
        // Secrets: Key Vault references only (resolved with keyVaultReferenceIdentity), or empty. Versionless
        // references, so a rotated secret reaches the app without a redeploy.
        {
          name: 'TEAMS_WEBHOOK_URL'
          value: empty(vaultReferences.TEAMS_WEBHOOK_URL) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${vaultReferences.TEAMS_WEBHOOK_URL}/)'
        }
        {
          name: 'ALERT_WEBHOOK_URL'
          value: empty(vaultReferences.ALERT_WEBHOOK_URL) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${vaultReferences.ALERT_WEBHOOK_URL}/)'
        }
        {
          name: 'ALERT_WEBHOOK_SECRET'
          value: empty(vaultReferences.ALERT_WEBHOOK_SECRET) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${vaultReferences.ALERT_WEBHOOK_SECRET}/)'
        }
        {
          name: 'EMAIL_ENDPOINT'
          value: settings.EMAIL_ENDPOINT
        }
        {
          name: 'EMAIL_SENDER'
          value: settings.EMAIL_SENDER
        }
        {
          name: 'EMAIL_RECIPIENTS'
          value: settings.EMAIL_RECIPIENTS
        }
        {
          name: 'STATUS_PAGE_URL'
          value: settings.STATUS_PAGE_URL
        }
        {
          name: 'STATUS_REFRESH_SECONDS'
          value: settings.STATUS_REFRESH_SECONDS
        }
        {
          name: 'RESYNC_RATE_LIMIT_PER_HOUR'
          value: settings.RESYNC_RATE_LIMIT_PER_HOUR
        }
        {
          name: 'REQUIRE_APP_ROLES'
          value: settings.REQUIRE_APP_ROLES
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: applicationInsightsConnectionString
        }
        // Entra ID auth for telemetry (Application Insights has local auth disabled).
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identity.properties.clientId};Authorization=AAD'
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }

  // No FTP and no SCM basic auth: deployments go through Entra ID (azd uses the deployer's token).
  resource ftpPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

@description('Resource id of the function app.')
output id string = site.id

@description('Name of the function app.')
output name string = site.name

@description('Default host name of the function app (in the domain of the cloud it runs in).')
output defaultHostName string = site.properties.defaultHostName
