// The subscription's Event Grid system topic (one per subscription: an existing one is adopted by
// declaring it again with the same name). Its system-assigned identity writes dead letters.

@description('Required. System topic name.')
param name string

@description('Optional. Tags of the topic.')
param tags object = {}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  // Subscription events are global: the topic's location must be "global".
  location: 'global'
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: subscription().id
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

output name string = systemTopic.name
output principalId string = systemTopic.identity.principalId
