import { describe, expect, it } from "vitest";
import {
  parseArmWhatIf,
  parseTerraformPlan,
  parseWhatIfBody,
  resolveChange,
  WhatIfInputError,
} from "../../../src/what-if/index.js";

const ID =
  "/subscriptions/44444444-4444-4444-8444-444444444444/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub";

const tfChange = (type: string, actions: string[], before: unknown, after: unknown, extra: object = {}) => ({
  resource_changes: [{ address: `${type}.x`, type, change: { actions, before, after, ...extra } }],
});

function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof WhatIfInputError) return err.field;
    throw err;
  }
  throw new Error("did not throw");
}

describe("terraform show -json", () => {
  it("reads an azurerm_virtual_network update's new address_space", () => {
    const plan = tfChange(
      "azurerm_virtual_network",
      ["update"],
      { id: ID, address_space: ["10.0.0.0/16"] },
      { id: ID, address_space: ["10.0.0.0/16", "10.1.0.0/16"] },
    );
    expect(parseTerraformPlan(plan)).toEqual({
      requests: [
        { vnetId: ID, addressSpace: ["10.0.0.0/16", "10.1.0.0/16"], source: "azurerm_virtual_network.x" },
      ],
      skipped: [],
    });
  });

  it("reads azapi bodies as an object (2.x) and as a JSON string (1.x)", () => {
    const body = (p: string[]) => ({ properties: { addressSpace: { addressPrefixes: p } } });
    const type = "Microsoft.Network/virtualNetworks@2024-05-01";
    const v2 = tfChange(
      "azapi_resource",
      ["update"],
      { id: ID, type, body: body(["10.0.0.0/16"]) },
      { id: ID, type, body: body(["10.2.0.0/16"]) },
    );
    const v1 = tfChange(
      "azapi_resource",
      ["update"],
      { id: ID, type, body: JSON.stringify(body(["10.0.0.0/16"])) },
      { id: ID, type, body: JSON.stringify(body(["10.2.0.0/16"])) },
    );
    expect(parseTerraformPlan(v2).requests[0]?.addressSpace).toEqual(["10.2.0.0/16"]);
    expect(parseTerraformPlan(v1).requests[0]?.addressSpace).toEqual(["10.2.0.0/16"]);
  });

  it("ignores other resource types, azapi resources that are not VNets, and updates that keep the space", () => {
    expect(
      parseTerraformPlan(tfChange("azurerm_subnet", ["update"], { id: ID }, { id: ID })).requests,
    ).toEqual([]);
    expect(
      parseTerraformPlan(
        tfChange(
          "azapi_resource",
          ["update"],
          { id: ID, type: "Microsoft.Network/routeTables@2024-05-01", body: {} },
          { id: ID, type: "Microsoft.Network/routeTables@2024-05-01", body: {} },
        ),
      ).requests,
    ).toEqual([]);
    expect(
      parseTerraformPlan(
        tfChange(
          "azurerm_virtual_network",
          ["update"],
          { id: ID, address_space: ["10.0.0.0/16"] },
          { id: ID, address_space: ["10.0.0.0/16"], tags: { a: "b" } },
        ),
      ).requests,
    ).toEqual([]);
  });

  it("says what it did not check: a replaced VNet, a space known only after apply", () => {
    const replaced = tfChange(
      "azurerm_virtual_network",
      ["delete", "create"],
      { id: ID, address_space: ["10.0.0.0/16"] },
      { address_space: ["10.9.0.0/16"] },
    );
    expect(parseTerraformPlan(replaced).skipped).toEqual([
      { source: "azurerm_virtual_network.x", reason: expect.stringContaining("replaces this VNet") },
    ]);
    const unknown = tfChange(
      "azurerm_virtual_network",
      ["update"],
      { id: ID, address_space: ["10.0.0.0/16"] },
      { id: ID },
      { after_unknown: { address_space: true } },
    );
    expect(parseTerraformPlan(unknown).skipped).toEqual([
      { source: "azurerm_virtual_network.x", reason: "its address space is only known after apply." },
    ]);
  });

  it("a VNet created from scratch has no peering yet: not a change to check", () => {
    expect(
      parseTerraformPlan(
        tfChange("azurerm_virtual_network", ["create"], null, { address_space: ["10.9.0.0/16"] }),
      ),
    ).toEqual({
      requests: [],
      skipped: [],
    });
  });

  it.each([
    ["not an object", "plan", "terraformPlan"],
    ["resource_changes not a list", { resource_changes: {} }, "terraformPlan.resource_changes"],
    [
      "a bad VNet id",
      tfChange(
        "azurerm_virtual_network",
        ["update"],
        { id: "../../etc", address_space: ["10.0.0.0/16"] },
        { address_space: ["10.1.0.0/16"] },
      ),
      "terraformPlan.resource_changes[0].change.before.id",
    ],
    [
      "a prefix that is not a string",
      tfChange(
        "azurerm_virtual_network",
        ["update"],
        { id: ID, address_space: ["10.0.0.0/16"] },
        { id: ID, address_space: [7] },
      ),
      "terraformPlan.resource_changes[0].change.after.address_space[0]",
    ],
  ])("refuses %s, naming the field", (_name, plan, field) => {
    expect(fieldOf(() => parseTerraformPlan(plan))).toBe(field);
  });
});

describe("subnets a Terraform plan moves along", () => {
  const vnetChange = {
    address: "azurerm_virtual_network.hub",
    type: "azurerm_virtual_network",
    change: {
      actions: ["update"],
      before: {
        id: ID,
        address_space: ["10.0.0.0/16"],
        subnet: [{ name: "a", address_prefixes: ["10.0.1.0/24"] }],
      },
      after: {
        id: ID,
        address_space: ["10.9.0.0/16"],
        subnet: [{ name: "a", address_prefixes: ["10.0.1.0/24"] }],
      },
    },
  };
  const subnetChange = (actions: string[], before: unknown, after: unknown) => ({
    address: "azurerm_subnet.x",
    type: "azurerm_subnet",
    change: { actions, before, after },
  });

  it("folds azurerm_subnet updates (by id), creates (by resource group and VNet name) and deletes into the VNet's change", () => {
    const parsed = parseTerraformPlan({
      resource_changes: [
        vnetChange,
        subnetChange(["update"], { id: `${ID}/subnets/a` }, { address_prefixes: ["10.9.1.0/24"] }),
        subnetChange(["create"], null, {
          name: "b",
          resource_group_name: "RG",
          virtual_network_name: "HUB",
          address_prefixes: ["10.9.2.0/24"],
        }),
        subnetChange(["delete"], { id: `${ID}/subnets/old` }, null),
        subnetChange(["update"], { id: `${ID}x/subnets/a` }, { address_prefixes: ["10.7.0.0/24"] }),
      ],
    });
    const [request] = parsed.requests;
    expect(request?.subnets).toEqual([{ name: "a", addressPrefixes: ["10.0.1.0/24"] }]);
    expect(request?.subnetChanges).toEqual([
      { name: "a", addressPrefixes: ["10.9.1.0/24"] },
      { name: "b", addressPrefixes: ["10.9.2.0/24"] },
      { name: "old", addressPrefixes: null },
    ]);
    expect(resolveChange(request!, ["10.0.0.0/16"]).subnets).toEqual([
      { name: "a", addressPrefixes: ["10.9.1.0/24"] },
      { name: "b", addressPrefixes: ["10.9.2.0/24"] },
    ]);
  });

  it("a subnet entry without a name is refused, naming the field", () => {
    const bad = structuredClone(vnetChange);
    (bad.change.after.subnet as unknown[]) = [{ address_prefixes: ["10.9.1.0/24"] }];
    expect(fieldOf(() => parseTerraformPlan({ resource_changes: [bad] }))).toBe(
      "terraformPlan.resource_changes[0].change.after.subnet[0].name",
    );
  });
});

describe("az deployment what-if", () => {
  const vnet = (p: string[]) => ({
    type: "Microsoft.Network/virtualNetworks",
    properties: { addressSpace: { addressPrefixes: p } },
  });

  it("reads Modify changes, flat (az CLI) or under properties (REST)", () => {
    const change = {
      resourceId: ID,
      changeType: "Modify",
      before: vnet(["10.0.0.0/16"]),
      after: vnet(["10.0.0.0/15"]),
    };
    expect(parseArmWhatIf({ status: "Succeeded", changes: [change] }).requests).toEqual([
      { vnetId: ID, addressSpace: ["10.0.0.0/15"], source: "what-if Modify" },
    ]);
    expect(parseArmWhatIf({ status: "Succeeded", properties: { changes: [change] } }).requests).toHaveLength(
      1,
    );
  });

  it("ignores Create, Delete, NoChange and other types", () => {
    const changes = [
      { resourceId: ID, changeType: "Create", after: vnet(["10.0.0.0/16"]) },
      { resourceId: ID, changeType: "NoChange", before: vnet(["10.0.0.0/16"]), after: vnet(["10.0.0.0/16"]) },
      {
        resourceId: `${ID}x`,
        changeType: "Modify",
        before: { type: "Microsoft.Network/routeTables" },
        after: { type: "Microsoft.Network/routeTables" },
      },
    ];
    expect(parseArmWhatIf({ changes }).requests).toEqual([]);
  });

  it("refuses a bad resource id, naming the field", () => {
    const change = {
      resourceId: "/subscriptions/x/virtualNetworks/y",
      changeType: "Modify",
      before: vnet(["10.0.0.0/16"]),
      after: vnet(["10.1.0.0/16"]),
    };
    expect(fieldOf(() => parseArmWhatIf({ changes: [change] }))).toBe("armWhatIf.changes[0].resourceId");
  });
});

describe("the HTTP body", () => {
  it("takes one change, a list, or a plan file", () => {
    expect(parseWhatIfBody({ vnet: ID, add: ["10.1.0.0/16"] }).requests).toEqual([
      { vnetId: ID, add: ["10.1.0.0/16"] },
    ]);
    expect(parseWhatIfBody({ changes: [{ vnet: ID, remove: ["10.0.0.0/16"] }] }).requests).toEqual([
      { vnetId: ID, remove: ["10.0.0.0/16"] },
    ]);
  });

  it("bounds the list of prefixes", () => {
    expect(
      fieldOf(() => parseWhatIfBody({ vnet: ID, add: Array.from({ length: 201 }, () => "10.0.0.0/8") })),
    ).toBe("add");
  });
});
