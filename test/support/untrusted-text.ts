/**
 * Checks for text that came from people the product does not trust (VNet and peering names, ARM's
 * error messages quoting user input): the forms a secret can take once an output escaped it, and the
 * Markdown a Teams card would render.
 */

/** A secret as it would read in each output after that output's escaping, or in raw data encoded. */
export function encodedForms(secret: string): string[] {
  const html = secret
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      json,
      JSON.stringify(json).slice(1, -1),
      html,
      html.replace(/'/g, "&#39;"),
      html.replace(/'/g, "&#x27;"),
      // Markdown-escaped (a Teams card).
      secret.replace(/[\\*_[\]<>~{}|]/g, "\\$&"),
    ]),
  ];
}

/**
 * Characters that open inline Markdown (links, emphasis, autolinks, tables, DATE functions). Not the
 * backtick: a code span only turns Markdown off, and the product's own wording uses it.
 */
const INLINE = new Set([..."[]*_<>~{}|"]);

/**
 * Where `text` still holds Markdown a renderer would act on: an inline syntax character that no
 * backslash escapes, or a block marker (list, heading, quote) at the start of a line. CommonMark
 * reads a backslash before ASCII punctuation as that character, literally
 * (https://spec.commonmark.org/0.31.2/#backslash-escapes). `allowListItems` lets the card's own
 * "- " bullets through.
 */
export function activeMarkdown(text: string, allowListItems = false): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\" && i + 1 < text.length && /[!-/:-@[-`{-~]/.test(text[i + 1]!)) {
      i++;
      continue;
    }
    if (INLINE.has(ch)) found.push(`${ch} at ${i}`);
  }
  for (const line of text.split(/\r\n|\r|\n/)) {
    const body = allowListItems ? line.replace(/^- /, "") : line;
    if (/^\s*([-+*#>=]|\d+[.)])/.test(body)) found.push(`line starting ${JSON.stringify(body.slice(0, 12))}`);
  }
  return found;
}

/** The text a CommonMark renderer shows for `text` when it holds no active Markdown. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, "$1");
}
