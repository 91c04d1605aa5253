import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import ts from "typescript";

/** Every .ts file under `dir` (relative to `root`), with forward slashes. */
export function tsFilesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => `${dir}/${name.split("\\").join("/")}`);
}

/**
 * The relative imports of each module, type-only ones included (a type cycle still ties the modules'
 * meaning together), as module paths: `./state.js` in `emulator/seed.ts` is `emulator/state.ts`.
 */
export function importGraph(sources: ReadonlyMap<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of sources) {
    const imported = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((ref) => ref.fileName)
      .filter((spec) => spec.startsWith("."))
      .map((spec) =>
        normalize(join(dirname(file), spec.replace(/\.js$/, ".ts")))
          .split("\\")
          .join("/"),
      )
      .filter((target) => sources.has(target));
    graph.set(file, imported);
  }
  return graph;
}

/** Each import cycle once, as the path that closes it: `a.ts -> b.ts -> a.ts`. */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (file: string): void => {
    onPath.push(file);
    for (const next of graph.get(file) ?? []) {
      const at = onPath.indexOf(next);
      if (at >= 0) cycles.push([...onPath.slice(at), next].join(" -> "));
      else if (!done.has(next)) visit(next);
    }
    onPath.pop();
    done.add(file);
  };
  for (const file of graph.keys()) if (!done.has(file)) visit(file);
  return cycles;
}

export function readSources(root: string, files: readonly string[]): Map<string, string> {
  return new Map(files.map((file) => [file, readFileSync(join(root, file), "utf8")]));
}
