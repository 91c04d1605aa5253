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
 * Teams "Workflows" webhook message: the envelope of docs/azure-behaviour.md#teams-webhook around an Adaptive Card.
 * Version 1.4: Teams renders up to 1.5, and 1.2-1.4 is the safe choice for webhook cards (docs/azure-behaviour.md#teams-webhook).
 * Only elements every host supports: Container, TextBlock, FactSet, Action.OpenUrl (Action.Submit is
 * not supported through a webhook).
 */

/** "The message size limit is 28 KB. When the size exceeds 28 KB, you receive an error." (docs/azure-behaviour.md#teams-webhook). */
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

function sectionElements(section: Section): CardElement[] {
  const out: CardElement[] = [
    {
      type: "TextBlock",
      text: `${CATEGORY_HEADING[section.category]} (${section.total})`,
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
          text: `${item.reminder ? "Reminder: " : ""}${shorten(item.title, 200)}`,
          weight: "Bolder",
          wrap: true,
        },
        { type: "FactSet", facts: factsOf(item, 400) },
      ],
    });
  }
  if (section.more > 0) out.push({ type: "TextBlock", text: moreLine(section), isSubtle: true, wrap: true });
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
          text: `${SEVERITY_LABEL[digest.severity]} · ${PRODUCT}`,
          weight: "Bolder",
          color: style.color,
          size: "Small",
          wrap: true,
        },
        {
          type: "TextBlock",
          text: shorten(digest.summary, 300),
          weight: "Bolder",
          size: "Medium",
          wrap: true,
        },
      ],
    },
  ];
  if (highlights.length > 0) {
    const lines = highlights.map((h) => `- ${shorten(h, 300)}`);
    if (hiddenHighlights > 0) lines.push(`- …and ${hiddenHighlights} more`);
    body.push({ type: "TextBlock", text: lines.join("\n"), wrap: true });
  }
  body.push({
    type: "TextBlock",
    text: runLine(digest),
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
 * "payload is too large" failure (docs/azure-behaviour.md#teams-webhook), so an oversized card would be lost silently.
 */
export function renderTeamsMessage(digest: Digest, budgetBytes: number = TEAMS_BUDGET_BYTES): TeamsMessage {
  let shown = Math.min(TEAMS_MAX_ITEMS, digest.items.length);
  for (;;) {
    const message = envelope(renderTeamsCard(digest, shown));
    if (shown === 0 || byteLength(message) <= budgetBytes) return message;
    shown = Math.floor(shown * 0.7);
  }
}
