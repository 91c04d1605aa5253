/**
 * `npm run demo`: the main job, end to end, with no Azure account. Starts the bundled emulator with a
 * hub-and-spoke that has every kind of trouble, then runs the real CLI against it three times:
 * plan, apply (with Disconnected repair switched on), and plan again to show what is left for people.
 * It ends with a what-if of the hub's next planned resize, as a pull request would carry it: a
 * Terraform plan (`terraform show -json`) adding 10.101.0.0/16 (demo/next-hub-resize.plan.json).
 * Last, a hub peered with two other Entra tenants (demo/cross-tenant.json, docs/cross-tenant.md): one
 * consented, where the product syncs and creates reciprocals with auxiliary tokens, one that did not,
 * which it reports with the admin consent link.
 */
import { fileURLToPath } from "node:url";
import { styleText } from "node:util";
import { openEmulatorTarget } from "../src/cli/emulator-target.js";
import { runCli, type CliIo } from "../src/cli/main.js";
import { ArmError } from "../src/reconcile/errors.js";

const topologyFile = process.argv[2];
const target = await openEmulatorTarget(topologyFile);
const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  ...(process.stdout.isTTY ? { tty: { columns: process.stdout.columns } } : {}),
};
const shared = async () => ({ ...target, close: async () => {} });
const heading = (text: string) =>
  process.stdout.write(`\n${process.stdout.isTTY ? styleText("bold", text) : text}\n\n`);

try {
  heading("1. plan: what is wrong with this hub-and-spoke");
  const planned = await runCli(["plan", "--emulator"], io, shared);

  heading("2. apply --repair-disconnected: fix what is safe to fix");
  const applied = await runCli(["apply", "--emulator", "--repair-disconnected"], io, shared);

  heading("3. plan again: what is left needs a human");
  const replanned = await runCli(["plan", "--emulator", "--repair-disconnected"], io, shared);

  heading("4. the peerings now, as ARM reports them");
  process.stdout.write(`${await peeringTable()}\n`);

  heading("5. what-if: the hub's next planned resize, before anyone applies it");
  const nextResize = fileURLToPath(new URL("./next-hub-resize.plan.json", import.meta.url));
  const whatIf = await runCli(["what-if", "--emulator", "--from-terraform-plan", nextResize], io, shared);

  heading("6. peers in other tenants: a partner that consented, and one that did not");
  const partner = await openEmulatorTarget(fileURLToPath(new URL("./cross-tenant.json", import.meta.url)));
  let crossTenant: number;
  try {
    crossTenant = await runCli(["apply", "--emulator"], io, async () => ({
      ...partner,
      close: async () => {},
    }));
  } finally {
    await partner.close();
  }

  process.stdout.write(
    `\nExit codes: plan ${planned} (2 = work found), apply ${applied} (0 = every write succeeded), ` +
      `re-plan ${replanned} (only reports are left), what-if ${whatIf} (2 = accepted, syncs to follow), cross-tenant apply ${crossTenant}.\n`,
  );
  process.exitCode = applied === 0 && crossTenant === 0 ? 0 : 1;
} finally {
  await target.close();
}

async function peeringTable(): Promise<string> {
  const rows: string[][] = [["VNET", "PEERING", "STATE", "SYNC LEVEL"]];
  const notes: string[] = [];
  for (const subscription of target.subscriptions) {
    try {
      for (const vnet of await target.port.listVnets(subscription)) {
        for (const p of vnet.peerings) rows.push([vnet.name, p.name, p.state, p.syncLevel]);
      }
    } catch (err) {
      if (!(err instanceof ArmError && err.status === 403)) throw err;
      notes.push(`(subscription ${subscription} answered 403: its VNets are not shown)`);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
