import { describe, expect, it } from "vitest";
import { buildDigest, buildFailureDigest } from "../../../src/alerts/model.js";
import { markdownText, renderTeamsMessage } from "../../../src/alerts/render-teams.js";
import { activeMarkdown, unescapeMarkdown } from "../../support/untrusted-text.js";
import { failedSync, report, vnetId } from "./fixtures.js";

/**
 * Teams renders Markdown in a card's TextBlock text and Fact values. Names and ARM's error messages
 * come from people the product does not trust: their Markdown must show as the characters typed,
 * never as a link, emphasis, a list or a date function.
 */

const PHISH = "[Re-authenticate here](https://evil.example/login)";
const MESSAGE = `Token expired. ${PHISH} **now**, _please_ <https://evil.example> {{DATE(2017-02-14T06:08:00Z, SHORT)}}\n- forged item\r\n# forged heading`;

/** Every TextBlock text and Fact title/value of a card, with where it sits. */
function cardTexts(value: unknown, path = "card"): Array<{ path: string; text: string }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => cardTexts(v, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  const o = value as Record<string, unknown>;
  const own: Array<{ path: string; text: string }> = [];
  if (o.type === "TextBlock" && typeof o.text === "string") own.push({ path, text: o.text });
  if (typeof o.title === "string" && typeof o.value === "string")
    own.push({ path: `${path}.title`, text: o.title }, { path: `${path}.value`, text: o.value });
  return [...own, ...Object.entries(o).flatMap(([k, v]) => cardTexts(v, `${path}.${k}`))];
}

describe("Teams card text from ARM", () => {
  it("a Markdown link, emphasis and block markers in an ARM error message stay plain text", () => {
    const digest = buildDigest(
      report([
        failedSync("hub-vnet", "spoke1", { code: "AuthorizationFailed", message: MESSAGE, retryable: false }),
      ]),
    )!;
    const card = renderTeamsMessage(digest).attachments[0].content;
    const texts = cardTexts(card);
    expect(texts.length).toBeGreaterThan(5);
    for (const { path, text } of texts) {
      // The highlights block is the card's own bulleted list.
      expect(activeMarkdown(text, path.endsWith("body[1]")), `${path}: ${text}`).toEqual([]);
    }
    // What a person reads is the message as ARM wrote it (line breaks as spaces).
    const shown = texts.map((t) => unescapeMarkdown(t.text)).join("\n");
    expect(shown).toContain(MESSAGE.replace(/[\r\n]/g, " "));
  });

  it("a failure digest (poison message) escapes the message the same way", () => {
    const digest = buildFailureDigest({
      vnetId: vnetId("hub-vnet"),
      error: { code: "InternalServerError", message: MESSAGE },
      attempts: 5,
      correlationId: "msg-1",
      at: "2026-12-01T10:00:00.000Z",
    })!;
    const card = renderTeamsMessage(digest).attachments[0].content;
    for (const { path, text } of cardTexts(card))
      expect(activeMarkdown(text, path.endsWith("body[1]")), `${path}: ${text}`).toEqual([]);
  });

  it("markdownText round-trips: what CommonMark shows is the input, controls as spaces", () => {
    for (const input of [MESSAGE, "1. first", "- a", "+ b", "> q", "\\[x\\]", "a|b", "~~s~~", "  # h"]) {
      const escaped = markdownText(input);
      expect(activeMarkdown(escaped), escaped).toEqual([]);
      // eslint-disable-next-line no-control-regex
      expect(unescapeMarkdown(escaped)).toBe(input.replace(/[\u0000-\u001f]/g, " "));
    }
  });
});
