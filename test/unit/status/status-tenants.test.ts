import { describe, expect, it } from "vitest";
import { plan } from "../../../src/reconcile/plan.js";
import { buildStatusReport, renderStatusPage } from "../../../src/status/index.js";
import { SUB_A, SUB_B, SUB_OTHER, connectedPair, policy, snapshot, vnet } from "../../support/builders.js";

/**
 * Across tenants (docs/cross-tenant.md) the status page groups subscriptions under their tenant; with
 * no tenant known it stays as it was, one heading per subscription. Tenant ids from ARM are escaped
 * like every other value.
 */
const NOW = "2026-12-06T10:00:00.000Z";
const TENANT_A = "aaaaaaaa-0000-4000-8000-00000000000a";
const TENANT_B = "bbbbbbbb-0000-4000-8000-00000000000b";

function page(tenantOfSubscription?: Record<string, string>) {
  const hub = vnet("hub", { subscriptionId: SUB_A });
  const s1 = vnet("s1", { subscriptionId: SUB_B });
  const s2 = vnet("s2", { subscriptionId: SUB_OTHER });
  const [a, b] = connectedPair(hub, s1);
  const [c, d] = connectedPair(hub, s2);
  hub.peerings.push(a, c);
  s1.peerings.push(b);
  s2.peerings.push(d);
  const snap = snapshot([hub, s1, s2]);
  const p = policy({ watchedSubscriptions: [SUB_A, SUB_B, SUB_OTHER] });
  const report = buildStatusReport({
    snapshot: snap,
    plan: plan(snap, p),
    generatedAt: NOW,
    ...(tenantOfSubscription ? { tenantOfSubscription } : {}),
  });
  return { report, html: renderStatusPage(report) };
}

describe("status page: tenants", () => {
  it("groups subscriptions by tenant, unknown tenants last", () => {
    const { report, html } = page({ [SUB_A]: TENANT_B, [SUB_B]: TENANT_A });
    expect(report.topology.subscriptions.map((s) => [s.tenantId, s.subscriptionId])).toEqual([
      [TENANT_A, SUB_B],
      [TENANT_B, SUB_A],
      [undefined, SUB_OTHER],
    ]);
    const headings = [...html.matchAll(/<h([34])>([^<]*)<code>([^<]*)<\/code>/g)].map(
      (m) => `${m[1]} ${m[2]}${m[3]}`,
    );
    expect(headings).toEqual([
      `3 Tenant ${TENANT_A}`,
      `4 Subscription ${SUB_B}`,
      `3 Tenant ${TENANT_B}`,
      `4 Subscription ${SUB_A}`,
      `4 Subscription ${SUB_OTHER}`,
    ]);
    expect(html).toContain("<h3>Tenant unknown</h3>");
  });

  it("keeps one heading per subscription when no tenant is known", () => {
    const { html } = page();
    expect(html).not.toContain("Tenant");
    expect([...html.matchAll(/<h3>Subscription <code>/g)]).toHaveLength(3);
  });

  it("escapes a hostile tenant id", () => {
    const { html } = page({ [SUB_A]: '<img src=x onerror="alert(1)">' });
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;img src=x");
  });
});
