import { createServer, type AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildDigest } from "../../../src/alerts/model.js";
import {
  createEmailSender,
  emailSenderFromSettings,
  operationIdFor,
} from "../../../src/azure/email-sender.js";
import { failedSync, problem, report } from "../../unit/alerts/fixtures.js";
import type { CapturedRequest, HttpSink, Reply } from "./http-sink.js";
import { startSink } from "./http-sink.js";
import { secret } from "../../support/secrets.js";

/**
 * The REAL @azure/communication-email EmailClient against a loopback ACS double. Over http only a
 * connection string with allowInsecureConnection works (docs/azure-behaviour.md#email); the wire protocol is
 * POST /emails:send -> 202 + operation-location, then GET /emails/operations/{id} until Succeeded.
 */

const ACCESS_KEY = secret(Buffer.from("acs-test-access-key-0123456789").toString("base64"));
const digest = buildDigest(report([failedSync("spoke1", "hub"), problem("Disconnected", "hub", "spoke2")]))!;

/** ACS: accept the send, say Running on the first poll, Succeeded on the next (or `finalStatus`). */
function acs(
  sinkOrigin: () => string,
  finalStatus: { status: string; error?: { code: string; message: string } } = { status: "Succeeded" },
) {
  const polls = new Map<string, number>();
  return (req: CapturedRequest): Reply => {
    const send = /^\/emails:send\?/.exec(req.url);
    if (req.method === "POST" && send) {
      const id = String(req.headers["operation-id"] ?? "op-1");
      return {
        status: 202,
        headers: {
          "content-type": "application/json",
          "operation-location": `${sinkOrigin()}/emails/operations/${id}?api-version=2025-09-01`,
          "retry-after": "0",
        },
        body: JSON.stringify({ id, status: "Running" }),
      };
    }
    const op = /^\/emails\/operations\/([^?]+)/.exec(req.url);
    if (req.method === "GET" && op) {
      const n = (polls.get(op[1]!) ?? 0) + 1;
      polls.set(op[1]!, n);
      const body = n === 1 ? { id: op[1], status: "Running" } : { id: op[1], ...finalStatus };
      return {
        status: 200,
        headers: { "content-type": "application/json", "retry-after": "0" },
        body: JSON.stringify(body),
      };
    }
    return { status: 404 };
  };
}

let sink: HttpSink;
let origin = "";
afterEach(async () => {
  await sink.close();
});

function sender(extra: { timeoutMs?: number } = {}) {
  return createEmailSender({
    connectionString: `endpoint=${origin}/;accesskey=${ACCESS_KEY}`,
    senderAddress: "DoNotReply@0000.azurecomm.net",
    recipients: ["netops@example.com", "oncall@example.com"],
    clientOptions: {
      allowInsecureConnection: true,
      retryOptions: { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 10 },
    },
    pollIntervalMs: 5,
    ...extra,
  });
}

describe("email sender (real EmailClient, ACS double)", () => {
  beforeEach(async () => {
    sink = await startSink(acs(() => origin));
    origin = sink.origin;
  });

  it("sends to every recipient with subject, HTML and text, then polls until Succeeded", async () => {
    expect(await sender().send(digest)).toEqual({ attempts: 1 });
    const send = sink.requests.find((r) => r.method === "POST")!;
    expect(send.url).toMatch(/^\/emails:send\?api-version=/);
    expect(send.headers.authorization).toMatch(/^HMAC-SHA256 SignedHeaders=/);
    expect(send.headers["operation-id"]).toBe(operationIdFor(digest));
    const body = JSON.parse(send.body);
    expect(body.senderAddress).toBe("DoNotReply@0000.azurecomm.net");
    expect(body.recipients.to).toEqual([
      { address: "netops@example.com" },
      { address: "oncall@example.com" },
    ]);
    expect(body.content.subject).toBe("[vnet-peering-sync] Failed: 1 action on spoke1");
    expect(body.content.html).toContain("Needs a human (1)");
    expect(body.content.plainText).toContain("== Failed: the product tried and could not (1) ==");
    expect(body.userEngagementTrackingDisabled).toBe(true);
    const polls = sink.requests.filter((r) => r.method === "GET");
    expect(polls.length).toBeGreaterThanOrEqual(2);
  });

  it("rides out a 429 and a 503 on the send (the SDK retries, honouring Retry-After)", async () => {
    sink.script(
      { status: 429, headers: { "retry-after": "0" } },
      { status: 503, headers: { "retry-after": "0" } },
    );
    await sender().send(digest);
    expect(sink.requests.filter((r) => r.method === "POST")).toHaveLength(3);
  });

  it("fails with status only (no endpoint, no key) when ACS keeps answering 500", async () => {
    sink.script({ status: 500 }, { status: 500 }, { status: 500 });
    const err = (await sender()
      .send(digest)
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toBe("Email (ACS) answered 500");
    expect(`${err.message}${err.stack}`).not.toContain(ACCESS_KEY);
    expect(`${err.message}${err.stack}`).not.toContain(origin);
  });

  it("times out when ACS does not answer", async () => {
    sink.script("hang", "hang", "hang");
    await expect(sender({ timeoutMs: 300 }).send(digest)).rejects.toThrow(
      "Email (ACS) send did not finish in time",
    );
  });
});

describe("email sender: ACS reports the send failed", () => {
  it("turns a Failed operation into an error naming the ACS code", async () => {
    sink = await startSink(
      acs(() => origin, {
        status: "Failed",
        error: { code: "EmailDroppedAllRecipientsSuppressed", message: "suppressed" },
      }),
    );
    origin = sink.origin;
    await expect(sender().send(digest)).rejects.toThrow(
      "Email (ACS) send operation failed (EmailDroppedAllRecipientsSuppressed)",
    );
  });
});

describe("email sender: the send's operation names another origin", () => {
  it("refuses to poll it on another port: no request reaches it, and the send is not reported Succeeded", async () => {
    // The foreign host would gladly answer Succeeded for any operation.
    const foreign = await startSink(acs(() => foreign.origin));
    sink = await startSink(acs(() => foreign.origin));
    origin = sink.origin;
    try {
      const err = (await sender()
        .send(digest)
        .catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toContain(`named another origin, ${foreign.origin}`);
      expect(`${err.message}${err.stack}`).not.toContain(ACCESS_KEY);
      expect(foreign.requests).toEqual([]);
      expect(sink.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    } finally {
      await foreign.close();
    }
  });

  it("refuses to poll it on another loopback host, which sees no connection at all", async () => {
    let connections = 0;
    const other = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.2", resolve));
    const foreignOrigin = `http://127.0.0.2:${(other.address() as AddressInfo).port}`;
    sink = await startSink(acs(() => foreignOrigin));
    origin = sink.origin;
    try {
      await expect(sender().send(digest)).rejects.toThrow(`named another origin, ${foreignOrigin}`);
      expect(connections).toBe(0);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe("emailSenderFromSettings", () => {
  it("is off unless a sender and recipients are configured", () => {
    sink = { close: async () => {} } as HttpSink;
    const none = emailSenderFromSettings({
      EMAIL_ENDPOINT: "https://acs.communication.azure.com",
      EMAIL_CONNECTION_STRING: undefined,
      EMAIL_SENDER: undefined,
      EMAIL_RECIPIENTS: [],
      AZURE_CLIENT_ID: undefined,
    });
    expect(none).toBeUndefined();
    const some = emailSenderFromSettings({
      EMAIL_ENDPOINT: "https://acs.communication.azure.com",
      EMAIL_CONNECTION_STRING: undefined,
      EMAIL_SENDER: "DoNotReply@x.azurecomm.net",
      EMAIL_RECIPIENTS: ["a@example.com"],
      AZURE_CLIENT_ID: "00000000-0000-0000-0000-000000000001",
    });
    expect(some?.channel).toBe("email");
  });
});
