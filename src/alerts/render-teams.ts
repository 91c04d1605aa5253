import type { AlertCategory, Digest, Severity } from "./model.js";
import { CATEGORY_SEVERITY } from "./model.js";
import type { Section } from "./render-common.js";
import {
  CATEGORY_HEADING,
  PRODUCT,
  SEVERITY_LABEL,
  factsOf,
  moreLine,
  runLine,
  sample,
  shorten,
} from "./render-common.js";

/**
 * Teams "Workflows" webhook message: a `message` envelope around an Adaptive Card
 * (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
 * Version 1.4: Teams renders up to 1.5, and 1.2-1.4 is the safe choice for webhook cards.
 * Only elements every host supports: Container, TextBlock, FactSet, Action.OpenUrl (Action.Submit is
 * not supported through a webhook).
 */

/** "The message size limit is 28 KB. When the size exceeds 28 KB, you receive an error." (the page above). */
export const TEAMS_MAX_BYTES = 28 * 1024;
/** What we aim for: the limit minus room for the HTTP layer's view of "size" differing from ours. */
export const TEAMS_BUDGET_BYTES = 24 * 1024;
/** Items shown when everything fits; more than this is a wall nobody reads in a chat. */
export const TEAMS_MAX_ITEMS = 20;
const MAX_HIGHLIGHTS = 6;

export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  $schema: string;
  type: "AdaptiveCard";
  version: "1.4";
  body: CardElement[];
  actions?: CardElement[];
}

export interface TeamsMessage {
  type: "message";
  attachments: [
    { contentType: "application/vnd.microsoft.card.adaptive"; contentUrl: null; content: AdaptiveCard },
  ];
}

/** Colour AND words: the label says the severity for people who cannot tell the colours apart. */
const STYLE: Record<Severity, { container: string; color: string }> = {
  error: { container: "attention", color: "Attention" },
  warning: { container: "warning", color: "Warning" },
  info: { container: "good", color: "Good" },
};

function sectionColor(category: AlertCategory): string {
  return STYLE[CATEGORY_SEVERITY[category]].color;
}

/**
 * Card text is Markdown: Teams renders a subset of it in TextBlock text and in Fact.Title and
 * Fact.Value (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format,
 * https://learn.microsoft.com/adaptive-cards/create/textfeatures). Names and ARM's error messages in
 * it come from people we do not trust: `[Re-authenticate here](https://evil.example/login)` would
 * become a link, `**` bold, a leading `- ` or `1. ` a list, `{{DATE(...)}}` a date function. Every
 * character that can open such syntax is backslash-escaped, which CommonMark turns back into the
 * plain character (https://spec.commonmark.org/0.31.2/#backslash-escapes). The backtick is left
 * alone: a code span can only turn Markdown off, and the product's own advice uses it for names. Line breaks and other
 * control characters become spaces, so a value cannot start a line of its own; the only line starts
 * left are the text's own start, escaped when it looks like a block marker.
 */
export function markdownText(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ")
      .replace(/[\\*_[\]<>~{}|]/g, "\\$&")
      // Block markers count only at the start of a line: the text's own start is the one left.
      .replace(/^(\s*)([-+#>=]|\d+[.)])/, (_m, space: string, marker: string) =>
        /^\d/.test(marker) ? `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}` : `${space}\\${marker}`,
      )
  );
}

function sectionElements(section: Section): CardElement[] {
  const out: CardElement[] = [
    {
      type: "TextBlock",
      text: markdownText(`${CATEGORY_HEADING[section.category]} (${section.total})`),
      weight: "Bolder",
      color: sectionColor(section.category),
      separator: true,
      spacing: "Medium",
      wrap: true,
    },
  ];
  for (const item of section.shown) {
    out.push({
      type: "Container",
      spacing: "Small",
      items: [
        {
          type: "TextBlock",
          text: markdownText(`${item.reminder ? "Reminder: " : ""}${shorten(item.title, 200)}`),
          weight: "Bolder",
          wrap: true,
        },
        {
          type: "FactSet",
          facts: factsOf(item, 400).map((f) => ({
            title: markdownText(f.title),
            value: markdownText(f.value),
          })),
        },
      ],
    });
  }
  if (section.more > 0)
    out.push({ type: "TextBlock", text: markdownText(moreLine(section)), isSubtle: true, wrap: true });
  return out;
}

export function renderTeamsCard(digest: Digest, maxItems: number = TEAMS_MAX_ITEMS): AdaptiveCard {
  const style = STYLE[digest.severity];
  const highlights = digest.highlights.slice(0, MAX_HIGHLIGHTS);
  const hiddenHighlights = digest.highlights.length - highlights.length;
  const body: CardElement[] = [
    {
      type: "Container",
      style: style.container,
      bleed: true,
      items: [
        {
          type: "TextBlock",
          text: markdownText(`${SEVERITY_LABEL[digest.severity]} · ${PRODUCT}`),
          weight: "Bolder",
          color: style.color,
          size: "Small",
          wrap: true,
        },
        {
          type: "TextBlock",
          text: markdownText(shorten(digest.summary, 300)),
          weight: "Bolder",
          size: "Medium",
          wrap: true,
        },
      ],
    },
  ];
  if (highlights.length > 0) {
    // The list is ours: its "- " markers stay Markdown, the highlight after each is escaped.
    const lines = highlights.map((h) => `- ${markdownText(shorten(h, 300))}`);
    if (hiddenHighlights > 0) lines.push(`- …and ${hiddenHighlights} more`);
    body.push({ type: "TextBlock", text: lines.join("\n"), wrap: true });
  }
  body.push({
    type: "TextBlock",
    text: markdownText(runLine(digest)),
    isSubtle: true,
    size: "Small",
    wrap: true,
    spacing: "Small",
  });
  for (const section of sample(digest, maxItems)) body.push(...sectionElements(section));

  const card: AdaptiveCard = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body,
  };
  if (digest.statusPageUrl) {
    card.actions = [{ type: "Action.OpenUrl", title: "Open status page", url: digest.statusPageUrl }];
  }
  return card;
}

function envelope(card: AdaptiveCard): TeamsMessage {
  return {
    type: "message",
    attachments: [
      { contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card },
    ],
  };
}

export function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}

/**
 * The message to POST. It fits the 28 KB limit by showing fewer items (and "and N more"), never by
 * cutting JSON: the Workflows trigger answers 202 first and only the flow's run history shows the
 * "payload is too large" failure, so an oversized card would be lost silently.
 */
export function renderTeamsMessage(digest: Digest, budgetBytes: number = TEAMS_BUDGET_BYTES): TeamsMessage {
  let shown = Math.min(TEAMS_MAX_ITEMS, digest.items.length);
  for (;;) {
    const message = envelope(renderTeamsCard(digest, shown));
    if (shown === 0 || byteLength(message) <= budgetBytes) return message;
    shown = Math.floor(shown * 0.7);
  }
}
