/**
 * The forked side of a benchmark's app process (bench/scenarios/*-app.ts): messages to the bench
 * process, and the one way every app process ends.
 */

/** Sends `message` to the bench process; resolves once it was handed to the IPC channel. */
export function toParent<M>(message: M): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    process.send!(message, (err: Error | null) => (err ? reject(err) : resolve())),
  );
}

/**
 * Reports the run's figures (`done`) or its error (`error`, with the stack), then exits: keep-alive
 * sockets to the emulator would hold the process open once the figures are sent.
 */
export function reportAndExit<F>(
  run: Promise<F>,
  send: (m: { type: "done"; figures: F } | { type: "error"; message: string }) => Promise<void>,
): void {
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
