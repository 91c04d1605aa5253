import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importCycles, importGraph, readSources, tsFilesUnder } from "../../support/import-graph.js";

/** docs/architecture.md#layers: dependencies point one way, inside a folder too. */

const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("import cycles", () => {
  it("finds a cycle through a type-only import and a subfolder", () => {
    const graph = importGraph(
      new Map([
        ["emulator/env.ts", 'import type { Topology } from "./topology.js";'],
        ["emulator/topology.ts", 'import { Seeder } from "./seed.js";'],
        ["emulator/seed.ts", 'import { removePeering } from "./handlers/peerings.js";'],
        ["emulator/handlers/peerings.ts", 'import type { Env } from "../env.js";'],
      ]),
    );
    expect(importCycles(graph)).toEqual([
      "emulator/env.ts -> emulator/topology.ts -> emulator/seed.ts -> emulator/handlers/peerings.ts -> emulator/env.ts",
    ]);
  });

  it("finds none in a graph without one", () => {
    const graph = importGraph(
      new Map([
        ["src/a.ts", 'import { b } from "./b.js";\nimport { c } from "./c.js";'],
        ["src/b.ts", 'import { c } from "./c.js";'],
        ["src/c.ts", ""],
      ]),
    );
    expect(importCycles(graph)).toEqual([]);
  });

  it.each(["src", "emulator"])("has none in %s/", (dir) => {
    const graph = importGraph(readSources(root, tsFilesUnder(root, dir)));
    expect(graph.size).toBeGreaterThan(10);
    expect(importCycles(graph)).toEqual([]);
  });
});
