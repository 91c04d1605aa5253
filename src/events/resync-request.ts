import { z } from "zod";
import { checkScopeId, subscriptionOf } from "../reconcile/ids.js";

/** The body of POST /api/resync. Unknown fields are refused: a typo ("dryrun") must not mean "apply". */
export const resyncRequestSchema = z.strictObject({
  scope: z.array(z.string().max(512)).min(1).max(50),
  dryRun: z.boolean().optional().default(false),
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
    const issue = parsed.error.issues[0]!;
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
