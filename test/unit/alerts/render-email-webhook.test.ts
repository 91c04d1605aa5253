import { describe, expect, it } from "vitest";
import { buildDigest } from "../../../src/alerts/model.js";
import { EMAIL_MAX_ITEMS, emailSubject, escapeHtml, renderEmail } from "../../../src/alerts/render-email.js";
import { WEBHOOK_MAX_ITEMS, renderWebhookPayload } from "../../../src/alerts/render-webhook.js";
import { bigReport, failedSync, peeringId, problem, report, synced, vnetId } from "./fixtures.js";

describe("email", () => {
  it("has a subject that says the severity and the VNet", () => {
    const digest = buildDigest(
      report([
        problem("Disconnected", "hub-vnet", "a"),
        problem("Busy", "hub-vnet", "b"),
        synced("x", "hub-vnet"),
      ]),
    )!;
    expect(emailSubject(digest)).toBe("[vnet-peering-sync] Action needed: 2 problems on hub-vnet");
    expect(emailSubject(buildDigest(report([failedSync("spoke1", "hub")]))!)).toBe(
      "[vnet-peering-sync] Failed: 1 action on spoke1",
    );
    expect(emailSubject(buildDigest(report([problem("Busy", "hub", "a")], { dryRun: true }))!)).toBe(
      "[vnet-peering-sync] (dry run) Action needed: 1 problem on hub",
    );
  });

  it("escapes everything taken from Azure in the HTML body and keeps styles inline", () => {
    const digest = buildDigest(
      report([
        problem("Busy", "evil<img src=x onerror=alert(1)>", "b", { remedy: `"quoted" & <b>bold</b>` }),
      ]),
    )!;
    const { html } = renderEmail(digest);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>bold</b>");
    expect(html).toContain("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;");
    expect(html).not.toMatch(/<style|class=/);
    expect(escapeHtml(`<'&">`)).toBe("&lt;&#39;&amp;&quot;&gt;");
  });

  it("has a plain-text body with the same facts", () => {
    const digest = buildDigest(
      report([problem("PeerVnetMissing", "hub-vnet", "gone", { remedy: "Delete it." })]),
      {
        statusPageUrl: "https://status.example.net/",
      },
    )!;
    const { text } = renderEmail(digest);
    expect(text).toContain("WARNING: Action needed: 1 problem on hub-vnet");
    expect(text).toContain("== Needs a human (1) ==");
    expect(text).toContain("* Peer VNet missing: peering hub-vnet-to-gone on hub-vnet");
    expect(text).toContain("  To do: Delete it.");
    expect(text).toContain("  Where: hub-vnet / peering hub-vnet-to-gone → gone (resource group rg-net");
    expect(text).toContain("Status page: https://status.example.net/");
  });

  it("samples a 1,000-item run and says how many are left out", () => {
    const { html, text } = renderEmail(buildDigest(bigReport(1000))!);
    expect((text.match(/^\* /gm) ?? []).length).toBe(EMAIL_MAX_ITEMS);
    expect(text).toMatch(/…and \d+ more fixed \(\d+ in total\)\./);
    expect(html.length).toBeLessThan(400_000);
  });

  it("keeps the subject on one line", () => {
    const digest = buildDigest(report([problem("Busy", "a", "b")]))!;
    expect(emailSubject({ ...digest, summary: "x\r\nBcc: evil@example.com" })).toBe(
      "[vnet-peering-sync] x Bcc: evil@example.com",
    );
  });
});

describe("generic webhook payload", () => {
  it("is schema version 1 with severity, summary, run id and items", () => {
    const digest = buildDigest(report([failedSync("spoke1", "hub"), problem("Busy", "hub", "spoke2")]))!;
    const payload = renderWebhookPayload(digest);
    expect(payload).toMatchObject({
      schemaVersion: 1,
      id: "run-0001",
      severity: "error",
      summary: "Failed: 1 action on spoke1",
      runId: "run-0001",
      correlationId: "corr-0001",
      trigger: "sweep",
      counts: { failed: 1, needsAttention: 1, resolved: 0, fixed: 0 },
      omittedItems: 0,
    });
    expect(payload.items[1]).toEqual({
      category: "needsAttention",
      severity: "warning",
      key: `Busy|${peeringId("hub", "hub-to-spoke2").toLowerCase()}`,
      code: "Busy",
      title: "Resource busy: peering hub-to-spoke2 on hub",
      what: "hub-to-spoke2 on hub: Busy.",
      done: "Nothing written: this needs a human.",
      todo: "Fix Busy on hub-to-spoke2.",
      vnetId: vnetId("hub"),
      vnetName: "hub",
      targetId: peeringId("hub", "hub-to-spoke2"),
      peeringName: "hub-to-spoke2",
      resourceGroup: "rg-net",
      subscriptionId: "11111111-2222-3333-4444-555555555555",
    });
  });

  it("lists at most WEBHOOK_MAX_ITEMS items and counts the rest", () => {
    const payload = renderWebhookPayload(buildDigest(bigReport(1000))!);
    expect(payload.items).toHaveLength(WEBHOOK_MAX_ITEMS);
    expect(payload.omittedItems).toBe(1000 - WEBHOOK_MAX_ITEMS);
    expect(payload.counts.fixed + payload.counts.failed + payload.counts.needsAttention).toBe(1000);
  });
});
