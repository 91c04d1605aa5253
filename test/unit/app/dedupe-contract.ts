import { describe, expect, it } from "vitest";
import type { DedupeMarkers } from "../../../src/app/ports.js";
import { vnet } from "../../support/builders.js";

/**
 * One contract for every DedupeMarkers: the in-memory twin (unit) and the Table Storage adapter on
 * Azurite (integration) must let the same events through, so a test that counts queued reconciles on
 * the twin counts what production queues.
 */

const T0 = new Date("2026-01-10T10:00:00.000Z");
const after = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const WINDOW = 60;

export function dedupeContract(name: string, makeMarkers: () => Promise<DedupeMarkers>): void {
  describe(`DedupeMarkers contract: ${name}`, () => {
    it("lets the first claim of a VNet through", async () => {
      const markers = await makeMarkers();
      expect(await markers.claim(vnet("a").id, T0, WINDOW)).toBe(true);
    });

    it("refuses a second claim within the window, whatever the id's casing", async () => {
      const markers = await makeMarkers();
      await markers.claim(vnet("a").id, T0, WINDOW);
      expect(await markers.claim(vnet("a").id, after(WINDOW - 1), WINDOW)).toBe(false);
      expect(await markers.claim(vnet("a").id.toUpperCase(), after(1), WINDOW)).toBe(false);
    });

    it("keeps VNets apart", async () => {
      const markers = await makeMarkers();
      await markers.claim(vnet("a").id, T0, WINDOW);
      expect(await markers.claim(vnet("b").id, T0, WINDOW)).toBe(true);
    });

    it("lets a claim through once the marker is released", async () => {
      const markers = await makeMarkers();
      await markers.claim(vnet("a").id, T0, WINDOW);
      await markers.release(vnet("a").id);
      expect(await markers.claim(vnet("a").id, after(1), WINDOW)).toBe(true);
      expect(await markers.claim(vnet("a").id, after(2), WINDOW)).toBe(false);
    });

    it("takes over a marker older than the window, and that claim starts a new window", async () => {
      const markers = await makeMarkers();
      await markers.claim(vnet("a").id, T0, WINDOW);
      expect(await markers.claim(vnet("a").id, after(WINDOW), WINDOW)).toBe(true);
      expect(await markers.claim(vnet("a").id, after(WINDOW + 1), WINDOW)).toBe(false);
    });

    it("releases a VNet it never claimed without complaint", async () => {
      const markers = await makeMarkers();
      await expect(markers.release(vnet("never").id)).resolves.toBeUndefined();
      expect(await markers.claim(vnet("never").id, T0, WINDOW)).toBe(true);
    });

    it("lets exactly one of two racing claims through", async () => {
      const markers = await makeMarkers();
      const results = await Promise.all([
        markers.claim(vnet("a").id, T0, WINDOW),
        markers.claim(vnet("a").id, T0, WINDOW),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
