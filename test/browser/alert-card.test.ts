import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `npm run docs:alert-card` (scripts/render-alert-card.ts) draws docs/alert-card.png with the
 * adaptivecards library in the same Debian Chromium the status-page test drives. Run here into a
 * temporary file, so a change that breaks the script (or a card the library cannot draw) fails CI
 * instead of being found the next time someone regenerates the picture.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "alert-card-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run docs:alert-card", () => {
  it("renders the sample card to a PNG of the documented size", () => {
    const out = join(dir, "card.png");
    execFileSync("npm", ["run", "--silent", "docs:alert-card", "--", out], {
      cwd: root,
      env: { ...process.env, CHROMIUM: "/usr/bin/chromium" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const png = readFileSync(out);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    // IHDR: width and height, the script's --window-size.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([648, 1112]);
    // A blank page of that size compresses to a few KB; the drawn card (text, colours) is far larger.
    expect(png.byteLength).toBeGreaterThan(50_000);
  });
});
