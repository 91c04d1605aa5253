import { runWhenStarted, toParent, type EmulatorAddress } from "../../bench/lib/child-process.js";

/**
 * A stand-in for a benchmark's app process (bench/scenarios/*-app.ts), forked by
 * test/integration/bench/app-process.test.ts: it pauses `pauses` times, then reports (the emulator
 * it was told of), fails, or exits without a word, as `start` asks.
 */
export interface PausingAppStart extends EmulatorAddress {
  type: "start";
  pauses: number;
  /** Sent as a message of its own before the run. */
  hello?: string;
  /** The run throws this. */
  fail?: string;
  /** Exits with this code before reporting anything. */
  exitSilently?: number;
}

export interface PausingAppFigures {
  pauses: number;
  /** The emulator's endpoint, as `start` named it. */
  endpoint: string;
}

if (process.send && process.env.VPS_PAUSING_APP === "1")
  runWhenStarted("paused", async (start: PausingAppStart, pause): Promise<PausingAppFigures> => {
    if (start.hello !== undefined) await toParent({ type: "hello", text: start.hello });
    for (let i = 0; i < start.pauses; i++) await pause();
    if (start.exitSilently !== undefined) process.exit(start.exitSilently);
    if (start.fail !== undefined) throw new Error(start.fail);
    return { pauses: start.pauses, endpoint: start.endpoint };
  });
