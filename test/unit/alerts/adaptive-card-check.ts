import { createRequire } from "node:module";

/**
 * Parse a card with the adaptivecards library (its UMD build loads in Node without a DOM) and return
 * every problem it sees: parse events (unknown element types, invalid values), validation failures
 * (missing required properties), and properties it does not know (found by serialising the parsed
 * card back: the library drops what it does not understand, so any difference is an unknown or
 * misspelled property).
 */

interface AdaptiveCardsModule {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    validateProperties(): { validationEvents: { message: string }[] };
    toJSON(): unknown;
  };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
}

const require = createRequire(import.meta.url);
const AC = require("adaptivecards/dist/adaptivecards.js") as AdaptiveCardsModule;

export function adaptiveCardProblems(json: unknown): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of card.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);
  problems.push(...diff(json, card.toJSON(), "card"));
  return problems;
}

function diff(ours: unknown, theirs: unknown, path: string): string[] {
  if (Array.isArray(ours)) {
    if (!Array.isArray(theirs) || theirs.length !== ours.length) return [`${path}: array not understood`];
    return ours.flatMap((v, i) => diff(v, theirs[i], `${path}[${i}]`));
  }
  if (ours !== null && typeof ours === "object") {
    if (theirs === null || typeof theirs !== "object") return [`${path}: object not understood`];
    return Object.entries(ours).flatMap(([k, v]) =>
      k in theirs
        ? diff(v, (theirs as Record<string, unknown>)[k], `${path}.${k}`)
        : [`${path}.${k}: unknown property`],
    );
  }
  return ours === theirs ? [] : [`${path}: ${JSON.stringify(ours)} read back as ${JSON.stringify(theirs)}`];
}
