// The app's storage account: Functions host (AzureWebJobsStorage), Flex deployment package, the
// reconcile queues, the audit and alert-state tables, and Event Grid dead letters. Shared keys are off:
// every consumer (host, deployment, queue trigger, Event Grid dead-lettering) uses Entra ID.

import { tagsType } from 'types.bicep'

@minLength(3)
@maxLength(24)
@description('Required. Storage account name (3-24 lower-case letters and digits).')
param name string

@description('Required. Azure region.')
param location string

@description('Optional. Tags of the account.')
param tags tagsType = {}

@description('Required. Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Required. Blob container Event Grid dead-letters undeliverable events to.')
param deadLetterContainerName string

@description('Required. Queue reconcileVnet drains; <name>-poison is created next to it.')
param reconcileQueueName string

@description('Required. Table of the audit trail.')
param auditTableName string

// Queues and tables whose names are fixed in the app (src/functions/runtime.ts: RESYNC_QUEUE, TABLES).
// Declared here so the app's identity never needs to create them and a redeploy keeps them.
var resyncQueueName = 'resync-runs'
var fixedTableNames = [
  'alertstate'
  'peeringpeers'
  'peeringdedupe'
]

@description('Required. Principal id of the app\'s identity.')
param appPrincipalId string

// Least privilege for the app's identity, all on this account only (it serves nothing else):
// - Storage Blob Data Owner: the Functions host needs it for AzureWebJobsStorage with an identity
//   (leases for the timer singleton and queue-listener coordination, host keys/secrets container), and
//   Flex reads the deployment package with it. Contributor is not enough for the host's lease/ACL calls.
// - Storage Queue Data Contributor: the queue trigger reads and deletes messages, moves failures to
//   <queue>-poison and the app enqueues to `reconcile`. It contains both Queue Data Message Processor
//   and Message Sender, so neither is assigned separately.
// - Storage Table Data Contributor: audit rows and alert state (read + upsert).
var storageBlobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var appRoleIds = [
  storageBlobDataOwnerRoleId
  storageQueueDataContributorRoleId
  storageTableDataContributorRoleId
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }

    resource deadLetterContainer 'containers' = {
      name: deadLetterContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }

  resource queueService 'queueServices' = {
    name: 'default'

    resource reconcileQueue 'queues' = {
      name: reconcileQueueName
    }

    // The host creates <queue>-poison on first failure; declaring it lets alerts watch it from day one.
    resource poisonQueue 'queues' = {
      name: '${reconcileQueueName}-poison'
    }

    resource resyncQueue 'queues' = {
      name: resyncQueueName
    }

    resource resyncPoisonQueue 'queues' = {
      name: '${resyncQueueName}-poison'
    }
  }

  resource tableService 'tableServices' = {
    name: 'default'

    resource auditTable 'tables' = {
      name: auditTableName
    }

    resource fixedTables 'tables' = [
      for name in fixedTableNames: {
        name: name
      }
    ]
  }
}

resource appRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in appRoleIds: {
    name: guid(storage.id, appPrincipalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The account's own endpoints, as the cloud it lives in spells them (core.windows.net,
// core.usgovcloudapi.net, core.chinacloudapi.cn, ...): nothing downstream builds a storage host name.
@description('Resource id of the storage account.')
output id string = storage.id

@description('Name of the storage account.')
output name string = storage.name

@description('Blob service URI of the account (ends in a slash).')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Queue service URI of the account (ends in a slash).')
output queueEndpoint string = storage.properties.primaryEndpoints.queue

@description('Table service URI of the account (ends in a slash).')
output tableEndpoint string = storage.properties.primaryEndpoints.table
