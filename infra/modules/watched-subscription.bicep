// Everything one watched subscription needs, deployed at that subscription's scope:
// - a least-privilege custom role for peering sync, assigned to the app's identity;
// - the resource group for the Event Grid system topic (unless an existing topic is adopted);
// - the system topic (Microsoft.Resources.Subscriptions, location global) with its own identity.
targetScope = 'subscription'

import { eventTopicPlacementType, tagsType } from 'types.bicep'

@description('Required. Where the system topic lives in this subscription and whether it is adopted.')
param placement eventTopicPlacementType

@description('Required. Region of the events resource group.')
param location string

@description('Optional. Tags of the events resource group (the topic\'s tags come with its placement).')
param tags tagsType = {}

@description('Required. Principal id of the app\'s user-assigned identity.')
param appPrincipalId string

@description('Required. Suffix that makes nested deployment names unique per environment.')
param deploymentSuffix string

// Only what reading VNets and creating/syncing peerings needs (Learn "Create, change, or delete a
// virtual network peering", Permissions table,
// https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering#permissions):
// - virtualNetworks/read: list and get VNets (with their peerings and subnets);
// - virtualNetworkPeerings/read|write: get, create, sync (PUT ?syncRemoteAddressSpace=true), re-PUT a
//   Disconnected peering. No delete: the app never deletes a peering (docs/safety.md);
// - virtualNetworks/peer/action: checked on the REMOTE VNet of every peering write (else
//   LinkedAuthorizationFailed); the role is assigned in every watched subscription, so both ends are covered.
// - locations/operations/read and locations/operationResults/read: peering PUTs are long-running;
//   the SDK polls the Azure-AsyncOperation URL (/providers/Microsoft.Network/locations/{loc}/operations/{id})
//   and the Location URL (.../operationResults/{id}), which ARM authorizes as these actions
//   (precautionary: Azure/azure-xplat-cli#2051 shows a principal with only resource rights
//   failing with "can't access 'Microsoft.Network/locations/operations/read'"). Both are read-only.
// Not included: virtualNetworkGateways/read. Whether a VNet has a gateway is derived from the VNet read
// itself (GatewaySubnet ip configurations that point at a virtualNetworkGateway, src/azure/arm/arm-network-port.ts).
// Not included: resourceGroups/read (VNets are listed per subscription) and anything on subnets or NICs.
var peeringSyncActions = [
  'Microsoft.Network/virtualNetworks/read'
  'Microsoft.Network/virtualNetworks/virtualNetworkPeerings/read'
  'Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write'
  'Microsoft.Network/virtualNetworks/peer/action'
  'Microsoft.Network/locations/operations/read'
  'Microsoft.Network/locations/operationResults/read'
]

resource peeringSyncRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, 'vnet-peering-sync', 'peering-role')
  properties: {
    // roleName must be unique in the tenant: one role per subscription, named after it.
    roleName: 'VNet Peering Sync (${subscription().subscriptionId})'
    description: 'vnet-peering-sync: read VNets; create and sync VNet peerings (never delete).'
    type: 'CustomRole'
    permissions: [
      {
        actions: peeringSyncActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      subscription().id
    ]
  }
}

resource peeringSyncAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, appPrincipalId, peeringSyncRole.id)
  properties: {
    roleDefinitionId: peeringSyncRole.id
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'vnet-peering-sync keeps VNet peerings in this subscription in sync.'
  }
}

resource eventsResourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = if (!placement.adopted) {
  name: placement.resourceGroupName
  location: location
  tags: tags
}

module topic 'event-grid-topic.bicep' = {
  name: 'peering-sync-topic-${deploymentSuffix}'
  scope: resourceGroup(placement.resourceGroupName)
  dependsOn: [
    eventsResourceGroup
  ]
  params: {
    name: placement.topicName
    tags: placement.tags
    identityType: placement.identityType
    userAssignedIdentityIds: placement.userAssignedIdentityIds
  }
}

@description('Principal id of the system topic\'s system-assigned identity (gets dead-letter access).')
output topicPrincipalId string = topic.outputs.principalId

@description('Name of the system topic (created or adopted).')
output topicName string = topic.outputs.name

@description('Resource id of the custom peering role in this subscription.')
output roleDefinitionId string = peeringSyncRole.id
