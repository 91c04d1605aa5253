// Phase two (createEventSubscriptions=true): the event subscription that hands VNet and peering
// changes to the onNetworkEvent function. It needs the deployed function (AzureFunction destinations are
// validated at create time), which is why main.bicep only deploys it in the second provision.

import { eventDeliveryType } from 'types.bicep'

@description('Required. Event subscription name.')
param name string

@description('Required. The system topic (in this resource group) to subscribe to.')
param topicName string

@description('Required. Resource id of the Event Grid-triggered function (<function app id>/functions/onNetworkEvent).')
param functionResourceId string

@description('Required. Resource id of the storage account that receives dead letters.')
param deadLetterStorageAccountId string

@description('Required. Dead-letter blob container.')
param deadLetterContainerName string

@description('Required. Retry policy of the deliveries.')
param delivery eventDeliveryType

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: topicName
}

resource toFunction 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: name
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: functionResourceId
        // One event per invocation: onNetworkEvent enqueues one VNet per event and returns fast.
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      // Only what can change a peering's health; failures and cancels changed nothing.
      includedEventTypes: [
        'Microsoft.Resources.ResourceWriteSuccess'
        'Microsoft.Resources.ResourceDeleteSuccess'
      ]
      // operationName equals the RBAC action of the write
      // (https://learn.microsoft.com/azure/event-grid/event-schema-subscriptions). A VNet PUT that carries its
      // peerings inline raises only virtualNetworks/write, and a VNet delete removes its peerings with only
      // virtualNetworks/delete, so both VNet operations are needed, not just the peering ones.
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.operationName'
          values: [
            'Microsoft.Network/virtualNetworks/write'
            'Microsoft.Network/virtualNetworks/delete'
            'Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write'
            'Microsoft.Network/virtualNetworks/virtualNetworkPeerings/delete'
          ]
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: delivery.maxDeliveryAttempts
      eventTimeToLiveInMinutes: delivery.eventTimeToLiveInMinutes
    }
    // Dead letters are written with the system topic's own identity (shared keys are off on the
    // account); dead-letter-access.bicep grants it Storage Blob Data Contributor on this container.
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorageAccountId
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

@description('Resource id of the event subscription.')
output id string = toFunction.id
