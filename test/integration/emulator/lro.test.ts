import type { PipelinePolicy, PipelineResponse } from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, it } from "vitest";
import { FAST_LRO, startTestEmulator } from "../../support/emulator.js";
import type { TestEmulator } from "../../support/emulator.js";
import { API, expectLroFailure, peer, raw, vnetIdOf, wait, seedVnet } from "./helpers.js";

/** docs/azure-behaviour.md#long-running-operations: long-running operations as NRP runs them, and the SDK's poller working against them. */

let t: TestEmulator;
afterEach(async () => {
  expect(t.emu.internalErrors).toEqual([]);
  await t.stop();
});

const opUrl = (t: TestEmulator) =>
  new RegExp(
    `^${t.emu.endpoint}/subscriptions/${t.subscriptionId}/providers/Microsoft\\.Network/locations/westeurope/operations/[0-9a-f-]{36}\\?api-version=${API}$`,
  );

describe("long-running operations", () => {
  it("answers a new peering PUT 201 Updating with only Azure-AsyncOperation, then Succeeded", async () => {
    t = await startTestEmulator({ emulator: { lroDurationSeconds: 0.15 } });
    const a = seedVnet(t, "a", "10.1.0.0/16");
    const b = seedVnet(t, "b", "10.2.0.0/16");
    const put = await raw(t.emu, "PUT", `${a}/virtualNetworkPeerings/a-to-b?api-version=${API}`, {
      body: JSON.stringify({ properties: { remoteVirtualNetwork: { id: b } } }),
    });
    expect(put.status).toBe(201);
    expect(put.headers["azure-asyncoperation"]).toMatch(opUrl(t));
    expect(put.headers.location).toBeUndefined();
    expect(put.json()).toMatchObject({
      properties: { provisioningState: "Updating", peeringState: "Initiated" },
    });

    const during = await raw(t.emu, "GET", `${a}/virtualNetworkPeerings/a-to-b?api-version=${API}`);
    expect(during.json()).toMatchObject({ properties: { provisioningState: "Updating" } });
    const statusUrl = new URL(put.headers["azure-asyncoperation"] as string);
    const inProgress = await raw(t.emu, "GET", statusUrl.pathname + statusUrl.search);
    expect(inProgress.json()).toEqual({ status: "InProgress" });

    await wait(200);
    expect((await raw(t.emu, "GET", statusUrl.pathname + statusUrl.search)).json()).toEqual({
      status: "Succeeded",
    });
    const after = await raw(t.emu, "GET", `${a}/virtualNetworkPeerings/a-to-b?api-version=${API}`);
    expect(after.json()).toMatchObject({ properties: { provisioningState: "Succeeded" } });
  });

  it("answers an update PUT 200 and a DELETE 202 with Azure-AsyncOperation, Location and Retry-After", async () => {
    t = await startTestEmulator({ emulator: { lroDurationSeconds: 0.1 } });
    const a = seedVnet(t, "a", "10.1.0.0/16");
    const b = seedVnet(t, "b", "10.2.0.0/16");
    t.emu.seed.peering({ vnetId: a, remoteVnetId: b, name: "a-to-b" });
    const put = await raw(t.emu, "PUT", `${a}/virtualNetworkPeerings/a-to-b?api-version=${API}`, {
      body: JSON.stringify({ properties: { remoteVirtualNetwork: { id: b } } }),
    });
    expect(put.status).toBe(200);
    expect(put.headers["azure-asyncoperation"]).toMatch(opUrl(t));
    await wait(150);

    const del = await raw(t.emu, "DELETE", `${a}/virtualNetworkPeerings/a-to-b?api-version=${API}`);
    expect(del.status).toBe(202);
    expect(del.text).toBe("");
    expect(del.headers["azure-asyncoperation"]).toMatch(opUrl(t));
    expect(del.headers.location).toMatch(
      /\/providers\/Microsoft\.Network\/locations\/westeurope\/operationResults\/[0-9a-f-]{36}\?api-version=/,
    );
    expect(del.headers["retry-after"]).toBe("0");
    const during = await raw(t.emu, "GET", `${a}/virtualNetworkPeerings/a-to-b?api-version=${API}`);
    expect(during.json()).toMatchObject({ properties: { provisioningState: "Deleting" } });
    const loc = new URL(del.headers.location as string);
    expect((await raw(t.emu, "GET", loc.pathname + loc.search)).status).toBe(202);
    await wait(150);
    expect((await raw(t.emu, "GET", loc.pathname + loc.search)).status).toBe(204);
    expect((await raw(t.emu, "GET", `${a}/virtualNetworkPeerings/a-to-b?api-version=${API}`)).status).toBe(
      404,
    );
  });

  it("drives the SDK's beginCreateOrUpdateAndWait and beginDeleteAndWait end to end, as the poller expects", async () => {
    t = await startTestEmulator({ emulator: { lroDurationSeconds: 0.05 } });
    const seen: PipelineResponse[] = [];
    const capture: PipelinePolicy = {
      name: "capture",
      sendRequest: async (req, next) => {
        const res = await next(req);
        seen.push(res);
        return res;
      },
    };
    const client = t.clientFor(t.subscriptionId, {
      additionalPolicies: [{ policy: capture, position: "perRetry" }],
    });
    const a = seedVnet(t, "a", "10.1.0.0/16");
    const b = seedVnet(t, "b", "10.2.0.0/16");
    const created = await peer(client, "rg", "a", "a-to-b", b);
    expect(created.provisioningState).toBe("Succeeded");
    const calls = seen.map(
      (r) =>
        `${r.request.method} ${r.status} ${new URL(r.request.url).pathname.split("/").slice(-2).join("/")}`,
    );
    // PUT, polls of the operation until Succeeded, then the final GET of the resource.
    expect(calls[0]).toBe("PUT 201 virtualNetworkPeerings/a-to-b");
    expect(calls.at(-1)).toBe("GET 200 virtualNetworkPeerings/a-to-b");
    expect(calls.slice(1, -1).every((c) => c.startsWith("GET 200 operations/"))).toBe(true);
    seen.length = 0;
    await client.virtualNetworkPeerings.beginDeleteAndWait("rg", "a", "a-to-b", FAST_LRO);
    expect(seen[0]?.status).toBe(202);
    expect(seen.at(-1)?.request.url).toMatch(/\/operations\//);
    expect(t.emu.seed.getPeering(`${a}/virtualNetworkPeerings/a-to-b`)).toBeUndefined();
  });

  it("ends the operation Failed with error.code/message when an LRO failure is injected", async () => {
    t = await startTestEmulator();
    seedVnet(t, "a", "10.1.0.0/16");
    const b = seedVnet(t, "b", "10.2.0.0/16");
    t.emu.injectFault({
      method: "PUT",
      path: /virtualNetworkPeerings\/a-to-b$/,
      count: 1,
      fault: { type: "lroFailure", code: "InternalServerError", message: "Boom." },
    });
    const e = await expectLroFailure(peer(t.client, "rg", "a", "a-to-b", b), "InternalServerError");
    expect(e.message).toContain("Boom.");
    const p = await t.client.virtualNetworkPeerings.get("rg", "a", "a-to-b");
    expect(p.provisioningState).toBe("Failed");
    // The next write succeeds again.
    expect((await peer(t.client, "rg", "a", "a-to-b", b)).provisioningState).toBe("Succeeded");
  });

  it("shows the operation status body with error when Failed", async () => {
    t = await startTestEmulator();
    const a = seedVnet(t, "a", "10.1.0.0/16");
    const b = seedVnet(t, "b", "10.2.0.0/16");
    t.emu.injectFault({
      method: "PUT",
      count: 1,
      fault: { type: "lroFailure", code: "SomethingBroke", message: "It broke." },
    });
    const put = await raw(t.emu, "PUT", `${a}/virtualNetworkPeerings/a-to-b?api-version=${API}`, {
      body: JSON.stringify({ properties: { remoteVirtualNetwork: { id: b } } }),
    });
    await wait(20);
    const u = new URL(put.headers["azure-asyncoperation"] as string);
    expect((await raw(t.emu, "GET", u.pathname + u.search)).json()).toEqual({
      status: "Failed",
      error: { code: "SomethingBroke", message: "It broke.", details: [] },
    });
  });

  it("creates and deletes VNets through the SDK's LROs (VNet PUT 201/200, DELETE 202)", async () => {
    t = await startTestEmulator({ emulator: { lroDurationSeconds: 0.02 } });
    const body = { location: "westeurope", addressSpace: { addressPrefixes: ["10.1.0.0/16"] } };
    const first = await raw(t.emu, "PUT", `${vnetIdOf(t.subscriptionId, "rg", "a")}?api-version=${API}`, {
      body: JSON.stringify({
        location: "westeurope",
        properties: { addressSpace: { addressPrefixes: ["10.1.0.0/16"] } },
      }),
    });
    expect(first.status).toBe(201);
    expect(first.json()).toMatchObject({ properties: { provisioningState: "Updating" } });
    await wait(40);
    const vnet = await t.client.virtualNetworks.beginCreateOrUpdateAndWait("rg", "a", body, FAST_LRO);
    expect(vnet.provisioningState).toBe("Succeeded");
    await t.client.virtualNetworks.beginDeleteAndWait("rg", "a", FAST_LRO);
    expect(t.emu.seed.getVnet(vnetIdOf(t.subscriptionId, "rg", "a"))).toBeUndefined();
  });
});
