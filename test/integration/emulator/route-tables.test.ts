import { afterEach, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/emulator.js";

/**
 * Route tables as the what-if reads them through the real SDK (RouteTables_ListAll and _Get): the
 * routes with their next hops, and the subnets associated with each table, computed from the subnets'
 * own `routeTable` reference as ARM does.
 */

let t: TestEmulator | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const SUB = "77777777-7777-4777-8777-777777777777";

describe("route tables", () => {
  it("lists and gets tables with their routes and associated subnets", async () => {
    t = await startTestEmulator({
      subscriptionId: SUB,
      emulator: {
        topology: {
          subscriptions: [
            {
              id: SUB,
              resourceGroups: [
                {
                  name: "rg-hub",
                  vnets: [
                    {
                      name: "hub",
                      addressPrefixes: ["10.0.0.0/16"],
                      subnets: [{ name: "GatewaySubnet", addressPrefixes: ["10.0.255.0/27"] }],
                    },
                  ],
                  routeTables: [
                    {
                      name: "rt-gw",
                      subnets: ["hub/GatewaySubnet"],
                      routes: [
                        {
                          name: "to-spoke",
                          addressPrefix: "10.1.0.0/16",
                          nextHopType: "VirtualAppliance",
                          nextHopIpAddress: "10.0.3.4",
                        },
                      ],
                    },
                    { name: "rt-unused", routes: [] },
                  ],
                },
              ],
            },
          ],
        },
      },
    });
    const all = [];
    for await (const table of t.client.routeTables.listAll()) all.push(table);
    expect(all.map((x) => x.name)).toEqual(["rt-gw", "rt-unused"]);
    const gw = await t.client.routeTables.get("rg-hub", "rt-gw");
    const hubId = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub`;
    expect(gw.routes?.map((r) => [r.name, r.addressPrefix, r.nextHopType, r.nextHopIpAddress])).toEqual([
      ["to-spoke", "10.1.0.0/16", "VirtualAppliance", "10.0.3.4"],
    ]);
    expect(gw.subnets?.map((s) => s.id)).toEqual([`${hubId}/subnets/GatewaySubnet`]);
    const subnet = await t.client.subnets.get("rg-hub", "hub", "GatewaySubnet");
    expect(subnet.routeTable?.id).toBe(gw.id);
    expect((await t.client.routeTables.get("rg-hub", "rt-unused")).subnets).toBeUndefined();
    await expect(t.client.routeTables.get("rg-hub", "nope")).rejects.toMatchObject({
      statusCode: 404,
      code: "ResourceNotFound",
    });
  });
});
