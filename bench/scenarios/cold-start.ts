import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { deflateRawSync } from "node:zlib";
import { directoryBytes, packageApp } from "../../scripts/package-app.js";
import { round } from "../lib/measure.js";
import { emptyResult, table, type ScenarioResult } from "../lib/report.js";

const root = resolve(import.meta.dirname, "../..");

/** ms to import `entry` in a fresh node process (module graph load + registration). */
function importMs(entry: string, cwd: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(entry)}); process.stdout.write("\\n" + String(performance.now() - t));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, FUNCTIONS_WORKER_RUNTIME: "node" },
  });
  if (r.status !== 0) throw new Error(`importing ${entry} failed: ${r.stderr.slice(-1500)}`);
  return Number(r.stdout.trim().split("\n").pop());
}

interface Timing {
  median: number;
  min: number;
  max: number;
}
const timing = (times: number[]): Timing => {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
};
const ms = (t: Timing) => `${round(t.median, 0)} (${round(t.min, 0)}-${round(t.max, 0)})`;

/** The unbundled alternative: the app files plus production node_modules (what a plain zip deploy ships). */
function unbundledPackageBytes(): { bytes: number; packages: number } {
  const out = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], {
    cwd: root,
    encoding: "utf8",
  });
  const paths = [...new Set(out.split("\n").filter((p) => p.includes(`${sep}node_modules${sep}`)))].sort();
  // A package's folder holds its nested node_modules: count each folder once.
  const tops = paths.filter((p, i) => !paths.slice(0, i).some((q) => p.startsWith(q + sep)));
  // dist without what `npm run package` writes there (dist/package, dist/package-sourcemap).
  const dist = join(root, "dist");
  const built = existsSync(dist)
    ? readdirSync(dist)
        .filter((name) => !name.startsWith("package"))
        .map((name) => join(dist, name))
    : [];
  const app = [...built, ...["host.json", "package.json"].map((p) => join(root, p)).filter(existsSync)];
  return { bytes: [...tops, ...app].reduce((n, p) => n + directoryBytes(p), 0), packages: paths.length };
}

/**
 * Primary: the deployment package azure.yaml ships, built by scripts/package-app.ts (`npm run
 * package`) into a temporary folder outside this repository, so nothing resolves from its
 * node_modules. Comparison: dist/src/index.js (tsc) with the production node_modules.
 * The two are imported alternately, `runs` times each, so load on the machine hits both alike.
 */
export async function coldStart(o: { runs: number }, log: (s: string) => void): Promise<ScenarioResult[]> {
  const out = mkdtempSync(join(tmpdir(), "vps-package-"));
  try {
    const pkg = await packageApp({ outDir: join(out, "package"), sourcemapDir: false });
    // azd uploads a zip of the folder: deflate each file as zip does, for the size on the wire.
    const deflated = pkg.files.reduce(
      (n, f) => n + deflateRawSync(readFileSync(join(pkg.outDir, f.name)), { level: 9 }).length,
      0,
    );
    execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "ignore" });
    const plainEntry = join(root, "dist/src/index.js");
    const unbundled = unbundledPackageBytes();

    const bundleTimes: number[] = [];
    const plainTimes: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      bundleTimes.push(importMs(pkg.entry, pkg.outDir));
      plainTimes.push(importMs(plainEntry, root));
    }
    const bundled = timing(bundleTimes);
    const plain = timing(plainTimes);

    const mb = (b: number) => b / 2 ** 20;
    log(
      table(`cold start (median (min-max) of ${o.runs} fresh node processes each)`, [
        ["import the deployment package (index.js), ms", ms(bundled)],
        ["deployment package (npm run package), MB", round(mb(pkg.bytes), 2)],
        ["  deflated as in the deployment zip, MB", round(mb(deflated), 2)],
        ["  files", pkg.files.map((f) => f.name).join(", ")],
        ["  source files bundled", pkg.inputs],
        ["comparison: import dist/src/index.js, ms", ms(plain)],
        ["comparison: dist + production node_modules, MB", round(mb(unbundled.bytes), 1)],
        ["  production packages", unbundled.packages],
      ]),
    );
    return [
      {
        ...emptyResult("cold-start-deployment-package"),
        seconds: round(bundled.median / 1000, 3),
        packageMb: round(mb(pkg.bytes), 2),
      } as ScenarioResult,
      {
        ...emptyResult("cold-start-dist-plus-node-modules"),
        seconds: round(plain.median / 1000, 3),
        packageMb: round(mb(unbundled.bytes), 1),
      } as ScenarioResult,
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
