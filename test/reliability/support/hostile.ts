import fc from "fast-check";

/**
 * Hostile values for the app's inputs: resource ids that are almost right (odd casing, extra
 * segments, other providers, path traversal, encoded slashes, control characters, enormous), values
 * of the wrong type, prototype-pollution keys, deep nesting and huge arrays.
 */

export const WATCHED = "5a5a5a5a-0000-4000-8000-00000000a001";
export const WATCHED_DENIED = "5a5a5a5a-0000-4000-8000-00000000a002";
export const FOREIGN = "f0f0f0f0-0000-4000-8000-00000000f001";

export const vnetId = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${name}`;

/** The real VNets of the fuzz estate (see hostile-input.test.ts). */
export const IDS = {
  hub: vnetId(WATCHED, "rg-net", "hub"),
  spoke: vnetId(WATCHED, "rg-net", "spoke"),
  optedOut: vnetId(WATCHED, "rg-net", "private"),
  missing: vnetId(WATCHED, "rg-net", "gone"),
  denied: vnetId(WATCHED_DENIED, "rg-x", "locked"),
  foreign: vnetId(FOREIGN, "rg-f", "theirs"),
};

const NASTY_SEGMENTS = [
  "..",
  ".",
  "%2e%2e",
  "%2F",
  "..%2F..%2F..%2Fsubscriptions%2F" + FOREIGN,
  "a/../b",
  "",
  " ",
  "hub ",
  "\u0000",
  "hub\nINJECTED log line",
  "\u202ehub",
  "hu\u200bb",
  "__proto__",
  "constructor",
  "😀",
  "hub?api-version=2020-01-01",
  "hub#x",
  "hub%00",
  "h".repeat(300),
  "x".repeat(70_000),
];

const PROVIDERS = [
  "Microsoft.Compute/virtualMachines",
  "Microsoft.Network/networkSecurityGroups",
  "Microsoft.Network/virtualNetworks/../virtualNetworks",
  "Microsoft.Network/virtualNetworkGateways",
  "microsoft.network/VIRTUALNETWORKS",
];

type Mutation =
  | { kind: "case"; seed: number }
  | { kind: "segment"; index: number; value: string }
  | { kind: "append"; segments: readonly string[] }
  | { kind: "provider"; value: string }
  | { kind: "subscription"; value: string }
  | { kind: "decorate"; prefix: string; suffix: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("case" as const), seed: fc.integer() }),
  fc.record({
    kind: fc.constant("segment" as const),
    index: fc.integer({ min: 0, max: 10 }),
    value: fc.oneof(fc.constantFrom(...NASTY_SEGMENTS), fc.string({ maxLength: 20 })),
  }),
  fc.record({
    kind: fc.constant("append" as const),
    segments: fc.constantFrom(
      ["subnets", "default"],
      ["virtualNetworkPeerings", "p", "extra"],
      [""],
      ["..", ".."],
      ["virtualNetworkPeerings"],
    ),
  }),
  fc.record({ kind: fc.constant("provider" as const), value: fc.constantFrom(...PROVIDERS) }),
  fc.record({
    kind: fc.constant("subscription" as const),
    value: fc.constantFrom(FOREIGN, FOREIGN.toUpperCase(), "..", "not-a-guid", WATCHED + "0", ` ${WATCHED}`),
  }),
  fc.record({
    kind: fc.constant("decorate" as const),
    prefix: fc.constantFrom("", " ", "https://management.azure.com", "//", "/", "\t"),
    suffix: fc.constantFrom("", "/", "//", " ", "?x=1", "\n"),
  }),
);

function applyMutation(id: string, m: Mutation): string {
  switch (m.kind) {
    case "case": {
      let s = m.seed;
      return [...id]
        .map((ch) => {
          s = (Math.imul(s, 1103515245) + 12345) | 0;
          return s & 0x10000 ? ch.toUpperCase() : ch.toLowerCase();
        })
        .join("");
    }
    case "segment": {
      const parts = id.split("/");
      parts[1 + (m.index % (parts.length - 1))] = m.value;
      return parts.join("/");
    }
    case "append":
      return `${id}/${m.segments.join("/")}`;
    case "provider":
      return id.replace("Microsoft.Network/virtualNetworks", m.value);
    case "subscription":
      return id.replace(/^\/subscriptions\/[^/]+/, `/subscriptions/${m.value}`);
    case "decorate":
      return `${m.prefix}${id}${m.suffix}`;
  }
}

const baseVnets = Object.values(IDS);
const basePeerings = baseVnets.map((id) => `${id}/virtualNetworkPeerings/to-hub`);

/** A resource id, usually mutated; sometimes a VNet id, sometimes a peering id. */
export const hostileId: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...baseVnets, ...basePeerings), fc.array(mutation, { maxLength: 3 }))
  .map(([id, ms]) => ms.reduce(applyMutation, id));

/** Any JSON-able junk, including the wrong types for every field. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }),
  fc.constantFrom(null, true, 0, -1, 1e308, Number.NaN, "", [], {}, "null", "[]", "{}"),
);

/** The value itself most of the time, junk now and then. */
export function mostly<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> {
  return fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: junk });
}

const OPERATIONS = [
  "Microsoft.Network/virtualNetworks/write",
  "Microsoft.Network/virtualNetworks/delete",
  "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write",
  "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/delete",
  "MICROSOFT.NETWORK/VIRTUALNETWORKS/WRITE",
  "Microsoft.Network/virtualNetworks/subnets/write",
  "Microsoft.Compute/virtualMachines/write",
  "Microsoft.Network/virtualNetworks/write/../delete",
  "",
];
const EVENT_TYPES = [
  "Microsoft.Resources.ResourceWriteSuccess",
  "Microsoft.Resources.ResourceDeleteSuccess",
  "Microsoft.Resources.ResourceWriteFailure",
  "Microsoft.Resources.ResourceActionSuccess",
  "microsoft.resources.resourcewritesuccess",
  "Custom.Event",
];

const resourceData = fc.record(
  {
    operationName: mostly(fc.constantFrom(...OPERATIONS)),
    resourceUri: mostly(hostileId),
    correlationId: mostly(fc.uuid()),
    status: mostly(fc.constantFrom("Succeeded", "Failed")),
    resourceProvider: mostly(fc.constantFrom("Microsoft.Network", "Microsoft.Compute")),
  },
  { requiredKeys: ["operationName"] },
);

const eventId = fc.oneof(
  { weight: 6, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom("z".repeat(10_000), "id\nforged line", "", "__proto__") },
);

export const eventGridEvent = fc.record(
  {
    id: mostly(eventId),
    topic: mostly(fc.constant(`/subscriptions/${WATCHED}`)),
    subject: mostly(hostileId),
    eventType: mostly(fc.constantFrom(...EVENT_TYPES)),
    eventTime: mostly(fc.constantFrom("2026-11-22T10:00:00Z", "yesterday", "")),
    data: mostly(resourceData),
    dataVersion: mostly(fc.constant("")),
    metadataVersion: mostly(fc.constantFrom("1", "2")),
  },
  { requiredKeys: ["eventType"] },
);

export const cloudEvent = fc.record(
  {
    specversion: mostly(fc.constantFrom("1.0", "0.3")),
    id: mostly(eventId),
    source: mostly(fc.constant(`/subscriptions/${WATCHED}`)),
    subject: mostly(hostileId),
    type: mostly(fc.constantFrom(...EVENT_TYPES)),
    time: mostly(fc.constantFrom("2026-11-22T10:00:00Z", "not a time")),
    data: mostly(resourceData),
  },
  { requiredKeys: ["specversion"] },
);

/** A well-formed change event about one of the estate's VNets (or a peering on it), odd casing allowed. */
export function realEvent(schema: "EventGrid" | "CloudEvents"): fc.Arbitrary<unknown> {
  return fc
    .record({
      vnet: fc.constantFrom(...baseVnets),
      peering: fc.boolean(),
      remove: fc.boolean(),
      id: fc.uuid(),
      casing: fc.option(fc.integer(), { nil: undefined }),
    })
    .map(({ vnet, peering, remove, id, casing }) => {
      let subject = peering ? `${vnet}/virtualNetworkPeerings/to-hub` : vnet;
      if (casing !== undefined) subject = applyMutation(subject, { kind: "case", seed: casing });
      const operationName = `Microsoft.Network/virtualNetworks${peering ? "/virtualNetworkPeerings" : ""}/${remove ? "delete" : "write"}`;
      const type = remove
        ? "Microsoft.Resources.ResourceDeleteSuccess"
        : "Microsoft.Resources.ResourceWriteSuccess";
      const data = { operationName, resourceUri: subject, correlationId: id, status: "Succeeded" };
      return schema === "EventGrid"
        ? {
            id,
            topic: `/subscriptions/${WATCHED}`,
            subject,
            eventType: type,
            eventTime: "2026-11-22T10:00:00Z",
            data,
            dataVersion: "",
            metadataVersion: "1",
          }
        : {
            specversion: "1.0",
            id,
            source: `/subscriptions/${WATCHED}`,
            subject,
            type,
            time: "2026-11-22T10:00:00Z",
            data,
          };
    });
}

/** Decorations any JSON object input may get: pollution keys, deep nesting, huge arrays. */
export type Decoration = "none" | "proto" | "constructor" | "deep" | "hugeArray" | "hugeString";
export const decoration: fc.Arbitrary<Decoration> = fc.oneof(
  { weight: 20, arbitrary: fc.constant("none" as const) },
  { weight: 3, arbitrary: fc.constantFrom("proto" as const, "constructor" as const) },
  { weight: 1, arbitrary: fc.constantFrom("deep" as const, "hugeArray" as const, "hugeString" as const) },
);

/** Deep nesting built without recursion, so building it cannot be what overflows the stack. */
export function deep(depth: number): unknown {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { nested: v };
  return v;
}

/** Applies a decoration; `__proto__` goes through JSON.parse so it is an own key, as from the wire. */
export function decorate(value: unknown, how: Decoration, key = "extra"): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  switch (how) {
    case "none":
      return value;
    case "proto":
      return { ...(JSON.parse('{"__proto__":{"polluted":"yes","isAdmin":true}}') as object), ...value };
    case "constructor":
      return { ...value, constructor: { prototype: { polluted: "yes" } } };
    case "deep":
      return { ...value, [key]: deep(2_000) };
    case "hugeArray":
      return { ...value, [key]: new Array(100_000).fill("x") };
    case "hugeString":
      // Event Grid's limit for one event.
      return { ...value, [key]: "y".repeat(1_000_000) };
  }
}

/** Throws if anything wrote to Object.prototype (prototype pollution). */
export function expectNoPollution(): void {
  const polluted = Object.getOwnPropertyNames(Object.prototype).filter((k) => !BASELINE_PROTO_KEYS.has(k));
  const probe = {} as Record<string, unknown>;
  if (polluted.length > 0 || probe.polluted !== undefined || probe.isAdmin !== undefined)
    throw new Error(`Object.prototype polluted: ${polluted.join(", ")}`);
}
const BASELINE_PROTO_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Strict shape of what the app may ever act on: a VNet id a real ARM could return. */
const STRICT_VNET_ID =
  /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/([-\w().]{1,90})\/providers\/Microsoft\.Network\/virtualNetworks\/[A-Za-z0-9][-\w.]{0,62}\w$/i;

export function isStrictVnetId(id: string): boolean {
  const m = STRICT_VNET_ID.exec(id);
  return Boolean(m && !m[1]!.endsWith("."));
}

/**
 * Terminal control: clear the screen, colours, set the window title (OSC ... BEL), the 8-bit CSI
 * (U+009B), carriage return overprinting, backspace, NUL, DEL, NEL (U+0085), and line breaks that
 * would forge a line.
 */
const CONTROL_SEQUENCES = [
  "\u001b[2J",
  "\u001b[31m",
  "\u001b[0m",
  "\u001b]0;owned\u0007",
  "\u009b2J",
  "\r",
  "\n",
  "\r\n",
  "\b",
  "\u0000",
  "\u007f",
  "\u0085",
  "\t",
];

/** Markdown Teams would render: links, images, autolinks, emphasis, lists, headings, quotes, DATE(). */
const MARKDOWN = [
  "[Re-authenticate here](https://evil.example/login)",
  "![x](https://evil.example/pixel.png)",
  "<https://evil.example/login>",
  "[a]: https://evil.example/ref",
  "**bold**",
  "_italic_",
  "~~struck~~",
  "- forged item",
  "1. forged step",
  "# heading",
  "> quote",
  "{{DATE(2017-02-14T06:08:00Z, SHORT)}}",
  "| a | b |",
  "\\",
  "`code`",
];

/** HTML a page would run or fetch if it were not escaped. */
const HTML = [
  "<script>alert(1)</script>",
  '<img src=x onerror="alert(1)">',
  "</textarea>",
  "&lt;",
  "'\"><a href=//evil.example>",
];

/** Every form a secret can take in ARM's text: raw, URL-encoded, JSON-escaped, HTML-escaped, in a sentence. */
function secretForms(secrets: readonly string[]): string[] {
  return secrets.flatMap((s) => {
    const json = JSON.stringify(s).slice(1, -1);
    const html = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    return [s, encodeURIComponent(s), json, html, html.replace(/'/g, "&#39;"), `ALERT_WEBHOOK_SECRET=${s}`];
  });
}

/**
 * Text as a VNet owner in another tenant, or ARM quoting them, could write it: pieces of control
 * sequences, Markdown, HTML and secrets (in their escaped forms), among arbitrary characters.
 */
export function untrustedText(secrets: readonly string[]): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...CONTROL_SEQUENCES) },
    { weight: 3, arbitrary: fc.constantFrom(...MARKDOWN) },
    { weight: 1, arbitrary: fc.constantFrom(...HTML) },
    { weight: 2, arbitrary: fc.constantFrom(...secretForms(secrets)) },
    { weight: 2, arbitrary: fc.string({ maxLength: 12, unit: "binary" }) },
    { weight: 2, arbitrary: fc.constantFrom("hub-to-spoke", " ", "Peering ", ": ", ". ") },
  );
  return fc.array(piece, { minLength: 1, maxLength: 10 }).map((parts) => parts.join(""));
}
