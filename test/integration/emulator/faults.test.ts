import { afterEach, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../support/emulator.js";
import type { TestEmulator, TestEmulatorOptions } from "../../support/emulator.js";
import { API, expectArmError, peer, raw, seedVnet } from "./helpers.js";

/** docs/azure-behaviour.md#errors (busy), #throttling, #emulator-choices (fault injection): each deterministic under a seed. */

let t: TestEmulator;
afterEach(async () => {
  expect(t.emu.internalErrors).toEqual([]);
  await t.stop();
});

async function setup(opts: TestEmulatorOptions = {}) {
  t = await startTestEmulator(opts);
  const a = seedVnet(t, "a", "10.1.0.0/16");
  const b = seedVnet(t, "b", "10.2.0.0/16");
  const c = seedVnet(t, "c", "10.3.0.0/16");
  return { a, b, c };
}
const noRetry = { retryOptions: { maxRetries: 0 } };

describe("busy VNets", () => {
  it("answers 409 AnotherOperationInProgress to a write on a VNet while another operation on it runs", async () => {
    const { a, b, c } = await setup({ emulator: { lroDurationSeconds: 0.3 } });
    const first = await raw(t.emu, "PUT", `${a}/virtualNetworkPeerings/a-to-b?api-version=${API}`, {
      body: JSON.stringify({ properties: { remoteVirtualNetwork: { id: b } } }),
    });
    const e = await expectArmError(peer(t.client, "rg", "a", "a-to-c", c), 409, "AnotherOperationInProgress");
    expect(e.message).toContain(
      `To retrieve status of the operation use uri: ${first.headers["azure-asyncoperation"]}`,
    );
    // Another VNet is not busy.
    expect((await peer(t.client, "rg", "b", "b-to-c", c)).provisioningState).toBe("Succeeded");
  });

  it("answers 429 RetryableError / RetryableErrorDueToAnotherOperation with Retry-After when so configured, which the SDK retries", async () => {
    const { a, b, c } = await setup({ emulator: { busy: "429", lroDurationSeconds: 5, timeScale: 0.02 } });
    // The first write's operation lasts 100 real ms, which a loaded machine can spend before the
    // next request arrives: hold it in flight until this test has seen what a busy VNet answers.
    const release = t.emu.holdOperations();
    await raw(t.emu, "PUT", `${a}/virtualNetworkPeerings/a-to-b?api-version=${API}`, {
      body: JSON.stringify({ properties: { remoteVirtualNetwork: { id: b } } }),
    });
    const busy = await raw(t.emu, "PUT", `${a}/virtualNetworkPeerings/a-to-c?api-version=${API}`, {
      body: JSON.stringify({ properties: { remoteVirtualNetwork: { id: c } } }),
    });
    expect(busy.status).toBe(429);
    expect(Number(busy.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(busy.json()).toMatchObject({
      error: { code: "RetryableError", details: [{ code: "RetryableErrorDueToAnotherOperation" }] },
    });
    expect(
      (busy.json() as { error: { details: Array<{ message: string }> } }).error.details[0]!.message,
    ).toMatch(
      /^Operation PutVirtualNetworkPeeringOperation \([0-9a-f-]{36}\) is updating resource .*\/virtualNetworks\/a\. The call can be retried in \d+ seconds\.$/,
    );
    // A client that does not retry sees ARM's error as the SDK surfaces it.
    const refused = await expectArmError(
      peer(t.clientFor(t.subscriptionId, noRetry), "rg", "a", "a-to-c", c),
      429,
      "RetryableError",
    );
    expect(refused.details).toMatchObject({
      error: { code: "RetryableError", details: [{ code: "RetryableErrorDueToAnotherOperation" }] },
    });
    // Its Retry-After is also given in real milliseconds, scaled (5 emulated seconds at most, x0.02),
    // which the SDK prefers: so its retry gets through without a wall-clock wait.
    expect(Number(busy.headers["x-ms-retry-after-ms"])).toBeLessThanOrEqual(100);
    // A retrying client is refused while the VNet is busy, then gets through on a retry once the
    // operation ends. Released as soon as its 429 is counted, before the answer has even reached the
    // client (let alone its retry wait), so the SDK's retry budget cannot run out first.
    const refusals = t.emu.count({ status: 429 });
    const retried = peer(t.client, "rg", "a", "a-to-c", c);
    let settled = false;
    void retried.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled && t.emu.count({ status: 429 }) === refusals) await new Promise((r) => setImmediate(r));
    release();
    expect((await retried).provisioningState).toBe("Succeeded");
    expect(t.emu.count({ status: 429 })).toBe(refusals + 1);
  });

  it("never refuses with busy: off", async () => {
    const { a, b, c } = await setup({ emulator: { busy: "off", lroDurationSeconds: 0.3 } });
    await raw(t.emu, "PUT", `${a}/virtualNetworkPeerings/a-to-b?api-version=${API}`, {
      body: JSON.stringify({ properties: { remoteVirtualNetwork: { id: b } } }),
    });
    expect((await peer(t.client, "rg", "a", "a-to-c", c)).provisioningState).toBe("Succeeded");
  });
});

describe("ARM token buckets", () => {
  it("answers 429 SubscriptionRequestsThrottled with Retry-After once a subscription's read bucket is empty", async () => {
    await setup({ emulator: { throttle: { reads: { burst: 3, perSecond: 1 } } } });
    const path = `/subscriptions/${t.subscriptionId}/providers/Microsoft.Network/virtualNetworks?api-version=${API}`;
    const remaining: unknown[] = [];
    for (let i = 0; i < 3; i++)
      remaining.push((await raw(t.emu, "GET", path)).headers["x-ms-ratelimit-remaining-subscription-reads"]);
    expect(remaining).toEqual(["2", "1", "0"]);
    const throttled = await raw(t.emu, "GET", path);
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("1");
    expect(throttled.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("0");
    // The subscription's global bucket (every principal's), 15 times the size: 45 less the 3 charged.
    expect(throttled.headers["x-ms-ratelimit-remaining-subscription-global-reads"]).toBe("42");
    expect(throttled.json()).toEqual({
      error: {
        code: "SubscriptionRequestsThrottled",
        message: `Number of 'read' requests for subscription '${t.subscriptionId}' actor '${t.emu.options.principal.objectId}' exceeded. Please try again after '1' seconds after the last request.`,
      },
    });
    const e = await expectArmError(
      t.clientFor(t.subscriptionId, noRetry).virtualNetworks.get("rg", "a"),
      429,
      "SubscriptionRequestsThrottled",
    );
    expect(e).toBeDefined();
    // Writes have their own bucket.
    const put = await raw(
      t.emu,
      "PUT",
      `/subscriptions/${t.subscriptionId}/resourcegroups/x?api-version=${API}`,
      { body: '{"location":"westeurope"}' },
    );
    expect(put.status).toBe(201);
    expect(put.headers["x-ms-ratelimit-remaining-subscription-writes"]).toBe("199");
    // As ARM's: `-writes: 199` beside `-global-writes: 2999` (docs/azure-behaviour.md#throttling).
    expect(put.headers["x-ms-ratelimit-remaining-subscription-global-writes"]).toBe("2999");
  });

  it("refills in emulated seconds: with a time scale the SDK's automatic retry gets through quickly", async () => {
    await setup({ emulator: { timeScale: 0.01, throttle: { reads: { burst: 1, perSecond: 1 } } } });
    await t.client.virtualNetworks.get("rg", "a");
    expect((await t.client.virtualNetworks.get("rg", "b")).name).toBe("b");
    // One 429 and its retry when the second call comes within the 10 ms refill; none on a machine
    // slow enough to refill first. Never more: the retry waits out the scaled Retry-After.
    expect(t.emu.count({ status: 429 })).toBeLessThanOrEqual(1);
    // Quickly, without a wall-clock bound: the 429 tells the SDK to wait 1 emulated second, which is
    // 10 real ms at this scale (x-ms-retry-after-ms, which the SDK prefers to Retry-After).
    const path = `/subscriptions/${t.subscriptionId}/providers/Microsoft.Network/virtualNetworks?api-version=${API}`;
    let throttled = await raw(t.emu, "GET", path);
    while (throttled.status !== 429) throttled = await raw(t.emu, "GET", path);
    expect(throttled.headers["retry-after"]).toBe("1");
    expect(throttled.headers["x-ms-retry-after-ms"]).toBe("10");
  });

  it("answers 429 SubscriptionRequestsThrottled once the write bucket is empty, reads still served", async () => {
    const { a, b } = await setup({ emulator: { throttle: { writes: { burst: 2, perSecond: 0.01 } } } });
    const put = (name: string) =>
      raw(t.emu, "PUT", `/subscriptions/${t.subscriptionId}/resourcegroups/${name}?api-version=${API}`, {
        body: '{"location":"westeurope"}',
      });
    expect((await put("w1")).headers["x-ms-ratelimit-remaining-subscription-writes"]).toBe("1");
    expect((await put("w2")).headers["x-ms-ratelimit-remaining-subscription-writes"]).toBe("0");
    const throttled = await put("w3");
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(throttled.json()).toMatchObject({ error: { code: "SubscriptionRequestsThrottled" } });
    const e = await expectArmError(
      peer(t.clientFor(t.subscriptionId, noRetry), "rg", "a", "a-to-b", b),
      429,
      "SubscriptionRequestsThrottled",
    );
    expect(e.message).toContain("'write'");
    expect((await t.client.virtualNetworks.get("rg", "a")).id).toBe(a);
  });

  it("keeps the buckets per subscription and per class (deletes)", async () => {
    await setup({ emulator: { throttle: { deletes: { burst: 1, perSecond: 0.01 } } } });
    const del = (name: string) =>
      raw(
        t.emu,
        "DELETE",
        `/subscriptions/${t.subscriptionId}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${name}?api-version=${API}`,
      );
    const first = await del("zzz");
    expect(first.status).toBe(204);
    expect(first.headers["x-ms-ratelimit-remaining-subscription-deletes"]).toBe("0");
    const second = await del("zzz");
    expect(second.status).toBe(429);
    expect(second.headers["retry-after"]).toBe("100");
    expect(second.headers["x-ms-ratelimit-remaining-subscription-deletes"]).toBe("0");
    await expectArmError(
      t.clientFor(t.subscriptionId, noRetry).virtualNetworks.beginDeleteAndWait("rg", "zzz"),
      429,
      "SubscriptionRequestsThrottled",
    );
    const other = await raw(
      t.emu,
      "DELETE",
      `/subscriptions/00000000-0000-4000-8000-0000000000aa/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/zzz?api-version=${API}`,
    );
    expect(other.status).toBe(204);
  });
});

describe("injected faults", () => {
  it("injects exactly one 500, which the SDK retries transparently", async () => {
    await setup();
    t.emu.injectFault({
      method: "GET",
      path: /virtualNetworks\/a$/,
      count: 1,
      fault: { type: "status", status: 500 },
    });
    expect((await t.client.virtualNetworks.get("rg", "a")).name).toBe("a");
    expect(t.emu.count({ kind: "virtualNetwork", status: 500 })).toBe(1);
    expect(t.emu.count({ kind: "virtualNetwork", status: 200 })).toBe(1);
  });

  it("surfaces an injected 500 InternalServerError to a client that does not retry", async () => {
    await setup();
    t.emu.injectFault({ method: "GET", count: 1, fault: { type: "status", status: 500 } });
    await expectArmError(
      t.clientFor(t.subscriptionId, noRetry).virtualNetworks.get("rg", "a"),
      500,
      "InternalServerError",
    );
  });

  it("injects 503 ServiceUnavailable with Retry-After", async () => {
    await setup();
    t.emu.injectFault({ count: 1, fault: { type: "status", status: 503, retryAfterSeconds: 0 } });
    const res = await raw(
      t.emu,
      "GET",
      `/subscriptions/${t.subscriptionId}/providers/Microsoft.Network/virtualNetworks?api-version=${API}`,
    );
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("0");
    expect(res.json()).toMatchObject({ error: { code: "ServiceUnavailable" } });
    t.emu.injectFault({ count: 1, fault: { type: "status", status: 503, retryAfterSeconds: 0 } });
    await expectArmError(
      t.clientFor(t.subscriptionId, noRetry).virtualNetworks.get("rg", "a"),
      503,
      "ServiceUnavailable",
    );
    // The SDK's own retry rides out a single 503 with Retry-After.
    t.emu.injectFault({ count: 1, fault: { type: "status", status: 503, retryAfterSeconds: 0 } });
    expect((await t.client.virtualNetworks.get("rg", "a")).name).toBe("a");
  });

  it("resets the connection, which the SDK retries", async () => {
    await setup();
    t.emu.injectFault({ method: "GET", count: 1, fault: { type: "reset" } });
    expect((await t.client.virtualNetworks.get("rg", "a")).name).toBe("a");
    expect(t.emu.counters().resets).toBe(1);
    t.emu.injectFault({ method: "GET", count: 1, fault: { type: "reset" } });
    const err = await t
      .clientFor(t.subscriptionId, noRetry)
      .virtualNetworks.get("rg", "a")
      .catch((e: unknown) => e);
    expect((err as { code?: string }).code).toMatch(/ECONNRESET|REQUEST_SEND_ERROR/);
  });

  it("slows a response down by the configured emulated seconds", async () => {
    await setup({ emulator: { timeScale: 0.1 } });
    t.emu.injectFault({ method: "GET", count: 1, fault: { type: "delay", seconds: 2 } });
    const started = Date.now();
    await t.client.virtualNetworks.get("rg", "a");
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("targets by method and path, skips, and stops after count", async () => {
    const { b } = await setup();
    const id = t.emu.injectFault({
      method: "PUT",
      path: "virtualNetworkPeerings/a-to-b$",
      skip: 1,
      count: 1,
      fault: { type: "status", status: 409, code: "Conflict", message: "Injected." },
    });
    const client = t.clientFor(t.subscriptionId, noRetry);
    expect((await peer(client, "rg", "a", "a-to-b", b)).name).toBe("a-to-b");
    await expectArmError(peer(client, "rg", "a", "a-to-b", b), 409, "Conflict");
    expect((await peer(client, "rg", "a", "a-to-b", b)).name).toBe("a-to-b");
    expect((await client.virtualNetworks.get("rg", "a")).name).toBe("a");
    t.emu.removeFault(id);
  });

  it("draws probabilistic faults from the seed: same seed, same failures", async () => {
    const pattern = async (seed: number) => {
      const emu = await startTestEmulator({ emulator: { seed }, client: noRetry });
      emu.emu.seed.vnet({
        subscriptionId: emu.subscriptionId,
        resourceGroup: "rg",
        name: "a",
        addressPrefixes: ["10.1.0.0/16"],
      });
      emu.emu.injectFault({ probability: 0.5, fault: { type: "status", status: 500 } });
      const out: string[] = [];
      for (let i = 0; i < 16; i++)
        out.push(
          await emu.client.virtualNetworks.get("rg", "a").then(
            () => "ok",
            () => "500",
          ),
        );
      await emu.stop();
      return out.join(",");
    };
    t = await startTestEmulator();
    const first = await pattern(7);
    expect(await pattern(7)).toBe(first);
    expect(first).toContain("ok");
    expect(first).toContain("500");
    expect(await pattern(8)).not.toBe(first);
  });

  it("adds a per-request latency in emulated seconds", async () => {
    await setup({ emulator: { timeScale: 0.01, requestLatencySeconds: 10 } });
    const started = Date.now();
    await t.client.virtualNetworks.get("rg", "a");
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("accepts faults over HTTP too (for an emulator in another process)", async () => {
    await setup();
    const add = await raw(t.emu, "POST", "/_emulator/faults", {
      auth: false,
      body: JSON.stringify({
        method: "GET",
        path: "virtualNetworks/a$",
        count: 1,
        fault: { type: "status", status: 500 },
      }),
    });
    expect(add.json()).toEqual({ id: expect.stringMatching(/^fault-/) });
    await expectArmError(
      t.clientFor(t.subscriptionId, noRetry).virtualNetworks.get("rg", "a"),
      500,
      "InternalServerError",
    );
    expect((await raw(t.emu, "DELETE", "/_emulator/faults", { auth: false })).status).toBe(204);
  });
});
