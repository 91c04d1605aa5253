import { describe, expect, it } from "vitest";
import { redact, redactData } from "../../../src/alerts/redact.js";
import { secret } from "../../support/secrets.js";
import { encodedForms } from "../../support/untrusted-text.js";

/**
 * Redaction runs on the data before any output renders it, so it must find a secret in the forms raw
 * data carries it in: ARM's error messages quote URLs (percent-encoded), JSON bodies (escaped) and
 * HTML error pages (entity-escaped).
 */

const HMAC = secret(`hmac<&>"'\\ -unit-0123456789`);
const URL_SECRET = secret("https://127.0.0.2/hook?api-version=1&sig=SigUnitTest0123456789+/=");

describe("redaction", () => {
  it("masks a secret holding <&>\"' in every form raw data can carry it", () => {
    const forms = [
      ...encodedForms(HMAC),
      encodeURIComponent(HMAC).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      JSON.stringify(HMAC)
        .slice(1, -1)
        .replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    ];
    for (const form of forms) {
      const text = `ARM said: value '${form}' is invalid`;
      expect(redact(text, [HMAC]), form).toBe("ARM said: value '[redacted]' is invalid");
    }
  });

  it("masks the signature of a webhook URL alone, and URL-encoded", () => {
    const sig = "SigUnitTest0123456789+/=";
    for (const form of [sig, encodeURIComponent(sig)])
      expect(redact(`bad signature ${form}.`, [URL_SECRET])).toBe("bad signature [redacted].");
  });

  it("redactData masks every string of a model, keys and nested arrays included, without changing its input", () => {
    const model = {
      name: "hub",
      count: 3,
      at: new Date(0),
      nested: [{ message: `quoted ${HMAC}` }, [`${encodeURIComponent(HMAC)}`]],
      [`key ${HMAC}`]: true,
      ...(JSON.parse(`{"__proto__": {"m": ${JSON.stringify(HMAC)}}}`) as object),
    };
    const before = JSON.stringify(model);
    const safe = redactData(model, [HMAC]);
    expect(JSON.stringify(model)).toBe(before);
    expect(safe.name).toBe("hub");
    expect(safe.count).toBe(3);
    expect(safe.at).toBe(model.at);
    expect(safe.nested).toEqual([{ message: "quoted [redacted]" }, ["[redacted]"]]);
    expect(Object.keys(safe)).toContain("key [redacted]");
    // A `__proto__` key from the wire stays an own key, and is redacted too.
    expect(Object.getOwnPropertyDescriptor(safe, "__proto__")?.value).toEqual({ m: "[redacted]" });
    expect(({} as Record<string, unknown>).m).toBeUndefined();
    for (const form of encodedForms(HMAC)) expect(JSON.stringify(safe)).not.toContain(form);
  });
});
