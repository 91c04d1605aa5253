import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Digest } from "../../../src/alerts/model.js";
import { buildDigest, buildFailureDigest, digestFrom, metaOf } from "../../../src/alerts/model.js";
import { InMemoryAlertStateStore, applyLifecycle } from "../../../src/alerts/state.js";
import type { CardElement } from "../../../src/alerts/render-teams.js";
import { TEAMS_MAX_BYTES, byteLength, renderTeamsMessage } from "../../../src/alerts/render-teams.js";
import { inaccessibleSubscriptionNotice } from "../../../src/app/sweep.js";
import type { ProblemCode } from "../../../src/reconcile/types.js";
import { adaptiveCardProblems } from "./adaptive-card-check.js";
import {
  bigReport,
  createdReciprocal,
  failedSync,
  problem,
  report,
  resetDisconnected,
  SUB,
  synced,
  vnetId,
} from "./fixtures.js";

const STATUS = "https://vnet-peering-sync.example.net/api/status";

/** Resolved and reminder items exist only after the lifecycle has run: build them the same way. */
async function lifecycleDigests(): Promise<Record<string, Digest>> {
  const store = new InMemoryAlertStateStore();
  const first = report([
    problem("Disconnected", "hub-vnet", "spoke1"),
    problem("Busy", "hub-vnet", "spoke2"),
  ]);
  await applyLifecycle(buildDigest(first)!.items, { scope: first.scope, canResolve: true }, store, {
    now: "2026-01-10T10:00:00.000Z",
    reminderHours: 24,
  });
  const later = report([problem("Disconnected", "hub-vnet", "spoke1")], { runId: "run-0002" });
  const reminderItems = await applyLifecycle(
    buildDigest(later)!.items,
    { scope: later.scope, canResolve: true },
    store,
    {
      now: "2026-01-11T10:00:00.000Z",
      reminderHours: 24,
    },
  );
  return { "reminder + resolved": digestFrom(reminderItems, metaOf(later), { statusPageUrl: STATUS })! };
}

function allDigests() {
  return {
    "fixed only": buildDigest(
      report([
        synced("spoke1", "hub-vnet"),
        createdReciprocal("spoke2", "hub-vnet"),
        resetDisconnected("spoke3", "hub-vnet"),
      ]),
    )!,
    "needs attention": buildDigest(
      report([
        problem("PeerInaccessible", "spoke1", "partner"),
        problem("AddressSpaceOverlap", "hub", "spoke9", {
          overlappingPrefixes: [["10.0.0.0/16", "10.0.1.0/24"]],
        }),
      ]),
      {
        statusPageUrl: STATUS,
      },
    )!,
    failed: buildDigest(report([failedSync("spoke1", "hub-vnet"), synced("spoke2", "hub-vnet")]))!,
    "failed message (poison)": buildFailureDigest(
      {
        vnetId: vnetId("hub-vnet"),
        error: { code: "InternalServerError", message: "boom" },
        attempts: 5,
        correlationId: "m1",
        at: "2026-01-10T10:00:00.000Z",
      },
      { statusPageUrl: STATUS },
    ),
    "sweep: subscription not readable (403)": buildFailureDigest(
      inaccessibleSubscriptionNotice(SUB, "sweep-1", "2026-01-10T10:00:00.000Z"),
      { statusPageUrl: STATUS },
    ),
    "dry run": buildDigest(report([problem("GatewayRuleViolation", "spoke1", "hub")], { dryRun: true }))!,
    "markup in names": buildDigest(
      report([
        problem("Busy", "a_b*c", "<script>x</script>", {
          remedy: '[click](javascript:alert(1)) "quoted" & more',
        }),
      ]),
    )!,
    "1,000 items": buildDigest(bigReport(1000), { statusPageUrl: STATUS })!,
  };
}

function elements(card: { body: CardElement[] }): CardElement[] {
  const out: CardElement[] = [];
  const walk = (list: CardElement[]) => {
    for (const e of list) {
      out.push(e);
      if (Array.isArray(e.items)) walk(e.items as CardElement[]);
    }
  };
  walk(card.body);
  return out;
}

describe("Teams Adaptive Card", () => {
  it("wraps the card in the Workflows webhook envelope", () => {
    const message = renderTeamsMessage(allDigests()["fixed only"]);
    expect(message.type).toBe("message");
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({
      contentType: "application/vnd.microsoft.card.adaptive",
      contentUrl: null,
    });
    expect(message.attachments[0].content).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
  });

  it.each(Object.entries(allDigests()))(
    "%s: the adaptivecards library parses it without a single problem",
    (_name, digest) => {
      const message = renderTeamsMessage(digest);
      expect(adaptiveCardProblems(message.attachments[0].content)).toEqual([]);
      expect(byteLength(message)).toBeLessThan(TEAMS_MAX_BYTES);
    },
  );

  it("reminder and resolved cards parse too", async () => {
    for (const digest of Object.values(await lifecycleDigests())) {
      const message = renderTeamsMessage(digest);
      expect(adaptiveCardProblems(message.attachments[0].content)).toEqual([]);
      const text = JSON.stringify(message);
      expect(text).toContain("Reminder: Disconnected peering");
      expect(text).toContain("Resolved: Resource busy");
      expect(text).toContain('"title":"Open since","value":"2026-01-10T10:00:00.000Z"');
    }
  });

  it("the checker does catch a broken card (so the tests above can fail)", () => {
    expect(
      adaptiveCardProblems({ type: "AdaptiveCard", version: "1.4", body: [{ type: "Fact", text: "x" }] }),
    ).not.toEqual([]);
    expect(
      adaptiveCardProblems({
        type: "AdaptiveCard",
        version: "1.4",
        body: [{ type: "TextBlock", text: "x", colour: "Good" }],
      }),
    ).toEqual(["card.body[0].colour: unknown property"]);
    expect(
      adaptiveCardProblems({
        type: "AdaptiveCard",
        version: "1.4",
        body: [],
        actions: [{ type: "Action.OpenUrl", title: "t" }],
      }),
    ).toContain('validate: Property "url" must be set.');
  });

  it("shows severity in words and colour", () => {
    const card = renderTeamsMessage(allDigests().failed).attachments[0].content;
    const banner = card.body[0]!;
    expect(banner).toMatchObject({ type: "Container", style: "attention" });
    expect((banner.items as CardElement[])[0]).toMatchObject({
      text: "ERROR · vnet-peering-sync",
      color: "Attention",
    });
    const warn = renderTeamsMessage(allDigests()["needs attention"]).attachments[0].content.body[0]!;
    expect(warn).toMatchObject({ style: "warning" });
    expect((warn.items as CardElement[])[0]).toMatchObject({ text: "WARNING · vnet-peering-sync" });
  });

  it("gives each item a FactSet saying what, where, what was done and what to do", () => {
    const card = renderTeamsMessage(allDigests()["needs attention"]).attachments[0].content;
    const factSets = elements(card).filter((e) => e.type === "FactSet");
    expect(factSets).toHaveLength(2);
    const facts = factSets[0]!.facts as { title: string; value: string }[];
    expect(facts.map((f) => f.title)).toEqual(["What", "Where", "Done", "To do", "Code"]);
    expect(facts[1]!.value).toBe(
      "spoke1 / peering spoke1-to-partner → partner (resource group rg-net, subscription 11111111-2222-3333-4444-555555555555)",
    );
  });

  it("links the status page only when one is configured", () => {
    expect(renderTeamsMessage(allDigests()["needs attention"]).attachments[0].content.actions).toEqual([
      { type: "Action.OpenUrl", title: "Open status page", url: STATUS },
    ]);
    expect(renderTeamsMessage(allDigests().failed).attachments[0].content.actions).toBeUndefined();
  });

  it("summarises a 1,000-item run under 28 KB with a sample and 'and N more'", () => {
    const digest = allDigests()["1,000 items"];
    const message = renderTeamsMessage(digest);
    const size = byteLength(message);
    expect(size).toBeLessThan(TEAMS_MAX_BYTES);
    const card = message.attachments[0].content;
    const shown = elements(card).filter((e) => e.type === "FactSet").length;
    expect(shown).toBeGreaterThan(3);
    // the sample shows some of each category, not only the first one
    const titles = elements(card)
      .filter((e) => e.type === "TextBlock" && e.weight === "Bolder")
      .map((e) => String(e.text));
    expect(titles.some((t) => t.startsWith("Could not sync"))).toBe(true);
    expect(titles.some((t) => t.startsWith("Address space overlap"))).toBe(true);
    expect(titles.some((t) => t.startsWith("Synced peering"))).toBe(true);
    const text = JSON.stringify(card);
    // every category is counted even when its items are not shown
    expect(text).toContain("Failed: the product tried and could not (20)");
    expect(text).toMatch(/…and \d+ more fixed \(\d+ in total\)\./);
    expect(text).toContain("Synced 772 peerings after hub-vnet gained 10.2.0.0/16.");
  });

  it("shrinks by showing fewer items, never by cutting JSON, even on a tiny budget", () => {
    const digest = allDigests()["1,000 items"];
    const small = renderTeamsMessage(digest, 6_000);
    expect(byteLength(small)).toBeLessThanOrEqual(6_000);
    expect(adaptiveCardProblems(small.attachments[0].content)).toEqual([]);
    expect(JSON.stringify(small)).toMatch(/…and 1[89] more failed \(20 in total\)\./);
    expect(JSON.stringify(small)).toMatch(/…and 7[89] more needing attention \(80 in total\)\./);
  });

  it("every card for any mix of actions parses and fits (property)", () => {
    const codes: ProblemCode[] = [
      "AddressSpaceOverlap",
      "GatewayRuleViolation",
      "PeerInaccessible",
      "PeerOutOfScope",
      "PeerVnetMissing",
      "Disconnected",
      "ProvisioningFailed",
      "Busy",
      "SubnetMissing",
    ];
    const name = fc.stringMatching(/^[A-Za-z0-9_.*<>&"-]{1,60}$/);
    const applied = fc.oneof(
      fc.tuple(name, name).map(([a, b]) => synced(a, b)),
      fc.tuple(name, name).map(([a, b]) => createdReciprocal(a, b)),
      fc.tuple(name, name).map(([a, b]) => resetDisconnected(a, b)),
      fc
        .tuple(fc.constantFrom(...codes), name, name, fc.string({ maxLength: 2000 }))
        .map(([c, a, b, r]) => problem(c, a, b, { remedy: r })),
      fc
        .tuple(name, name, fc.string({ maxLength: 3000 }))
        .map(([a, b, m]) => failedSync(a, b, { code: "Conflict", message: m, retryable: false })),
    );
    fc.assert(
      fc.property(
        fc.array(applied, { minLength: 1, maxLength: 300 }),
        fc.boolean(),
        (results, withStatus) => {
          const digest = buildDigest(report(results), withStatus ? { statusPageUrl: STATUS } : {});
          if (!digest) return;
          const message = renderTeamsMessage(digest);
          expect(byteLength(message)).toBeLessThan(TEAMS_MAX_BYTES);
          expect(adaptiveCardProblems(message.attachments[0].content)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
