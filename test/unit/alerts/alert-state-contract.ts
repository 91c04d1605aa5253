import { describe, expect, it } from "vitest";
import { createAlerting } from "../../../src/alerts/alerting.js";
import type { Digest } from "../../../src/alerts/model.js";
import type { AlertSender } from "../../../src/alerts/sender.js";
import type { AlertStateStore, OpenProblem } from "../../../src/alerts/state.js";
import { problem, report, synced, vnetId } from "./fixtures.js";

/**
 * One contract for every AlertStateStore: the in-memory store (unit) and the Table Storage adapter on
 * Azurite (integration) must behave the same, down to the alerts a human receives.
 */

export function captureSender(): AlertSender & { digests: Digest[] } {
  const digests: Digest[] = [];
  return {
    channel: "capture",
    digests,
    async send(digest) {
      digests.push(digest);
      return { attempts: 1 };
    },
  };
}

const silent = { info() {}, warn() {}, error() {} };

const HOUR = 3_600_000;
const T0 = Date.parse("2026-01-10T10:00:00.000Z");

const settings = {
  ALERT_MIN_SEVERITY: "warning" as const,
  ALERT_ON_FIXED: true,
  ALERT_REMINDER_HOURS: 24,
  TEAMS_WEBHOOK_URL: undefined,
  ALERT_WEBHOOK_URL: undefined,
  ALERT_WEBHOOK_SECRET: undefined,
  STATUS_PAGE_URL: undefined,
};

function sample(key: string, at = "2026-01-10T10:00:00.000Z"): OpenProblem {
  return {
    key,
    code: "Disconnected",
    category: "needsAttention",
    severity: "warning",
    title: "Disconnected peering: peering a-to-b on a",
    where: {
      vnetId: vnetId("a"),
      vnetName: "a",
      targetId: `${vnetId("a")}/virtualNetworkPeerings/a-to-b`,
      peeringName: "a-to-b",
    },
    firstAlertedAt: at,
    lastAlertedAt: at,
  };
}

export function alertStateContract(name: string, makeStore: () => Promise<AlertStateStore>): void {
  describe(`AlertStateStore contract: ${name}`, () => {
    it("stores, replaces and removes open problems by key", async () => {
      const store = await makeStore();
      expect(await store.listOpen()).toEqual([]);
      const key = `Disconnected|${vnetId("a").toLowerCase()}/virtualnetworkpeerings/a-to-b`;
      await store.put(sample(key));
      await store.put({ ...sample(key), lastAlertedAt: "2026-01-11T10:00:00.000Z" });
      await store.put(sample("Busy|/x?#\\weird"));
      const open = await store.listOpen();
      expect(open).toHaveLength(2);
      expect(open.find((p) => p.key === key)).toEqual({
        ...sample(key),
        lastAlertedAt: "2026-01-11T10:00:00.000Z",
      });
      await store.remove(key);
      await store.remove("never-there");
      expect((await store.listOpen()).map((p) => p.key)).toEqual(["Busy|/x?#\\weird"]);
    });

    it("a problem that persists for ten sweeps alerts once plus its reminders, then once when resolved", async () => {
      const store = await makeStore();
      const sender = captureSender();
      let now = T0;
      const alerting = createAlerting(settings, {
        logger: silent,
        store,
        extraSenders: [sender],
        now: () => now,
      });
      const overlap = problem("AddressSpaceOverlap", "hub-vnet", "spoke1");

      // Sweeps every 6 hours: 0, 6, ..., 54 h. Reminders every 24 h: at 24 h and 48 h.
      const sent: string[] = [];
      for (let sweep = 0; sweep < 10; sweep++) {
        now = T0 + sweep * 6 * HOUR;
        const before = sender.digests.length;
        const outcome = await alerting.afterRun(
          report([overlap, synced("x", "hub-vnet")], { runId: `sweep-${sweep}` }),
        );
        if (sender.digests.length > before) {
          expect(outcome.digest).toBeDefined();
          sent.push(
            `${sweep}:${outcome.digest!.items.map((i) => `${i.category}${i.reminder ? "(reminder)" : ""}`).join(",")}`,
          );
        }
      }
      // The fixed sync is info, below ALERT_MIN_SEVERITY=warning: never sent on its own or alongside.
      expect(sent).toEqual(["0:needsAttention", "4:needsAttention(reminder)", "8:needsAttention(reminder)"]);
      expect(sender.digests[1]!.summary).toBe("Still open: 1 problem on hub-vnet");
      expect(sender.digests[1]!.items[0]!.openSince).toBe("2026-01-10T10:00:00.000Z");

      // An event run for another VNet does not resolve it: it did not look there.
      now += HOUR;
      await alerting.afterRun(
        report([], { runId: "event-other", trigger: "event", scope: [vnetId("spoke1")] }),
      );
      expect(sender.digests).toHaveLength(3);
      // A dry run does not resolve it either.
      await alerting.afterRun(report([], { runId: "dry", dryRun: true }));
      expect(sender.digests).toHaveLength(3);

      // The sweep that no longer finds it resolves it, once.
      now += HOUR;
      await alerting.afterRun(report([synced("x", "hub-vnet")], { runId: "sweep-10" }));
      expect(sender.digests).toHaveLength(4);
      const resolved = sender.digests[3]!;
      expect(resolved.severity).toBe("info");
      expect(resolved.summary).toBe("Resolved: 1 problem on hub-vnet");
      expect(resolved.items.map((i) => i.category)).toEqual(["resolved"]);
      expect(resolved.items[0]!.title).toBe(
        "Resolved: Address space overlap: peering hub-vnet-to-spoke1 on hub-vnet",
      );

      now += HOUR;
      await alerting.afterRun(report([], { runId: "sweep-11" }));
      expect(sender.digests).toHaveLength(4);
      expect(await store.listOpen()).toEqual([]);
    });

    it("an event run for the problem's VNet resolves it; a new occurrence alerts again", async () => {
      const store = await makeStore();
      const sender = captureSender();
      let now = T0;
      const alerting = createAlerting(settings, {
        logger: silent,
        store,
        extraSenders: [sender],
        now: () => now,
      });
      await alerting.afterRun(report([problem("Disconnected", "spoke7", "hub")]));
      now += HOUR;
      await alerting.afterRun(report([], { trigger: "event", scope: [vnetId("spoke7")] }));
      now += HOUR;
      await alerting.afterRun(report([problem("Disconnected", "spoke7", "hub")]));
      expect(sender.digests.map((d) => d.items.map((i) => i.category).join())).toEqual([
        "needsAttention",
        "resolved",
        "needsAttention",
      ]);
    });

    it("a poison-message failure alerts once and resolves when a later run of that VNet succeeds", async () => {
      const store = await makeStore();
      const sender = captureSender();
      let now = T0;
      const alerting = createAlerting(settings, {
        logger: silent,
        store,
        extraSenders: [sender],
        now: () => now,
      });
      const failure = {
        vnetId: vnetId("hub"),
        error: { code: "InternalServerError", message: "500" },
        attempts: 5,
        correlationId: "m1",
        at: "2026-01-10T10:00:00.000Z",
      };
      await alerting.afterFailure(failure);
      now += HOUR;
      await alerting.afterFailure({ ...failure, correlationId: "m2" });
      expect(sender.digests).toHaveLength(1);
      now += HOUR;
      await alerting.afterRun(report([], { trigger: "event", scope: [vnetId("hub")] }));
      expect(sender.digests).toHaveLength(2);
      expect(sender.digests[1]!.items[0]).toMatchObject({
        category: "resolved",
        title: "Resolved: Could not reconcile hub",
      });
    });
  });
}
