import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { RateLimiter, callerOf } from "../../../src/functions/rate-limit.js";

const HOUR = 3_600_000;

function limiter(limit: number) {
  const clock = { t: Date.parse("2026-03-01T10:00:00Z") };
  return { clock, limiter: new RateLimiter(() => new Date(clock.t), limit, HOUR) };
}

const request = (headers: Record<string, string>) =>
  new HttpRequest({ method: "POST", url: "http://localhost/api/resync", headers });

describe("the per-caller limit on dry runs and runs", () => {
  it("allows `limit` requests per caller in any hour, then says when the oldest leaves the window", () => {
    const { clock, limiter: l } = limiter(3);
    for (let i = 0; i < 3; i++) {
      expect(l.take("a")).toEqual({ ok: true });
      clock.t += 60_000;
    }
    expect(l.take("a")).toEqual({ ok: false, retryAfterSeconds: 3600 - 180 });
    // Another caller has a budget of its own.
    expect(l.take("b")).toEqual({ ok: true });
    clock.t += (3600 - 180) * 1000;
    expect(l.take("a")).toEqual({ ok: true });
    expect(l.take("a")).toMatchObject({ ok: false });
  });

  it("does not count refused requests against the caller", () => {
    const { clock, limiter: l } = limiter(1);
    expect(l.take("a").ok).toBe(true);
    for (let i = 0; i < 10; i++) expect(l.take("a").ok).toBe(false);
    clock.t += HOUR;
    expect(l.take("a").ok).toBe(true);
  });

  it("remembers a bounded number of callers", () => {
    const { limiter: l } = limiter(1);
    for (let i = 0; i < 20_000; i++) l.take(`caller-${i}`);
    expect((l as unknown as { seen: Map<string, number[]> }).seen.size).toBeLessThanOrEqual(10_000);
  });
});

describe("who the caller is", () => {
  it("is the Easy Auth principal only when Easy Auth is declared in front", () => {
    const headers = { "x-ms-client-principal-id": "0C1F5595-FCD9-48F5-B95B-0A4C3B91B22E" };
    expect(callerOf(request(headers), true)).toBe("principal:0c1f5595-fcd9-48f5-b95b-0a4c3b91b22e");
    // Without Easy Auth anybody can send the header: a fresh id per request must not buy a fresh budget.
    expect(callerOf(request(headers), false)).toBe("anyone");
  });

  it("is else the address the front end appended last to X-Forwarded-For, without its port", () => {
    expect(callerOf(request({ "x-forwarded-for": "198.51.100.9, 203.0.113.7:51234" }), false)).toBe(
      "address:203.0.113.7",
    );
    expect(callerOf(request({ "x-forwarded-for": "[2001:DB8::1]:443" }), false)).toBe("address:2001:db8::1");
    // What the client itself put first does not change who it is.
    expect(callerOf(request({ "x-forwarded-for": "10.9.9.9, 203.0.113.7:1" }), false)).toBe(
      callerOf(request({ "x-forwarded-for": "203.0.113.7:2" }), false),
    );
  });

  it("is one shared bucket when nothing identifies the caller", () => {
    expect(callerOf(request({}), true)).toBe("anyone");
  });
});
