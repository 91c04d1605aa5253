import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/main.js";
import type { JsonDocument } from "../../../src/cli/render.js";
import { secret } from "../../support/secrets.js";
import { encodedForms } from "../../support/untrusted-text.js";
import { net, peeringId, startEstate, topology, type CliEstate } from "./harness.js";

/**
 * ARM's error messages quote what people typed, and the CLI prints them. A message quoting a secret
 * setting (with every character an escaping changes) and carrying terminal control sequences must
 * reach no output of the CLI as either: not the table, not the JSON, not the HTML page, not stderr.
 */

const HMAC = secret(`hmac<&>"'\\-untrusted-0123456789`);
const ENV = {
  ALERT_WEBHOOK_URL: secret("https://127.0.0.2/hooks/untrusted?token=HookTokenUntrusted0123456789"),
  ALERT_WEBHOOK_SECRET: HMAC,
};
/** Clears the screen, paints red, sets the window title, and the 8-bit CSI (U+009B). */
const CONTROLS = "\u001b[2J\u001b[31m\u001b]0;owned\u0007\u009b1m\r\u0000\u007f";
const MESSAGE = `Cannot apply ALERT_WEBHOOK_SECRET=${HMAC} to hub-to-spoke1${CONTROLS}[Re-authenticate here](https://evil.example/login)`;

const resized = topology(
  [net("hub", "10.0.0.0/16"), net("spoke1", "10.1.0.0/16")],
  [{ from: "hub", to: "spoke1" }],
  [{ op: "setAddressSpace", vnet: "spoke1", addressPrefixes: ["10.1.0.0/16", "10.101.0.0/16"] }],
);

let estate: CliEstate | undefined;
afterEach(async () => {
  await estate?.stop();
  estate = undefined;
});

/** apply against an estate whose one write ARM refuses with MESSAGE. */
async function applyRefused(output: string, tty?: { columns: number }) {
  estate = await startEstate(resized);
  estate.emu.injectFault({
    method: "PUT",
    path: /\/virtualNetworkPeerings\/hub-to-spoke1$/i,
    fault: { type: "status", status: 400, code: "InvalidRequestFormat", message: MESSAGE },
  });
  let stdout = "";
  let stderr = "";
  const target = estate.target;
  const code = await runCli(
    ["apply", "--output", output],
    {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      env: ENV,
      ...(tty ? { tty } : {}),
    },
    async () => ({ ...target, close: async () => {} }),
    // No channel: alerts have their own tests; this file is about what the CLI prints.
    () => ({
      senders: [],
      afterRun: async () => ({ channels: [] }),
      afterFailure: async () => ({ channels: [] }),
    }),
  );
  return { code, stdout, stderr };
}

function expectNoSecret(text: string): void {
  for (const form of encodedForms(HMAC)) expect(text).not.toContain(form);
}

/** Control characters other than the newline (C0, DEL, C1). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe("the CLI prints ARM text inert", () => {
  it("the table shows neither the secret an ARM message quotes nor its control characters", async () => {
    const run = await applyRefused("table");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("InvalidRequestFormat");
    expect(run.stdout).toContain("ALERT_WEBHOOK_SECRET=[redacted]");
    expectNoSecret(run.stdout + run.stderr);
    expect(run.stdout + run.stderr).not.toMatch(CONTROL);
    // Still visible to a person: ESC as its control picture.
    expect(run.stdout).toContain("\u241b[2J");
  });

  it("with colour on, the only escape sequences on a terminal are the CLI's own colours", async () => {
    const run = await applyRefused("table", { columns: 400 });
    expectNoSecret(run.stdout);
    // eslint-disable-next-line no-control-regex
    const sequences = run.stdout.match(/\u001b[^a-zA-Z]*[a-zA-Z]?/g) ?? [];
    expect(sequences.length).toBeGreaterThan(0);
    // eslint-disable-next-line no-control-regex
    for (const seq of sequences) expect(seq).toMatch(/^\u001b\[[0-9;]*m$/);
    // eslint-disable-next-line no-control-regex
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001a\u001c-\u001f\u007f-\u009f]/);
  });

  it("the JSON document escapes every control character and keeps the message, secret redacted", async () => {
    const run = await applyRefused("json");
    expectNoSecret(run.stdout + run.stderr);
    expect(run.stdout).not.toMatch(CONTROL);
    const doc = JSON.parse(run.stdout) as JsonDocument;
    const failed = doc.actions.find((a) => a.target === peeringId("hub", "hub-to-spoke1"));
    // Nothing lost but the secret: the parsed message has its control characters back.
    expect(failed?.error?.message).toContain(`ALERT_WEBHOOK_SECRET=[redacted] to hub-to-spoke1${CONTROLS}`);
  });

  it("the HTML page shows neither the secret nor control characters", async () => {
    const run = await applyRefused("html");
    expect(run.stdout).toContain("<!doctype html>");
    expect(run.stdout).toContain("ALERT_WEBHOOK_SECRET=[redacted]");
    expectNoSecret(run.stdout + run.stderr);
    expect(run.stdout).not.toMatch(CONTROL);
  });
});
