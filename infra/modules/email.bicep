// Optional email alerts: Azure Communication Services linked to an Email Communication Service with an
// Azure-managed domain (DoNotReply@<guid>.azurecomm.net). The app sends with its managed identity
// (EmailClient(endpoint, ManagedIdentityCredential)), so no connection string or key is deployed.
// Always deployed as a module; with enabled=false it creates nothing and outputs empty strings.

import { tagsType } from 'types.bicep'

@description('Required. Create the email resources and output the endpoint and sender.')
param enabled bool

@description('Required. Name of the Communication Services resource.')
param communicationServiceName string

@description('Required. Name of the Email Communication Service.')
param emailServiceName string

@description('Optional. Where Communication Services keeps data at rest.')
param dataLocation string = 'United States'

@description('Optional. Tags of the resources.')
param tags tagsType = {}

@description('Required. Principal id of the identity that sends email.')
param senderPrincipalId string

// Least privilege for sending: a custom role with only the actions Microsoft documents for sending email
// with a Microsoft Entra identity ("Create a custom role" in
// https://learn.microsoft.com/azure/communication-services/quickstarts/email/send-email-smtp/smtp-authentication).
// The built-in "Communication and Email Service Owner" would also let the app list and regenerate the
// resource's access keys and manage domains; it needs none of that. The role lives in this resource group
// and is assignable only here; it is assigned on the one Communication Services resource.
var emailSenderActions = [
  'Microsoft.Communication/CommunicationServices/Read'
  'Microsoft.Communication/CommunicationServices/Write'
  'Microsoft.Communication/EmailServices/write'
]

resource emailSenderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (enabled) {
  name: guid(resourceGroup().id, 'vnet-peering-sync', 'email-sender')
  properties: {
    // roleName must be unique in the tenant: named after the resource group and subscription.
    roleName: 'VNet Peering Sync Email Sender (${resourceGroup().name}, ${subscription().subscriptionId})'
    description: 'vnet-peering-sync: send alert email through Azure Communication Services with Microsoft Entra ID. No key access.'
    type: 'CustomRole'
    permissions: [
      {
        actions: emailSenderActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = if (enabled) {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = if (enabled) {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' = if (enabled) {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
  }
}

resource senderRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (enabled) {
  name: guid(communicationService.id, senderPrincipalId, 'email-sender')
  scope: communicationService
  properties: {
    roleDefinitionId: emailSenderRole.id
    principalId: senderPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Both branches are guarded by the same condition as the resources; ARM's if() evaluates only the taken one.
@description('https endpoint of the Communication Services resource; empty when email is off.')
#disable-next-line BCP318
output endpoint string = enabled ? 'https://${communicationService.properties.hostName}' : ''
@description('Sender address on the Azure-managed domain; empty when email is off.')
#disable-next-line BCP318
output senderAddress string = enabled ? 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}' : ''
