import { afterEach, describe, expect, it } from "vitest";
import {
  WRITE_KINDS,
  cli,
  json,
  net,
  peeringId,
  startEstate,
  stateOf,
  topology,
  writes,
  type CliEstate,
} from "./harness.js";

/** `--report-only` (or REPORT_ONLY=true): apply plans and reports every action, and writes nothing. */

// One of each write: a resized spoke (sync), a one-sided peering (createReciprocal) and a Disconnected
// pair (resetDisconnected + createReciprocal with --repair-disconnected).
const work = topology(
  [
    net("hub", "10.0.0.0/16"),
    net("spoke1", "10.1.0.0/16"),
    net("spoke2", "10.2.0.0/16"),
    net("spoke3", "10.3.0.0/16"),
  ],
  [
    { from: "hub", to: "spoke1" },
    { from: "spoke2", to: "hub", reverse: false },
    { from: "hub", to: "spoke3" },
  ],
  [
    { op: "setAddressSpace", vnet: "spoke1", addressPrefixes: ["10.1.0.0/16", "10.101.0.0/16"] },
    { op: "deletePeering", vnet: "spoke3", name: "spoke3-to-hub" },
  ],
);

let estate: CliEstate | undefined;
afterEach(async () => {
  await estate?.stop();
  estate = undefined;
});

const kindsAndTargets = (doc: ReturnType<typeof json>) =>
  doc.actions.map((a) => `${a.kind} ${a.target}`).sort();

describe.each<{ how: string; args: string[]; env: Record<string, string> }>([
  { how: "--report-only", args: ["--report-only"], env: {} },
  { how: "REPORT_ONLY=true", args: [], env: { REPORT_ONLY: "true" } },
])("apply with $how", ({ args, env }) => {
  it("issues zero PUT/DELETE, reports every planned action as skipped, and exits 2 like plan", async () => {
    estate = await startEstate(work);
    const planned = json(
      await cli(["plan", "--repair-disconnected", "--output", "json", ...args], estate.target, env),
    );
    expect(new Set(planned.actions.map((a) => a.kind))).toEqual(
      new Set(["sync", "createReciprocal", "resetDisconnected"]),
    );
    estate.emu.resetCounters();

    const run = await cli(
      ["apply", "--repair-disconnected", "--output", "json", ...args],
      estate.target,
      env,
    );

    expect(estate.emu.count({ method: "PUT" })).toBe(0);
    expect(estate.emu.count({ method: "DELETE" })).toBe(0);
    expect(writes(estate.emu)).toBe(0);
    const doc = json(run);
    expect(kindsAndTargets(doc)).toEqual(kindsAndTargets(planned));
    for (const action of doc.actions.filter((a) => WRITE_KINDS.has(a.kind))) {
      expect(action, action.target).toMatchObject({
        result: "skipped",
        detail: "report-only mode: no writes",
      });
    }
    expect(doc.summary).toMatchObject({ skipped: doc.actions.length });
    expect(doc.summary).not.toHaveProperty("succeeded");
    expect(doc.summary).not.toHaveProperty("failed");
    // Nothing was done, so a pipeline must not read it as "all fixed": the plan's exit code.
    expect(run.code).toBe(2);

    // ARM is as it was.
    expect(stateOf(estate.emu, peeringId("hub", "hub-to-spoke1"))?.sync).toBe("LocalNotInSync");
    expect(stateOf(estate.emu, peeringId("spoke2", "spoke2-to-hub"))?.state).toBe("Initiated");
    expect(stateOf(estate.emu, peeringId("hub", "hub-to-spoke3"))?.state).toBe("Disconnected");
    expect(estate.emu.seed.getPeering(peeringId("hub", "hub-to-spoke2"))).toBeUndefined();
  });
});

describe("apply without report-only on the same estate", () => {
  it("does write (so the zero above is the flag's doing) and exits 0", async () => {
    estate = await startEstate(work);
    const run = await cli(["apply", "--repair-disconnected", "--output", "json"], estate.target);
    expect(run.code).toBe(0);
    expect(estate.emu.count({ method: "PUT" })).toBeGreaterThanOrEqual(4);
    expect(stateOf(estate.emu, peeringId("hub", "hub-to-spoke3"))?.state).toBe("Connected");
  });
});
