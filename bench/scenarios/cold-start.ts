import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, readdirSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { round } from "../lib/measure.js";
import { emptyResult, table, type ScenarioResult } from "../lib/report.js";

const root = resolve(import.meta.dirname, "../..");

function duBytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const entry of readdirSync(path)) n += duBytes(join(path, entry));
  return n;
}

/** Median ms to import `entry` in a fresh node process (module graph load + registration). */
function importMs(entry: string, runs: number, cwd: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(entry)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, FUNCTIONS_WORKER_RUNTIME: "node" },
    });
    if (r.status !== 0) throw new Error(`importing ${entry} failed: ${r.stderr}`);
    times.push(Number(r.stdout.trim().split("\n").pop()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** What `func azure functionapp publish` ships: the app files plus production node_modules. */
function productionPackageBytes(): { bytes: number; packages: number } {
  const out = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], {
    cwd: root,
    encoding: "utf8",
  });
  const paths = [...new Set(out.split("\n").filter((p) => p.includes(`${sep}node_modules${sep}`)))].sort();
  // A package's folder holds its nested node_modules: count each folder once.
  const tops = paths.filter((p, i) => !paths.slice(0, i).some((q) => p.startsWith(q + sep)));
  const app = ["dist", "host.json", "package.json"].map((p) => join(root, p)).filter(existsSync);
  return { bytes: [...tops, ...app].reduce((n, p) => n + duBytes(p), 0), packages: paths.length };
}

export async function coldStart(o: { runs: number }, log: (s: string) => void): Promise<ScenarioResult[]> {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "ignore" });
  const entry = join(root, "dist/src/index.js");
  const plainMs = importMs(entry, o.runs, root);
  const pkg = productionPackageBytes();

  // The same app bundled into one file: what a bundled deployment would ship.
  const out = mkdtempSync(join(tmpdir(), "vps-bundle-"));
  let bundleMs: number | null = null;
  let bundleBytes: number | null = null;
  try {
    const esbuild = await import("esbuild");
    await esbuild.build({
      entryPoints: [join(root, "src/index.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      minify: true,
      legalComments: "linked",
      outfile: join(out, "dist/index.mjs"),
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      // Provided by the Functions host at run time (the library falls back to test mode without it).
      external: ["@azure/functions-core"],
      logLevel: "silent",
    });
    writeFileSync(join(out, "package.json"), JSON.stringify({ type: "module", main: "dist/index.mjs" }));
    copyFileSync(join(root, "host.json"), join(out, "host.json"));
    bundleMs = importMs(join(out, "dist/index.mjs"), o.runs, out);
    bundleBytes = duBytes(out);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

  const mb = (b: number) => b / 2 ** 20;
  const plain = {
    ...emptyResult("cold-start-dist-plus-node-modules"),
    seconds: round(plainMs / 1000, 3),
    peakRssMb: null,
  };
  const bundled = {
    ...emptyResult("cold-start-esbuild-bundle"),
    seconds: bundleMs === null ? null : round(bundleMs / 1000, 3),
  };
  log(
    table(`cold start (median of ${o.runs} fresh node processes)`, [
      ["import dist/src/index.js, ms", round(plainMs, 0)],
      ["deployment package (dist + prod node_modules), MB", round(mb(pkg.bytes), 1)],
      ["  production packages", pkg.packages],
      ["import esbuild bundle, ms", bundleMs === null ? null : round(bundleMs, 0)],
      [
        "bundled package (bundle + host.json + package.json), MB",
        bundleBytes === null ? null : round(mb(bundleBytes), 2),
      ],
    ]),
  );
  return [
    { ...plain, packageMb: round(mb(pkg.bytes), 1) } as ScenarioResult,
    { ...bundled, packageMb: bundleBytes === null ? null : round(mb(bundleBytes), 2) } as ScenarioResult,
  ];
}
