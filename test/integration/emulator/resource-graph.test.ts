import { afterEach, describe, expect, it } from "vitest";
import {
  RESOURCE_GRAPH_QUERY,
  startEmulator,
  vnetIdOf,
  type Emulator,
  type EmulatorOptions,
} from "../../../emulator/index.js";
import { raw } from "./helpers.js";

/**
 * The emulator's Resource Graph endpoint (emulator/resource-graph.ts): the one query the product
 * sends, paged with $skipToken, only readable subscriptions, a quota per caller with its headers,
 * and a configurable lag. Shapes: docs/azure-behaviour.md#resource-graph.
 */
const SUB_A = "00000000-0000-4000-8000-00000000a001";
const SUB_B = "00000000-0000-4000-8000-00000000b002";
const PATH = "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01";

let emu: Emulator;
afterEach(async () => {
  await emu?.stop();
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ throttle: false, ...options });
  for (const [sub, n] of [
    [SUB_A, 5],
    [SUB_B, 2],
  ] as const) {
    for (let i = 0; i < n; i++)
      emu.seed.vnet({
        subscriptionId: sub,
        resourceGroup: "rg",
        name: `v${i}`,
        addressPrefixes: [`10.${sub === SUB_A ? 1 : 2}.${i}.0/24`],
      });
  }
  emu.seed.peering({ vnetId: vnetIdOf(SUB_A, "rg", "v0"), remoteVnetId: vnetIdOf(SUB_B, "rg", "v1") });
  return emu;
}

interface Page {
  totalRecords: number;
  count: number;
  resultTruncated: string;
  $skipToken?: string;
  data: Array<{ id: string; subscriptionId: string; peerings: Array<Record<string, unknown>> }>;
}

function post(body: unknown, headers: Record<string, string> = {}) {
  return raw(emu, "POST", PATH, { body: JSON.stringify(body), headers });
}

const query = (subscriptions: string[], options: Record<string, unknown> = {}) => ({
  subscriptions,
  query: RESOURCE_GRAPH_QUERY,
  options: { resultFormat: "objectArray", ...options },
});

describe("emulator: Resource Graph", () => {
  it("pages every VNet of the subscriptions asked for, ordered by id, with their peerings", async () => {
    await start();
    const first = await post(query([SUB_A, SUB_B], { $top: 4 }));
    expect(first.status).toBe(200);
    const p1 = first.json() as Page;
    expect(p1).toMatchObject({ totalRecords: 7, count: 4, resultTruncated: "false" });
    expect(p1.$skipToken).toEqual(expect.any(String));
    const second = (await post(query([SUB_A, SUB_B], { $top: 4, $skipToken: p1.$skipToken }))).json() as Page;
    expect(second).toMatchObject({ totalRecords: 7, count: 3 });
    expect(second.$skipToken).toBeUndefined();
    const ids = [...p1.data, ...second.data].map((r) => r.id.toLowerCase());
    expect(ids).toEqual([...ids].sort());
    expect(ids).toHaveLength(7);
    const v0 = p1.data.find((r) => r.id === vnetIdOf(SUB_A, "rg", "v0"))!;
    expect(v0.subscriptionId).toBe(SUB_A);
    expect(v0.peerings).toHaveLength(1);
    // Each peering as ARM renders it (what `properties.virtualNetworkPeerings` holds).
    expect(v0.peerings[0]).toEqual(emu.seed.getPeering(`${v0.id}/virtualNetworkPeerings/v0-to-v1`));
    expect(v0.peerings[0]).toMatchObject({
      properties: { peeringState: "Initiated", remoteVirtualNetwork: { id: vnetIdOf(SUB_B, "rg", "v1") } },
    });
    // Only what was asked for.
    const onlyB = (await post(query([SUB_B]))).json() as Page;
    expect(onlyB.data.map((r) => r.subscriptionId)).toEqual([SUB_B, SUB_B]);
    expect(emu.count({ kind: "resourceGraph" })).toBe(3);
  });

  it("answers nothing for a subscription the caller may not read, as Resource Graph does", async () => {
    await start();
    emu.seed.setSubscriptionAccessible(SUB_B, false);
    const page = (await post(query([SUB_A, SUB_B]))).json() as Page;
    expect(page.totalRecords).toBe(5);
    expect(page.data.every((r) => r.subscriptionId === SUB_A)).toBe(true);
  });

  it("refuses any other query, field or option with a 400 that names it", async () => {
    await start();
    const cases: Array<[unknown, string, string]> = [
      [{ ...query([SUB_A]), query: "Resources | project id" }, "UnsupportedQuery", "'query' was"],
      [{ ...query([SUB_A]), managementGroups: ["mg"] }, "UnsupportedRequest", "'managementGroups'"],
      [query([SUB_A], { $top: 1001 }), "InvalidOptions", "'options.$top'"],
      [query([SUB_A], { resultFormat: "table" }), "UnsupportedOptions", "resultFormat"],
      [query([SUB_A], { $skip: 5 }), "UnsupportedOptions", "'options.$skip'"],
      [query([SUB_A], { $skipToken: "bogus" }), "InvalidSkipToken", "$skipToken"],
      [query([]), "InvalidSubscriptions", "'subscriptions'"],
      [
        query(
          Array.from({ length: 1001 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`),
        ),
        "TooManySubscriptions",
        "at most 1000",
      ],
    ];
    for (const [body, code, text] of cases) {
      const res = await post(body);
      expect(res.status, code).toBe(400);
      const error = (
        res.json() as { error: { code: string; details: Array<{ code: string; message: string }> } }
      ).error;
      expect(error.code).toBe("BadRequest");
      expect(error.details[0]!.code).toBe(code);
      expect(error.details[0]!.message).toContain(text);
    }
    // The query is matched whatever its whitespace.
    const spaced = await post({ ...query([SUB_A]), query: RESOURCE_GRAPH_QUERY.replace(/ \| /g, "\n|   ") });
    expect(spaced.status).toBe(200);
  });

  it("counts queries per caller: headers on every answer, 429 with them once the quota is spent", async () => {
    await start({ resourceGraph: { quota: 3, windowSeconds: 3600 } });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post(query([SUB_A]));
      expect(res.status).toBe(200);
      remaining.push(String(res.headers["x-ms-user-quota-remaining"]));
      expect(res.headers["x-ms-user-quota-resets-after"]).toMatch(/^\d\d:\d\d:\d\d$/);
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const throttled = await post(query([SUB_A]));
    expect(throttled.status).toBe(429);
    expect(throttled.headers["x-ms-user-quota-remaining"]).toBe("0");
    expect(throttled.headers["x-ms-user-quota-resets-after"]).toMatch(/^00:(59|60):\d\d$|^01:00:00$/);
    expect((throttled.json() as { error: { code: string } }).error.code).toBe("RateLimiting");
    // Another caller has its own quota.
    const other = emu.issueToken({
      aud: "https://management.azure.com/",
      tid: "00000000-0000-4000-8000-0000000000aa",
      appid: "00000000-0000-4000-8000-0000000000bb",
      oid: "someone-else",
    });
    expect((await post(query([SUB_A]), { authorization: `Bearer ${other}` })).status).toBe(200);
  });

  it("lags ARM by up to stalenessSeconds: a change shows once the copy it answers from is older", async () => {
    await start({ resourceGraph: { stalenessSeconds: 3600 } });
    const before = (await post(query([SUB_A]))).json() as Page;
    expect(before.totalRecords).toBe(5);
    emu.seed.vnet({
      subscriptionId: SUB_A,
      resourceGroup: "rg",
      name: "new",
      addressPrefixes: ["10.9.0.0/24"],
    });
    const stale = (await post(query([SUB_A]))).json() as Page;
    expect(stale.totalRecords, "the new VNet is not in Resource Graph yet").toBe(5);
    // Paging over the copy gives each of its rows once, in order.
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = (
        await post(query([SUB_A], { $top: 2, ...(token ? { $skipToken: token } : {}) }))
      ).json() as Page;
      ids.push(...page.data.map((r) => r.id));
      token = page.$skipToken;
    } while (token);
    expect(ids).toEqual(before.data.map((r) => r.id));

    // Staleness 0 (the default) answers from the state as it is.
    await emu.stop();
    await start();
    emu.seed.vnet({
      subscriptionId: SUB_A,
      resourceGroup: "rg",
      name: "new",
      addressPrefixes: ["10.9.0.0/24"],
    });
    expect(((await post(query([SUB_A]))).json() as Page).totalRecords).toBe(6);
  });
});
