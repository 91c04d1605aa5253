import { describe, expect, it } from "vitest";
import { ConfigError, parseSettings } from "../../../src/config.js";

/** The cross-tenant settings come together, name the setting at fault, and hold nothing secret. */
const APP = "11111111-0000-4000-8000-000000000a99";
const HOME = "aaaaaaaa-0000-4000-8000-00000000000a";
const PARTNER = "bbbbbbbb-0000-4000-8000-00000000000b";
const MI = "22222222-0000-4000-8000-000000000a98";

function problems(env: Record<string, string>): Array<{ setting: string; problem: string }> {
  try {
    parseSettings(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe("cross-tenant settings", () => {
  it("parses the application, its home tenant and the allowed tenants (lower-cased, deduplicated)", () => {
    const s = parseSettings({
      AZURE_CLIENT_ID: MI,
      CROSS_TENANT_APP_CLIENT_ID: APP,
      CROSS_TENANT_HOME_TENANT_ID: HOME,
      CROSS_TENANT_ALLOWED_TENANTS: `${PARTNER.toUpperCase()}, ${PARTNER}`,
    });
    expect(s.CROSS_TENANT_ALLOWED_TENANTS).toEqual([PARTNER]);
  });

  it("needs the home tenant and the managed identity with the application", () => {
    expect(
      problems({ CROSS_TENANT_APP_CLIENT_ID: APP })
        .map((p) => p.setting)
        .sort(),
    ).toEqual(["AZURE_CLIENT_ID", "CROSS_TENANT_HOME_TENANT_ID"]);
  });

  it("refuses allowed tenants without an application", () => {
    expect(problems({ CROSS_TENANT_ALLOWED_TENANTS: PARTNER })).toEqual([
      { setting: "CROSS_TENANT_ALLOWED_TENANTS", problem: "needs CROSS_TENANT_APP_CLIENT_ID" },
    ]);
  });

  it("names the entry that is not a tenant GUID, without quoting it", () => {
    const found = problems({ CROSS_TENANT_APP_CLIENT_ID: APP, CROSS_TENANT_ALLOWED_TENANTS: "contoso.com" });
    const p = found.find((x) => x.setting === "CROSS_TENANT_ALLOWED_TENANTS");
    expect(p?.problem).toBe("each entry must be a tenant GUID");
    expect(JSON.stringify(found)).not.toContain("contoso");
  });

  it("refuses the home tenant among the allowed ones", () => {
    expect(
      problems({
        AZURE_CLIENT_ID: MI,
        CROSS_TENANT_APP_CLIENT_ID: APP,
        CROSS_TENANT_HOME_TENANT_ID: HOME,
        CROSS_TENANT_ALLOWED_TENANTS: HOME,
      }),
    ).toEqual([
      {
        setting: "CROSS_TENANT_ALLOWED_TENANTS",
        problem: "lists the home tenant; list only the other tenants",
      },
    ]);
  });
});
