import { describe, expect, it } from "vitest";
import { ConfigError, parseSettings } from "../../../src/config.js";
import { ARM_CLOUDS, resolveArmTarget } from "../../../src/azure/clouds.js";

/**
 * Which Resource Manager gets the identity's token, and for which audience: one of the clouds
 * `az cloud list` names, the emulator on loopback, or a custom endpoint only by explicit opt-in.
 */
function problemsOf(env: Record<string, string>) {
  try {
    parseSettings(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("ARM_CLOUD and ARM_ENDPOINT", () => {
  it("each cloud has its own Resource Manager endpoint and token audience", () => {
    const expected = {
      AzureCloud: "https://management.azure.com/",
      AzureUSGovernment: "https://management.usgovcloudapi.net/",
      AzureChinaCloud: "https://management.chinacloudapi.cn/",
    };
    for (const [cloud, endpoint] of Object.entries(expected)) {
      const s = parseSettings({ ARM_CLOUD: cloud });
      expect(s.ARM_CLOUD).toBe(cloud);
      const resolved = resolveArmTarget(s);
      expect(resolved).toEqual({
        target: { cloud, endpoint, audience: `${endpoint}.default`, loopback: false },
      });
    }
    expect(Object.keys(ARM_CLOUDS)).toEqual(Object.keys(expected));
  });

  it("defaults to the public cloud and refuses a cloud name az does not use, listing the allowed ones", () => {
    expect(parseSettings({}).ARM_CLOUD).toBe("AzureCloud");
    expect(problemsOf({ ARM_CLOUD: "AzureGermanCloud" })).toEqual([
      { setting: "ARM_CLOUD", problem: "must be one of: AzureCloud, AzureUSGovernment, AzureChinaCloud" },
    ]);
  });

  it("refuses a custom endpoint that is not loopback, naming the setting that would send it the token", () => {
    const problems = problemsOf({ ARM_ENDPOINT: "https://arm-proxy.contoso.example/" });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.setting).toBe("ARM_ENDPOINT");
    expect(problems[0]!.problem).toContain("ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT=true");
    expect(problems[0]!.problem).toContain("https://management.azure.com/");
  });

  it("sends the cloud's token to a custom endpoint only with ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT", () => {
    const s = parseSettings({
      ARM_CLOUD: "AzureUSGovernment",
      ARM_ENDPOINT: "https://arm-proxy.contoso.example/",
      ARM_SEND_TOKEN_TO_CUSTOM_ENDPOINT: "true",
    });
    expect(resolveArmTarget(s)).toEqual({
      target: {
        cloud: "AzureUSGovernment",
        endpoint: "https://arm-proxy.contoso.example/",
        audience: "https://management.usgovcloudapi.net/.default",
        loopback: false,
      },
    });
  });

  it("another cloud's endpoint is refused with the ARM_CLOUD to set instead", () => {
    const problems = problemsOf({ ARM_ENDPOINT: "https://management.chinacloudapi.cn/" });
    expect(problems).toEqual([
      {
        setting: "ARM_ENDPOINT",
        problem:
          "is the AzureChinaCloud endpoint while ARM_CLOUD is AzureCloud: set ARM_CLOUD=AzureChinaCloud instead",
      },
    ]);
  });

  it("the cloud's own endpoint and the emulator on loopback need no opt-in", () => {
    const own = parseSettings({
      ARM_CLOUD: "AzureChinaCloud",
      ARM_ENDPOINT: "https://management.chinacloudapi.cn",
    });
    expect(resolveArmTarget(own)).toMatchObject({ target: { loopback: false } });
    for (const endpoint of ["https://127.0.0.1:8443", "https://localhost:8443/", "https://[::1]:8443"]) {
      const s = parseSettings({ ARM_ENDPOINT: endpoint });
      expect(resolveArmTarget(s), endpoint).toMatchObject({ target: { endpoint, loopback: true } });
    }
  });
});
