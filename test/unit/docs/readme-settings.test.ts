import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SECRET_SETTINGS, SETTING_NAMES } from "../../../src/config.js";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

function documentedSettings(): string[] {
  const table = /<!-- settings-table:start -->([\s\S]*?)<!-- settings-table:end -->/.exec(readme)?.[1] ?? "";
  return [...table.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]!);
}

describe("README settings table", () => {
  it("lists every setting of the schema, in the schema's order", () => {
    expect(documentedSettings()).toEqual(SETTING_NAMES);
  });

  it("marks every secret setting as a secret", () => {
    const table =
      /<!-- settings-table:start -->([\s\S]*?)<!-- settings-table:end -->/.exec(readme)?.[1] ?? "";
    for (const name of SECRET_SETTINGS) {
      const row = table.split("\n").find((line) => line.startsWith(`| \`${name}\``));
      expect(row, name).toMatch(/secret|local runs only/);
    }
  });
});
