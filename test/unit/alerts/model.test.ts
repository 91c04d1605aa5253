import { describe, expect, it } from "vitest";
import { buildDigest, buildFailureDigest } from "../../../src/alerts/model.js";
import { redact } from "../../../src/alerts/redact.js";
import { renderEmail } from "../../../src/alerts/render-email.js";
import { renderTeamsMessage } from "../../../src/alerts/render-teams.js";
import { inaccessibleSubscriptionNotice } from "../../../src/app/sweep.js";
import {
  bigReport,
  createdReciprocal,
  failedSync,
  peeringId,
  problem,
  report,
  resetDisconnected,
  skipped,
  synced,
  vnetId,
} from "./fixtures.js";

describe("buildDigest", () => {
  it("says nothing for a run that only skipped or changed nothing", () => {
    expect(buildDigest(report([]))).toBeUndefined();
    expect(buildDigest(report([skipped("lab-vnet")]))).toBeUndefined();
  });

  it("counts syncs with one cause in one sentence", () => {
    const digest = buildDigest(
      report([synced("spoke1", "hub-vnet"), synced("spoke2", "hub-vnet"), synced("spoke3", "hub-vnet")]),
    )!;
    expect(digest.severity).toBe("info");
    expect(digest.counts).toEqual({ failed: 0, needsAttention: 0, resolved: 0, fixed: 3 });
    expect(digest.highlights).toEqual(["Synced 3 peerings after hub-vnet gained 10.2.0.0/16."]);
    expect(digest.summary).toBe("Fixed 3 peerings on spoke1, spoke2 and 1 more VNet");
    expect(digest.items[0]!.done).toBe("Synced the peering: hub-vnet's 10.2.0.0/16 is now reachable.");
  });

  it("reports created reciprocals and reset Disconnected peerings as fixed", () => {
    const digest = buildDigest(
      report([createdReciprocal("spoke1", "hub"), resetDisconnected("spoke2", "hub")]),
    )!;
    expect(digest.highlights).toEqual([
      "Created 1 missing reciprocal peering.",
      "Reset 1 Disconnected peering.",
    ]);
    expect(digest.items.map((i) => i.category)).toEqual(["fixed", "fixed"]);
    expect(digest.items[0]!.where).toMatchObject({
      vnetName: "spoke1",
      peeringName: "spoke1-to-hub",
      remoteVnetName: "hub",
    });
  });

  it("makes problems warnings that say where, what was done and what a human must do", () => {
    const digest = buildDigest(
      report([
        problem("AddressSpaceOverlap", "hub-vnet", "spoke9", {
          overlappingPrefixes: [["10.2.0.0/16", "10.2.1.0/24"]],
        }),
        problem("Disconnected", "hub-vnet", "spoke7"),
      ]),
    )!;
    expect(digest.severity).toBe("warning");
    expect(digest.summary).toBe("Action needed: 2 problems on hub-vnet");
    const overlap = digest.items[0]!;
    expect(overlap).toMatchObject({
      category: "needsAttention",
      code: "AddressSpaceOverlap",
      key: `AddressSpaceOverlap|${peeringId("hub-vnet", "hub-vnet-to-spoke9").toLowerCase()}`,
      title: "Address space overlap: peering hub-vnet-to-spoke9 on hub-vnet",
      done: "Nothing written: this needs a human.",
      todo: "Fix AddressSpaceOverlap on hub-vnet-to-spoke9.",
    });
    expect(overlap.what).toContain("Overlapping prefixes: 10.2.0.0/16 with 10.2.1.0/24.");
    expect(digest.highlights).toEqual([
      "2 problems need a human: 1 × address space overlap, 1 × Disconnected peering.",
    ]);
  });

  it("names the missing permission for an inaccessible peer", () => {
    const digest = buildDigest(
      report([problem("PeerInaccessible", "spoke1", "partner-vnet", { remedy: "Ask the owner." })]),
    )!;
    expect(digest.items[0]!.todo).toMatch(
      /^Ask the owner\. Or let vnet-peering-sync do it: grant .*`Microsoft\.Network\/virtualNetworks\/peer\/action`/,
    );
  });

  it("uses a default remedy when the planner gave none", () => {
    const digest = buildDigest(report([problem("PeerVnetMissing", "spoke1", "gone", { remedy: " " })]))!;
    expect(digest.items[0]!.todo).toBe(
      "Delete the peering that points at the deleted VNet, or recreate the VNet.",
    );
  });

  it("makes failed actions errors and repeats the action a permission error lacked", () => {
    const message =
      "The client 'abc' with object id 'abc' does not have authorization to perform action 'Microsoft.Network/virtualNetworks/peer/action' over scope '/subscriptions/x'.";
    const digest = buildDigest(
      report([
        synced("a", "hub"),
        failedSync("spoke1", "hub", { code: "LinkedAuthorizationFailed", message, retryable: false }),
      ]),
    )!;
    expect(digest.severity).toBe("error");
    expect(digest.summary).toBe("Failed: 1 action on spoke1");
    expect(digest.items[0]!.category).toBe("failed");
    expect(digest.items[0]!.done).toContain("Azure answered LinkedAuthorizationFailed");
    expect(digest.items[0]!.todo).toContain("`Microsoft.Network/virtualNetworks/peer/action`");
  });

  it("orders items failed, needs attention, fixed", () => {
    const digest = buildDigest(
      report([synced("a", "hub"), problem("Busy", "b", "hub"), failedSync("c", "hub")]),
    )!;
    expect(digest.items.map((i) => i.category)).toEqual(["failed", "needsAttention", "fixed"]);
  });

  it("drops fixed items when ALERT_ON_FIXED is off and items below ALERT_MIN_SEVERITY", () => {
    const run = report([synced("a", "hub"), problem("Busy", "b", "hub"), failedSync("c", "hub")]);
    expect(buildDigest(run, { includeFixed: false })!.counts).toEqual({
      failed: 1,
      needsAttention: 1,
      resolved: 0,
      fixed: 0,
    });
    expect(buildDigest(run, { minSeverity: "error" })!.counts).toEqual({
      failed: 1,
      needsAttention: 0,
      resolved: 0,
      fixed: 0,
    });
    expect(buildDigest(report([synced("a", "hub")]), { minSeverity: "warning" })).toBeUndefined();
  });

  it("does not call a dry run's unwritten changes fixed", () => {
    const dry = synced("a", "hub");
    dry.result = { status: "skipped", why: "dry run" };
    expect(buildDigest(report([dry], { dryRun: true }))).toBeUndefined();
  });

  it("makes one digest of a 1,000-peering run that keeps every item and counts them", () => {
    const digest = buildDigest(bigReport(1000))!;
    expect(digest.items).toHaveLength(1000);
    expect(digest.counts.failed + digest.counts.needsAttention + digest.counts.fixed).toBe(1000);
    expect(digest.counts.failed).toBe(20);
    expect(digest.summary).toMatch(/^Failed: 20 actions on /);
  });

  it("scrubs secrets from free text taken from the report", () => {
    const secret = "https://prod.westeurope.logic.azure.com/workflows/x/triggers?sig=TOPSECRETSIG123";
    const digest = buildDigest(
      report([
        failedSync("a", "hub", { code: "Boom", message: `posting to ${secret} failed`, retryable: false }),
      ]),
      {
        secrets: [secret],
      },
    )!;
    expect(JSON.stringify(digest)).not.toContain("TOPSECRETSIG123");
  });
});

describe("buildFailureDigest", () => {
  it("builds an error alert from a VNet id and the last error", () => {
    const digest = buildFailureDigest({
      vnetId: vnetId("hub-vnet"),
      error: { code: "InternalServerError", message: "ARM answered 500" },
      attempts: 5,
      correlationId: "msg-42",
      at: "2026-01-10T10:00:00.000Z",
    });
    expect(digest).toMatchObject({
      severity: "error",
      trigger: "failure",
      id: "failure-msg-42",
      summary: "Failed: 1 action on hub-vnet",
    });
    expect(digest.items[0]).toMatchObject({
      title: "Could not reconcile hub-vnet",
      key: `Failed:reconcile|${vnetId("hub-vnet").toLowerCase()}`,
      done: "Gave up after 5 attempts. Last error InternalServerError: ARM answered 500",
    });
  });
});

describe("buildFailureDigest for the sweep's unreadable subscription", () => {
  it("names the subscription and what to grant, and says no queue message was set aside", () => {
    const sub = "22222222-2222-4222-8222-222222222222";
    const digest = buildFailureDigest(
      inaccessibleSubscriptionNotice(sub, "sweep-7", "2026-01-10T10:00:00.000Z"),
    );
    expect(digest).toMatchObject({ severity: "error", summary: `Failed: 1 action on subscription ${sub}` });
    const [item] = digest.items;
    expect(item).toMatchObject({
      code: "SubscriptionInaccessible",
      title: `Could not read subscription ${sub}`,
      key: `Failed:reconcile|/subscriptions/${sub}`,
      where: { vnetName: `subscription ${sub}`, targetId: `/subscriptions/${sub}` },
    });
    expect(item!.what).toContain("could not list the VNets");
    expect(item!.what).not.toContain("message was set aside");
    expect(item!.todo).toContain(`Network Contributor (or the peering-sync role) on subscription ${sub}`);
    expect(item!.todo).toContain("WATCHED_SUBSCRIPTIONS");
  });

  it("says it came from the sweep, not from a failed queue message, in the email and the card", () => {
    const digest = buildFailureDigest(
      inaccessibleSubscriptionNotice(
        "22222222-2222-4222-8222-222222222222",
        "sweep-7",
        "2026-01-10T10:00:00.000Z",
      ),
    );
    expect(digest.trigger).toBe("sweep");
    const email = renderEmail(digest);
    expect(email.text).toContain("sweep run sweep-7");
    expect(email.text).not.toContain("failed message");
    expect(JSON.stringify(renderTeamsMessage(digest))).toContain("sweep run sweep-7");
    // A poison message still says what it is.
    const poison = buildFailureDigest({
      vnetId:
        "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
      error: { code: "InternalServerError", message: "boom" },
      correlationId: "msg-1",
      at: "2026-01-10T10:00:00.000Z",
    });
    expect(renderEmail(poison).text).toContain("failed message msg-1");
  });
});

describe("redact", () => {
  it("removes a webhook URL, its signature alone, and a connection string's key", () => {
    const url =
      "https://x.logic.azure.com/workflows/1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=AbCdEf0123456789";
    const cs = "endpoint=https://acs.communication.azure.com/;accesskey=c2VjcmV0LWtleS12YWx1ZQ==";
    const text = `a ${url} b AbCdEf0123456789 c ${cs} d c2VjcmV0LWtleS12YWx1ZQ== e`;
    const out = redact(text, [url, cs]);
    expect(out).not.toContain("AbCdEf0123456789");
    expect(out).not.toContain("c2VjcmV0LWtleS12YWx1ZQ==");
    expect(out).toContain("[redacted]");
  });

  it("masks sig= query values even for URLs it was not told about", () => {
    expect(redact("GET https://h/p?a=1&sig=abc123def456", [])).toBe("GET https://h/p?a=1&sig=[redacted]");
  });
});
