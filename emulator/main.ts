import { parseArgs } from "node:util";
import type { BusyMode, EmulatorOptions, EventSchema } from "./index.js";
import { startEmulator } from "./index.js";

/**
 * `npm run emulator -- --port 0 [--page-size n] [--latency s] [--request-latency s] [--time-scale f]
 *   [--seed n] [--topology file.json] [--busy 409|429|off] [--no-throttle]
 *   [--events-endpoint url] [--event-schema EventGrid|CloudEvents]
 *   [--graph-quota n] [--graph-window s] [--graph-staleness s]`
 * --graph-*: Resource Graph's queries per window per caller, the window, and its lag (emulated s).
 * --latency: emulated seconds each long-running operation takes; --request-latency: added to every answer.
 * Prints one JSON line {"endpoint", "caFile"} when ready, serves until SIGINT/SIGTERM.
 */
const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string" },
    "page-size": { type: "string" },
    latency: { type: "string" },
    "request-latency": { type: "string" },
    "time-scale": { type: "string" },
    seed: { type: "string" },
    topology: { type: "string" },
    busy: { type: "string" },
    "no-throttle": { type: "boolean" },
    "events-endpoint": { type: "string" },
    "event-schema": { type: "string" },
    "graph-quota": { type: "string" },
    "graph-window": { type: "string" },
    "graph-staleness": { type: "string" },
  },
  strict: true,
});

const num = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) {
    console.error(`--${name} expects a number, got '${v}'`);
    process.exit(2);
  }
  return n;
};

const options: EmulatorOptions = {
  port: num("port", values.port) ?? 0,
  ...(values.host ? { host: values.host } : {}),
  ...(values["page-size"] ? { pageSize: num("page-size", values["page-size"])! } : {}),
  ...(values.latency ? { lroDurationSeconds: num("latency", values.latency)! } : {}),
  ...(values["request-latency"]
    ? { requestLatencySeconds: num("request-latency", values["request-latency"])! }
    : {}),
  ...(values["time-scale"] ? { timeScale: num("time-scale", values["time-scale"])! } : {}),
  ...(values.seed ? { seed: num("seed", values.seed)! } : {}),
  ...(values.topology ? { topology: values.topology } : {}),
  ...(values.busy ? { busy: values.busy as BusyMode } : {}),
  ...(values["no-throttle"] ? { throttle: false as const } : {}),
  ...(values["events-endpoint"] || values["event-schema"]
    ? {
        events: {
          ...(values["events-endpoint"] ? { endpoint: values["events-endpoint"] } : {}),
          ...(values["event-schema"] ? { schema: values["event-schema"] as EventSchema } : {}),
        },
      }
    : {}),
  ...(values["graph-quota"] || values["graph-window"] || values["graph-staleness"]
    ? {
        resourceGraph: {
          ...(values["graph-quota"] ? { quota: num("graph-quota", values["graph-quota"])! } : {}),
          ...(values["graph-window"] ? { windowSeconds: num("graph-window", values["graph-window"])! } : {}),
          ...(values["graph-staleness"]
            ? { stalenessSeconds: num("graph-staleness", values["graph-staleness"])! }
            : {}),
        },
      }
    : {}),
};

const emu = await startEmulator(options);
process.stdout.write(`${JSON.stringify({ endpoint: emu.endpoint, caFile: emu.caFile })}\n`);

// Ctrl-C reaches every process of the group (npm, tsx, node), so the signal may arrive twice.
let stopping = false;
const shutdown = () => {
  if (stopping) return;
  stopping = true;
  emu.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
