import { afterEach, describe, expect, it } from "vitest";
import {
  WRITE_KINDS,
  cli,
  json,
  net,
  peeringId,
  startEstate,
  topology,
  vnetId,
  writes,
  type CliEstate,
} from "./harness.js";

/**
 * README "The CLI": 0 nothing to do (plan) or every action succeeded (apply); 2 the plan found work,
 * including problems only a human can fix (alertOnly); 1 an error. Pipelines gate on these.
 */

let estate: CliEstate | undefined;
afterEach(async () => {
  await estate?.stop();
  estate = undefined;
});

describe("plan on a healthy, converged estate", () => {
  const converged = topology(
    [net("hub", "10.0.0.0/16"), net("spoke1", "10.1.0.0/16"), net("spoke2", "10.2.0.0/16")],
    [
      { from: "hub", to: "spoke1" },
      { from: "hub", to: "spoke2" },
    ],
  );

  it("exits 0 with an empty JSON plan and writes nothing", async () => {
    estate = await startEstate(converged);
    const run = await cli(["plan", "--output", "json"], estate.target);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const doc = json(run);
    expect(doc.actions).toEqual([]);
    expect(doc.summary).toEqual({
      sync: 0,
      createReciprocal: 0,
      resetDisconnected: 0,
      alertOnly: 0,
      skip: 0,
    });
    expect(writes(estate.emu)).toBe(0);
  });

  it("exits 0 with only the summary line in the table", async () => {
    estate = await startEstate(converged);
    const run = await cli(["plan"], estate.target);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("Nothing to do: every peering in scope is Connected and in sync.\n");
  });

  it("apply on it exits 0 and issues no write at all", async () => {
    estate = await startEstate(converged);
    const run = await cli(["apply", "--output", "json"], estate.target);
    expect(run.code).toBe(0);
    expect(json(run).actions).toEqual([]);
    expect(writes(estate.emu)).toBe(0);
  });

  it("still exits 0 when the only actions are skips (an opted-out VNet)", async () => {
    estate = await startEstate(
      topology(
        [net("hub", "10.0.0.0/16"), net("spoke1", "10.1.0.0/16", { "peering-sync": "off" })],
        [{ from: "hub", to: "spoke1" }],
      ),
    );
    const run = await cli(["plan", "--output", "json"], estate.target);
    expect(json(run).actions).toEqual([
      expect.objectContaining({ kind: "skip", target: vnetId("spoke1"), skip: "OptOutTag" }),
    ]);
    expect(run.code).toBe(0);

    const table = await cli(["plan"], estate.target);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(/^(sync|createReciprocal|resetDisconnected|alertOnly)\s/m);
  });
});

describe("plan whose only actions need a human (alertOnly)", () => {
  // A Disconnected pair (repair not enabled) and a one-sided peering between overlapping VNets.
  const needsHuman = topology(
    [
      net("a", "10.10.0.0/16"),
      net("b", "10.11.0.0/16"),
      net("left", "10.20.0.0/16"),
      net("right", "10.20.128.0/17"),
    ],
    [
      { from: "a", to: "b" },
      { from: "left", to: "right", reverse: false },
    ],
    [{ op: "deletePeering", vnet: "b", name: "b-to-a" }],
  );

  it("exits 2: an open overlap or Disconnected peering must not turn a pipeline gate green", async () => {
    estate = await startEstate(needsHuman);
    const run = await cli(["plan", "--output", "json"], estate.target);
    const doc = json(run);
    expect(doc.actions.map((a) => [a.kind, a.target, a.problem])).toEqual(
      expect.arrayContaining([
        ["alertOnly", peeringId("a", "a-to-b"), "Disconnected"],
        ["alertOnly", peeringId("left", "left-to-right"), "AddressSpaceOverlap"],
      ]),
    );
    expect(doc.actions.every((a) => a.kind === "alertOnly")).toBe(true);
    expect(doc.actions.some((a) => WRITE_KINDS.has(a.kind))).toBe(false);
    expect(run.code).toBe(2);
    expect(writes(estate.emu)).toBe(0);
  });

  it("exits 2 with the table output too, which counts them as needing a human", async () => {
    estate = await startEstate(needsHuman);
    const run = await cli(["plan"], estate.target);
    expect(run.code).toBe(2);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(
      "Plan: 0 to sync, 0 reciprocal(s) to create, 0 Disconnected to reset, 2 need a human, 0 skipped.",
    );
  });
});
