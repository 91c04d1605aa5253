import { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { logEvent, redactInTelemetry } from "../../../src/functions/telemetry.js";
import { secret } from "../../support/secrets.js";
import { encodedForms } from "../../support/untrusted-text.js";

/**
 * Log lines are JSON: a secret holding `"` or `\` is escaped when the line is serialised, so it must
 * be taken out of the fields before, not looked for in the serialised line after.
 */

const HMAC = secret(`hmac"quoted\\-telemetry-0123456789<&>'`);

describe("telemetry lines", () => {
  it("carry no secret setting quoted in an error message, even one JSON escapes", () => {
    redactInTelemetry([HMAC]);
    const lines: string[] = [];
    const context = new InvocationContext({
      invocationId: "inv-1",
      functionName: "t",
      logHandler: (_level, ...args) => lines.push(args.map(String).join(" ")),
    });
    logEvent(context, "warn", "ReconcileFailed", {
      error: { code: "InvalidRequestFormat", message: `ALERT_WEBHOOK_SECRET=${HMAC} is not valid` },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("ALERT_WEBHOOK_SECRET=[redacted] is not valid");
    for (const form of encodedForms(HMAC)) expect(lines[0]).not.toContain(form);
  });
});
