import { z } from "zod";
import { checkScopeId, subscriptionOf } from "../reconcile/ids.js";
import type { Policy } from "../reconcile/types.js";

/**
 * The body of POST /api/resync. Unknown fields are refused: a typo ("dryrun") must not mean "apply".
 * `dryRun` has no default: a body that forgets it must not write to the networks.
 */
export const resyncRequestSchema = z.strictObject({
  scope: z.array(z.string().max(512)).min(1).max(50),
  dryRun: z.boolean(),
  repairDisconnected: z.boolean().optional(),
});
export type ResyncRequest = z.infer<typeof resyncRequestSchema>;

export type ResyncRequestCheck =
  | { ok: true; request: ResyncRequest }
  /** `field` is a path such as `scope[2]` or `dryRun`; `message` never quotes settings. */
  | { ok: false; field: string; message: string };

export function checkResyncRequest(
  body: unknown,
  watchedSubscriptions: readonly string[],
): ResyncRequestCheck {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, field: "body", message: "must be a JSON object" };
  }
  const parsed = resyncRequestSchema.safeParse(body);
  if (!parsed.success) {
    // A misspelt field ("dryrun") is the likelier mistake than a missing one: name it first.
    const issues = parsed.error.issues;
    const issue = issues.find((i) => i.code === "unrecognized_keys") ?? issues[0]!;
    if (issue.path.length === 1 && issue.path[0] === "dryRun" && !("dryRun" in body)) {
      return { ok: false, field: "dryRun", message: DRY_RUN_REQUIRED };
    }
    if (issue.code === "unrecognized_keys") {
      return { ok: false, field: pathOf([...issue.path, issue.keys[0]!]), message: "is not a known field" };
    }
    return { ok: false, field: pathOf(issue.path) || "body", message: describe(issue) };
  }
  const watched = new Set(watchedSubscriptions.map((s) => s.toLowerCase()));
  const scope: string[] = [];
  for (const [i, raw] of parsed.data.scope.entries()) {
    const checked = checkScopeId(raw);
    if (!checked.ok) return { ok: false, field: `scope[${i}]`, message: checked.message };
    if (!watched.has(subscriptionOf(checked.id)!)) {
      return { ok: false, field: `scope[${i}]`, message: "is outside the watched subscriptions" };
    }
    scope.push(checked.id);
  }
  return { ok: true, request: { ...parsed.data, scope } };
}

export const DRY_RUN_REQUIRED =
  "is required: true plans only, false writes; there is no default, so a forgotten field never writes";

/** A request the caller may make but the configured policy does not allow: answered 403. */
export interface PolicyRefusal {
  field: string;
  message: string;
}

/**
 * A function key lets its holder narrow the configured policy, never widen it: repairing
 * Disconnected peerings only where REPAIR_DISCONNECTED allows it, and no writing run while the app is
 * report-only (a dry run is the report). The scope is held to the watched subscriptions by
 * checkResyncRequest, and to SYNC_SCOPE by the planner, which never writes outside it.
 */
export function refuseBeyondPolicy(request: ResyncRequest, policy: Policy): PolicyRefusal | undefined {
  if (request.repairDisconnected === true && !policy.repairDisconnected) {
    return {
      field: "repairDisconnected",
      message:
        "true is refused: this app does not repair Disconnected peerings (REPAIR_DISCONNECTED is off), and a request may only narrow the configured policy, never widen it. Send false or leave it out",
    };
  }
  if (!request.dryRun && policy.reportOnly) {
    return {
      field: "dryRun",
      message:
        "false is refused: this app is report-only (REPORT_ONLY is on), and a request may only narrow the configured policy, never lift it. Send dryRun: true for the plan",
    };
  }
  return undefined;
}

/** The policy a run accepted from a caller works under: the configured one, narrowed by the request. */
export function narrowedRepair(requested: boolean | undefined, policy: Policy): boolean | undefined {
  return requested === undefined ? undefined : requested && policy.repairDisconnected;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) =>
      typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part),
    "",
  );
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      // zod leaves the input out of issues; its message says "received undefined" for a missing field.
      return /received undefined/.test(issue.message) ? "is required" : `must be a ${issue.expected}`;
    case "too_small":
      return issue.origin === "array" ? `must have at least ${String(issue.minimum)} entry` : "is too short";
    case "too_big":
      return issue.origin === "array"
        ? `must have at most ${String(issue.maximum)} entries`
        : `must be at most ${String(issue.maximum)} characters`;
    default:
      return "is not valid";
  }
}
