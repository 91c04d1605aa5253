// The subscription's Event Grid system topic (one per subscription: an existing one is adopted by
// declaring it again with the same name). Its system-assigned identity writes dead letters.
//
// Adopting re-submits the whole topic (a PUT), so an adopted topic keeps what it had: its tags as they
// are and its user-assigned identities next to the system-assigned one this project needs
// (https://learn.microsoft.com/azure/event-grid/enable-identity-system-topics). Dropping a user-assigned
// identity would break other teams' event subscriptions that deliver or dead-letter with it.

import { tagsType, topicIdentityType } from 'types.bicep'

@description('Required. System topic name.')
param name string

@description('Required. Tags of the topic (an adopted topic\'s own, unchanged).')
param tags tagsType

@description('Optional. Identity type the topic has now (None when it is created here).')
param identityType topicIdentityType = 'None'

@description('Optional. User-assigned identities the topic has now; kept.')
param userAssignedIdentityIds string[] = []

var keepUserAssigned = contains(identityType, 'UserAssigned') && !empty(userAssignedIdentityIds)

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  // Subscription events are global: the topic's location must be "global".
  location: 'global'
  tags: tags
  identity: keepUserAssigned
    ? {
        type: 'SystemAssigned, UserAssigned'
        userAssignedIdentities: toObject(userAssignedIdentityIds, id => id, id => {})
      }
    : {
        type: 'SystemAssigned'
      }
  properties: {
    source: subscription().id
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

@description('Name of the system topic.')
output name string = systemTopic.name

@description('Principal id of the topic\'s system-assigned identity (writes dead letters).')
output principalId string = systemTopic.identity.principalId
