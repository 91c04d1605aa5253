import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageApp, type PackageResult } from "../../../scripts/package-app.js";
import { SETTING_NAMES } from "../../../src/config.js";

const root = resolve(import.meta.dirname, "../../..");

interface Registration {
  name: string;
  bindings: unknown;
  handler: string;
}
interface Loaded {
  registered: Registration[];
  programmingModel: string | null;
  settingsRead: string[];
  stderr: string;
}

/**
 * Imports `entry` in a fresh node process whose environment holds no app setting, and reports what
 * it registered and which app settings it read. With `host`, the process first provides
 * `@azure/functions-core` the way the Functions host's Node.js worker does (setupCoreModule.ts in
 * Azure/azure-functions-nodejs-worker: a proxy around `Module.prototype.require` answering that one
 * name), so a bundle that cannot reach it registers nothing, exactly as it would in Azure.
 */
function load(entry: string, o: { host: boolean; cwd: string; nodeArgs?: string[] }): Loaded {
  const script = `
    import Module from "node:module";
    const settingNames = new Set(${JSON.stringify(SETTING_NAMES)});
    const settingsRead = new Set();
    process.env = new Proxy(process.env, {
      get: (t, k) => (typeof k === "string" && settingNames.has(k) && settingsRead.add(k), Reflect.get(t, k)),
      has: (t, k) => (typeof k === "string" && settingNames.has(k) && settingsRead.add(k), Reflect.has(t, k)),
    });
    const registered = [];
    let programmingModel = null;
    if (${o.host}) {
      const coreApi = {
        version: "fake-host",
        hostVersion: "4.0.0",
        setProgrammingModel: (m) => { programmingModel = m.name + "@" + m.version; },
        getProgrammingModel: () => undefined,
        registerHook: () => ({ dispose() {} }),
        registerFunction: (metadata, callback) => {
          registered.push({ name: metadata.name, bindings: metadata.bindings, handler: typeof callback });
          return { dispose() {} };
        },
        Disposable: class { dispose() {} },
      };
      Module.prototype.require = new Proxy(Module.prototype.require, {
        apply: (target, self, args) => args[0] === "@azure/functions-core" ? coreApi : Reflect.apply(target, self, args),
      });
    }
    await import(${JSON.stringify(pathToFileURL(entry).href)});
    process.stdout.write("\\n" + JSON.stringify({ registered, programmingModel, settingsRead: [...settingsRead] }));
  `;
  const r = spawnSync(process.execPath, [...(o.nodeArgs ?? []), "--input-type=module", "-e", script], {
    cwd: o.cwd,
    encoding: "utf8",
    // Nothing of this machine's settings, no NODE_OPTIONS from the test runner.
    env: { PATH: process.env.PATH ?? "" },
    timeout: 30_000,
  });
  // The end of stderr holds the error; a minified bundle's source line before it can be megabytes.
  if (r.status !== 0) throw new Error(`importing ${entry} failed (${r.status}): ...${r.stderr.slice(-1500)}`);
  const last = r.stdout.trim().split("\n").pop() ?? "";
  return { ...(JSON.parse(last) as Omit<Loaded, "stderr">), stderr: r.stderr };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? [p + "/", ...filesUnder(p)] : [p];
  });
}

describe("the deployment package (npm run package, what azure.yaml deploys)", () => {
  let tmp: string;
  let pkg: PackageResult;
  let fromSource: Loaded;

  beforeAll(async () => {
    // Under the system temp folder: no node_modules above it, so anything the bundle left out fails
    // to resolve instead of being found in this repository's.
    tmp = mkdtempSync(join(tmpdir(), "vps-package-"));
    pkg = await packageApp({ outDir: join(tmp, "package"), sourcemapDir: join(tmp, "sourcemap") });
    // What the app registers, from the TypeScript source itself (src/index.ts through tsx).
    fromSource = load(join(root, "src/index.ts"), { host: true, cwd: root, nodeArgs: ["--import", "tsx"] });
  }, 60_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("is one bundle, its licence notices, host.json and a package.json: under 10 MB, no node_modules, no source map", () => {
    expect(pkg.files.map((f) => f.name)).toEqual([
      "host.json",
      "index.js",
      "index.js.LEGAL.txt",
      "package.json",
    ]);
    expect(filesUnder(pkg.outDir).filter((p) => /node_modules|\.map$/.test(p))).toEqual([]);
    expect(pkg.bytes).toBeLessThan(10_000_000);
    expect(pkg.sourcemap).toBe(join(tmp, "sourcemap", "index.js.map"));

    const manifest = JSON.parse(readFileSync(join(pkg.outDir, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({ type: "module", main: "index.js" });
    for (const field of ["dependencies", "optionalDependencies", "peerDependencies", "scripts"])
      expect(manifest).not.toHaveProperty(field);
    expect(readFileSync(join(pkg.outDir, "host.json"), "utf8")).toBe(
      readFileSync(join(root, "host.json"), "utf8"),
    );
  });

  it("leaves only Node built-ins and the host's @azure/functions-core outside the bundle", () => {
    expect(pkg.externals).toContain("@azure/functions-core");
    const others = pkg.externals.filter((p) => p !== "@azure/functions-core");
    expect(others.filter((p) => !p.startsWith("node:") && !builtinModules.includes(p))).toEqual([]);
  });

  it("registers every function of the app with the host, with the same bindings, without reading a setting", () => {
    // The source registers what src/index.ts has: if this list is wrong, so is the app.
    expect(fromSource.registered.map((r) => r.name)).toContain("onNetworkEvent");
    expect(fromSource.settingsRead).toEqual([]);

    const bundled = load(pkg.entry, { host: true, cwd: pkg.outDir });
    expect(bundled.programmingModel).toMatch(/^@azure\/functions@4\./);
    expect(bundled.registered).toEqual(fromSource.registered);
    expect(bundled.registered.every((r) => r.handler === "function")).toBe(true);
    expect(bundled.settingsRead).toEqual([]);
    expect(bundled.stderr).not.toContain("test mode");
  });

  it("loads outside the host too: the library's test mode skips each registration, by name", () => {
    const outside = load(pkg.entry, { host: false, cwd: pkg.outDir });
    expect(outside.registered).toEqual([]);
    const skipped = [...outside.stderr.matchAll(/Skipping call to register function "([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(skipped).toEqual(fromSource.registered.map((r) => r.name));
    expect(outside.settingsRead).toEqual([]);
  });
});
