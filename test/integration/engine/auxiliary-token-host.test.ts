import { afterEach, describe, expect, it } from "vitest";
import { bodyOf } from "../../../src/reconcile/body.js";
import { armRefusal } from "../../support/arm-refusal.js";
import { crossTenantEstate, type Estate, spoke, TENANT_A } from "../../support/cross-tenant-estate.js";
import { FOREIGN_ORIGINS, foreignListeners } from "../../support/foreign-listener.js";

/**
 * A partner tenant's token (the auxiliary one) goes only to the configured ARM origin: a write into
 * the other tenant whose operation is named on another host or port is refused before anything is
 * sent there, and no read, page or poll ever carries an auxiliary token. The foreign hosts are a
 * second loopback address and another port, bare listeners that count connections.
 */
const listeners = foreignListeners();

let h: Estate | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("the auxiliary token goes only to the configured ARM origin", () => {
  for (const which of FOREIGN_ORIGINS) {
    for (const pollByLocation of [false, true]) {
      it(`a cross-tenant write whose ${pollByLocation ? "Location" : "Azure-AsyncOperation"} names ${which} is refused, nothing sent there`, async () => {
        h = await crossTenantEstate();
        const foreign = listeners[which];
        const peering = (await h.port.getPeering(`${spoke(1)}/virtualNetworkPeerings/s1-to-hub`))!;
        h.reset();
        h.emu.injectFault({
          method: "PUT",
          count: 1,
          fault: { type: "linkBase", baseUrl: foreign.base, ...(pollByLocation ? { pollByLocation } : {}) },
        });
        const err = await armRefusal(
          h.port.putPeering(spoke(1), peering.name, bodyOf(peering), { syncRemoteAddressSpace: true }),
        );
        expect(err.code).toBe("ForeignOrigin");
        expect(foreign.connections, "the foreign host was never contacted").toBe(0);
        // The PUT itself, to ARM, carried exactly the home tenant's token as auxiliary; nothing else did.
        expect(h.emu.tenancy.auxiliaryHeadersSeen).toEqual([
          { method: "PUT", path: `${spoke(1)}/virtualNetworkPeerings/s1-to-hub`, tenants: [TENANT_A] },
        ]);
      });
    }
  }

  it("reads, pages and operation polls of a converging run carry no auxiliary token", async () => {
    h = await crossTenantEstate();
    h.emu.seed.setAddressSpace(spoke(2), ["10.1.2.0/24", "10.2.2.0/24"]);
    h.reset();
    await h.run();
    const seen = h.emu.tenancy.auxiliaryHeadersSeen;
    expect(seen.length).toBe(1);
    expect(seen.every((s) => s.method === "PUT")).toBe(true);
    expect(h.emu.count({ method: "GET" })).toBeGreaterThan(1);
  });
});
