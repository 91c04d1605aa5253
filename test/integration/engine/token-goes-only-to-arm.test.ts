import { afterEach, describe, expect, it } from "vitest";
import { bodyOf } from "../../../src/reconcile/body.js";
import { isRetryable, type ArmError } from "../../../src/reconcile/errors.js";
import { armRefusal } from "../../support/arm-refusal.js";
import { seedHubWithSpokes, vnetIn } from "../../support/hub-estate.js";
import { startEngine, type EngineHarness } from "../../support/engine.js";
import { FOREIGN_ORIGINS, foreignListeners, type Listener } from "../../support/foreign-listener.js";

/**
 * A page (`nextLink`) or an operation poll (`Azure-AsyncOperation`, `Location`) naming another origin
 * than the configured ARM endpoint is refused before anything is sent there: the foreign host sees no
 * connection at all, so neither the token nor its answer can matter. The emulator names the foreign
 * origin through its linkBase fault; the foreign hosts are a second loopback address and another port
 * of the emulator's own host, each a bare TCP listener that counts connections.
 */
const SUB = "00000000-0000-4000-8000-0000000000f1";
const vnetId = vnetIn(SUB);

const listeners = foreignListeners();

let h: EngineHarness;
afterEach(async () => {
  await h?.stop();
});

async function estate(): Promise<EngineHarness> {
  h = await startEngine({ pageSize: 2, lroDurationSeconds: 0, lroRetryAfterSeconds: 0, throttle: false });
  seedHubWithSpokes(h.emu, SUB, 4, { resized: true });
  return h;
}

function expectForeignOrigin(err: ArmError, foreign: Listener): void {
  expect(err.code).toBe("ForeignOrigin");
  expect(isRetryable(err), "a refused origin is terminal").toBe(false);
  expect(err.message).toContain(foreign.base);
  expect(err.message).toContain(h.emu.endpoint);
  expect(foreign.connections, "the foreign host was never contacted").toBe(0);
}

describe("the token goes only to the configured ARM endpoint", () => {
  for (const which of FOREIGN_ORIGINS) {
    const foreign = () => listeners[which];

    it(`the ARM client refuses a nextLink to ${which} and the list fails instead of coming back short`, async () => {
      await estate();
      h.emu.injectFault({
        method: "GET",
        path: `/subscriptions/${SUB}/providers/Microsoft.Network/virtualNetworks$`,
        count: 1,
        fault: { type: "linkBase", baseUrl: foreign().base },
      });
      expectForeignOrigin(await armRefusal(h.port.listVnets(SUB)), foreign());
      // Without the fault the same list has five VNets over three pages: the refusal is all that differs.
      expect(await h.port.listVnets(SUB)).toHaveLength(5);
    });

    it(`the ARM client refuses an Azure-AsyncOperation poll on ${which} and reports no success`, async () => {
      await estate();
      const peering = (await h.port.getPeering(`${vnetId("s1")}/virtualNetworkPeerings/s1-to-hub`))!;
      h.emu.injectFault({
        method: "PUT",
        count: 1,
        fault: { type: "linkBase", baseUrl: foreign().base },
      });
      const err = await armRefusal(
        h.port.putPeering(vnetId("s1"), peering.name, bodyOf(peering), { syncRemoteAddressSpace: true }),
      );
      expectForeignOrigin(err, foreign());
    });

    it(`the ARM client refuses a Location poll on ${which} and reports no success`, async () => {
      await estate();
      const peering = (await h.port.getPeering(`${vnetId("s1")}/virtualNetworkPeerings/s1-to-hub`))!;
      h.emu.injectFault({
        method: "PUT",
        count: 1,
        fault: { type: "linkBase", baseUrl: foreign().base, pollByLocation: true },
      });
      const err = await armRefusal(
        h.port.putPeering(vnetId("s1"), peering.name, bodyOf(peering), { syncRemoteAddressSpace: true }),
      );
      expectForeignOrigin(err, foreign());
    });
  }

  it("a Location poll on the endpoint's own origin is still followed (the refusal is about the origin)", async () => {
    await estate();
    const peering = (await h.port.getPeering(`${vnetId("s1")}/virtualNetworkPeerings/s1-to-hub`))!;
    h.emu.injectFault({
      method: "PUT",
      count: 1,
      fault: { type: "linkBase", baseUrl: h.emu.endpoint, pollByLocation: true },
    });
    const after = await h.port.putPeering(vnetId("s1"), peering.name, bodyOf(peering), {
      syncRemoteAddressSpace: true,
    });
    expect(after.syncLevel).toBe("FullyInSync");
  });

  it("a run whose list names a foreign nextLink fails by name and plans nothing on the partial list", async () => {
    await estate();
    h.emu.injectFault({
      method: "GET",
      path: `/subscriptions/${SUB}/providers/Microsoft.Network/virtualNetworks$`,
      count: 1,
      fault: { type: "linkBase", baseUrl: listeners["another host"].base },
    });
    const err = await armRefusal(h.run({ watchedSubscriptions: [SUB] }));
    expectForeignOrigin(err, listeners["another host"]);
    expect(h.writes(), "no write planned on the first page alone").toBe(0);
    // The same estate without the fault has work to do: the run above was stopped, not idle.
    const outcome = await h.run({ watchedSubscriptions: [SUB] });
    expect(outcome.report.results.filter((r) => r.result.status === "succeeded")).toHaveLength(4);
  });

  it("a write whose poll names a foreign origin is a terminal failure of that action, never a success", async () => {
    await estate();
    h.emu.injectFault({
      method: "PUT",
      count: 1,
      fault: { type: "linkBase", baseUrl: listeners["another host"].base },
    });
    const outcome = await h.run({ watchedSubscriptions: [SUB] });
    const failed = outcome.report.results.filter((r) => r.result.status === "failed");
    expect(failed).toHaveLength(1);
    expect(JSON.stringify(failed[0]!.result)).toContain("ForeignOrigin");
    expect(JSON.stringify(failed[0]!.result)).toContain(listeners["another host"].base);
    expect(listeners["another host"].connections).toBe(0);
  });
});
