import { describe, expect, it } from "vitest";
import {
  ConfigError,
  parseSettings,
  policyFrom,
  SECRET_SETTINGS,
  SETTING_NAMES,
} from "../../../src/config.js";
import { chooseInventory } from "../../../src/app/inventory.js";
import { secret as declareSecret } from "../../support/secrets.js";

const SUB = "11111111-2222-3333-4444-555555555555";

function problemsOf(env: Record<string, string>, options = {}) {
  try {
    parseSettings(env, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("settings", () => {
  it("applies the documented defaults when only the watched subscriptions are set", () => {
    const s = parseSettings({ WATCHED_SUBSCRIPTIONS: SUB });
    expect(s.WATCHED_SUBSCRIPTIONS).toEqual([SUB]);
    expect(s.REPORT_ONLY).toBe(false);
    expect(s.REPAIR_DISCONNECTED).toBe(false);
    expect(s.RECIPROCAL_NAME_TEMPLATE).toBe("{localVnet}-to-{remoteVnet}");
    expect(s.OPT_OUT_TAG).toEqual({ name: "peering-sync", value: "off" });
    expect(s.RECONCILE_QUEUE).toBe("reconcile");
    expect(s.DEDUPE_WINDOW_SECONDS).toBe(60);
    expect(s.SWEEP_SCHEDULE).toBe("0 */30 * * * *");
    expect(s.ALERT_MIN_SEVERITY).toBe("info");
  });

  it("leaves 10% of ARM's refill to other clients by default, at most 90%", () => {
    expect(parseSettings({ WATCHED_SUBSCRIPTIONS: SUB }).ARM_BUDGET_HEADROOM_PERCENT).toBe(10);
    expect(
      parseSettings({ WATCHED_SUBSCRIPTIONS: SUB, ARM_BUDGET_HEADROOM_PERCENT: "0" })
        .ARM_BUDGET_HEADROOM_PERCENT,
    ).toBe(0);
    expect(
      problemsOf({ WATCHED_SUBSCRIPTIONS: SUB, ARM_BUDGET_HEADROOM_PERCENT: "95" }).map((p) => p.setting),
    ).toEqual(["ARM_BUDGET_HEADROOM_PERCENT"]);
  });

  it("accepts subscription lists separated by commas, semicolons or spaces and de-duplicates them", () => {
    const other = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    const s = parseSettings({ WATCHED_SUBSCRIPTIONS: `${SUB.toUpperCase()}; ${other},${SUB}` });
    expect(s.WATCHED_SUBSCRIPTIONS).toEqual([SUB, other]);
  });

  it("names every bad setting and what is allowed, all at once", () => {
    const problems = problemsOf({
      WATCHED_SUBSCRIPTIONS: "not-a-guid",
      REPORT_ONLY: "maybe",
      MAX_PARALLEL_VNETS: "0",
      ALERT_MIN_SEVERITY: "loud",
      OPT_OUT_TAG: "no-equals-sign",
    });
    expect(problems.map((p) => p.setting).sort()).toEqual(
      [
        "ALERT_MIN_SEVERITY",
        "MAX_PARALLEL_VNETS",
        "OPT_OUT_TAG",
        "REPORT_ONLY",
        "WATCHED_SUBSCRIPTIONS",
      ].sort(),
    );
    expect(problems.find((p) => p.setting === "ALERT_MIN_SEVERITY")?.problem).toBe(
      "must be one of: info, warning, error",
    );
  });

  it("SWEEP_INVENTORY: auto by default, and auto means Resource Graph from 50 watched subscriptions on", () => {
    expect(parseSettings({ WATCHED_SUBSCRIPTIONS: SUB }).SWEEP_INVENTORY).toBe("auto");
    expect(parseSettings({ WATCHED_SUBSCRIPTIONS: SUB, SWEEP_INVENTORY: "arm-lists" }).SWEEP_INVENTORY).toBe(
      "arm-lists",
    );
    expect(problemsOf({ WATCHED_SUBSCRIPTIONS: SUB, SWEEP_INVENTORY: "graph" })).toEqual([
      { setting: "SWEEP_INVENTORY", problem: "must be one of: auto, resource-graph, arm-lists" },
    ]);
    expect(chooseInventory("auto", 49)).toBe("arm-lists");
    expect(chooseInventory("auto", 50)).toBe("resource-graph");
    expect(chooseInventory("arm-lists", 5000)).toBe("arm-lists");
    expect(chooseInventory("resource-graph", 1)).toBe("resource-graph");
  });

  it("never echoes a secret value in its error", () => {
    const secret = declareSecret("http://example.invalid/workflows/run?sig=SuperSecretSignature");
    const problems = problemsOf({ WATCHED_SUBSCRIPTIONS: SUB, TEAMS_WEBHOOK_URL: secret });
    expect(problems).toEqual([{ setting: "TEAMS_WEBHOOK_URL", problem: "must be an https URL" }]);
    expect(JSON.stringify(problems)).not.toContain("SuperSecretSignature");
  });

  it("requires watched subscriptions and storage when the Functions app asks for them", () => {
    const problems = problemsOf({}, { requireSubscriptions: true, requireStorage: true });
    expect(problems.map((p) => p.setting)).toEqual([
      "WATCHED_SUBSCRIPTIONS",
      "AzureWebJobsStorage__queueServiceUri",
      "AzureWebJobsStorage__tableServiceUri",
    ]);
  });

  it("accepts the storage service URIs the template sets, and refuses a non-https one by name", () => {
    const uris = {
      WATCHED_SUBSCRIPTIONS: SUB,
      AzureWebJobsStorage__queueServiceUri: "https://st1.queue.core.usgovcloudapi.net/",
      AzureWebJobsStorage__tableServiceUri: "https://st1.table.core.usgovcloudapi.net/",
    };
    const settings = parseSettings(uris, { requireSubscriptions: true, requireStorage: true });
    expect(settings.AzureWebJobsStorage__queueServiceUri).toBe(uris.AzureWebJobsStorage__queueServiceUri);
    const problems = problemsOf({
      ...uris,
      AzureWebJobsStorage__tableServiceUri: "http://st1.table.core.usgovcloudapi.net/",
    });
    expect(problems).toEqual([
      { setting: "AzureWebJobsStorage__tableServiceUri", problem: "must be an https URL" },
    ]);
  });

  it("refuses a sync scope outside the watched subscriptions", () => {
    const problems = problemsOf({
      WATCHED_SUBSCRIPTIONS: SUB,
      SYNC_SCOPE: "/subscriptions/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/resourceGroups/rg",
    });
    expect(problems[0]?.setting).toBe("SYNC_SCOPE");
  });

  it("requires a sender and recipients once email is configured", () => {
    const problems = problemsOf({ WATCHED_SUBSCRIPTIONS: SUB, EMAIL_ENDPOINT: "https://acs.example.com" });
    expect(problems[0]).toEqual({
      setting: "EMAIL_SENDER",
      problem: "is required when EMAIL_ENDPOINT or EMAIL_CONNECTION_STRING is set",
    });
  });

  it("bounds the dedupe window and places it next to the reconcile delay", () => {
    expect(parseSettings({ DEDUPE_WINDOW_SECONDS: "0" }).DEDUPE_WINDOW_SECONDS).toBe(0);
    expect(problemsOf({ DEDUPE_WINDOW_SECONDS: "3601" })).toEqual([
      { setting: "DEDUPE_WINDOW_SECONDS", problem: "must be at most 3600" },
    ]);
    expect(problemsOf({ DEDUPE_WINDOW_SECONDS: "soon" })[0]?.setting).toBe("DEDUPE_WINDOW_SECONDS");
    const at = SETTING_NAMES.indexOf("RECONCILE_DELAY_SECONDS");
    expect(SETTING_NAMES[at + 1]).toBe("DEDUPE_WINDOW_SECONDS");
  });

  it("lists every secret setting among the setting names", () => {
    for (const name of SECRET_SETTINGS) expect(SETTING_NAMES).toContain(name);
  });

  it("builds the engine policy from settings, with per-run overrides winning", () => {
    const s = parseSettings({ WATCHED_SUBSCRIPTIONS: SUB, REPAIR_DISCONNECTED: "yes" });
    const policy = policyFrom(s, { reportOnly: true });
    expect(policy).toMatchObject({ watchedSubscriptions: [SUB], repairDisconnected: true, reportOnly: true });
  });
});
