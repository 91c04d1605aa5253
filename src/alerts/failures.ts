// The alert for a failure with no run report: a message the queue gave up on, a run that threw, a
// subscription the sweep could not read.
import type { FailureNotice } from "../reconcile/errors.js";
import { parseSubscriptionId } from "../reconcile/ids.js";
import { digestFrom, plural } from "./digest.js";
import { failureTodo, locate } from "./items.js";
import { redact } from "./redact.js";
import { problemKey, type AlertItem, type Digest, type DigestMeta, type DigestOptions } from "./types.js";

export function failureItem(failure: FailureNotice, secrets: readonly string[] = []): AlertItem {
  const message = redact(failure.error.message, secrets);
  // A failure whose target is a whole subscription, not a VNet.
  const subscription = parseSubscriptionId(failure.vnetId);
  if (subscription) return subscriptionFailureItem(failure, subscription, message);
  const where = locate({ vnetId: failure.vnetId, target: failure.vnetId });
  const tries = failure.attempts ? ` after ${plural(failure.attempts, "attempt")}` : "";
  return {
    category: "failed",
    severity: "error",
    key: problemKey("Failed:reconcile", failure.vnetId),
    code: failure.error.code || "Error",
    title: `Could not reconcile ${where.vnetName}`,
    what: `Reconciling ${where.vnetName} failed${tries}; the message was set aside and will not be retried.`,
    where,
    done: `Gave up${tries}. Last error ${failure.error.code}: ${message}`,
    todo: failureTodo(failure.error.code, message, false),
  };
}

/**
 * A whole subscription could not be read (the sweep's SubscriptionInaccessible): no VNet, no queue
 * message to set aside; the other subscriptions were swept and the next sweep tries this one again.
 */
function subscriptionFailureItem(failure: FailureNotice, subscription: string, message: string): AlertItem {
  const code = failure.error.code || "Error";
  const denied = /^(SubscriptionInaccessible|AuthorizationFailed|Forbidden)$/i.test(code);
  return {
    category: "failed",
    severity: "error",
    // The key of every failure notice: dedupe state written before this wording keeps matching.
    key: problemKey("Failed:reconcile", failure.vnetId),
    code,
    title: `Could not read subscription ${subscription}`,
    what: `The sweep could not list the VNets of subscription ${subscription}${denied ? " (access denied)" : ""}, so none of its peerings were checked or repaired.`,
    where: { vnetId: failure.vnetId, vnetName: `subscription ${subscription}`, targetId: failure.vnetId },
    done: `Swept the other watched subscriptions; nothing was read or written in this one. Error ${code}: ${message}`,
    todo: denied
      ? `Grant the app's identity Network Contributor (or the peering-sync role) on subscription ${subscription}, or remove it from WATCHED_SUBSCRIPTIONS; the next sweep reads it again.`
      : failureTodo(code, message, false),
  };
}

/** The alert for a poison message / exhausted retries. Always error severity, never filtered. */
export function buildFailureDigest(failure: FailureNotice, options: DigestOptions = {}): Digest {
  const digest = digestFrom([failureItem(failure, options.secrets)], failureMeta(failure), options);
  // digestFrom returns undefined only for zero items.
  return digest!;
}

export function failureMeta(failure: FailureNotice): DigestMeta {
  return {
    id: `failure-${failure.correlationId}`,
    runId: failure.correlationId,
    correlationId: failure.correlationId,
    // A subscription the sweep could not read is no failed queue message: say it was the sweep.
    trigger: parseSubscriptionId(failure.vnetId) ? "sweep" : "failure",
    at: failure.at,
    dryRun: false,
  };
}
