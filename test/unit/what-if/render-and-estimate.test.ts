import { describe, expect, it } from "vitest";
import { toMarkdown, toText, writeLowerBoundSeconds, type WhatIfAnswer } from "../../../src/what-if/index.js";
import { md } from "../../../src/what-if/render.js";

const answer = (over: Partial<WhatIfAnswer>): WhatIfAnswer => ({
  verdict: "refused",
  changes: [],
  refused: [],
  followUp: [],
  warnings: [],
  estimate: { productWrites: 0, writesPerSubscription: {}, lowerBoundSeconds: 0 },
  notChecked: [],
  ...over,
});

describe("the what-if's lower bound (ARM's write bucket, the bench's model)", () => {
  it("one operation when the bucket's burst covers every write", () => {
    expect(writeLowerBoundSeconds([3, 200])).toBe(15);
  });
  it("past the burst, the refill rate of the busiest subscription decides", () => {
    expect(writeLowerBoundSeconds([400, 10])).toBe((400 - 200) / 10 + 15);
  });
  it("nothing to write takes no time", () => {
    expect(writeLowerBoundSeconds([])).toBe(0);
  });
});

describe("rendering untrusted values", () => {
  const hostile = "10.0.0.0/16|<img src=x onerror=alert(1)>`**[x](http://e)**\n### forged";
  const a = answer({
    refused: [
      {
        stage: "vnetUpdate",
        code: "InvalidAddressPrefixFormat",
        vnetId: "v",
        message: `${JSON.stringify(hostile)} is not an address prefix.`,
      },
    ],
    notChecked: [{ source: hostile, reason: "r" }],
  });

  it("Markdown: no raw tag, link, table cell break or new line comes from a value", () => {
    const out = toMarkdown(a);
    expect(out).not.toMatch(/(^|[^\\])<img/);
    expect(out).not.toMatch(/(^|[^\\])\[x\]/);
    expect(out).not.toMatch(/^### forged/m);
    expect(out).toContain("\\<img");
    expect(md("a|b")).toBe("a\\|b");
  });

  it("text: control characters are shown, never sent to the terminal", () => {
    const out = toText(answer({ notChecked: [{ source: "x\u001b[31mred", reason: "r" }] }));
    expect(out).not.toContain("\u001b");
    expect(out).toContain("\\u001b[31mred");
  });
});
