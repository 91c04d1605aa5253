/**
 * The deployment package of the Functions app: what `azd deploy` ships (azure.yaml, `dist`).
 *
 *   npm run package [-- --out <dir>]        default dist/package
 *
 * writes a self-contained folder, nothing to install:
 *
 *   index.js             src/index.ts and every dependency it reaches, one minified ESM file (esbuild)
 *   index.js.LEGAL.txt   the licence comments esbuild took out of the bundled packages
 *   host.json            copied from the project
 *   package.json         {"type": "module", "main": "index.js"} and no dependencies
 *
 * The source map goes next to the folder (`<dir>-sourcemap/index.js.map`), never into it: it is four
 * times the size of the code and the host does not read it.
 *
 * Everything is bundled except Node's built-ins and `@azure/functions-core`, the module the Functions
 * host's Node.js worker provides at run time (it answers `require("@azure/functions-core")` itself by
 * wrapping `Module.prototype.require`; it is not on npm, Azure/azure-functions-nodejs-library#201).
 * The bundled `@azure/functions` reaches it through a real `require`, which an ES module does not
 * have: the banner creates one with `createRequire`. Without it esbuild's `require` shim throws,
 * the library quietly falls into test mode and the host finds no functions.
 */
import { build, type BuildOptions, type Metafile } from "esbuild";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

/** The only module left to the Functions host. */
export const HOST_PROVIDED = ["@azure/functions-core"] as const;

export const ENTRY_FILE = "index.js";
const PACKAGE_FILES = new Set([ENTRY_FILE, `${ENTRY_FILE}.LEGAL.txt`, "host.json", "package.json"]);

// Named `require` because esbuild's shim for `require(...)` calls in bundled CommonJS looks for exactly
// that name; the import gets a name no bundled module uses.
const BANNER =
  'import { createRequire as __vpsCreateRequire } from "node:module";\n' +
  "const require = __vpsCreateRequire(import.meta.url);";

/**
 * How the app is bundled, shared with anything that must load like the deployed package (the sweep
 * benchmark's app process): one minified ES module for Node 20+, with a real `require` for the
 * CommonJS inside it.
 */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Smaller and faster to load (2.8 MB instead of 6.2 MB; a fresh import ~20% faster); names are kept
  // so stack traces and `constructor.name` still say which class it was (measured: no cost).
  minify: true,
  keepNames: true,
  banner: { js: BANNER },
} as const satisfies BuildOptions;

export interface PackageOptions {
  /** Folder to write (created; a previous package there is replaced). Default dist/package. */
  outDir?: string;
  /** Where the source map goes; `false`: none. Default `<outDir>-sourcemap`. */
  sourcemapDir?: string | false;
  /** Project root (src/index.ts, host.json, package.json). */
  root?: string;
}

export interface PackageResult {
  outDir: string;
  /** Absolute path of the bundle the host loads. */
  entry: string;
  /** Total size of the folder, bytes. */
  bytes: number;
  files: { name: string; bytes: number }[];
  sourcemap: string | null;
  /** Source files esbuild put into the bundle. */
  inputs: number;
  /** What the bundle still imports or requires: Node built-ins and HOST_PROVIDED only. */
  externals: string[];
}

export function directoryBytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, entry) => n + directoryBytes(join(path, entry)), 0);
}

/** Empty `dir` of a previous package, refusing anything that is not one (`--out .` must not wipe a tree). */
function clearPackageDir(dir: string, root: string): void {
  if (root === dir || root.startsWith(dir + "/") || root.startsWith(dir + "\\"))
    throw new Error(`refusing to write the package into ${dir}: it holds the project`);
  if (!existsSync(dir)) return;
  const stray = readdirSync(dir).filter((name) => !PACKAGE_FILES.has(name));
  if (stray.length > 0)
    throw new Error(
      `${dir} is not a previous package (it holds ${stray.join(", ")}); choose an empty folder`,
    );
  for (const name of PACKAGE_FILES) rmSync(join(dir, name), { force: true });
}

function externalsOf(metafile: Metafile): string[] {
  const paths = Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external));
  return [...new Set(paths.map((i) => i.path))].sort();
}

export async function packageApp(options: PackageOptions = {}): Promise<PackageResult> {
  const root = resolve(options.root ?? ROOT);
  const outDir = resolve(options.outDir ?? join(root, "dist/package"));
  const sourcemapDir =
    options.sourcemapDir === false ? null : resolve(options.sourcemapDir ?? `${outDir}-sourcemap`);
  clearPackageDir(outDir, root);

  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, "src/index.ts")],
    outfile: join(outDir, ENTRY_FILE),
    ...BUNDLE_OPTIONS,
    legalComments: "external",
    sourcemap: sourcemapDir ? "external" : false,
    external: [...HOST_PROVIDED],
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  if (result.warnings.length > 0)
    throw new Error(`esbuild warnings:\n${result.warnings.map((w) => `  ${w.text}`).join("\n")}`);

  const externals = externalsOf(result.metafile);
  const builtins = new Set(builtinModules);
  const unexpected = externals.filter(
    (p) => !(HOST_PROVIDED as readonly string[]).includes(p) && !p.startsWith("node:") && !builtins.has(p),
  );
  if (unexpected.length > 0)
    throw new Error(`the bundle would need packages the host does not have: ${unexpected.join(", ")}`);

  mkdirSync(outDir, { recursive: true });
  let sourcemap: string | null = null;
  for (const file of result.outputFiles) {
    if (file.path.endsWith(".map")) {
      if (!sourcemapDir) continue;
      mkdirSync(sourcemapDir, { recursive: true });
      sourcemap = join(sourcemapDir, `${ENTRY_FILE}.map`);
      writeFileSync(sourcemap, file.contents);
    } else {
      writeFileSync(file.path, file.contents);
    }
  }
  copyFileSync(join(root, "host.json"), join(outDir, "host.json"));
  const project = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  const manifest = {
    name: project.name,
    version: project.version,
    private: true,
    description: "Deployment package built by scripts/package-app.ts (npm run package); do not edit.",
    type: "module",
    main: ENTRY_FILE,
  };
  writeFileSync(join(outDir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");

  const files = readdirSync(outDir)
    .sort()
    .map((name) => ({ name, bytes: statSync(join(outDir, name)).size }));
  return {
    outDir,
    entry: join(outDir, ENTRY_FILE),
    bytes: directoryBytes(outDir),
    files,
    sourcemap,
    inputs: Object.keys(result.metafile.inputs).length,
    externals,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--out");
  const outDir = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !outDir) throw new Error("--out needs a folder");
  const started = performance.now();
  const r = await packageApp(outDir ? { outDir } : {});
  const mb = (b: number) => (b / 2 ** 20).toFixed(2);
  console.log(
    `package: ${relative(process.cwd(), r.outDir) || "."} (${mb(r.bytes)} MB, ${r.inputs} source files bundled, ` +
      `${Math.round(performance.now() - started)} ms)`,
  );
  for (const f of r.files) console.log(`  ${f.name.padEnd(20)} ${mb(f.bytes).padStart(6)} MB`);
  if (r.sourcemap) console.log(`source map (not deployed): ${relative(process.cwd(), r.sourcemap)}`);
}
