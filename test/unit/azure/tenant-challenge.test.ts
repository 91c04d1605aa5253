import { describe, expect, it } from "vitest";
import { tenantFromChallenge } from "../../../src/azure/arm/tenants.js";

/** The tenant in ARM's 401 challenge (docs/azure-behaviour.md#tenant-discovery); anything else is no tenant. */
const T = "72f988bf-86f1-41af-91ab-2d7cd011db47";

describe("tenantFromChallenge", () => {
  it("reads the tenant from Azure's header", () => {
    expect(
      tenantFromChallenge(
        `Bearer authorization_uri="https://login.windows.net/${T}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
      ),
    ).toBe(T);
  });

  it("lower-cases it", () => {
    expect(
      tenantFromChallenge(`Bearer authorization_uri="https://login.microsoftonline.us/${T.toUpperCase()}"`),
    ).toBe(T);
  });

  for (const header of [
    undefined,
    "",
    'Bearer realm="x"',
    'Bearer authorization_uri="https://login.windows.net/common"',
    'Bearer authorization_uri="https://login.windows.net/../etc"',
    'Bearer authorization_uri="not a url"',
    `Bearer authorization_uri="https://login.windows.net/${T}x"`,
  ]) {
    it(`finds no tenant in ${JSON.stringify(header)}`, () => {
      expect(tenantFromChallenge(header)).toBeUndefined();
    });
  }
});
