// The app's one identity: host storage, Key Vault references, App Insights, ARM (peering role), email.
// User-assigned so that its role assignments exist before the function app does.

import { tagsType } from 'types.bicep'

@description('Required. Name of the user-assigned managed identity.')
param name string

@description('Required. Azure region.')
param location string

@description('Optional. Tags of the identity.')
param tags tagsType = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the user-assigned identity.')
output id string = identity.id

@description('Name of the user-assigned identity.')
output name string = identity.name

@description('Object (principal) id of the identity, for role assignments.')
output principalId string = identity.properties.principalId

@description('Client id of the identity, for AZURE_CLIENT_ID and AzureWebJobsStorage__clientId.')
output clientId string = identity.properties.clientId
