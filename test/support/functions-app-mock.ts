import type * as AzureFunctions from "@azure/functions";

export type Trigger = "http" | "eventGrid" | "storageQueue" | "timer";

/**
 * `@azure/functions` with `app`'s registrations handed to `record` instead of the host, for a
 * `vi.mock("@azure/functions", ...)` factory (import this module dynamically there: factories are
 * hoisted above the imports).
 */
export function recordingFunctions(
  real: typeof AzureFunctions,
  record: (trigger: Trigger, name: string, options: Record<string, unknown>) => void,
): Record<string, unknown> {
  const on = (trigger: Trigger) => (name: string, options: Record<string, unknown>) =>
    record(trigger, name, options);
  return {
    ...real,
    app: {
      ...real.app,
      http: on("http"),
      eventGrid: on("eventGrid"),
      storageQueue: on("storageQueue"),
      timer: on("timer"),
    },
  };
}
