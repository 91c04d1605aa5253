import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cli,
  json,
  net,
  peeringId,
  startEstate,
  stateOf,
  topology,
  vnetId,
  writes,
  type CliEstate,
} from "./harness.js";

/**
 * `--scope <VNet id>`: the plan covers that VNet's peerings only, each pair seen from both sides (a
 * resized spoke is fixed by a sync on the hub's half: README, "a VNet is always looked at together with
 * its peers"), and nothing about other pairs; apply writes nothing outside it.
 */

const estateTopology = topology(
  [
    net("hub", "10.0.0.0/16"),
    net("spoke1", "10.1.0.0/16"),
    net("spoke2", "10.2.0.0/16"),
    net("spoke3", "10.3.0.0/16"),
    net("x1", "10.50.0.0/16"),
    net("y1", "10.51.0.0/16"),
  ],
  [
    { from: "hub", to: "spoke1" },
    { from: "hub", to: "spoke2" },
    { from: "spoke3", to: "hub", reverse: false },
    { from: "x1", to: "y1" },
  ],
  [
    { op: "setAddressSpace", vnet: "spoke1", addressPrefixes: ["10.1.0.0/16", "10.101.0.0/16"] },
    { op: "setAddressSpace", vnet: "spoke2", addressPrefixes: ["10.2.0.0/16", "10.102.0.0/16"] },
    { op: "setAddressSpace", vnet: "y1", addressPrefixes: ["10.51.0.0/16", "10.151.0.0/16"] },
  ],
);

const SYNC_SPOKE1 = `sync ${peeringId("hub", "hub-to-spoke1")}`;
const SYNC_SPOKE2 = `sync ${peeringId("hub", "hub-to-spoke2")}`;
const CREATE_FOR_SPOKE3 = `createReciprocal ${peeringId("hub", "hub-to-spoke3")}`;
const SYNC_X = `sync ${peeringId("x1", "x1-to-y1")}`;

let estate: CliEstate;
beforeAll(async () => {
  estate = await startEstate(estateTopology);
});
afterAll(async () => {
  await estate?.stop();
});

async function planned(...scope: string[]): Promise<string[]> {
  const args = scope.flatMap((s) => ["--scope", s]);
  const run = await cli(["plan", "--output", "json", ...args], estate.target);
  expect(run.code).toBe(2);
  return json(run)
    .actions.map((a) => `${a.kind} ${a.target}`)
    .sort();
}

describe("plan --scope", () => {
  it("without a scope, plans every pair of the subscription", async () => {
    expect(await planned()).toEqual([SYNC_SPOKE1, SYNC_SPOKE2, CREATE_FOR_SPOKE3, SYNC_X].sort());
  });

  it("on a spoke, plans only that spoke's pair (the sync lands on the hub's half)", async () => {
    expect(await planned(vnetId("spoke1"))).toEqual([SYNC_SPOKE1]);
    expect(await planned(vnetId("spoke3"))).toEqual([CREATE_FOR_SPOKE3]);
  });

  it("on the hub, plans the hub's pairs and not the unrelated x-y pair", async () => {
    // Not CREATE_FOR_SPOKE3: the hub holds no peering to spoke3, so reading the hub and its peers
    // cannot find spoke3's one-sided peering into it (ARM has no "who peers into me" read); scoping
    // on spoke3, as above, or on the subscription does.
    expect(await planned(vnetId("hub"))).toEqual([SYNC_SPOKE1, SYNC_SPOKE2].sort());
  });

  it("repeated, plans the union of the scopes", async () => {
    expect(await planned(vnetId("spoke2"), vnetId("y1"))).toEqual([SYNC_SPOKE2, SYNC_X].sort());
  });

  it("writes nothing outside the scope on apply", async () => {
    estate.emu.resetCounters();
    const run = await cli(["apply", "--output", "json", "--scope", vnetId("spoke1")], estate.target);
    expect(run.code).toBe(0);
    expect(json(run).actions.map((a) => [a.target, a.result])).toEqual([
      [peeringId("hub", "hub-to-spoke1"), "succeeded"],
    ]);
    expect(writes(estate.emu)).toBe(1);
    expect(estate.emu.writeCount(peeringId("hub", "hub-to-spoke1"))).toBe(1);
    expect(stateOf(estate.emu, peeringId("hub", "hub-to-spoke1"))?.sync).toBe("FullyInSync");
    // Out of scope, still as they were.
    expect(stateOf(estate.emu, peeringId("hub", "hub-to-spoke2"))?.sync).toBe("LocalNotInSync");
    expect(stateOf(estate.emu, peeringId("x1", "x1-to-y1"))?.sync).toBe("LocalNotInSync");
    expect(estate.emu.seed.getPeering(peeringId("hub", "hub-to-spoke3"))).toBeUndefined();
  });
});
