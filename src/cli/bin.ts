#!/usr/bin/env node
import { openArmTarget, runCli } from "./main.js";

const code = await runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    ...(process.stdout.isTTY ? { tty: { columns: process.stdout.columns } } : {}),
  },
  async (emulatorTopology, settings) => {
    if (emulatorTopology === undefined) return openArmTarget(settings);
    // Loaded only when asked for: the deployed app never starts the emulator.
    const { openEmulatorTarget } = await import("./emulator-target.js");
    return openEmulatorTarget(emulatorTopology);
  },
);
process.exitCode = code;
