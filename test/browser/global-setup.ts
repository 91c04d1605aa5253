import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The browser tests drive Debian's Chromium. On a fresh machine where the tests run as root (CI, a
 * container) it is installed here with the project's own script, so `npm ci && npm test` is all a
 * new machine needs; elsewhere the tests fail naming the command to run (a developer's laptop gets
 * no package installed behind its back).
 */
export default function installChromiumWhenMissing(): void {
  if (existsSync("/usr/bin/chromium")) return;
  const script = fileURLToPath(new URL("../../scripts/install-chromium.sh", import.meta.url));
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) return;
  console.log(
    "browser tests: /usr/bin/chromium is missing; installing Debian's chromium (scripts/install-chromium.sh)",
  );
  execFileSync("bash", [script], { stdio: "inherit" });
}
