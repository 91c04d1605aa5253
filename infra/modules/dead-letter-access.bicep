// Event Grid dead-letters with the system topic's own identity (deadLetterWithResourceIdentity), so the
// storage account keeps shared keys off. That identity needs Storage Blob Data Contributor, and only on
// the dead-letter container (Learn: "Deliver events using managed identity" / dead-letter with identity).

@description('Required. Storage account that holds the dead-letter container.')
param storageAccountName string

@description('Required. The dead-letter container.')
param containerName string

@description('Required. Principal id of the system topic\'s system-assigned identity.')
param topicPrincipalId string

var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource container 'containers' existing = {
      name: containerName
    }
  }
}

resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::blobService::container.id, topicPrincipalId, storageBlobDataContributorRoleId)
  scope: storage::blobService::container
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: topicPrincipalId
    principalType: 'ServicePrincipal'
  }
}
