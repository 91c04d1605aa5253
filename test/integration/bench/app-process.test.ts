import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator/index.js";
import {
  appCommand,
  emulatorAddress,
  forkApp,
  runPausingApp,
  type AppCommand,
} from "../../../bench/lib/app-process.js";
import type { PausingAppFigures, PausingAppStart } from "../../support/pausing-app.js";

/**
 * How the bench process runs an app process and gets its figures back (bench/lib/app-process.ts
 * with bench/lib/child-process.ts on the other side), on a stand-in app (test/support/pausing-app.ts).
 */
const source = fileURLToPath(new URL("../../support/pausing-app.ts", import.meta.url));
const envFlag = "VPS_PAUSING_APP";
const name = "the pausing app";

describe("bench app processes", () => {
  let dir: string;
  let app: AppCommand;
  let emu: Emulator;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vps-pausing-app-"));
    app = await appCommand("bundle", dir, source);
    emu = await startEmulator({ throttle: false });
  });
  afterAll(async () => {
    await emu.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("sends the emulator's address, answers each pause once the bench side has counted, resolves with the figures", async () => {
    let counted = 0;
    const figures = await runPausingApp<PausingAppFigures, { type: "paused" }, PausingAppStart>(app, {
      envFlag,
      name,
      emu,
      start: { type: "start", pauses: 3 },
      pause: "paused",
      atPause: () => counted++,
    });
    expect(figures).toEqual({ pauses: 3, endpoint: emu.endpoint });
    expect(counted).toBe(3);
  });

  it("hands every message but the report to onMessage", async () => {
    const seen: unknown[] = [];
    const start: PausingAppStart = { type: "start", ...emulatorAddress(emu), pauses: 0, hello: "hi" };
    const forked = forkApp<PausingAppFigures, { type: "hello"; text: string }>(app, {
      envFlag,
      name,
      start,
      onMessage: (m) => seen.push(m),
    });
    await expect(forked.figures).resolves.toEqual({ pauses: 0, endpoint: emu.endpoint });
    expect(seen).toEqual([{ type: "hello", text: "hi" }]);
    expect(forked.child.exitCode).toBe(0);
  });

  it("rejects with the process's name, its exit code and the error it reported", async () => {
    const run = runPausingApp<PausingAppFigures, { type: "paused" }, PausingAppStart>(app, {
      envFlag,
      name,
      emu,
      start: { type: "start", pauses: 1, fail: "no quota left" },
      pause: "paused",
      atPause: () => undefined,
    });
    await expect(run).rejects.toThrow(/^the pausing app failed \(exit 1\): Error: no quota left\n/);
  });

  it("rejects when the process ends without a report", async () => {
    const start: PausingAppStart = { type: "start", ...emulatorAddress(emu), pauses: 0, exitSilently: 3 };
    await expect(forkApp(app, { envFlag, name, start }).figures).rejects.toThrow(
      "the pausing app failed (exit 3): no report",
    );
  });
});
