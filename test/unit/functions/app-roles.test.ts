import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { APP_ROLES, refuseWithoutRole, rolesOf } from "../../../src/functions/app-roles.js";

/** The X-MS-CLIENT-PRINCIPAL header App Service Authentication sets (base64 JSON of the claims). */
const principal = (claims: Array<{ typ: string; val: string }>, roleTyp = "roles") =>
  Buffer.from(JSON.stringify({ auth_typ: "aad", claims, name_typ: "name", role_typ: roleTyp })).toString(
    "base64",
  );
const request = (headers: Record<string, string> = {}) =>
  new HttpRequest({ method: "POST", url: "http://localhost/api/resync", headers });

describe("app roles from App Service Authentication", () => {
  it("reads the roles claims of the principal header, under the claim type it names", () => {
    const header = principal([
      { typ: "roles", val: APP_ROLES.read },
      { typ: "name", val: "PeeringSync.Resync" },
    ]);
    expect(rolesOf(request({ "x-ms-client-principal": header }))).toEqual(new Set([APP_ROLES.read]));
    const custom = principal([{ typ: "app_role", val: APP_ROLES.resync }], "app_role");
    expect(rolesOf(request({ "x-ms-client-principal": custom }))).toEqual(new Set([APP_ROLES.resync]));
  });

  it("finds no role in a missing, undecodable or malformed header", () => {
    for (const value of [undefined, "%%%", Buffer.from("[1,2]").toString("base64"), "e30="]) {
      expect(rolesOf(request(value ? { "x-ms-client-principal": value } : {})).size).toBe(0);
    }
  });

  it("with REQUIRE_APP_ROLES on, refuses a caller without the role with 403 naming the role", () => {
    const reader = request({ "x-ms-client-principal": principal([{ typ: "roles", val: APP_ROLES.read }]) });
    const refusal = refuseWithoutRole(reader, true, [APP_ROLES.resync]);
    expect(refusal).toMatchObject({
      status: 403,
      jsonBody: {
        error: { code: "AppRoleRequired", message: expect.stringContaining("PeeringSync.Resync") },
      },
    });
    expect(refuseWithoutRole(reader, true, [APP_ROLES.read, APP_ROLES.resync])).toBeUndefined();
    expect(refuseWithoutRole(request(), true, [APP_ROLES.read])).toMatchObject({ status: 403 });
  });

  it("with REQUIRE_APP_ROLES off, leaves the function key as the only gate", () => {
    expect(refuseWithoutRole(request(), false, [APP_ROLES.resync])).toBeUndefined();
  });
});
