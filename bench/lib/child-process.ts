import type { Emulator } from "../../emulator/index.js";

/**
 * The forked side of a benchmark's app process (bench/scenarios/*-app.ts): messages to the bench
 * process, and the one way every app process ends.
 */

/**
 * The bench process's emulator as an app process reaches it, sent in its `start`: the address, the
 * CA (PEM), and the options, whose time scale productPort and runEngine scale the SDK's clocks by.
 */
export type EmulatorAddress = Pick<Emulator, "endpoint" | "caPem" | "options">;

/** The emulator for productPort and runEngine in an app process: they read only its address. */
export const remoteEmulator = (start: EmulatorAddress): Emulator =>
  ({ endpoint: start.endpoint, caPem: start.caPem, options: start.options }) as EmulatorAddress as Emulator;

/** Sends `message` to the bench process; resolves once it was handed to the IPC channel. */
export function toParent<M>(message: M): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    process.send!(message, (err: Error | null) => (err ? reject(err) : resolve())),
  );
}

/** How every app process ends: its figures, or its error (with the stack). */
export type AppReport<F> = { type: "done"; figures: F } | { type: "error"; message: string };

/**
 * Reports the run's figures (`done`) or its error (`error`, with the stack), then exits: keep-alive
 * sockets to the emulator would hold the process open once the figures are sent.
 */
export function reportAndExit<F>(run: Promise<F>, send: (m: AppReport<F>) => Promise<void>): void {
  run
    .then(
      (figures) => send({ type: "done", figures }).then(() => 0),
      (err: unknown) =>
        send({
          type: "error",
          message: err instanceof Error ? (err.stack ?? err.message) : String(err),
        }).then(() => 1),
    )
    .then(
      (code) => process.exit(code),
      () => process.exit(2),
    );
}

/**
 * The entry point of an app process whose run stops between phases: waits for `start`, then runs
 * `run` and reports (reportAndExit). Each `pause()` of `run` sends `pause` and resolves when the bench
 * process answers `counted`, having read the emulator's counters (runPausingApp in
 * bench/lib/app-process.ts).
 */
export function runWhenStarted<S extends { type: "start" }, F>(
  pause: string,
  run: (start: S, pause: () => Promise<void>) => Promise<F>,
): void {
  const send = (m: { type: string }) => toParent(m);
  let counted: (() => void) | undefined;
  process.on("message", (m: S | { type: "counted" }) => {
    if (m.type === "counted") {
      counted?.();
      return;
    }
    reportAndExit(
      run(m, async () => {
        const wait = new Promise<void>((resolve) => (counted = resolve));
        await send({ type: pause });
        await wait;
      }),
      send,
    );
  });
}
