import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAST_LRO, startTestEmulator } from "../../support/emulator.js";
import type { TestEmulator } from "../../support/emulator.js";
import { API, createVnet, expectArmError, peer, raw, vnetIdOf, seedVnet } from "./helpers.js";

/** docs/azure-behaviour.md#rest-shapes, #peering-model and #resource-ids: paths, api-version, authentication, casing, paging, bodies. */

let t: TestEmulator;
beforeEach(async () => {
  t = await startTestEmulator({ emulator: { pageSize: 3 } });
});
afterEach(async () => {
  expect(t.emu.internalErrors).toEqual([]);
  await t.stop();
});

describe("transport and ARM front door", () => {
  it("serves HTTPS with a certificate from a CA generated at start", async () => {
    expect(t.emu.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(t.emu.caPem).toContain("BEGIN CERTIFICATE");
    const { readFile } = await import("node:fs/promises");
    expect(await readFile(t.emu.caFile, "utf8")).toBe(t.emu.caPem);
  });

  it("answers 401 AuthenticationFailed without an Authorization: Bearer header", async () => {
    const path = `/subscriptions/${t.subscriptionId}/providers/Microsoft.Network/virtualNetworks?api-version=${API}`;
    const none = await raw(t.emu, "GET", path, { auth: false });
    expect(none.status).toBe(401);
    expect(none.json()).toEqual({
      error: {
        code: "AuthenticationFailed",
        message: "Authentication failed. The 'Authorization' header is missing.",
      },
    });
    const basic = await raw(t.emu, "GET", path, { auth: false, headers: { authorization: "Basic abc" } });
    expect(basic.status).toBe(401);
    expect(
      (await raw(t.emu, "GET", path, { auth: false, headers: { authorization: "Bearer anything-at-all" } }))
        .status,
    ).toBe(200);
  });

  it("answers 400 MissingApiVersionParameter without api-version and accepts any well-formed version", async () => {
    const base = `/subscriptions/${t.subscriptionId}/providers/Microsoft.Network/virtualNetworks`;
    const missing = await raw(t.emu, "GET", base);
    expect(missing.status).toBe(400);
    expect(missing.json()).toEqual({
      error: {
        code: "MissingApiVersionParameter",
        message: "The api-version query parameter (?api-version=) is required for all requests.",
      },
    });
    expect((await raw(t.emu, "GET", `${base}?api-version=not-a-date`)).json()).toMatchObject({
      error: { code: "InvalidApiVersionParameter" },
    });
    for (const v of ["2021-02-01", "2024-10-01", "2026-03-01", "2025-06-01-preview"])
      expect((await raw(t.emu, "GET", `${base}?api-version=${v}`)).status).toBe(200);
  });

  it("answers unknown paths and methods with ARM-style JSON errors, never HTML or a crash", async () => {
    const sub = `/subscriptions/${t.subscriptionId}`;
    const cases: Array<[string, string, number, string]> = [
      [
        "GET",
        `${sub}/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb?api-version=${API}`,
        404,
        "InvalidResourceType",
      ],
      ["GET", `/nothing/here?api-version=${API}`, 404, "InvalidRequestUri"],
      [
        "POST",
        `${sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/a?api-version=${API}`,
        405,
        "MethodNotAllowed",
      ],
      [
        "PATCH",
        `${sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/a/virtualNetworkPeerings/p?api-version=${API}`,
        405,
        "MethodNotAllowed",
      ],
      [
        "DELETE",
        `${sub}/providers/Microsoft.Network/virtualNetworks?api-version=${API}`,
        405,
        "MethodNotAllowed",
      ],
      [
        "GET",
        `${sub}/providers/Microsoft.Network/locations/westeurope/operations/unknown?api-version=${API}`,
        404,
        "NotFound",
      ],
    ];
    for (const [method, path, status, code] of cases) {
      const res = await raw(t.emu, method, path);
      expect({
        method,
        path,
        status: res.status,
        code: (res.json() as { error: { code: string } }).error.code,
      }).toEqual({ method, path, status, code });
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
    }
  });
});

describe("request bodies", () => {
  beforeEach(() => {
    seedVnet(t, "a", "10.1.0.0/16");
  });
  const peeringPath = () =>
    `${vnetIdOf(t.subscriptionId, "rg", "a")}/virtualNetworkPeerings/p?api-version=${API}`;

  it("answers 400 InvalidRequestContent for malformed JSON", async () => {
    const res = await raw(t.emu, "PUT", peeringPath(), { body: "{not json" });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: "InvalidRequestContent" } });
  });

  it("answers 400 InvalidRequestFormat naming the field for a value of the wrong type", async () => {
    const res = await raw(t.emu, "PUT", peeringPath(), {
      body: JSON.stringify({
        properties: {
          remoteVirtualNetwork: { id: vnetIdOf(t.subscriptionId, "rg", "a") },
          allowForwardedTraffic: "maybe",
        },
      }),
    });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: "InvalidRequestFormat",
        message: "Cannot parse the request.",
        details: [
          {
            code: "InvalidJson",
            message: `Error converting value "maybe" to type 'System.Boolean'. Path 'properties.allowForwardedTraffic'.`,
          },
        ],
      },
    });
  });

  it("answers 400 naming properties.remoteVirtualNetwork when it is missing, and a bad id as LinkedInvalidPropertyId", async () => {
    const missing = await raw(t.emu, "PUT", peeringPath(), {
      body: JSON.stringify({ properties: { allowForwardedTraffic: true } }),
    });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.json())).toContain("properties.remoteVirtualNetwork");
    const bad = await raw(t.emu, "PUT", peeringPath(), {
      body: JSON.stringify({ properties: { remoteVirtualNetwork: { id: "vnet-b" } } }),
    });
    expect(bad.json()).toMatchObject({ error: { code: "LinkedInvalidPropertyId" } });
    const noId = await raw(t.emu, "PUT", peeringPath(), {
      body: JSON.stringify({ properties: { remoteVirtualNetwork: {} } }),
    });
    expect(JSON.stringify(noId.json())).toContain("properties.remoteVirtualNetwork.id");
  });

  it("validates VNet bodies: location, address prefixes, CIDR alignment, subnets inside the space", async () => {
    const c = t.client;
    await expectArmError(
      c.virtualNetworks.beginCreateOrUpdateAndWait(
        "rg",
        "v",
        { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } },
        FAST_LRO,
      ),
      400,
      "LocationRequired",
    );
    await expectArmError(
      c.virtualNetworks.beginCreateOrUpdateAndWait("rg", "v", { location: "westeurope" }, FAST_LRO),
      400,
      "InvalidRequestFormat",
    );
    const e = await expectArmError(
      c.virtualNetworks.beginCreateOrUpdateAndWait(
        "rg",
        "v",
        { location: "westeurope", addressSpace: { addressPrefixes: ["10.0.0.1/16"] } },
        FAST_LRO,
      ),
      400,
      "InvalidCIDRNotation",
    );
    expect(e.message).toContain("the address prefix should be 10.0.0.0/16");
    await expectArmError(
      c.virtualNetworks.beginCreateOrUpdateAndWait(
        "rg",
        "v",
        {
          location: "westeurope",
          addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
          subnets: [{ name: "s", addressPrefix: "10.9.0.0/24" }],
        },
        FAST_LRO,
      ),
      400,
      "NetcfgSubnetRangeOutsideVnet",
    );
  });
});

describe("resources, casing and paging", () => {
  it("preserves the caller's casing in ids and names and compares case-insensitively", async () => {
    await createVnet(t.client, "RG-Mixed", "Vnet-Hub", ["10.0.0.0/16"]);
    await createVnet(t.client, "RG-Mixed", "Vnet-Spoke", ["10.1.0.0/16"]);
    const lower = t.clientFor(t.subscriptionId);
    const hub = await lower.virtualNetworks.get("rg-mixed", "vnet-hub");
    expect(hub.id).toBe(
      `/subscriptions/${t.subscriptionId}/resourceGroups/RG-Mixed/providers/Microsoft.Network/virtualNetworks/Vnet-Hub`,
    );
    expect(hub.name).toBe("Vnet-Hub");
    // remoteVirtualNetwork.id is echoed as the caller wrote it; the partner is still found.
    const remoteUpper = vnetIdOf(t.subscriptionId, "rg-MIXED", "VNET-SPOKE")
      .toUpperCase()
      .replace("/SUBSCRIPTIONS/", "/subscriptions/");
    const ab = await peer(t.client, "rg-mixed", "VNET-HUB", "Hub-To-Spoke", remoteUpper);
    expect(ab.id).toBe(`${hub.id}/virtualNetworkPeerings/Hub-To-Spoke`);
    expect(ab.remoteVirtualNetwork?.id).toBe(remoteUpper);
    const ba = await peer(t.client, "RG-Mixed", "Vnet-Spoke", "spoke-to-hub", hub.id!.toLowerCase());
    expect(ba.peeringState).toBe("Connected");
    expect((await t.client.virtualNetworkPeerings.get("rg-mixed", "vnet-hub", "HUB-TO-SPOKE")).name).toBe(
      "Hub-To-Spoke",
    );
  });

  it("lists all VNets of a subscription with nextLink paging and a configurable page size", async () => {
    for (let i = 0; i < 7; i++)
      t.emu.seed.vnet({
        subscriptionId: t.subscriptionId,
        resourceGroup: i < 4 ? "rg1" : "rg2",
        name: `v${i}`,
        addressPrefixes: [`10.${i}.0.0/16`],
      });
    t.emu.seed.vnet({
      subscriptionId: "00000000-0000-4000-8000-0000000000ff",
      resourceGroup: "rg1",
      name: "elsewhere",
      addressPrefixes: ["10.50.0.0/16"],
    });
    const all: string[] = [];
    for await (const v of t.client.virtualNetworks.listAll()) all.push(v.name!);
    expect(all).toEqual(["v0", "v1", "v2", "v3", "v4", "v5", "v6"]);
    const pages: number[] = [];
    for await (const page of t.client.virtualNetworks.listAll().byPage()) pages.push(page.length);
    expect(pages).toEqual([3, 3, 1]);
    const rg2: string[] = [];
    for await (const v of t.client.virtualNetworks.list("rg2")) rg2.push(v.name!);
    expect(rg2).toEqual(["v4", "v5", "v6"]);
    await expectArmError(
      (async () => {
        for await (const _ of t.client.virtualNetworks.list("no-such-rg")) void _;
      })(),
      404,
      "ResourceGroupNotFound",
    );
  });

  it("creates resource groups explicitly (PUT /resourcegroups) or implicitly on first VNet PUT", async () => {
    const path = `/subscriptions/${t.subscriptionId}/resourcegroups/rg-explicit?api-version=2024-03-01`;
    const put = await raw(t.emu, "PUT", path, {
      body: JSON.stringify({ location: "northeurope", tags: { a: "b" } }),
    });
    expect(put.status).toBe(201);
    expect(put.json()).toMatchObject({
      name: "rg-explicit",
      location: "northeurope",
      properties: { provisioningState: "Succeeded" },
    });
    expect(
      (await raw(t.emu, "PUT", path, { body: JSON.stringify({ location: "northeurope" }) })).status,
    ).toBe(200);
    await createVnet(t.client, "rg-implicit", "v", ["10.0.0.0/16"]);
    expect(
      (
        await raw(
          t.emu,
          "GET",
          `/subscriptions/${t.subscriptionId}/resourcegroups/rg-implicit?api-version=2024-03-01`,
        )
      ).status,
    ).toBe(200);
  });

  it("refuses a VNet PUT into an unknown resource group when implicit resource groups are off", async () => {
    await t.stop();
    t = await startTestEmulator({ emulator: { implicitResourceGroups: false } });
    await expectArmError(createVnet(t.client, "rg-none", "v", ["10.0.0.0/16"]), 404, "ResourceGroupNotFound");
  });

  it("keeps tags, subnets and unknown properties through GET -> PUT, and updates tags with PATCH", async () => {
    await t.client.virtualNetworks.beginCreateOrUpdateAndWait(
      "rg",
      "v",
      {
        location: "westeurope",
        tags: { owner: "net" },
        addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
        subnets: [{ name: "app", addressPrefix: "10.0.1.0/24" }],
        dhcpOptions: { dnsServers: ["10.0.0.4"] },
      },
      FAST_LRO,
    );
    const got = await t.client.virtualNetworks.get("rg", "v");
    expect(got).toMatchObject({ tags: { owner: "net" }, dhcpOptions: { dnsServers: ["10.0.0.4"] } });
    const again = await t.client.virtualNetworks.beginCreateOrUpdateAndWait("rg", "v", got, FAST_LRO);
    expect(again.subnets?.map((s) => s.name)).toEqual(["app"]);
    const tagged = await t.client.virtualNetworks.updateTags("rg", "v", { tags: { owner: "ops" } });
    expect(tagged.tags).toEqual({ owner: "ops" });
    const subnet = await t.client.subnets.get("rg", "v", "app");
    expect(subnet.addressPrefix).toBe("10.0.1.0/24");
  });
});
