import { afterEach, describe, expect, it } from "vitest";
import type { Fault } from "../../../emulator/index.js";
import { cli, json, net, peeringId, startEstate, stateOf, topology, type CliEstate } from "./harness.js";

/**
 * apply --output json when ARM refuses one write for good: exit 1, that action `"result": "failed"`
 * with ARM's code and message, the others still carried out and `"succeeded"`.
 */

// Both spokes were resized: the hub's peering to each is LocalNotInSync and needs a sync.
const resized = topology(
  [net("hub", "10.0.0.0/16"), net("spoke1", "10.1.0.0/16"), net("spoke2", "10.2.0.0/16")],
  [
    { from: "hub", to: "spoke1" },
    { from: "hub", to: "spoke2" },
  ],
  [
    { op: "setAddressSpace", vnet: "spoke1", addressPrefixes: ["10.1.0.0/16", "10.101.0.0/16"] },
    { op: "setAddressSpace", vnet: "spoke2", addressPrefixes: ["10.2.0.0/16", "10.102.0.0/16"] },
  ],
);
const FAILING = peeringId("hub", "hub-to-spoke1");
const OTHER = peeringId("hub", "hub-to-spoke2");

const TERMINAL: Array<{ name: string; fault: Extract<Fault, { type: "status" }> }> = [
  {
    name: "403 AuthorizationFailed",
    fault: {
      type: "status",
      status: 403,
      code: "AuthorizationFailed",
      message: "The client does not have authorization to perform action write over scope hub-to-spoke1.",
    },
  },
  {
    name: "400 InvalidRequestFormat",
    fault: {
      type: "status",
      status: 400,
      code: "InvalidRequestFormat",
      message: "Cannot parse the request for hub-to-spoke1.",
    },
  },
];

let estate: CliEstate | undefined;
afterEach(async () => {
  await estate?.stop();
  estate = undefined;
});

describe.each(TERMINAL)("apply when the peering PUT answers $name", ({ fault }) => {
  it("exits 1 and reports that action failed with ARM's code and message, the other succeeded", async () => {
    estate = await startEstate(resized);
    const planned = json(await cli(["plan", "--output", "json"], estate.target));
    expect(planned.actions.map((a) => [a.kind, a.target]).sort()).toEqual([
      ["sync", FAILING],
      ["sync", OTHER],
    ]);
    estate.emu.injectFault({ method: "PUT", path: /\/virtualNetworkPeerings\/hub-to-spoke1$/i, fault });

    const run = await cli(["apply", "--output", "json"], estate.target);

    expect(run.code).toBe(1);
    const doc = json(run);
    const byTarget = new Map(doc.actions.map((a) => [a.target, a]));
    expect(byTarget.get(FAILING)).toMatchObject({
      kind: "sync",
      result: "failed",
      error: { code: fault.code, message: expect.stringContaining(fault.message!) },
    });
    expect(byTarget.get(OTHER)).toMatchObject({ kind: "sync", result: "succeeded" });
    expect(byTarget.get(OTHER)).not.toHaveProperty("error");
    expect(doc.summary).toMatchObject({ sync: 2, succeeded: 1, failed: 1 });

    // A terminal answer is not retried, and the failure left ARM as it was; the other pair converged.
    expect(estate.emu.writeCount(FAILING)).toBe(1);
    expect(stateOf(estate.emu, FAILING)).toEqual({ state: "Connected", sync: "LocalNotInSync" });
    expect(stateOf(estate.emu, OTHER)).toEqual({ state: "Connected", sync: "FullyInSync" });
  });

  it("shows the failure with its code in the table, and still exits 1", async () => {
    estate = await startEstate(resized);
    estate.emu.injectFault({ method: "PUT", path: /\/virtualNetworkPeerings\/hub-to-spoke1$/i, fault });
    const run = await cli(["apply"], estate.target);
    expect(run.code).toBe(1);
    const line = run.stdout.split("\n").find((l) => l.includes("hub/hub-to-spoke1"));
    expect(line).toMatch(new RegExp(`^sync\\s+hub/hub-to-spoke1\\s+failed\\s+${fault.code}: `));
    expect(run.stdout).toMatch(/Applied 2 write action\(s\): 1 succeeded, 1 failed/);
  });
});
