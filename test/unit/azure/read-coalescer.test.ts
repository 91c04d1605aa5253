import { describe, expect, it } from "vitest";
import { ReadCoalescer } from "../../../src/azure/arm/read-coalescer.js";
import type { Vnet } from "../../../src/reconcile/types.js";
import { vnet } from "../../support/builders.js";

const SUB = "00000000-0000-4000-8000-0000000000c1";

function rig(options: { pages?: number | undefined; minVnets?: number; listFails?: Error } = {}) {
  const calls = { lists: 0, gets: [] as string[] };
  const estate: Vnet[] = Array.from({ length: 30 }, (_, i) =>
    vnet(`v${i}`, { subscriptionId: SUB, addressPrefixes: [`10.${i}.0.0/16`] }),
  );
  const coalescer = new ReadCoalescer({
    windowMs: 1,
    minVnets: options.minVnets ?? 5,
    pagesOf: () => options.pages,
    list: async () => {
      calls.lists++;
      if (options.listFails) throw options.listFails;
      return estate;
    },
  });
  const read = (v: Vnet | string) => {
    const id = typeof v === "string" ? v : v.id;
    return coalescer.read(
      SUB,
      id,
      async () => {
        calls.gets.push(id);
        return `get:${id}`;
      },
      (found) => (found ? `list:${found.id}` : "list:none"),
    );
  };
  return { calls, estate, read };
}

describe("ReadCoalescer", () => {
  it("answers many reads of one subscription asked together from one list", async () => {
    const { calls, estate, read } = rig({ pages: 1 });
    const answers = await Promise.all(estate.slice(0, 20).map(read));
    expect(calls.lists).toBe(1);
    expect(calls.gets).toEqual([]);
    expect(answers).toEqual(estate.slice(0, 20).map((v) => `list:${v.id}`));
  });

  it("answers a VNet the list does not hold as a GET would have: not found", async () => {
    const { estate, read } = rig({ pages: 1 });
    const gone = estate[0]!.id.replace("/v0", "/gone");
    const answers = await Promise.all([...estate.slice(1, 10).map(read), read(gone)]);
    expect(answers.at(-1)).toBe("list:none");
  });

  it("reads one by one when too few VNets are asked for", async () => {
    const { calls, estate, read } = rig({ pages: 1, minVnets: 5 });
    await Promise.all(estate.slice(0, 4).map(read));
    expect(calls.lists).toBe(0);
    expect(calls.gets).toHaveLength(4);
  });

  it("reads one by one when the list would take as many pages as there are reads", async () => {
    const { calls, estate, read } = rig({ pages: 10 });
    await Promise.all(estate.slice(0, 10).map(read));
    expect(calls.lists).toBe(0);
    expect(calls.gets).toHaveLength(10);
  });

  it("reads one by one a subscription it never listed (it cannot know what a list costs)", async () => {
    const { calls, estate, read } = rig({ pages: undefined });
    await Promise.all(estate.map(read));
    expect(calls.lists).toBe(0);
    expect(calls.gets).toHaveLength(estate.length);
  });

  it("fails every read of the batch with the list's error, so each caller retries as it would", async () => {
    const denied = Object.assign(new Error("denied"), { code: "AuthorizationFailed" });
    const { estate, read } = rig({ pages: 1, listFails: denied });
    const answers = await Promise.allSettled(estate.slice(0, 10).map(read));
    expect(answers.every((a) => a.status === "rejected" && a.reason === denied)).toBe(true);
  });

  it("puts together only reads asked within the window: a later read is a batch of its own", async () => {
    const { calls, estate, read } = rig({ pages: 1, minVnets: 5 });
    await Promise.all(estate.slice(0, 10).map(read));
    await read(estate[11]!);
    expect(calls.lists).toBe(1);
    expect(calls.gets).toEqual([estate[11]!.id]);
  });
});
