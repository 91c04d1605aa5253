/**
 * What the CLI prints must not drive the terminal: VNet and peering names, and ARM's error messages
 * quoting them, come from people the operator does not trust, and a C0 or C1 control character in
 * them (ESC starting a CSI sequence that clears the screen, recolours text, or sets the window
 * title; the 8-bit CSI U+009B; a carriage return overprinting a line) would be interpreted by the
 * terminal. ECMA-48 defines both sets (https://ecma-international.org/publications-and-standards/standards/ecma-48/).
 */

/** C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
/** SGR, the only sequence the CLI writes itself (node:util styleText's colours). */
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

/**
 * A visible stand-in: C0 and DEL become their Unicode control pictures (`␛`, `␊`, `␡`), so a person
 * still sees that something odd was there; C1 has no pictures and becomes U+FFFD.
 */
function picture(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return "\u2421";
  return "\ufffd";
}

/** One value for a table cell or a message: every control character made visible, newlines too. */
export function printable(value: string): string {
  return value.replace(CONTROL, picture);
}

/**
 * The last line of defence for everything written to stdout or stderr: control characters other than
 * the newline are made visible; with `colour`, the CLI's own SGR colour sequences are kept (data
 * reaching here was already made printable, so those are the CLI's).
 */
export function terminalSafe(text: string, colour = false): string {
  if (!colour) return text.replace(CONTROL_BUT_NEWLINE, picture);
  const parts = text.split(SGR);
  const sgr = text.match(SGR) ?? [];
  return parts.map((p, i) => p.replace(CONTROL_BUT_NEWLINE, picture) + (sgr[i] ?? "")).join("");
}

/**
 * JSON for a terminal or a pipe: JSON.stringify escapes C0 but writes DEL and C1 raw; these become
 * `\u00XX` escapes, which any JSON parser reads back as the same characters (nothing is lost).
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f]/g,
    (ch) => `\\u00${ch.charCodeAt(0).toString(16)}`,
  );
}
