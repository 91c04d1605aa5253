import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appCommand, forkApp, runPausingApp, type AppCommand } from "../../../bench/lib/app-process.js";
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
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vps-pausing-app-"));
    app = await appCommand("bundle", dir, source);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("answers each pause once the bench side has run its count, then resolves with the figures", async () => {
    let counted = 0;
    const start: PausingAppStart = { type: "start", pauses: 3 };
    const figures = await runPausingApp<PausingAppFigures, { type: "paused" }>(app, {
      envFlag,
      name,
      start,
      pause: "paused",
      atPause: () => counted++,
    });
    expect(figures).toEqual({ pauses: 3 });
    expect(counted).toBe(3);
  });

  it("hands every message but the report to onMessage", async () => {
    const seen: unknown[] = [];
    const start: PausingAppStart = { type: "start", pauses: 0, hello: "hi" };
    const forked = forkApp<PausingAppFigures, { type: "hello"; text: string }>(app, {
      envFlag,
      name,
      start,
      onMessage: (m) => seen.push(m),
    });
    await expect(forked.figures).resolves.toEqual({ pauses: 0 });
    expect(seen).toEqual([{ type: "hello", text: "hi" }]);
    expect(forked.child.exitCode).toBe(0);
  });

  it("rejects with the process's name, its exit code and the error it reported", async () => {
    const start: PausingAppStart = { type: "start", pauses: 1, fail: "no quota left" };
    const run = runPausingApp<PausingAppFigures, { type: "paused" }>(app, {
      envFlag,
      name,
      start,
      pause: "paused",
      atPause: () => undefined,
    });
    await expect(run).rejects.toThrow(/^the pausing app failed \(exit 1\): Error: no quota left\n/);
  });

  it("rejects when the process ends without a report", async () => {
    const start: PausingAppStart = { type: "start", pauses: 0, exitSilently: 3 };
    await expect(forkApp(app, { envFlag, name, start }).figures).rejects.toThrow(
      "the pausing app failed (exit 3): no report",
    );
  });
});
