/**
 * Helpers for the infrastructure checks: find the real Bicep CLI (restored by scripts/get-bicep.sh into
 * .tools/), compile infra/main.bicep to ARM JSON, walk the compiled template, and parse Bicep source
 * with tree-sitter-bicep (a syntax check that needs no .NET).
 */
import { execFileSync } from "node:child_process";
import {
  accessSync,
  constants,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Language, Parser, type Node } from "web-tree-sitter";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const INFRA_DIR = join(REPO_ROOT, "infra");
export const MAIN_BICEP = join(INFRA_DIR, "main.bicep");

/** Every .bicep file under infra/, repository-relative, sorted. */
export function bicepFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".bicep")) found.push(relative(REPO_ROOT, path));
    }
  };
  walk(INFRA_DIR);
  return found.sort();
}

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), "utf8");
}

// ---------------------------------------------------------------------------------------------------
// The real compiler
// ---------------------------------------------------------------------------------------------------

/** The Bicep CLI: $BICEP_BIN, else .tools/bin/bicep (scripts/get-bicep.sh), else undefined. */
export function findBicep(): string | undefined {
  const candidates = [process.env.BICEP_BIN, join(REPO_ROOT, ".tools", "bin", "bicep")];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there: try the next one
    }
  }
  return undefined;
}

/** The self-contained .NET binary aborts without ICU unless globalization is invariant. */
const bicepEnv = (): NodeJS.ProcessEnv => ({ ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" });

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function compileMain(bicep: string): JsonObject {
  const out = execFileSync(bicep, ["build", MAIN_BICEP, "--stdout"], {
    env: bicepEnv(),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as JsonObject;
}

export const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export interface ArmResource {
  type: string;
  name: string;
  /** The resource as compiled (properties, identity, ...). */
  body: JsonObject;
  /** Names of the module deployments it is nested in, outermost first. */
  path: string[];
  /** The (nested) template that declares it, to resolve its variables. */
  template: JsonObject;
}

/**
 * Every resource of a compiled template, nested module templates included. Bicep emits `resources` as
 * an array (languageVersion 1) or as an object keyed by symbolic name (languageVersion 2.0, used as soon
 * as user-defined types appear); both are handled.
 */
export function allResources(template: JsonObject, path: string[] = []): ArmResource[] {
  const raw = template.resources;
  const list: Json[] = Array.isArray(raw) ? raw : isObject(raw) ? Object.values(raw) : [];
  const result: ArmResource[] = [];
  for (const item of list) {
    // languageVersion 2.0 also lists `existing` references; they deploy nothing.
    if (!isObject(item) || typeof item.type !== "string" || item.existing === true) continue;
    const name = typeof item.name === "string" ? item.name : JSON.stringify(item.name);
    result.push({ type: item.type, name, body: item, path, template });
    const props = item.properties;
    if (item.type === "Microsoft.Resources/deployments" && isObject(props) && isObject(props.template)) {
      result.push(...allResources(props.template, [...path, name]));
    }
  }
  return result;
}

export const ofType = (resources: ArmResource[], type: string): ArmResource[] =>
  resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());

/** A value as written, or the template variable it names when it is exactly "[variables('x')]". */
export function resolveVariable(resource: ArmResource, value: Json | undefined): Json | undefined {
  const name = typeof value === "string" ? /^\[variables\('([^']+)'\)\]$/.exec(value)?.[1] : undefined;
  if (name === undefined) return value;
  const variables = resource.template.variables;
  return isObject(variables) ? variables[name] : undefined;
}

/** Walks any JSON value and returns every string in it. */
export function allStrings(value: Json | undefined): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap((v) => allStrings(v));
  if (isObject(value)) return Object.values(value).flatMap((v) => allStrings(v));
  return [];
}

// ---------------------------------------------------------------------------------------------------
// Syntax (tree-sitter-bicep)
// ---------------------------------------------------------------------------------------------------

let parserPromise: Promise<Parser> | undefined;

export function bicepParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const wasm = join(dirname(require.resolve("tree-sitter-bicep/package.json")), "tree-sitter-bicep.wasm");
    const language = await Language.load(readFileSync(wasm));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

export interface SyntaxProblem {
  line: number;
  column: number;
  text: string;
}

/** ERROR and MISSING nodes of a parse, with 1-based positions. */
export async function syntaxProblems(source: string): Promise<SyntaxProblem[]> {
  const tree = (await bicepParser()).parse(source);
  if (!tree) throw new Error("tree-sitter returned no tree");
  const problems: SyntaxProblem[] = [];
  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) {
      problems.push({
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        text: node.isMissing ? `missing ${node.type}` : node.text.slice(0, 60),
      });
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) if (child) visit(child);
  };
  visit(tree.rootNode);
  return problems;
}

export interface ParamInfo {
  name: string;
  description: string | undefined;
  secure: boolean;
  line: number;
}

/** Top-level `param` declarations with their @description and @secure decorators. */
export async function parameters(source: string): Promise<ParamInfo[]> {
  const tree = (await bicepParser()).parse(source);
  if (!tree) throw new Error("tree-sitter returned no tree");
  const result: ParamInfo[] = [];
  const top = tree.rootNode.children.filter((n): n is Node => n !== null);
  top.forEach((node, index) => {
    if (node.type !== "parameter_declaration") return;
    const previous = top[index - 1];
    const decorators = previous?.type === "decorators" ? previous.text : "";
    const description = /@description\(\s*'((?:[^'\\]|\\.)*)'/s.exec(decorators)?.[1];
    result.push({
      name: node.namedChildren[0]?.text ?? "?",
      description,
      secure: /@secure\(\)/.test(decorators),
      line: node.startPosition.row + 1,
    });
  });
  return result;
}

/** String literals of a top-level `var name = [ ... ]` array. */
export async function stringArrayVariable(source: string, variable: string): Promise<string[]> {
  const tree = (await bicepParser()).parse(source);
  if (!tree) throw new Error("tree-sitter returned no tree");
  const declaration = tree.rootNode.children.find(
    (n) => n?.type === "variable_declaration" && n.namedChildren[0]?.text === variable,
  );
  const array = declaration?.namedChildren[1];
  if (!array || array.type !== "array") throw new Error(`var ${variable} is not an array literal`);
  return array.namedChildren
    .filter((n): n is Node => n !== null && n.type === "string")
    .map((n) => n.text.slice(1, -1));
}

// ---------------------------------------------------------------------------------------------------
// What a deployment would create (`bicep snapshot`: the template evaluated with parameters, locally)
// ---------------------------------------------------------------------------------------------------

export interface SnapshotOptions {
  /** Body of a .bicepparam file after its `using` line. */
  params: string;
  subscriptionId: string;
  location: string;
  /** Bicep cloud profile (bicepconfig.json cloud.currentProfile) to build and lint under. */
  cloudProfile?: "AzureCloud" | "AzureUSGovernment" | "AzureChinaCloud";
}

export interface Snapshot {
  predictedResources: JsonObject[];
  outputs: JsonObject;
  diagnostics: Json[];
  /** bicep lint diagnostics of main.bicep under the chosen cloud profile. */
  lint: string;
}

/**
 * Copies infra/ to a temp dir (a .bicepparam must name its template by a relative path), sets the cloud
 * profile in its bicepconfig.json, lints it there and takes a snapshot with the given parameters.
 */
export function snapshotMain(bicep: string, options: SnapshotOptions): Snapshot {
  const dir = mkdtempSync(join(tmpdir(), "infra-snapshot-"));
  try {
    cpSync(INFRA_DIR, join(dir, "infra"), { recursive: true });
    const configPath = join(dir, "infra", "bicepconfig.json");
    const config = JSON.parse(readFileSync(configPath, "utf8")) as JsonObject;
    config.cloud = { currentProfile: options.cloudProfile ?? "AzureCloud" };
    writeFileSync(configPath, JSON.stringify(config));
    let lint = "";
    try {
      lint = execFileSync(bicep, ["lint", join(dir, "infra", "main.bicep")], {
        env: bicepEnv(),
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      lint = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    }
    const paramFile = join(dir, "test.bicepparam");
    writeFileSync(paramFile, `using 'infra/main.bicep'\n${options.params}\n`);
    execFileSync(
      bicep,
      [
        "snapshot",
        paramFile,
        "--mode",
        "overwrite",
        "--subscription-id",
        options.subscriptionId,
        "--location",
        options.location,
        "--tenant-id",
        "00000000-0000-0000-0000-00000000c0de",
      ],
      { env: bicepEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    const snapshot = JSON.parse(readFileSync(join(dir, "test.snapshot.json"), "utf8")) as JsonObject;
    return {
      predictedResources: (snapshot.predictedResources as Json[]).filter(isObject),
      outputs: isObject(snapshot.outputs) ? snapshot.outputs : {},
      diagnostics: Array.isArray(snapshot.diagnostics) ? snapshot.diagnostics : [],
      lint,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
