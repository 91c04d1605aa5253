import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openEmulatorTarget } from "../../../src/cli/emulator-target.js";
import { cli, json } from "./harness.js";

/**
 * The demo's cross-tenant topology (demo/cross-tenant.json) through the CLI as `--emulator` runs it:
 * the emulator checks tokens, the port signs in as the multi-tenant application. The consented
 * partner's side is synced and its missing half created; the tenant that never consented is reported
 * with its admin consent link; a second apply writes nothing.
 */
const topology = fileURLToPath(new URL("../../../demo/cross-tenant.json", import.meta.url));

describe("demo: peers in other tenants", () => {
  it("apply writes the consented partner's pairs, reports the other tenant, then converges", async () => {
    const target = await openEmulatorTarget(topology);
    try {
      const applied = await cli(["apply", "--emulator", "--output", "json"], target);
      expect(applied.code, applied.stderr).toBe(0);
      const doc = json(applied);
      expect(doc.actions.map((a) => [a.kind, a.result])).toEqual([
        ["sync", "succeeded"],
        ["createReciprocal", "succeeded"],
        ["alertOnly", "skipped"],
      ]);
      const alert = doc.actions.find((a) => a.kind === "alertOnly")!;
      expect(alert.remedy).toContain(
        "https://login.microsoftonline.com/cccccccc-cccc-4ccc-8ccc-cccccccccccc/adminconsent?client_id=dddddddd-dddd-4ddd-8ddd-dddddddddddd",
      );
      const again = json(await cli(["plan", "--emulator", "--output", "json"], target));
      expect(again.actions.filter((a) => a.kind !== "alertOnly" && a.kind !== "skip")).toEqual([]);
    } finally {
      await target.close();
    }
  });
});
