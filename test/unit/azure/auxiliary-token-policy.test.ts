import { createHttpHeaders, createPipelineRequest, type PipelineRequest } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { AUXILIARY_HEADER, auxiliaryTokenPolicy } from "../../../src/azure/arm/auxiliary-tokens.js";

/**
 * Which requests get an auxiliary token: only a PUT of a peering, to the pinned ARM origin, whose
 * body names a remote VNet in another tenant the settings allow. Everything else goes out without
 * the header, and the token source is not even asked.
 */
const ARM = "https://management.azure.com/";
const SUB_A = "00000000-0000-4000-8000-0000000000a1";
const SUB_B = "00000000-0000-4000-8000-0000000000b1";
const SUB_A2 = "00000000-0000-4000-8000-0000000000a2";
const SUB_C = "00000000-0000-4000-8000-0000000000c1";
const TENANTS: Record<string, string> = {
  [SUB_A]: "tenant-a",
  [SUB_A2]: "tenant-a",
  [SUB_B]: "tenant-b",
  [SUB_C]: "tenant-c",
};
const vnet = (sub: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${name}`;
const peeringUrl = (origin: string, sub: string) =>
  `${origin}${vnet(sub, "local").slice(1)}/virtualNetworkPeerings/p?api-version=2024-05-01`;

async function send(request: PipelineRequest): Promise<{ header: string | undefined; asked: string[] }> {
  const asked: string[] = [];
  const policy = auxiliaryTokenPolicy(ARM, {
    tenantOf: async (sub) => TENANTS[sub.toLowerCase()],
    mayUse: (t) => t === "tenant-a" || t === "tenant-b",
    token: async (t) => {
      asked.push(t);
      return `token-for-${t}`;
    },
  });
  let header: string | undefined;
  await policy.sendRequest(request, async (r) => {
    header = r.headers.get(AUXILIARY_HEADER);
    return { request: r, status: 200, headers: createHttpHeaders() };
  });
  return { header, asked };
}

function put(url: string, remote: string, method: "PUT" | "GET" = "PUT"): PipelineRequest {
  const r = createPipelineRequest({ url, method });
  r.body = JSON.stringify({ properties: { remoteVirtualNetwork: { id: remote } } });
  return r;
}

describe("auxiliary token policy", () => {
  it("adds the remote tenant's token to a peering PUT into another allowed tenant", async () => {
    expect(await send(put(peeringUrl(ARM, SUB_A), vnet(SUB_B, "remote")))).toEqual({
      header: "Bearer token-for-tenant-b",
      asked: ["tenant-b"],
    });
  });

  it("adds nothing across subscriptions of one tenant", async () => {
    expect(await send(put(peeringUrl(ARM, SUB_A), vnet(SUB_A2, "remote")))).toEqual({
      header: undefined,
      asked: [],
    });
  });

  it("adds nothing for a tenant the settings do not allow", async () => {
    expect(await send(put(peeringUrl(ARM, SUB_A), vnet(SUB_C, "remote")))).toEqual({
      header: undefined,
      asked: [],
    });
  });

  it("adds nothing to a read, even one naming a remote VNet", async () => {
    expect(await send(put(peeringUrl(ARM, SUB_A), vnet(SUB_B, "remote"), "GET"))).toEqual({
      header: undefined,
      asked: [],
    });
  });

  for (const origin of [
    "https://127.0.0.2/",
    "https://management.azure.com:8443/",
    "http://management.azure.com/",
    "https://user@management.azure.com/",
  ]) {
    it(`adds nothing to a request for ${origin}`, async () => {
      expect(await send(put(peeringUrl(origin, SUB_A), vnet(SUB_B, "remote")))).toEqual({
        header: undefined,
        asked: [],
      });
    });
  }

  it("removes an auxiliary header some other code set, where none is due", async () => {
    const r = put(peeringUrl(ARM, SUB_A), vnet(SUB_A2, "remote"));
    r.headers.set(AUXILIARY_HEADER, "Bearer leaked");
    expect((await send(r)).header).toBeUndefined();
  });

  it("adds nothing when the body is not a peering body", async () => {
    const r = createPipelineRequest({ url: peeringUrl(ARM, SUB_A), method: "PUT" });
    r.body = "{not json";
    expect(await send(r)).toEqual({ header: undefined, asked: [] });
  });
});
