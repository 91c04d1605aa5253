import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { BUNDLE_OPTIONS } from "../../scripts/package-app.js";
import type { Emulator } from "../../emulator/index.js";
import type { AppReport, EmulatorAddress } from "./child-process.js";

/**
 * The bench side of a benchmark's app process (bench/scenarios/*-app.ts; bench/lib/child-process.ts
 * is the forked side): how it is built and forked, and how its figures come back.
 */

/**
 * How an app process runs its source. `bundle` (default): as the deployment ships the app, one
 * minified ESM bundle (the esbuild settings of scripts/package-app.ts) run by plain `node`.
 * `tsx` (BENCH_SWEEP_APP=tsx): the TypeScript sources through tsx's loader, which costs the process
 * ~90 MB of its own (the loader's thread, unminified sources): a comparison, not the app's figure.
 */
export type AppRunner = "bundle" | "tsx";
export const appRunner = (): AppRunner => (process.env.BENCH_SWEEP_APP === "tsx" ? "tsx" : "bundle");

/** The script and node flags of an app process. */
export interface AppCommand {
  script: string;
  execArgv: string[];
}

/** The app process running `source`; `dir` is a temporary folder for the bundle. */
export async function appCommand(runner: AppRunner, dir: string, source: string): Promise<AppCommand> {
  if (runner === "tsx") {
    // tsx is a devDependency: its loader, resolved from here, so the child does not depend on the cwd.
    const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    return { script: source, execArgv: ["--import", loader] };
  }
  const script = join(dir, `${basename(source, ".ts")}.mjs`);
  await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [source],
    outfile: script,
    legalComments: "none",
    logLevel: "silent",
  });
  return { script, execArgv: [] };
}

/** What an app process's `start` carries of `emu` (remoteEmulator on the other side). */
export const emulatorAddress = (emu: Emulator): EmulatorAddress => ({
  endpoint: emu.endpoint,
  caPem: emu.caPem,
  options: emu.options,
});

export interface ForkedApp<F> {
  child: ChildProcess;
  /**
   * The figures the process reported, once it has exited; rejects, naming the process, its exit and
   * the error it reported, when it exits without figures.
   */
  figures: Promise<F>;
}

/**
 * Forks `app` with `envFlag`=1 (the app module's entry point runs only then) and sends it `start`.
 * `onMessage` sees each of its messages but the final report.
 */
export function forkApp<F, M extends { type: string }>(
  app: AppCommand,
  o: { envFlag: string; name: string; start: { type: "start" }; onMessage?: (m: M) => void },
): ForkedApp<F> {
  const child = fork(app.script, [], {
    execArgv: app.execArgv,
    env: { ...process.env, [o.envFlag]: "1" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const figures = new Promise<F>((resolve, reject) => {
    let reported: F | undefined;
    let failure: string | undefined;
    child.on("message", (m: M) => {
      const report = m as unknown as AppReport<F>;
      if (report.type === "done") reported = report.figures;
      else if (report.type === "error") failure = report.message;
      else o.onMessage?.(m);
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (reported) resolve(reported);
      else reject(new Error(`${o.name} failed (exit ${code ?? signal}): ${failure ?? "no report"}`));
    });
  });
  child.send(o.start);
  return { child, figures };
}

/**
 * Runs an app process that stops at each `pause` message until told `counted`
 * (runWhenStarted in bench/lib/child-process.ts): `atPause` runs in between, when the emulator's
 * counters hold that phase's requests and no more. Its `start` is `start` with `emu`'s address.
 */
export function runPausingApp<F, M extends { type: string }, S extends EmulatorAddress & { type: "start" }>(
  app: AppCommand,
  o: {
    envFlag: string;
    name: string;
    emu: Emulator;
    start: Omit<S, keyof EmulatorAddress>;
    pause: M["type"];
    atPause: () => void;
  },
): Promise<F> {
  const { child, figures } = forkApp<F, { type: string }>(app, {
    envFlag: o.envFlag,
    name: o.name,
    start: { ...o.start, ...emulatorAddress(o.emu) } as unknown as S,
    onMessage: (m) => {
      if (m.type !== o.pause) return;
      o.atPause();
      child.send({ type: "counted" });
    },
  });
  return figures;
}
