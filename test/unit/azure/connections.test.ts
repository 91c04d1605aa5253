import { describe, expect, it } from "vitest";
import { armAgent, DEFAULT_MAX_SOCKETS, proxyConfigured } from "../../../src/azure/arm/connections.js";

describe("connections to ARM", () => {
  it("see a proxy wherever the SDK's proxy policy looks for one", () => {
    expect(proxyConfigured({})).toBe(false);
    expect(proxyConfigured({ NO_PROXY: "*" })).toBe(false);
    for (const name of ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy"])
      expect(proxyConfigured({ [name]: "http://proxy.example:3128" }), name).toBe(true);
    expect(proxyConfigured({ HTTPS_PROXY: "" })).toBe(false);
  });

  it("keep connections alive, bounded, with one TLS context for all of them", () => {
    const agent = armAgent();
    expect(agent.maxSockets).toBe(DEFAULT_MAX_SOCKETS);
    expect((agent as unknown as { keepAlive: boolean }).keepAlive).toBe(true);
    expect(armAgent({ maxSockets: 7 }).maxSockets).toBe(7);
    agent.destroy();
  });
});
