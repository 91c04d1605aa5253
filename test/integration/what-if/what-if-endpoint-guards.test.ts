import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { whatIf } from "../../../src/functions/what-if.js";
import { memoryRuntime } from "../../reliability/support/memory-runtime.js";
import { HIDDEN, HUB, startWhatIfEstate, SUB, type Estate } from "./estate.js";

/**
 * POST /api/what-if reads the watched subscriptions like a dry run, so it is guarded like one: the
 * read role when App Service Authentication is in front, the per-caller budget, and answers with no
 * secret in them (docs/functions.md "HTTP endpoints: who may ask for what", docs/safety.md).
 */

let estate: Estate;
beforeAll(async () => {
  estate = await startWhatIfEstate();
});
afterAll(() => estate.stop());

const BODY = JSON.stringify({ vnet: HUB, add: ["10.100.0.0/16"] });

function request(headers: Record<string, string> = {}, query = ""): HttpRequest {
  return new HttpRequest({
    url: `https://app.example/api/what-if${query}`,
    method: "POST",
    headers,
    body: { string: BODY },
  });
}

const principal = (roles: string[]) =>
  Buffer.from(
    JSON.stringify({ auth_typ: "aad", claims: roles.map((val) => ({ typ: "roles", val })) }),
  ).toString("base64");

async function ask(
  rt: Awaited<ReturnType<typeof memoryRuntime>>["rt"],
  req: HttpRequest,
): Promise<HttpResponseInit> {
  return whatIf(req, new InvocationContext({ invocationId: "inv-what-if-guard" }), rt);
}

describe("the what-if endpoint is guarded like a dry run", () => {
  it("needs the read role when app roles are required", async () => {
    const { rt } = await memoryRuntime(
      { WATCHED_SUBSCRIPTIONS: `${SUB},${HIDDEN}`, REQUIRE_APP_ROLES: "true" },
      estate.target.port,
    );
    const without = await ask(rt, request());
    expect(without.status).toBe(403);
    expect(JSON.stringify(without.jsonBody)).toContain("PeeringSync.Read");
    const withRead = await ask(rt, request({ "x-ms-client-principal": principal(["PeeringSync.Read"]) }));
    expect(withRead.status).toBe(200);
  });

  it("answers 429 with Retry-After once a caller spent its hourly budget", async () => {
    const { rt } = await memoryRuntime(
      { WATCHED_SUBSCRIPTIONS: `${SUB},${HIDDEN}`, RESYNC_RATE_LIMIT_PER_HOUR: "2" },
      estate.target.port,
    );
    const caller = { "x-forwarded-for": "203.0.113.7:51234" };
    expect((await ask(rt, request(caller))).status).toBe(200);
    expect((await ask(rt, request(caller))).status).toBe(200);
    const third = await ask(rt, request(caller));
    expect(third.status).toBe(429);
    expect(Number((third.headers as Record<string, string>)["Retry-After"])).toBeGreaterThan(0);
    // Another caller still has its own budget.
    expect((await ask(rt, request({ "x-forwarded-for": "198.51.100.9" }))).status).toBe(200);
  });

  it("answers with every secret redacted, in JSON and in Markdown", async () => {
    // Names are the ARM text a what-if answer quotes; a secret that is also a valid name (an HMAC
    // key someone used to name a peering) must still not show. Not declared with secret(): the name
    // legitimately shows where that setting is not a secret.
    const named = "spoke-subnets-to-hub";
    const plain = await memoryRuntime({ WATCHED_SUBSCRIPTIONS: `${SUB},${HIDDEN}` }, estate.target.port);
    expect(JSON.stringify((await ask(plain.rt, request())).jsonBody)).toContain(named);
    const { rt } = await memoryRuntime(
      {
        WATCHED_SUBSCRIPTIONS: `${SUB},${HIDDEN}`,
        ALERT_WEBHOOK_URL: "https://127.0.0.2/hooks/what-if",
        ALERT_WEBHOOK_SECRET: named,
      },
      estate.target.port,
    );
    const json = await ask(rt, request());
    expect(json.status).toBe(200);
    expect(JSON.stringify(json.jsonBody)).not.toContain(named);
    const markdown = await ask(rt, request({}, "?format=markdown"));
    expect(markdown.status).toBe(200);
    expect(String(markdown.body)).not.toContain(named);
  });
});
