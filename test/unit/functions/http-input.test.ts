import { format } from "node:util";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { resyncStatus } from "../../../src/functions/resync-status.js";
import { resync } from "../../../src/functions/resync.js";
import { createRuntime } from "../../../src/functions/runtime.js";
import { recordLogLine, secret } from "../../support/secrets.js";

const SUB = "11111111-2222-3333-4444-555555555555";
const SECRET_KEY = secret("c2VjcmV0LWtleS1uZXZlci10by1iZS1zZWVu");

/** Storage points nowhere: every answer below must come before any I/O. */
const rt = await createRuntime({
  WATCHED_SUBSCRIPTIONS: SUB,
  AzureWebJobsStorage: `DefaultEndpointsProtocol=https;AccountName=nowhere;AccountKey=${SECRET_KEY};EndpointSuffix=invalid`,
  ARM_ENDPOINT: "https://127.0.0.1:1",
});
const context = () =>
  new InvocationContext({
    invocationId: "inv-1",
    functionName: "resync",
    logHandler: (level, ...args) => recordLogLine(`resync log (${level})`, format(...args)),
  });

describe("resync input checks (no storage, no ARM)", () => {
  it("400 names the field and index of an out-of-scope id", async () => {
    const request = new HttpRequest({
      method: "POST",
      url: "http://localhost/api/resync",
      body: {
        string: JSON.stringify({
          scope: [`/subscriptions/${SUB}`, "/subscriptions/99999999-2222-3333-4444-555555555555"],
          dryRun: true,
        }),
      },
    });
    expect(await resync(request, context(), rt)).toEqual({
      status: 400,
      jsonBody: {
        error: {
          code: "InvalidRequest",
          message: "scope[1] is outside the watched subscriptions.",
          target: "scope[1]",
        },
      },
    });
  });

  it("500 on a storage failure says nothing about the settings", async () => {
    const request = new HttpRequest({
      method: "POST",
      url: "http://localhost/api/resync",
      body: { string: JSON.stringify({ scope: [`/subscriptions/${SUB}`], dryRun: false }) },
    });
    const response = await resync(request, context(), rt);
    expect(response.status).toBe(500);
    expect(response.jsonBody).toEqual({
      error: {
        code: "InternalError",
        message: "The request could not be processed. Quote inv-1 when asking for help.",
      },
    });
    expect(JSON.stringify(response)).not.toContain(SECRET_KEY);
  }, 30_000);

  it("400 for a run id that is not a GUID", async () => {
    const request = new HttpRequest({
      method: "GET",
      url: "http://localhost/api/resync/x",
      params: { runId: "x'or'1" },
    });
    expect((await resyncStatus(request, context(), rt)).status).toBe(400);
  });
});
