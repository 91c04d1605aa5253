import { readFile } from "node:fs/promises";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../src/functions/runtime.js";
import { whatIf } from "../../../src/functions/what-if.js";
import type { WhatIfAnswer } from "../../../src/what-if/index.js";
import { memoryRuntime } from "../../reliability/support/memory-runtime.js";
import {
  cli,
  HIDDEN,
  HUB,
  startWhatIfEstate,
  SUB,
  UNWATCHED,
  vnetId,
  whatIfJson,
  type Estate,
} from "./estate.js";

/**
 * The same change through every input: the CLI's flags, POST /api/what-if, a Terraform plan
 * (azurerm and azapi) and an ARM what-if result give the same answer; only where the change came
 * from (`changes[].source`) differs.
 */

let estate: Estate;
let rt: Runtime;
beforeAll(async () => {
  estate = await startWhatIfEstate();
  // The real runtime (settings, policy, limits) on in-memory storage and the emulator's port.
  rt = (await memoryRuntime({ WATCHED_SUBSCRIPTIONS: `${SUB},${HIDDEN}` }, estate.target.port)).rt;
});
afterAll(() => estate.stop());

const withoutSource = (a: WhatIfAnswer) => ({ ...a, changes: a.changes.map(({ source: _s, ...c }) => c) });

async function post(body: unknown, query = ""): Promise<{ status: number; body: unknown; text?: string }> {
  const request = new HttpRequest({
    url: `https://app.example/api/what-if${query}`,
    method: "POST",
    body: { string: typeof body === "string" ? body : JSON.stringify(body) },
  });
  const res = await whatIf(request, new InvocationContext({ invocationId: "inv-what-if" }), rt);
  return {
    status: res.status ?? 200,
    body: res.jsonBody,
    ...(typeof res.body === "string" ? { text: res.body } : {}),
  };
}

describe("one change, five inputs, one answer", () => {
  it("CLI flags, HTTP, terraform azurerm, terraform azapi and ARM what-if agree", async () => {
    const fromFlags = await whatIfJson(["--vnet", HUB, "--add", "10.100.0.0/16"], estate.target);
    expect(fromFlags.code).toBe(2);
    const reference = withoutSource(fromFlags.answer);
    expect(reference.followUp.length).toBeGreaterThan(0);

    const http = await post({ vnet: HUB, add: ["10.100.0.0/16"] });
    expect(http.status).toBe(200);
    expect(withoutSource(http.body as WhatIfAnswer)).toEqual(reference);

    for (const [flag, file] of [
      ["--from-terraform-plan", "terraform-plan-hub-resize.json"],
      ["--from-terraform-plan", "terraform-plan-azapi-hub-resize.json"],
      ["--from-arm-what-if", "arm-what-if-hub-resize.json"],
    ] as const) {
      const run = await whatIfJson([flag, `test/fixtures/what-if/${file}`], estate.target);
      expect(run.code, file).toBe(2);
      expect(withoutSource(run.answer), file).toEqual(reference);
      const body = JSON.parse(await readFile(`test/fixtures/what-if/${file}`, "utf8")) as unknown;
      const viaHttp = await post(
        flag === "--from-arm-what-if" ? { armWhatIf: body } : { terraformPlan: body },
      );
      expect(withoutSource(viaHttp.body as WhatIfAnswer), `${file} over HTTP`).toEqual(reference);
    }
  });

  it("says where each change came from", async () => {
    const run = await whatIfJson(
      ["--from-terraform-plan", "test/fixtures/what-if/terraform-plan-hub-resize.json"],
      estate.target,
    );
    expect(run.answer.changes.map((c) => c.source)).toEqual(["azurerm_virtual_network.hub"]);
  });

  it("a refused change is refused the same way over HTTP", async () => {
    const cliRun = await whatIfJson(["--vnet", HUB, "--add", "10.2.128.0/17"], estate.target);
    const http = await post({ vnet: HUB, add: ["10.2.128.0/17"] });
    expect(http.body).toEqual(cliRun.answer);
    expect((http.body as WhatIfAnswer).verdict).toBe("refused");
  });

  it("Markdown over HTTP is the CLI's --output markdown", async () => {
    const run = await cli(
      ["what-if", "--vnet", HUB, "--add", "10.100.0.0/16", "--output", "markdown"],
      estate.target,
    );
    const http = await post({ vnet: HUB, add: ["10.100.0.0/16"] }, "?format=markdown");
    expect(http.text).toBe(run.stdout.replace(/\n$/, ""));
    expect(run.stdout).toContain("| spoke1-to-hub | spoke1 |");
  });
});

describe("POST /api/what-if refuses a bad body, naming the field", () => {
  it.each([
    ["not JSON", "{", "body"],
    ["a list", [], "$"],
    ["no vnet", { add: ["10.1.0.0/16"] }, "vnet"],
    ["a prefix that is not a string", { vnet: HUB, add: [42] }, "add[0]"],
    [
      "a bad id in a list",
      { changes: [{ vnet: "/subscriptions/x", add: ["10.1.0.0/16"] }] },
      "changes[0].vnet",
    ],
    ["a terraform plan that is not an object", { terraformPlan: "plan" }, "terraformPlan"],
    [
      "the same VNet twice",
      {
        changes: [
          { vnet: HUB, add: ["10.100.0.0/16"] },
          { vnet: HUB, add: ["10.101.0.0/16"] },
        ],
      },
      "changes[1].vnet",
    ],
  ])("%s", async (_name, body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect((res.body as { error: { target: string } }).error.target).toBe(field);
  });

  it("reads nothing outside the watched subscriptions: a VNet there is a 400, a peer there is not read", async () => {
    const calls: string[] = [];
    const port = estate.target.port;
    const recording = new Proxy(port, {
      get(t, p) {
        const v = Reflect.get(t, p) as unknown;
        return typeof v === "function"
          ? (...args: unknown[]) => {
              calls.push(`${String(p)} ${args.map(String).join(" ")}`);
              return (v as (...a: unknown[]) => unknown).apply(t, args);
            }
          : v;
      },
    });
    const saved = rt.port;
    rt.port = recording;
    try {
      const outside = await post({ vnet: vnetId("ext", UNWATCHED), add: ["10.71.0.0/16"] });
      expect(outside).toMatchObject({ status: 400, body: { error: { target: "vnet" } } });
      const inside = await post({ vnet: HUB, add: ["10.100.0.0/16"] });
      expect(inside.status).toBe(200);
    } finally {
      rt.port = saved;
    }
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.toLowerCase().includes(UNWATCHED))).toEqual([]);
  });

  it("a VNet that does not exist is a 400 naming vnet, not a 500", async () => {
    const res = await post({ vnet: HUB.replace("/hub", "/gone"), add: ["10.1.0.0/16"] });
    expect(res).toMatchObject({ status: 400, body: { error: { target: "vnet" } } });
  });
});
