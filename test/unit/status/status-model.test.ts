import { describe, expect, it } from "vitest";
import { toVnet } from "../../../src/azure/arm/arm-network-port.js";
import type { ActionRecord, RunRecord } from "../../../src/app/ports.js";
import { plan } from "../../../src/reconcile/plan.js";
import type { Vnet } from "../../../src/reconcile/types.js";
import {
  buildStatusReport,
  layoutTopology,
  renderStatusPage,
  type StatusReport,
} from "../../../src/status/index.js";
import {
  SUB_A,
  SUB_B,
  SUB_OTHER,
  connectedPair,
  peering,
  policy,
  resize,
  snapshot,
  subnet,
  vnet,
} from "../../support/builders.js";

const NOW = "2026-11-22T10:00:00.000Z";

function report(
  vnets: Vnet[],
  options: { inaccessible?: string[]; reportOnly?: boolean } = {},
): StatusReport {
  const snap = snapshot(vnets, options.inaccessible ?? []);
  const p = policy({ reportOnly: options.reportOnly ?? false });
  return buildStatusReport({
    snapshot: snap,
    plan: plan(snap, p),
    generatedAt: NOW,
    reportOnly: p.reportOnly,
  });
}

function hubWithServices(): Vnet {
  return vnet("hub", {
    addressPrefixes: ["10.0.0.0/16"],
    subnets: [
      subnet("GatewaySubnet", "10.0.255.0/27"),
      subnet("AzureBastionSubnet", "10.0.254.0/26"),
      { ...subnet("endpoints", "10.0.10.0/24"), privateEndpointCount: 2 },
      subnet("shared", "10.0.1.0/24"),
    ],
    hasGateway: true,
  });
}

describe("status model: the picture", () => {
  it("draws every pair once, with its health from both halves", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
    const ok = vnet("ok", { addressPrefixes: ["10.1.0.0/16"] });
    const grown = vnet("grown", { addressPrefixes: ["10.2.0.0/16"] });
    const lone = vnet("lone", { addressPrefixes: ["10.3.0.0/16"] });
    const broken = vnet("broken", { addressPrefixes: ["10.4.0.0/16"] });
    const all = [hub, ok, grown, lone, broken];
    connectedPair(hub, ok);
    connectedPair(hub, grown);
    resize(grown, ["10.2.0.0/16", "10.22.0.0/16"], all);
    peering(lone, hub, { state: "Initiated" });
    peering(hub, broken, { state: "Disconnected" });

    const r = report(all);
    const health = Object.fromEntries(
      r.topology.edges.map((e) => [
        e.key
          .split("|")
          .map((k) => k.split("/").pop())
          .join("-"),
        e.health,
      ]),
    );
    expect(health).toEqual({
      "hub-ok": "healthy",
      "grown-hub": "syncNeeded",
      "hub-lone": "oneSided",
      "broken-hub": "disconnected",
    });
    const oneSided = r.topology.edges.find((e) => e.health === "oneSided")!;
    expect([oneSided.from, oneSided.to]).toEqual([lone.id, hub.id]);
    expect(r.summary.byHealth).toEqual({
      healthy: 1,
      syncNeeded: 1,
      oneSided: 1,
      disconnected: 1,
      failed: 0,
    });
    expect(r.topology.vnets.find((v) => v.name === "hub")).toMatchObject({ role: "hub", neighbours: 4 });
    expect(r.topology.vnets.find((v) => v.name === "ok")).toMatchObject({ role: "spoke", problems: 0 });
  });

  it("shows far ends it could not read, and groups VNets by subscription", () => {
    const hub = vnet("hub");
    const spoke = vnet("spoke", { subscriptionId: SUB_B });
    const partner = vnet("partner", { subscriptionId: SUB_OTHER });
    connectedPair(hub, spoke);
    peering(hub, partner, { state: "Connected" });
    const r = report([hub, spoke], { inaccessible: [SUB_OTHER] });
    expect(r.topology.vnets.find((v) => v.name === "partner")).toMatchObject({
      visibility: "inaccessible",
      subscriptionId: SUB_OTHER,
    });
    expect(r.topology.subscriptions.map((s) => [s.subscriptionId, s.accessible, s.vnets.length])).toEqual([
      [SUB_A, true, 1],
      [SUB_B, true, 1],
      [SUB_OTHER, false, 1],
    ]);
    // A Connected half says the other half exists, even unread: not one-sided.
    expect(r.topology.edges.find((e) => e.to === partner.id || e.from === partner.id)?.health).toBe(
      "healthy",
    );
  });
});

describe("status model: problems", () => {
  it("lists every write and alert of the plan, with what to do and who handles it; skips apart", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
    const grown = vnet("grown", { addressPrefixes: ["10.2.0.0/16"] });
    const lone = vnet("lone", { addressPrefixes: ["10.3.0.0/16"] });
    const clash = vnet("clash", { addressPrefixes: ["10.2.0.0/16"] });
    const off = vnet("off", { addressPrefixes: ["10.9.0.0/16"], tags: { "peering-sync": "off" } });
    const all = [hub, grown, lone, clash, off];
    connectedPair(hub, grown);
    resize(grown, ["10.2.0.0/16", "10.22.0.0/16"], all);
    peering(lone, hub, { state: "Initiated" });
    peering(clash, hub, { state: "Initiated" });
    connectedPair(hub, off);
    const snap = snapshot(all);
    const planned = plan(snap, policy());
    const r = buildStatusReport({ snapshot: snap, plan: planned, generatedAt: NOW });

    const expected = planned.actions.filter((a) => a.kind !== "skip");
    expect(r.problems.map((p) => p.actionId).sort()).toEqual(expected.map((a) => a.id).sort());
    expect(r.skipped.map((s) => s.where)).toEqual(["off"]);
    expect(r.topology.vnets.find((v) => v.name === "off")?.optedOut).toBe(true);
    const byCode = Object.fromEntries(r.problems.map((p) => [p.code, p]));
    expect(byCode.SyncNeeded).toMatchObject({
      handling: "automatic",
      title: "Sync needed",
      where: "hub/hub-to-grown",
    });
    expect(byCode.MissingReciprocal).toMatchObject({ handling: "automatic", where: "hub/hub-to-lone" });
    expect(byCode.AddressSpaceOverlap).toMatchObject({ handling: "human", title: "Address space overlap" });
    expect(byCode.AddressSpaceOverlap!.remedy).toMatch(/overlap/);
    // People first.
    expect(r.problems[0]!.handling).toBe("human");
    expect(r.summary).toMatchObject({ needHuman: 1, automatic: 2, skipped: 1 });
  });

  it("in report-only mode every fix is for a person, with the manual step", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
    const grown = vnet("grown", { addressPrefixes: ["10.2.0.0/16"] });
    connectedPair(hub, grown);
    resize(grown, ["10.2.0.0/16", "10.22.0.0/16"], [hub, grown]);
    const r = report([hub, grown], { reportOnly: true });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ handling: "human", code: "SyncNeeded" });
    expect(r.problems[0]!.remedy).toMatch(/by hand/);
  });
});

describe("status model: hub shared services", () => {
  it("lists the spokes that cannot use the hub's Bastion, gateway or private endpoints, and why", () => {
    const hub = hubWithServices();
    const good = vnet("good", { addressPrefixes: ["10.1.0.0/16"] });
    const noTransit = vnet("no-transit", { addressPrefixes: ["10.2.0.0/16"] });
    const noAccess = vnet("no-access", { addressPrefixes: ["10.3.0.0/16"] });
    const lone = vnet("lone", { addressPrefixes: ["10.4.0.0/16"] });
    const stale = vnet("stale", { addressPrefixes: ["10.5.0.0/16"] });
    const ownGateway = vnet("own-gw", { addressPrefixes: ["10.6.0.0/16"], hasGateway: true });
    const subnetLevel = vnet("subnet-level", {
      addressPrefixes: ["10.7.0.0/16"],
      subnets: [subnet("app", "10.7.1.0/24")],
    });
    const all = [hub, good, noTransit, noAccess, lone, stale, ownGateway, subnetLevel];
    const transit = {
      ab: { settings: { allowGatewayTransit: true } },
      ba: { settings: { useRemoteGateways: true } },
    };
    connectedPair(hub, good, transit);
    connectedPair(hub, noTransit);
    connectedPair(hub, noAccess, {
      ab: { settings: { allowGatewayTransit: true } },
      ba: { settings: { useRemoteGateways: true, allowVirtualNetworkAccess: false } },
    });
    peering(lone, hub, { state: "Initiated" });
    connectedPair(hub, stale, transit);
    resize(stale, ["10.5.0.0/16", "10.55.0.0/16"], all);
    connectedPair(hub, ownGateway);
    connectedPair(hub, subnetLevel, {
      ab: {
        settings: {
          ...transit.ab.settings,
          peerCompleteVnets: false,
          localSubnetNames: ["shared"],
          remoteSubnetNames: ["app"],
        },
      },
      ba: {
        settings: {
          ...transit.ba.settings,
          peerCompleteVnets: false,
          localSubnetNames: ["app"],
          remoteSubnetNames: ["shared"],
        },
      },
    });

    const r = report(all);
    expect(r.sharedServices).toHaveLength(1);
    const hubServices = r.sharedServices[0]!;
    expect(hubServices).toMatchObject({
      vnetName: "hub",
      services: { bastion: true, gateway: true, privateEndpoints: 2 },
      peered: 7,
    });
    const blocked = Object.fromEntries(hubServices.blocked.map((b) => [b.spokeName, b]));
    expect(Object.keys(blocked).sort()).toEqual(
      ["lone", "no-access", "no-transit", "stale", "subnet-level"].sort(),
    );
    expect(blocked["no-transit"]).toMatchObject({ services: ["gateway"] });
    expect(blocked["no-transit"]!.reasons.join(" ")).toMatch(
      /hub\/hub-to-no-transit does not allow gateway transit/,
    );
    expect(blocked["no-transit"]!.reasons.join(" ")).toMatch(
      /no-transit\/no-transit-to-hub does not use remote gateways/,
    );
    expect(blocked["no-access"]).toMatchObject({ services: ["bastion", "privateEndpoints"] });
    expect(blocked["no-access"]!.reasons.join(" ")).toMatch(
      /virtual network access is off on no-access\/no-access-to-hub/,
    );
    expect(blocked.lone).toMatchObject({ services: ["bastion", "gateway", "privateEndpoints"] });
    expect(blocked.lone!.reasons).toEqual(["hub has no peering to lone", "lone/lone-to-hub is Initiated"]);
    expect(blocked.stale!.reasons.join(" ")).toMatch(/not in sync/);
    // A VNet with its own gateway cannot use a remote one: not listed for the hub's gateway.
    expect(blocked["own-gw"]).toBeUndefined();
    // Subnet-level peering: Bastion's and the endpoints' subnets are not among the peered ones.
    expect(blocked["subnet-level"]).toMatchObject({ services: ["bastion", "privateEndpoints"] });
    expect(blocked["subnet-level"]!.reasons.join(" ")).toMatch(
      /AzureBastionSubnet not among the subnets peered by hub\/hub-to-subnet-level/,
    );
    expect(blocked["subnet-level"]!.reasons.join(" ")).toMatch(/endpoints not among/);
  });

  it("says nothing about VNets that offer no shared service", () => {
    const a = vnet("a");
    const b = vnet("b");
    connectedPair(a, b);
    expect(report([a, b]).sharedServices).toEqual([]);
  });

  it("counts private endpoints from the subnets of an ARM VNet (the adapter)", () => {
    const mapped = toVnet({
      id: `/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub`,
      name: "hub",
      subnets: [
        { name: "pe", addressPrefix: "10.0.1.0/24", privateEndpoints: [{ id: "pe1" }, { id: "pe2" }] },
        { name: "plain", addressPrefix: "10.0.2.0/24" },
      ],
    });
    expect(mapped.subnets.map((s) => s.privateEndpointCount)).toEqual([2, undefined]);
  });
});

describe("status model: JSON and recent activity", () => {
  it("is plain JSON with a stable top-level shape, and keeps only writes as recent actions", () => {
    const hub = vnet("hub");
    const spoke = vnet("spoke");
    const [hs] = connectedPair(hub, spoke);
    const snap = snapshot([hub, spoke]);
    const run: RunRecord = {
      runId: "11111111-1111-4111-8111-111111111111",
      trigger: "event",
      correlationId: "evt",
      status: "succeeded",
      dryRun: false,
      scope: [],
      startedAt: NOW,
      summary: { sync: 1, succeeded: 1 },
    };
    const action = (kind: string): ActionRecord => ({
      runId: run.runId,
      index: 0,
      trigger: "event",
      correlationId: "evt",
      at: NOW,
      kind,
      target: hs.id,
      vnetId: hub.id,
      reason: "r",
      result: "succeeded",
    });
    const r = buildStatusReport({
      snapshot: snap,
      plan: plan(snap, policy()),
      generatedAt: NOW,
      recentRuns: [run],
      recentActions: [action("sync"), action("alertOnly"), action("skip")],
    });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(Object.keys(r)).toEqual([
      "generatedAt",
      "readAt",
      "reportOnly",
      "summary",
      "topology",
      "problems",
      "sharedServices",
      "skipped",
      "recentRuns",
      "recentActions",
    ]);
    // Without a read time of its own the snapshot counts as read when the report was made.
    expect(r.readAt).toBe(NOW);
    expect(r.recentActions).toEqual([expect.objectContaining({ kind: "sync", where: "hub/hub-to-spoke" })]);
    expect(r.recentRuns).toEqual([
      expect.objectContaining({ runId: run.runId, at: NOW, status: "succeeded" }),
    ]);
  });
});

describe("status page rendering", () => {
  it("HTML-escapes every name, reason and message", () => {
    const evil = `<script>alert("x")</script>&'`;
    const hub = vnet("hub", {
      addressPrefixes: ["10.0.0.0/16"],
      subnets: [subnet("AzureBastionSubnet", "10.0.254.0/26")],
    });
    const a = vnet("a-1", { addressPrefixes: ["10.1.0.0/16"] });
    const b = vnet("b-1", { addressPrefixes: ["10.2.0.0/16"] });
    const c = vnet("c-1", { addressPrefixes: ["10.3.0.0/16"] });
    connectedPair(hub, a);
    connectedPair(hub, b);
    peering(c, hub, { state: "Initiated", name: evil });
    // Names from ARM cannot hold every character, but audit messages and our own reasons can.
    hub.name = evil;
    a.resourceGroup = evil;
    const snap = snapshot([hub, a, b, c]);
    const r = buildStatusReport({
      snapshot: snap,
      plan: plan(snap, policy()),
      generatedAt: NOW,
      recentRuns: [
        {
          runId: "r",
          trigger: "sweep",
          correlationId: "c",
          status: "failed",
          dryRun: false,
          scope: [],
          error: { code: evil, message: evil },
        },
      ],
    });
    const html = renderStatusPage(r);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain(`"x")`);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
    // The only scripts are the page's own: the diagram's scroll and the what-if form.
    expect(html.match(/<script>/g)).toHaveLength(2);
    expect(html.match(/<script>[^]*?<\/script>/g)?.every((s) => !s.includes("alert"))).toBe(true);
  });

  it("gives every VNet a focusable link with a text name, and the legend words for every line style", () => {
    const hub = vnet("hub");
    const spokes = ["s1", "s2", "s3"].map((n) => vnet(n));
    for (const s of spokes) connectedPair(hub, s);
    const html = renderStatusPage(report([hub, ...spokes]));
    expect(html.match(/<a class="node[^"]*" href="#vnet-\d+" aria-label="[^"]+">/g)).toHaveLength(4);
    for (const words of [
      "Connected, in sync",
      "Connected, sync needed",
      "One-sided (Initiated)",
      "Disconnected",
      "Provisioning failed",
    ]) {
      expect(html).toContain(words);
    }
    expect(html).toContain('<a class="skip" href="#main">');
    expect(html).toMatch(/<main id="main"/);
  });

  it("lays 500 spokes out on rings without two labels of a ring closer than a line of text", () => {
    const hub = vnet("hub", { addressPrefixes: ["10.0.0.0/16"] });
    const all = [hub];
    for (let i = 0; i < 500; i++) {
      const s = vnet(`spoke-${i}`, {
        subscriptionId: i % 2 ? SUB_A : SUB_B,
        addressPrefixes: [`10.${1 + (i >> 8)}.${i & 255}.0/24`],
      });
      connectedPair(hub, s);
      all.push(s);
    }
    const r = report(all);
    const layout = layoutTopology(r.topology.vnets);
    expect(layout.rings.length).toBeGreaterThan(1);
    expect(layout.sectors.map((s) => s.count)).toEqual([250, 250]);
    const spokes = r.topology.vnets
      .filter((v) => v.role === "spoke")
      .map((v) => layout.nodes.get(v.id.toLowerCase())!);
    for (const ring of layout.rings) {
      const onRing = spokes.filter((p) => Math.abs(Math.hypot(p.x, p.y) - ring) < 0.5);
      const angles = onRing.map((p) => Math.atan2(p.y, p.x)).sort((a, b) => a - b);
      const gaps = angles.slice(1).map((a, i) => (a - angles[i]!) * ring);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(14);
    }
    // The hub's subscription is the disc inside the rings: labelled, and clear of every spoke.
    expect(layout.hubSectors.map((s) => [s.subscriptionId, s.count])).toEqual([[SUB_A, 1]]);
    expect(layout.hubSectors[0]!.label).toBeDefined();
    expect(layout.hubSectors[0]!.outer).toBeLessThan(Math.min(...layout.rings) - 7);
  });

  it("labels the hub's own subscription, which no ring sector holds", () => {
    // As in the demo: the hub alone in its subscription, the spokes in others.
    const hub = vnet("hub", { subscriptionId: SUB_OTHER, addressPrefixes: ["10.0.0.0/16"] });
    const spokes = [1, 2, 3, 4].map((i) =>
      vnet(`spoke-${i}`, { subscriptionId: i % 2 ? SUB_A : SUB_B, addressPrefixes: [`10.${i}.0.0/16`] }),
    );
    for (const s of spokes) connectedPair(hub, s);
    const r = report([hub, ...spokes]);
    const layout = layoutTopology(r.topology.vnets);
    expect(layout.sectors.map((s) => s.subscriptionId)).toEqual([SUB_A, SUB_B]);
    expect(layout.hubSectors).toHaveLength(1);
    const [zone] = layout.hubSectors;
    expect(zone).toMatchObject({ subscriptionId: SUB_OTHER, count: 1, inner: 0 });
    // Every subscription of the page is labelled somewhere in the diagram.
    const labelled = [...layout.sectors, ...layout.hubSectors]
      .filter((s) => s.label)
      .map((s) => s.subscriptionId);
    expect(labelled.sort()).toEqual(r.topology.subscriptions.map((s) => s.subscriptionId).sort());
    // Inside the disc, and clear of the hub and its name plate below it.
    const label = zone!.label!;
    expect(Math.hypot(label.x, label.y)).toBeLessThan(zone!.outer);
    const hubAt = layout.nodes.get(hub.id.toLowerCase())!;
    expect(Math.abs(label.y - hubAt.y)).toBeGreaterThan(60);

    const html = renderStatusPage(r);
    expect(html).toContain('sub cccccccc…<tspan class="count"> · 1 hub</tspan>');
    expect(html).toContain(`<title>Subscription ${SUB_OTHER}: 1 hub</title>`);
  });

  it("gives hubs of several subscriptions one labelled slice each, holding its hubs", () => {
    const hubs = [
      vnet("hub-a1", { subscriptionId: SUB_A, addressPrefixes: ["10.0.0.0/16"] }),
      vnet("hub-b1", { subscriptionId: SUB_B, addressPrefixes: ["10.1.0.0/16"] }),
      vnet("hub-a2", { subscriptionId: SUB_A, addressPrefixes: ["10.2.0.0/16"] }),
    ];
    const all = [...hubs];
    hubs.forEach((hub, h) => {
      for (let i = 0; i < 3; i++) {
        const s = vnet(`s-${h}-${i}`, {
          subscriptionId: SUB_OTHER,
          addressPrefixes: [`10.${10 + h}.${i}.0/24`],
        });
        connectedPair(hub, s);
        all.push(s);
      }
    });
    const r = report(all);
    expect(r.topology.vnets.filter((v) => v.role === "hub")).toHaveLength(3);
    const layout = layoutTopology(r.topology.vnets);
    expect(layout.hubSectors.map((s) => [s.subscriptionId, s.count])).toEqual([
      [SUB_A, 2],
      [SUB_B, 1],
    ]);
    const norm = (a: number) => ((a % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
    const inSlice = (s: (typeof layout.hubSectors)[number], x: number, y: number) =>
      norm(Math.atan2(y, x) - s.start) < s.end - s.start;
    for (const hub of hubs) {
      const p = layout.nodes.get(hub.id.toLowerCase())!;
      const mine = layout.hubSectors.filter((s) => inSlice(s, p.x, p.y)).map((s) => s.subscriptionId);
      expect(mine).toEqual([hub.subscriptionId]);
    }
    for (const s of layout.hubSectors) {
      expect(inSlice(s, s.label!.x, s.label!.y)).toBe(true);
      expect(Math.hypot(s.label!.x, s.label!.y)).toBeLessThan(s.outer);
      for (const hub of hubs) {
        const p = layout.nodes.get(hub.id.toLowerCase())!;
        expect(Math.hypot(s.label!.x - p.x, s.label!.y - p.y)).toBeGreaterThan(40);
      }
    }
  });
});
