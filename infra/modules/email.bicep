// Optional email alerts: Azure Communication Services linked to an Email Communication Service with an
// Azure-managed domain (DoNotReply@<guid>.azurecomm.net). The app sends with its managed identity
// (EmailClient(endpoint, ManagedIdentityCredential)), so no connection string or key is deployed.
// Always deployed as a module; with enabled=false it creates nothing and outputs empty strings.

@description('Required. Create the email resources and output the endpoint and sender.')
param enabled bool

@description('Required. Name of the Communication Services resource.')
param communicationServiceName string

@description('Required. Name of the Email Communication Service.')
param emailServiceName string

@description('Optional. Where Communication Services keeps data at rest.')
param dataLocation string = 'United States'

@description('Optional. Tags of the resources.')
param tags object = {}

@description('Required. Principal id of the identity that sends email.')
param senderPrincipalId string

// Communication and Email Service Owner (docs/azure-behaviour.md#deployment): the built-in role the Entra-authenticated
// email send path is documented with. Scoped to this one Communication Services resource.
var communicationAndEmailServiceOwnerRoleId = '09976791-48a7-449e-bb21-39d1a415f350'

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
  name: guid(communicationService.id, senderPrincipalId, communicationAndEmailServiceOwnerRoleId)
  scope: communicationService
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      communicationAndEmailServiceOwnerRoleId
    )
    principalId: senderPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Both branches are guarded by the same condition as the resources; ARM's if() evaluates only the taken one.
#disable-next-line BCP318
output endpoint string = enabled ? 'https://${communicationService.properties.hostName}' : ''
#disable-next-line BCP318
output senderAddress string = enabled ? 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}' : ''
