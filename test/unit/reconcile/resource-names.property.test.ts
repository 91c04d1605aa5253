import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { reconcileMessageSchema } from "../../../src/app/ports.js";
import { readNetworkEvents } from "../../../src/app/resource-event.js";
import { checkResyncRequest } from "../../../src/app/resync-request.js";
import { readQueueItem } from "../../../src/functions/shared.js";
import { checkScopeId, isValidName, parseVnetId, vnetIdOf } from "../../../src/reconcile/ids.js";
import { FIXTURE_SUBSCRIPTION, fixtureEvent } from "../app/fixtures.js";

/**
 * Every name ARM's naming rules accept goes through every entry point of the app, as written and
 * percent-encoded; every name they refuse is refused with the field named.
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 */

const SUB = FIXTURE_SUBSCRIPTION;

// Resource groups take letters and digits as .NET's Char.IsLetterOrDigit defines them: the Unicode
// categories Lu, Ll, Lt, Lm, Lo and Nd, one of each below, and an astral Lo letter (2 UTF-16 units).
const RG_LETTERS = ["a", "Z", "7", "é", "ß", "Ж", "東", "京", "ǅ", "ʰ", "٣", "७", "ｶ", "𠀀"];
const RG_PUNCTUATION = ["_", "-", ".", "(", ")"];
// Not letters or digits: a space, a combining acute (Mn), an emoji (So), a superscript two (No), a
// Roman numeral (Nl), and characters a path or URL would read.
const NOT_RG_CHARS = [" ", "\u0301", "😀", "²", "Ⅻ", "/", "%", "#", "?", "\\", ":", "\u0000", "+", "'"];

const NETWORK_CHARS = [..."abcxyzABCXYZ0189", "_", "-", "."];
const NOT_NETWORK_CHARS = ["é", "東", " ", "/", "%", "#", "?", "(", ")", "+", "\u0000", ":"];

const rgName = fc
  .tuple(
    fc.array(fc.constantFrom(...RG_LETTERS, ...RG_PUNCTUATION), { maxLength: 60 }),
    fc.constantFrom(...RG_LETTERS, "_", "-", "(", ")"),
  )
  .map(([body, last]) => body.join("") + last)
  .filter((name) => name.length <= 90);

const networkName = (min: number, max: number) =>
  fc
    .tuple(
      fc.constantFrom(..."aZ09"),
      fc.array(fc.constantFrom(...NETWORK_CHARS), { maxLength: max - 2 }),
      fc.constantFrom(..."bY8_"),
    )
    .map(([first, body, last]) => (min > 1 || body.length > 0 ? first + body.join("") + last : first));

const badRgName = fc.oneof(
  fc.constant(""),
  fc.constant("rg-net."),
  fc.constant("r".repeat(91)),
  fc.tuple(rgName, fc.constantFrom(...NOT_RG_CHARS), rgName).map(([a, bad, b]) => a + bad + b),
);

const badNetworkName = fc.oneof(
  fc.constant("v"),
  fc.constant("vnet."),
  fc.constant("-vnet"),
  fc.constant("v".repeat(65)),
  fc
    .tuple(networkName(2, 30), fc.constantFrom(...NOT_NETWORK_CHARS), networkName(2, 30))
    .map(([a, bad, b]) => a + bad + b),
);

const badPeeringName = fc.oneof(
  fc.constant(""),
  fc.constant("p."),
  fc.constant("-p"),
  fc.constant("p".repeat(81)),
  fc
    .tuple(networkName(1, 30), fc.constantFrom(...NOT_NETWORK_CHARS), networkName(1, 30))
    .map(([a, bad, b]) => a + bad + b),
);

const encoded = (id: string) =>
  id
    .split("/")
    .map((s) => encodeURIComponent(s))
    .join("/");

function event(schema: "eventgrid" | "cloudevents", id: string) {
  const e = structuredClone(fixtureEvent(`${schema}-vnet-write`));
  e.subject = id;
  (e.data as Record<string, unknown>).resourceUri = id;
  return e;
}

function peeringEvent(id: string) {
  const e = structuredClone(fixtureEvent("eventgrid-peering-write"));
  e.subject = id;
  (e.data as Record<string, unknown>).resourceUri = id;
  return e;
}

const queueMessage = (vnetId: string) =>
  JSON.stringify({
    vnetId,
    cause: "sweep",
    correlationId: "c-1",
    enqueuedAt: "2026-01-01T00:00:00.000Z",
  });

describe("resource names from outside follow ARM's naming rules", () => {
  it("accepts every valid resource group, VNet and peering name at every entry point, plain or percent-encoded", async () => {
    await fc.assert(
      fc.asyncProperty(
        rgName,
        networkName(2, 64),
        networkName(1, 80),
        fc.boolean(),
        async (rg, vnet, peering, encode) => {
          const vnetId = vnetIdOf({ subscriptionId: SUB, resourceGroup: rg, vnetName: vnet });
          const sent = encode ? encoded(vnetId) : vnetId;

          // ARM responses: the id parses back into the same names.
          expect(parseVnetId(vnetId)).toEqual({ subscriptionId: SUB, resourceGroup: rg, vnetName: vnet });

          for (const schema of ["eventgrid", "cloudevents"] as const) {
            const [verdict] = await readNetworkEvents(event(schema, sent), [SUB]);
            expect(verdict).toMatchObject({ kind: "change", change: { vnetId } });
          }
          const [peeringVerdict] = await readNetworkEvents(
            peeringEvent(`${sent}/virtualNetworkPeerings/${encode ? encodeURIComponent(peering) : peering}`),
            [SUB],
          );
          expect(peeringVerdict).toMatchObject({ kind: "change", change: { vnetId } });

          expect(readQueueItem(reconcileMessageSchema, queueMessage(sent))).toMatchObject({
            ok: true,
            value: { vnetId },
          });

          const rgId = `/subscriptions/${SUB}/resourceGroups/${rg}`;
          const sentRg = encode ? encoded(rgId) : rgId;
          expect(checkResyncRequest({ scope: [sent, sentRg], dryRun: true }, [SUB])).toMatchObject({
            ok: true,
            request: { scope: [vnetId, rgId] },
          });
          // The CLI's --scope goes through the same check.
          expect(checkScopeId(sent)).toEqual({ ok: true, id: vnetId });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("refuses every invalid resource group name, naming the field and the segment", async () => {
    await fc.assert(
      fc.asyncProperty(badRgName, fc.boolean(), async (rg, encode) => {
        expect(isValidName("resourceGroup", rg)).toBe(false);
        const vnetId = `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/hub-vnet`;
        // A raw `/` in a name is a different id altogether; encoded it must still be refused.
        const sent = encode || rg.includes("/") ? encoded(vnetId) : vnetId;
        await expectRefusedEverywhere(sent);
      }),
      { numRuns: 150 },
    );
  });

  it("refuses every invalid VNet name, naming the field", async () => {
    await fc.assert(
      fc.asyncProperty(badNetworkName, fc.boolean(), async (vnet, encode) => {
        expect(isValidName("virtualNetwork", vnet)).toBe(false);
        const vnetId = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${vnet}`;
        const sent = encode || vnet.includes("/") ? encoded(vnetId) : vnetId;
        await expectRefusedEverywhere(sent);
      }),
      { numRuns: 150 },
    );
  });

  it("refuses invalid peering names in peering events", async () => {
    await fc.assert(
      fc.asyncProperty(badPeeringName, async (name) => {
        const id = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub-vnet/virtualNetworkPeerings/${encodeURIComponent(name)}`;
        const [verdict] = await readNetworkEvents(peeringEvent(id), [SUB]);
        expect(verdict).toMatchObject({ kind: "malformed", field: "subject" });
      }),
      { numRuns: 100 },
    );
  });

  it("says which segment of a subject breaks which rule", async () => {
    const id = `/subscriptions/${SUB}/resourceGroups/rg-net./providers/Microsoft.Network/virtualNetworks/hub-vnet`;
    const [verdict] = await readNetworkEvents(event("eventgrid", id), [SUB]);
    expect(verdict).toMatchObject({
      kind: "malformed",
      field: "subject",
      reason: expect.stringContaining("resource group name"),
    });
    expect(checkResyncRequest({ scope: [id], dryRun: true }, [SUB])).toEqual({
      ok: false,
      field: "scope[0]",
      message: expect.stringContaining("resource group name"),
    });
  });

  it("refuses a percent-encoded slash or a broken escape rather than reading a different id", async () => {
    const slash = `/subscriptions/${SUB}/resourceGroups/rg%2Fother/providers/Microsoft.Network/virtualNetworks/hub-vnet`;
    const broken = `/subscriptions/${SUB}/resourceGroups/rg%E9/providers/Microsoft.Network/virtualNetworks/hub-vnet`;
    for (const id of [slash, broken]) await expectRefusedEverywhere(id);
  });

  it("reads `rg-réseau-prod` the same in every entry point (the case that used to be dropped)", async () => {
    const vnetId = `/subscriptions/${SUB}/resourceGroups/rg-réseau-prod/providers/Microsoft.Network/virtualNetworks/spoke-01`;
    const [verdict] = await readNetworkEvents(event("eventgrid", vnetId), [SUB]);
    expect(verdict).toMatchObject({ kind: "change", change: { vnetId } });
    expect(readQueueItem(reconcileMessageSchema, queueMessage(vnetId))).toMatchObject({ ok: true });
  });
});

async function expectRefusedEverywhere(sent: string): Promise<void> {
  for (const schema of ["eventgrid", "cloudevents"] as const) {
    const [verdict] = await readNetworkEvents(event(schema, sent), [SUB]);
    expect(verdict).toMatchObject({ kind: "malformed", field: "subject" });
  }
  expect(readQueueItem(reconcileMessageSchema, queueMessage(sent))).toMatchObject({
    ok: false,
    field: "vnetId",
  });
  expect(checkResyncRequest({ scope: [sent], dryRun: true }, [SUB])).toMatchObject({
    ok: false,
    field: "scope[0]",
  });
  expect(checkScopeId(sent)).toMatchObject({ ok: false });
}
