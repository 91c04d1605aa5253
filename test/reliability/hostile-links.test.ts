import { createServer, type Server } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyOf } from "../../src/reconcile/body.js";
import { ArmError, isRetryable } from "../../src/reconcile/errors.js";
import type { Peering } from "../../src/reconcile/types.js";
import { startRig, type Rig } from "./support/estate.js";
import { FULL, sample, tally } from "./support/tally.js";

/**
 * Fuzzing the links ARM's answers name, which the SDK follows: a list's `nextLink`, a write's
 * `Azure-AsyncOperation` and `Location`. Whatever the link, the ARM client either follows it on the
 * configured endpoint's own origin or refuses it as a terminal `ForeignOrigin` naming where it
 * pointed (src/azure/arm/origin-pin.ts); a list is complete or fails, never short; nothing ever connects
 * to another host or port. The foreign hosts are listeners on another port of 127.0.0.1 and on
 * 127.0.0.2 that count connections; the emulator's linkBase fault puts each generated base into its
 * answer in place of its own origin.
 */
const FULL_CASES = 10_000;
const SUB = "00000000-0000-4000-8000-0000000000a1";
const RG = "rg-links";
const VNETS = 5;
const vnetId = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/${name}`;
const LIST_PATH = `/subscriptions/${SUB}/providers/Microsoft.Network/virtualNetworks$`;
/** Longest ForeignOrigin message: the foreign part is quoted to at most 200 characters. */
const MESSAGE_LIMIT = 600;
/**
 * Each case is one to three HTTPS round trips on loopback: 10,000 of them outlast the project's
 * 5-minute test timeout on a busy machine, so the full run gets its own generous one.
 */
const CASE_TIMEOUT = FULL ? 60 * 60_000 : undefined;

interface Listener {
  port: number;
  connections: number;
  server: Server;
}

async function listen(host: string): Promise<Listener> {
  const server = createServer();
  const l: Listener = { port: 0, connections: 0, server };
  server.on("connection", (socket) => {
    l.connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  l.port = address.port;
  return l;
}

let rig: Rig;
let own: URL;
let otherPort: Listener;
let otherHost: Listener;
let peering: Peering;

beforeAll(async () => {
  // A request timeout no loaded machine reaches: a case's verdict must not depend on speed.
  // Polls at a fixed pace and requests unpaced: ARM's request budget (25 reads a second) would make
  // 10,000 cases take a quarter of an hour of waiting, and neither is under test here.
  rig = await startRig({
    emulator: { pageSize: 2 },
    port: { requestTimeoutMs: 120_000, learnOperationDurations: false, requestBudget: false },
  });
  own = new URL(rig.emu.endpoint);
  otherPort = await listen("127.0.0.1");
  otherHost = await listen("127.0.0.2");
  for (let i = 0; i < VNETS; i++)
    rig.emu.seed.vnet({
      subscriptionId: SUB,
      resourceGroup: RG,
      name: `v${i}`,
      addressPrefixes: [`10.${i}.0.0/16`],
    });
  rig.emu.seed.connect(vnetId("v0"), vnetId("v1"));
  peering = (await rig.port.getPeering(`${vnetId("v0")}/virtualNetworkPeerings/v0-to-v1`))!;
  expect(peering).toBeDefined();
});

afterAll(async () => {
  await rig?.stop();
  for (const l of [otherPort, otherHost]) if (l) await new Promise((resolve) => l.server.close(resolve));
});

/**
 * Link bases: the endpoint's own origin spelled many ways (some the URL parser folds back into it),
 * other ports and hosts, user info, scheme changes, relative and non-http forms.
 */
function linkBase(): fc.Arbitrary<string> {
  const ports = [
    `:${own.port}`,
    `:${otherPort.port}`,
    `:${otherHost.port}`,
    ":",
    "",
    ":443",
    `:0${own.port}`,
  ];
  const structured = fc
    .tuple(
      fc.constantFrom(
        "https://",
        "http://",
        "HTTPS://",
        "wss://",
        "ftp://",
        "https:/",
        "https:\\\\",
        "//",
        "",
      ),
      fc.constantFrom("", "user@", "a:b@", `127.0.0.1:${own.port}@`, "%40@"),
      fc.constantFrom(
        "127.0.0.1",
        "127.0.0.2",
        "localhost",
        "LOCALHOST",
        "[::1]",
        "2130706433",
        "0x7f.0.0.1",
        "127.1",
        "127.0.0.%32",
        "127.0.0.1.",
        "[::ffff:127.0.0.2]",
        "",
      ),
      fc.constantFrom(...ports),
      fc.constantFrom("", "/", "/x/..", "?", "#", ".", "/%2e%2e"),
    )
    .map((parts) => parts.join(""));
  const odd = fc.constantFrom(
    own.origin,
    `${own.origin}/`,
    own.origin.toUpperCase(),
    "javascript:alert(1)//",
    "data:text/plain,",
    "file://",
    "about:blank#",
    "",
    "/",
    "..",
  );
  const printable = fc.string({ unit: fc.constantFrom(..."htps:/.127@:[]%#?x0123456789".split("")) });
  return fc.oneof(
    { weight: 6, arbitrary: structured },
    { weight: 2, arbitrary: odd },
    { weight: 1, arbitrary: printable },
  );
}

/** What the SDK would request for a link with this base (core-client: absolute when it holds `://`). */
function expectedVerdict(base: string): "own" | "foreign" | "relative" | "unparsable" {
  const link = `${base}/subscriptions/${SUB}/x`;
  if (!link.includes("://")) return "relative";
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return "unparsable";
  }
  return url.origin === own.origin && !url.username && !url.password ? "own" : "foreign";
}

async function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: ArmError }> {
  try {
    return { value: await promise };
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(ArmError);
    return { error: err as ArmError };
  }
}

/** Checked after every case: the classification held, nothing left loopback for another port or host. */
function expectRefusedOrOwn(
  base: string,
  error: ArmError | undefined,
  verdicts: Record<string, number>,
): void {
  const verdict = expectedVerdict(base);
  verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
  if (verdict === "foreign") {
    expect(error?.code, `base ${JSON.stringify(base)}`).toBe("ForeignOrigin");
  } else if (verdict === "unparsable") {
    // No request can be built from it: refused by the pin or by the SDK's own URL parsing, terminally.
    expect(error, `base ${JSON.stringify(base)}`).toBeDefined();
    expect(isRetryable(error!), `${error!.code}: ${error!.message}`).toBe(false);
  } else if (error) {
    // Followed on the endpoint's own origin: whatever the emulator answered, it was an answer.
    expect(error.code, `base ${JSON.stringify(base)}: ${error.message}`).not.toBe("ForeignOrigin");
    expect(error.status, `base ${JSON.stringify(base)}: ${error.message}`).toBeGreaterThanOrEqual(400);
  }
  if (error?.code === "ForeignOrigin") {
    expect(error.message.length).toBeLessThan(MESSAGE_LIMIT);
    // eslint-disable-next-line no-control-regex
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f]/);
  }
  expect(otherPort.connections, "another port of this host was contacted").toBe(0);
  expect(otherHost.connections, "another host was contacted").toBe(0);
}

describe("hostile links in ARM's answers", () => {
  it(
    "nextLink: the list is complete, or fails as ForeignOrigin; never short, never followed elsewhere",
    async (context) => {
      const t = tally(context, "hostile input");
      const verdicts: Record<string, number> = {};
      await fc.assert(
        fc.asyncProperty(linkBase(), async (base) => {
          const fault = rig.emu.injectFault({
            method: "GET",
            path: LIST_PATH,
            count: 1,
            fault: { type: "linkBase", baseUrl: base },
          });
          const { value, error } = await outcome(rig.port.listVnets(SUB));
          rig.emu.removeFault(fault);
          if (value)
            expect(value.map((v) => v.name).sort()).toEqual(Array.from({ length: VNETS }, (_, i) => `v${i}`));
          expectRefusedOrOwn(base, error, verdicts);
          t.add({ cases: 1 });
        }),
        { numRuns: sample(200, FULL_CASES), seed: 20261206 },
      );
      // Not vacuous: the generator reaches both sides of the line.
      expect(verdicts.foreign).toBeGreaterThan(0);
      expect((verdicts.own ?? 0) + (verdicts.relative ?? 0)).toBeGreaterThan(0);
    },
    CASE_TIMEOUT,
  );

  for (const header of ["Azure-AsyncOperation", "Location"] as const) {
    it(
      `${header}: the write is followed on the endpoint's origin or fails as ForeignOrigin; never a success from elsewhere`,
      async (context) => {
        const t = tally(context, "hostile input");
        const verdicts: Record<string, number> = {};
        // Header values must be printable: a base Node would refuse to put in a header is not an answer.
        const headerSafe = linkBase().filter((b) => /^[\x21-\x7e]*$/.test(b));
        await fc.assert(
          fc.asyncProperty(headerSafe, async (base) => {
            const fault = rig.emu.injectFault({
              method: "PUT",
              count: 1,
              fault: { type: "linkBase", baseUrl: base, pollByLocation: header === "Location" },
            });
            const { value, error } = await outcome(
              rig.port.putPeering(vnetId("v0"), peering.name, bodyOf(peering)),
            );
            rig.emu.removeFault(fault);
            // Let the write ARM accepted finish (its poll may have been refused), so the next case is not busy.
            await rig.settle();
            // The emulator's Location answers end in 204 without a body, which the SDK takes as the
            // result; with Azure-AsyncOperation the result is the peering read back.
            if (value && header === "Azure-AsyncOperation")
              expect(value.id.toLowerCase()).toBe(peering.id.toLowerCase());
            expectRefusedOrOwn(base, error, verdicts);
            t.add({ cases: 1 });
          }),
          { numRuns: sample(100, FULL_CASES), seed: header === "Location" ? 61 : 62 },
        );
        expect(verdicts.foreign).toBeGreaterThan(0);
        expect((verdicts.own ?? 0) + (verdicts.relative ?? 0)).toBeGreaterThan(0);
      },
      CASE_TIMEOUT,
    );
  }

  it(`every link was fuzzed with ${FULL ? `at least ${FULL_CASES}` : "its sample of"} cases`, (context) => {
    tally(context, "hostile input");
    const fuzzed = context.task.suite!.tasks.filter(
      (task) => task !== context.task && (task.meta.reliability?.cases ?? 0) > 0,
    );
    expect(fuzzed).toHaveLength(3);
    for (const task of fuzzed)
      expect(task.meta.reliability!.cases, task.name).toBeGreaterThanOrEqual(FULL ? FULL_CASES : 100);
    expect(rig.emu.internalErrors.map((e) => `${e.message} ${e.stack?.split("\n")[1] ?? ""}`)).toEqual([]);
  });
});
