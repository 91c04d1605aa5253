import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Comments and docs cite only what a clone has (docs/) or public URLs, and every section they cite
 * exists: docs/architecture.md and docs/azure-behaviour.md keep stable anchors for that.
 */

const root = fileURLToPath(new URL("../../../", import.meta.url));
const SCANNED = ["src", "emulator", "infra", "bench", "scripts", "test", "demo", "docs"];
const TEXT = /\.(ts|js|mjs|bicep|bicepparam|md|sh|ps1|json|ya?ml)$/;

// Built from parts so this file does not match itself.
const OUTSIDE = new RegExp(
  [
    String.raw`\.\./shared`,
    ["shared", "/reference"].join(""),
    ["ARCHITECTURE", String.raw`\.md`].join(""),
    String.raw`[Ff]acts? [0-9]`,
    String.raw`[Rr]eference [0-9]`,
    String.raw`[Ii]ssue [0-9]`,
    ["open", "-points"].join(""),
    ["azure-peering", "-facts"].join(""),
    ["eventgrid-functions", "-bicep"].join(""),
  ].join("|"),
);

function files(): string[] {
  const out = ["README.md"];
  for (const dir of SCANNED) {
    for (const name of readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })) {
      const path = `${dir}/${name.split("\\").join("/")}`;
      if (TEXT.test(path) && !path.includes("node_modules/")) out.push(path);
    }
  }
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(doc: string): Set<string> {
  const text = readFileSync(join(root, "docs", doc), "utf8");
  return new Set(
    [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-"),
    ),
  );
}

/** `docs/azure-behaviour.md#errors and #throttling`: every section named, with its document. */
function citedSections(text: string): Array<{ doc: string; anchor: string }> {
  const out: Array<{ doc: string; anchor: string }> = [];
  for (const m of text.matchAll(/(architecture|azure-behaviour)\.md#([\w-]+)((?:,? (?:and )?#[\w-]+)*)/g)) {
    const doc = `${m[1]}.md`;
    out.push({ doc, anchor: m[2]! });
    for (const more of m[3]!.matchAll(/#([\w-]+)/g)) out.push({ doc, anchor: more[1]! });
  }
  return out;
}

describe("citations", () => {
  it("recognises a citation of a document outside the repository", () => {
    expect(OUTSIDE.test(["(fa", "cts 5)"].join(""))).toBe(true);
    expect(OUTSIDE.test("see docs/azure-behaviour.md#errors")).toBe(false);
  });

  it("cite nothing outside the repository but public URLs", () => {
    const offending = files().flatMap((path) =>
      readFileSync(join(root, path), "utf8")
        .split("\n")
        .flatMap((line, i) => (OUTSIDE.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offending).toEqual([]);
  });

  it("reads every section a citation names, including the ones after the first", () => {
    expect(citedSections("(docs/azure-behaviour.md#errors and #sync-semantics)")).toEqual([
      { doc: "azure-behaviour.md", anchor: "errors" },
      { doc: "azure-behaviour.md", anchor: "sync-semantics" },
    ]);
  });

  it("name only sections that exist", () => {
    const anchors = {
      "architecture.md": anchorsOf("architecture.md"),
      "azure-behaviour.md": anchorsOf("azure-behaviour.md"),
    } as Record<string, Set<string>>;
    const missing = files().flatMap((path) =>
      citedSections(readFileSync(join(root, path), "utf8"))
        .filter(({ doc, anchor }) => !anchors[doc]!.has(anchor))
        .map(({ doc, anchor }) => `${path}: ${doc}#${anchor}`),
    );
    expect(missing).toEqual([]);
  });
});
