import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const FIXTURE_SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
export const HUB = `/subscriptions/${FIXTURE_SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub-vnet`;

/** One of test/fixtures/events/*.json: the Learn samples with network resource ids, as an array. */
export function fixture(name: string): Record<string, unknown>[] {
  const path = fileURLToPath(new URL(`../../fixtures/events/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>[];
}

/** The single event of a fixture (Event Grid delivers one event per trigger invocation). */
export function fixtureEvent(name: string): Record<string, unknown> {
  return fixture(name)[0]!;
}
