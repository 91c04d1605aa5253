import type { RunReport } from "../../../src/reconcile/run-report.js";
import type { AppliedAction, PeeringSettings, ProblemCode } from "../../../src/reconcile/types.js";
import { settings } from "../../support/builders.js";

/** Small builders for RunReports as apply() produces them. Shared by alert unit and integration tests. */

export const SUB = "11111111-2222-3333-4444-555555555555";

export function vnetId(name: string, rg = "rg-net", sub = SUB): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${name}`;
}

export function peeringId(vnet: string, peering: string): string {
  return `${vnetId(vnet)}/virtualNetworkPeerings/${peering}`;
}

const SETTINGS: PeeringSettings = settings();

/** A successful sync of `vnet`'s peering to `remote`, after `remote` gained `gained`. */
export function synced(vnet: string, remote: string, gained = ["10.2.0.0/16"]): AppliedAction {
  const peering = `${vnet}-to-${remote}`;
  return {
    action: {
      kind: "sync",
      id: `sync:${peering}`,
      target: peeringId(vnet, peering),
      vnetId: vnetId(vnet),
      remoteVnetId: vnetId(remote),
      reason: `${remote} added ${gained.join(", ")}; ${peering} on ${vnet} is LocalNotInSync.`,
      before: {
        syncLevel: "LocalNotInSync",
        remoteAddressSpace: ["10.1.0.0/16"],
        remoteVirtualNetworkAddressSpace: ["10.1.0.0/16", ...gained],
      },
    },
    result: { status: "succeeded" },
  };
}

export function createdReciprocal(vnet: string, remote: string): AppliedAction {
  const name = `${vnet}-to-${remote}`;
  return {
    action: {
      kind: "createReciprocal",
      id: `create:${name}`,
      target: peeringId(vnet, name),
      vnetId: vnetId(vnet),
      name,
      body: { remoteVnetId: vnetId(remote), settings: SETTINGS },
      mirrorOf: peeringId(remote, `${remote}-to-${vnet}`),
      reason: `${remote} peers ${vnet} but ${vnet} has no peering back.`,
    },
    result: { status: "succeeded" },
  };
}

export function resetDisconnected(vnet: string, remote: string): AppliedAction {
  const name = `${vnet}-to-${remote}`;
  return {
    action: {
      kind: "resetDisconnected",
      id: `reset:${name}`,
      target: peeringId(vnet, name),
      vnetId: vnetId(vnet),
      remoteVnetId: vnetId(remote),
      reason: `${name} on ${vnet} is Disconnected.`,
    },
    result: { status: "succeeded" },
  };
}

export function problem(
  code: ProblemCode,
  vnet: string,
  remote: string,
  extra: { remedy?: string; overlappingPrefixes?: Array<[string, string]> } = {},
): AppliedAction {
  const name = `${vnet}-to-${remote}`;
  return {
    action: {
      kind: "alertOnly",
      id: `alert:${code}:${name}`,
      target: peeringId(vnet, name),
      vnetId: vnetId(vnet),
      problem: code,
      remoteVnetId: vnetId(remote),
      reason: `${name} on ${vnet}: ${code}.`,
      remedy: extra.remedy ?? `Fix ${code} on ${name}.`,
      ...(extra.overlappingPrefixes ? { overlappingPrefixes: extra.overlappingPrefixes } : {}),
    },
    result: { status: "succeeded" },
  };
}

export function failedSync(
  vnet: string,
  remote: string,
  error = { code: "AuthorizationFailed", message: "no", retryable: false },
): AppliedAction {
  const ok = synced(vnet, remote);
  return { action: ok.action, result: { status: "failed", error } };
}

export function skipped(vnet: string): AppliedAction {
  return {
    action: {
      kind: "skip",
      id: `skip:${vnet}`,
      target: vnetId(vnet),
      vnetId: vnetId(vnet),
      skip: "OptOutTag",
      reason: "opted out",
    },
    result: { status: "skipped", why: "skip" },
  };
}

export function report(results: AppliedAction[], over: Partial<RunReport> = {}): RunReport {
  return {
    runId: "run-0001",
    trigger: "sweep",
    correlationId: "corr-0001",
    startedAt: "2026-01-10T09:59:00.000Z",
    finishedAt: "2026-01-10T10:00:00.000Z",
    dryRun: false,
    scope: [`/subscriptions/${SUB}`],
    vnetsRead: 10,
    results,
    ...over,
  };
}

/** A run that touched `n` peerings: mostly syncs after hub-vnet grew, plus a few of everything else. */
export function bigReport(n: number): RunReport {
  const results: AppliedAction[] = [];
  for (let i = 0; i < n; i++) {
    const spoke = `spoke-${String(i).padStart(4, "0")}-vnet-with-a-long-enough-name`;
    if (i % 50 === 0)
      results.push(
        failedSync(spoke, "hub-vnet", {
          code: "AnotherOperationInProgress",
          message: "x".repeat(900),
          retryable: true,
        }),
      );
    else if (i % 10 === 0)
      results.push(problem("AddressSpaceOverlap", spoke, "hub-vnet", { remedy: "r".repeat(900) }));
    else if (i % 7 === 0) results.push(createdReciprocal(spoke, "hub-vnet"));
    else results.push(synced(spoke, "hub-vnet"));
  }
  return report(results);
}
