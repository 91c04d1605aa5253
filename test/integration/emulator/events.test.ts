import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { CloudEvent, EmittedEvent, EventGridEvent } from "../../../emulator/index.js";
import { FAST_LRO, startTestEmulator } from "../../support/emulator.js";
import type { TestEmulator, TestEmulatorOptions } from "../../support/emulator.js";
import { API, eventually, peer, raw, wait, seedVnet } from "./helpers.js";

/** docs/azure-behaviour.md#event-grid-events: what a subscription system topic publishes. */

let t: TestEmulator;
afterEach(async () => {
  expect(t.emu.internalErrors).toEqual([]);
  await t.stop();
});

async function setup(opts: TestEmulatorOptions = {}) {
  t = await startTestEmulator(opts);
  const events: EmittedEvent[] = [];
  t.emu.onEvent((e) => events.push(e));
  const a = seedVnet(t, "a", "10.1.0.0/16");
  const b = seedVnet(t, "b", "10.2.0.0/16");
  return { a, b, events };
}

describe("Event Grid events", () => {
  it("publishes ResourceWriteSuccess in the Event Grid schema when a peering PUT completes", async () => {
    const { a, b, events } = await setup();
    await peer(t.client, "rg", "a", "a-to-b", b);
    await t.emu.settleEvents();
    expect(events).toHaveLength(1);
    const e = events[0] as EventGridEvent;
    expect(e).toMatchObject({
      subject: `${a}/virtualNetworkPeerings/a-to-b`,
      eventType: "Microsoft.Resources.ResourceWriteSuccess",
      dataVersion: "2",
      metadataVersion: "1",
      topic: `/subscriptions/${t.subscriptionId}`,
      data: {
        authorization: {
          scope: `${a}/virtualNetworkPeerings/a-to-b`,
          action: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write",
        },
        resourceProvider: "Microsoft.Network",
        resourceUri: `${a}/virtualNetworkPeerings/a-to-b`,
        operationName: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write",
        status: "Succeeded",
        subscriptionId: t.subscriptionId,
        tenantId: t.emu.options.tenantId,
      },
    });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(e.eventTime).toISOString()).toBe(e.eventTime);
    expect(e.data.claims["http://schemas.microsoft.com/identity/claims/objectidentifier"]).toBe(
      t.emu.options.principal.objectId,
    );
    expect(e.data.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    // httpRequest only when an existing resource is updated or deleted (docs/azure-behaviour.md#event-grid-events).
    expect(e.data.httpRequest).toBeUndefined();
  });

  it("includes httpRequest (with the sync query string) on an update, and publishes ResourceDeleteSuccess on delete", async () => {
    const { a, b, events } = await setup();
    await peer(t.client, "rg", "a", "a-to-b", b);
    const current = await t.client.virtualNetworkPeerings.get("rg", "a", "a-to-b");
    await t.client.virtualNetworkPeerings.beginCreateOrUpdateAndWait("rg", "a", "a-to-b", current, {
      ...FAST_LRO,
      syncRemoteAddressSpace: "true",
    });
    await t.client.virtualNetworkPeerings.beginDeleteAndWait("rg", "a", "a-to-b", FAST_LRO);
    await t.emu.settleEvents();
    const [, update, del] = events as EventGridEvent[];
    expect(update?.data.httpRequest).toMatchObject({ method: "PUT", clientIpAddress: "127.0.0.1" });
    expect(update?.data.httpRequest?.url).toMatch(
      new RegExp(
        `^https://management\\.azure\\.com${a}/virtualNetworkPeerings/a-to-b\\?.*syncRemoteAddressSpace=true`,
      ),
    );
    expect(update?.data.httpRequest?.clientRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(del).toMatchObject({
      eventType: "Microsoft.Resources.ResourceDeleteSuccess",
      subject: `${a}/virtualNetworkPeerings/a-to-b`,
      data: {
        operationName: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/delete",
        httpRequest: { method: "DELETE" },
      },
    });
  });

  it("publishes only when the long-running operation completes, and nothing for a failed one", async () => {
    const { a, b, events } = await setup({ emulator: { lroDurationSeconds: 0.1 } });
    await raw(t.emu, "PUT", `${a}/virtualNetworkPeerings/a-to-b?api-version=${API}`, {
      body: JSON.stringify({ properties: { remoteVirtualNetwork: { id: b } } }),
    });
    await wait(20);
    expect(events).toHaveLength(0);
    await eventually(() => expect(events).toHaveLength(1));
    t.emu.injectFault({ method: "PUT", count: 1, fault: { type: "lroFailure" } });
    await peer(t.client, "rg", "b", "b-to-a", a).catch(() => undefined);
    await t.emu.settleEvents();
    expect(events).toHaveLength(1);
  });

  it("publishes a VNet delete but nothing for the partners that turn Disconnected", async () => {
    const { a, b, events } = await setup();
    t.emu.seed.connect(a, b);
    await t.client.virtualNetworks.beginDeleteAndWait("rg", "a", FAST_LRO);
    await t.emu.settleEvents();
    expect(events.map((e) => [(e as EventGridEvent).eventType, e.subject])).toEqual([
      ["Microsoft.Resources.ResourceDeleteSuccess", a],
    ]);
    expect((events[0] as EventGridEvent).data.operationName).toBe("Microsoft.Network/virtualNetworks/delete");
    expect((await t.client.virtualNetworkPeerings.get("rg", "b", "b-to-a")).peeringState).toBe(
      "Disconnected",
    );
  });

  it("publishes VNet writes as Microsoft.Network/virtualNetworks/write", async () => {
    const { a, events } = await setup();
    await t.client.virtualNetworks.updateTags("rg", "a", { tags: { x: "y" } });
    await t.client.virtualNetworks.beginCreateOrUpdateAndWait(
      "rg",
      "c",
      { location: "westeurope", addressSpace: { addressPrefixes: ["10.3.0.0/16"] } },
      FAST_LRO,
    );
    await t.emu.settleEvents();
    expect(events.map((e) => [e.subject, e.data.operationName])).toEqual([
      [a, "Microsoft.Network/virtualNetworks/write"],
      [a.replace(/a$/, "c"), "Microsoft.Network/virtualNetworks/write"],
    ]);
  });

  it("speaks CloudEvents 1.0 when asked", async () => {
    const { b, events } = await setup({ emulator: { events: { schema: "CloudEvents" } } });
    await peer(t.client, "rg", "a", "a-to-b", b);
    await t.emu.settleEvents();
    const e = events[0] as CloudEvent;
    expect(Object.keys(e).sort()).toEqual(["data", "id", "source", "specversion", "subject", "time", "type"]);
    expect(e).toMatchObject({
      source: `/subscriptions/${t.subscriptionId}`,
      type: "Microsoft.Resources.ResourceWriteSuccess",
      specversion: "1.0",
      data: { operationName: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write" },
    });
  });

  it("POSTs events to an HTTP endpoint as Event Grid does (array of one, aeg-event-type: Notification)", async () => {
    const received: Array<{ headers: http.IncomingHttpHeaders; body: unknown }> = [];
    const sink = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ headers: req.headers, body: JSON.parse(body) as unknown });
        res.writeHead(received.length === 1 ? 500 : 200).end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
    try {
      const { b } = await setup({
        emulator: {
          timeScale: 0.01,
          events: { endpoint: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/api/events` },
        },
      });
      await peer(t.client, "rg", "a", "a-to-b", b);
      await t.emu.settleEvents();
      // The first attempt got a 500, so Event Grid retried (docs/azure-behaviour.md#event-grid-events).
      expect(received).toHaveLength(2);
      expect(received[1]!.headers["aeg-event-type"]).toBe("Notification");
      expect(received[1]!.headers["content-type"]).toMatch(/^application\/json/);
      expect(received[1]!.body).toEqual([
        expect.objectContaining({ eventType: "Microsoft.Resources.ResourceWriteSuccess" }),
      ]);
    } finally {
      sink.close();
    }
  });

  it("duplicates and reorders deterministically per seed", async () => {
    const run = async (seed: number) => {
      const { events } = await setup({
        emulator: { seed, events: { duplicateProbability: 0.3, reorderWindow: 4, maxHoldSeconds: 60 } },
      });
      for (let i = 0; i < 12; i++)
        await t.client.virtualNetworks.updateTags(
          "rg",
          "a",
          { tags: { n: String(i) } },
          {
            requestOptions: {
              customHeaders: { "x-ms-correlation-request-id": `write-${String(i).padStart(2, "0")}` },
            },
          },
        );
      await t.emu.settleEvents();
      await t.stop();
      return events.map((e) => ({ write: e.data.correlationId, id: e.id }));
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect((await run(43)).map((e) => e.write)).not.toEqual(first.map((e) => e.write));
    const writes = first.map((e) => e.write);
    // At least once: every write arrives, some twice (a duplicate keeps its event id) ...
    expect(new Set(writes).size).toBe(12);
    expect(writes.length).toBeGreaterThan(12);
    for (const e of first)
      expect(first.filter((x) => x.write === e.write).every((x) => x.id === e.id)).toBe(true);
    // ... and not in the order they happened.
    expect([...new Set(writes)]).not.toEqual([...new Set(writes)].sort());
  });
});
