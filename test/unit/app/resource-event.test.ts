import { describe, expect, it } from "vitest";
import { readNetworkEvents } from "../../../src/app/resource-event.js";
import { FIXTURE_SUBSCRIPTION, HUB, fixture, fixtureEvent } from "./fixtures.js";

const WATCHED = [FIXTURE_SUBSCRIPTION];
const read = async (raw: unknown, watched = WATCHED) => (await readNetworkEvents(raw, watched))[0]!;

describe.each(["eventgrid", "cloudevents"])("resource events in the %s schema", (schema) => {
  it("reads a VNet write as a change to that VNet, whatever the casing of resourcegroups", async () => {
    const verdict = await read(fixtureEvent(`${schema}-vnet-write`));
    expect(verdict).toMatchObject({
      kind: "change",
      change: {
        eventId: "4db48cba-50a2-455a-93b4-de41a3b5b7f6",
        schema: schema === "eventgrid" ? "EventGrid" : "CloudEvents",
        operation: "vnetWrite",
        subscriptionId: FIXTURE_SUBSCRIPTION,
      },
    });
    if (verdict.kind !== "change") throw new Error("expected a change");
    expect(verdict.change.vnetId.toLowerCase()).toBe(HUB.toLowerCase());
  });

  it("reads a peering delete as a change to the VNet that held the peering", async () => {
    const verdict = await read(fixtureEvent(`${schema}-peering-delete`));
    expect(verdict).toMatchObject({
      kind: "change",
      change: {
        operation: "peeringDelete",
        vnetId: HUB,
        resourceId: `${HUB}/virtualNetworkPeerings/hub-to-spoke1`,
      },
    });
  });

  it("reads VNet deletes and peering writes", async () => {
    expect(await read(fixtureEvent(`${schema}-vnet-delete`))).toMatchObject({
      kind: "change",
      change: { operation: "vnetDelete", vnetId: HUB },
    });
    expect(await read(fixtureEvent(`${schema}-peering-write`))).toMatchObject({
      kind: "change",
      change: { operation: "peeringWrite", vnetId: HUB },
    });
  });

  it("accepts the delivered array as well as the single event", async () => {
    const verdicts = await readNetworkEvents(fixture(`${schema}-vnet-write`), WATCHED);
    expect(verdicts.map((v) => v.kind)).toEqual(["change"]);
    const text = JSON.stringify(fixture(`${schema}-vnet-write`));
    expect((await readNetworkEvents(text, WATCHED))[0]?.kind).toBe("change");
  });

  it("ignores resource actions on other providers", async () => {
    expect(await read(fixtureEvent(`${schema}-action`))).toMatchObject({
      kind: "ignored",
      reason: expect.stringContaining("ResourceActionSuccess"),
    });
  });

  it("ignores writes to resources that are not VNets or peerings", async () => {
    const event = fixtureEvent(`${schema}-vnet-write`);
    const data = event.data as Record<string, unknown>;
    data.operationName = "Microsoft.Storage/storageAccounts/write";
    expect(await read(event)).toMatchObject({
      kind: "ignored",
      reason: expect.stringContaining("storageAccounts"),
    });
  });

  it("ignores events outside the watched subscriptions", async () => {
    const verdict = await read(fixtureEvent(`${schema}-vnet-write`), [
      "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    ]);
    expect(verdict).toMatchObject({
      kind: "ignored",
      reason: expect.stringContaining("outside the watched"),
    });
  });

  it("names the missing envelope field of a malformed event", async () => {
    const event = fixtureEvent(`${schema}-vnet-write`);
    delete event.id;
    expect(await read(event)).toMatchObject({ kind: "malformed", field: "id", reason: "is missing" });
  });

  it("names data.operationName when it is missing", async () => {
    const event = fixtureEvent(`${schema}-peering-write`);
    delete (event.data as Record<string, unknown>).operationName;
    expect(await read(event)).toMatchObject({
      kind: "malformed",
      eventId: "5cf8c7a1-0e0b-4b54-9b3a-3b7c2a52c001",
      field: "data.operationName",
    });
  });

  it("names the subject when it is not the resource the operation says", async () => {
    const event = fixtureEvent(`${schema}-peering-write`);
    event.subject = HUB;
    expect(await read(event)).toMatchObject({ kind: "malformed", field: "subject" });
  });

  it("refuses an operation that contradicts the event type", async () => {
    const event = fixtureEvent(`${schema}-vnet-write`);
    (event.data as Record<string, unknown>).operationName = "Microsoft.Network/virtualNetworks/delete";
    expect(await read(event)).toMatchObject({ kind: "malformed", field: "data.operationName" });
    const deleted = fixtureEvent(`${schema}-peering-delete`);
    (deleted.data as Record<string, unknown>).operationName =
      "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write";
    expect(await read(deleted)).toMatchObject({ kind: "malformed", field: "data.operationName" });
  });

  it.each([
    ["vnet-write", "Microsoft.Resources.ResourceWriteFailure"],
    ["vnet-write", "Microsoft.Resources.ResourceWriteCancel"],
    ["vnet-delete", "Microsoft.Resources.ResourceDeleteFailure"],
    ["vnet-delete", "Microsoft.Resources.ResourceDeleteCancel"],
  ])("ignores a %s whose event type is %s: only a success means something changed", async (name, type) => {
    const event = fixtureEvent(`${schema}-${name}`);
    if (schema === "eventgrid") event.eventType = type;
    else event.type = type;
    expect(await read(event)).toMatchObject({
      kind: "ignored",
      reason: `event type ${type} is not a resource write or delete success`,
    });
  });
});

describe("events that are neither schema", () => {
  it("says which field is missing", async () => {
    expect(await read({ id: "x", subject: HUB })).toMatchObject({ kind: "malformed", field: "eventType" });
    expect(await read("not json")).toMatchObject({
      kind: "malformed",
      field: "event",
      reason: "is not JSON",
    });
    expect(await read(42)).toMatchObject({ kind: "malformed", field: "event" });
  });

  it("names specversion when a CloudEvent is not 1.0", async () => {
    const event = fixtureEvent("cloudevents-vnet-write");
    event.specversion = "`1.0";
    expect(await read(event)).toMatchObject({ kind: "malformed", field: "specversion" });
  });

  it("names metadataVersion when an Event Grid event does not carry version 1", async () => {
    const event = fixtureEvent("eventgrid-vnet-write");
    event.metadataVersion = "2";
    expect(await read(event)).toMatchObject({ kind: "malformed", field: "metadataVersion" });
  });
});
