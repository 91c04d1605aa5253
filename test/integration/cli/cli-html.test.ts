import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmulatorTarget } from "../../../src/cli/emulator-target.js";
import { runCli, type Target } from "../../../src/cli/main.js";
import type { JsonDocument } from "../../../src/cli/render.js";

async function cli(
  args: string[],
  target: Target,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(
    args,
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {} },
    async () => ({ ...target, close: async () => {} }),
  );
  return { code, stdout, stderr };
}

describe("vnet-peering-sync plan --output html", () => {
  let target: Target;
  beforeAll(async () => {
    target = await openEmulatorTarget(undefined);
  });
  afterAll(async () => {
    await target.close();
  });

  it("prints the status page with every problem of the plan, keeps exit code 2 and writes nothing", async () => {
    const json = await cli(["plan", "--emulator", "--output", "json"], target);
    const doc = JSON.parse(json.stdout) as JsonDocument;
    const { code, stdout, stderr } = await cli(["plan", "--emulator", "--output", "html"], target);
    expect(stderr).toBe("");
    expect(code).toBe(2);
    expect(stdout.startsWith("<!doctype html>")).toBe(true);
    expect(stdout).toContain("<svg");
    // Self-contained: nothing to fetch.
    expect(stdout).not.toMatch(/<link\b|<img\b|src=|@import|url\(http/i);
    for (const action of doc.actions.filter((a) => a.kind !== "skip")) {
      expect(stdout).toContain(`data-target="${action.target}"`);
    }
    expect(stdout).toContain("No runs recorded yet.");
  });

  it("after apply shows the estate as it is now, with the run and its writes as recent activity", async () => {
    const { code, stdout } = await cli(
      ["apply", "--emulator", "--repair-disconnected", "--output", "html"],
      target,
    );
    expect(code).toBe(0);
    const recent = stdout.slice(stdout.indexOf('id="recent-actions"'));
    expect(recent).toContain("succeeded");
    expect(recent).toContain("hub-to-spoke-data");
    // What is left needs a person: nothing is still planned as an automatic fix.
    const replanned = await cli(["plan", "--emulator", "--repair-disconnected", "--output", "json"], target);
    const left = (JSON.parse(replanned.stdout) as JsonDocument).actions.filter((a) => a.kind !== "skip");
    expect(left.every((a) => a.kind === "alertOnly")).toBe(true);
    for (const action of left) expect(stdout).toContain(`data-target="${action.target}"`);
    expect(stdout).not.toContain(`class="tag t-automatic"`);
  });
});
