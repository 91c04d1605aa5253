import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ConfigError, parseSettings, policyFrom, type Settings } from "../config.js";
import { subscriptionOf } from "../reconcile/ids.js";
import {
  checkPrefixList,
  checkVnetId,
  exitCodeOf,
  parseArmWhatIf,
  parseTerraformPlan,
  runWhatIf,
  toMarkdown,
  toText,
  WhatIfInputError,
  type ParsedRequests,
} from "../what-if/index.js";
import type { NetworkPort } from "../reconcile/port.js";

// main.ts dispatches here, so the shapes it hands over are restated (structurally the same as its
// CliIo and TargetOpener) rather than imported back from it.
interface WhatIfIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}
type Opener = (
  emulatorTopology: string | undefined,
  settings: Settings,
) => Promise<{ port: NetworkPort; subscriptions: string[]; close(): Promise<void> }>;

export const WHAT_IF_USAGE = `Usage: vnet-peering-sync what-if (--vnet <id> (--add <cidr>... | --remove <cidr>... | --address-space <cidr,...>)
                                 | --from-terraform-plan <file> | --from-arm-what-if <file>) [options]

Before you change a peered VNet's address space: what Azure would refuse, which peerings then need a
sync (on which VNet, in which subscription, by vnet-peering-sync or by a human) and what else to check.
Every VNet a plan file changes is checked at once, as if the changes were applied together.

Options:
  --vnet <id>                 the VNet to resize (resource id)
  --add <cidr>                a prefix to add (repeatable)
  --remove <cidr>             a prefix to remove (repeatable)
  --address-space <cidr,...>  the whole new address space
  --from-terraform-plan <file>  the JSON of \`terraform show -json <planfile>\`
  --from-arm-what-if <file>     the JSON of \`az deployment group what-if --no-pretty-print\`
  --subscription <id>         what vnet-peering-sync watches (repeatable; default WATCHED_SUBSCRIPTIONS)
  --endpoint <url>, --ca-file <pem>, --emulator [topology]   as for plan
  --output <text|json|markdown>  text for people (default), json for pipelines, markdown for a
                              pull-request comment or job summary
  -h, --help                  show this help

Exit codes: 0 nothing to do; 2 the change is accepted and leaves follow-up work; 1 Azure would refuse
it, or an error.`;

/** `vnet-peering-sync what-if ...`: argv without the program name, the command anywhere in it. */
export async function runWhatIfCli(argv: string[], io: WhatIfIo, openTarget: Opener): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: withEmulatorValue(argv),
      allowPositionals: true,
      options: {
        vnet: { type: "string" },
        add: { type: "string", multiple: true, default: [] },
        remove: { type: "string", multiple: true, default: [] },
        "address-space": { type: "string" },
        "from-terraform-plan": { type: "string" },
        "from-arm-what-if": { type: "string" },
        subscription: { type: "string", multiple: true, default: [] },
        endpoint: { type: "string" },
        "ca-file": { type: "string" },
        emulator: { type: "string" },
        "report-only": { type: "boolean", default: false },
        output: { type: "string", default: "text" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    io.stderr(`${(err as Error).message}\n\n${WHAT_IF_USAGE}\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${WHAT_IF_USAGE}\n`);
    return 0;
  }
  const extra = positionals.filter((p) => p !== "what-if");
  if (extra.length > 0) {
    io.stderr(`Unexpected argument "${extra[0]}".\n\n${WHAT_IF_USAGE}\n`);
    return 1;
  }
  if (!["text", "json", "markdown"].includes(values.output)) {
    io.stderr(`--output must be text, json or markdown, not "${values.output}".\n`);
    return 1;
  }

  let requests: ParsedRequests;
  try {
    requests = await requestsFrom(values);
  } catch (err) {
    if (err instanceof WhatIfInputError) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    throw err;
  }

  let settings: Settings;
  try {
    settings = parseSettings({
      ...io.env,
      ...(values.endpoint ? { ARM_ENDPOINT: values.endpoint } : {}),
      ...(values["ca-file"] ? { ARM_CA_FILE: values["ca-file"] } : {}),
      ...(values.subscription.length ? { WATCHED_SUBSCRIPTIONS: values.subscription.join(",") } : {}),
      ...(values["report-only"] ? { REPORT_ONLY: "true" } : {}),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    throw err;
  }

  let target;
  try {
    target = await openTarget(values.emulator, settings);
  } catch (err) {
    io.stderr(`Could not reach ARM: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    // Who syncs depends on what the deployed app watches; without that setting, assume it watches the
    // subscriptions of the VNets being resized.
    const watched = settings.WATCHED_SUBSCRIPTIONS.length
      ? settings.WATCHED_SUBSCRIPTIONS
      : target.subscriptions.length
        ? target.subscriptions
        : [...new Set(requests.requests.map((r) => subscriptionOf(r.vnetId)!))];
    const answer = await runWhatIf(
      target.port,
      requests,
      policyFrom(settings, { watchedSubscriptions: watched }),
    );
    if (values.output === "json") io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
    else if (values.output === "markdown") io.stdout(`${toMarkdown(answer)}\n`);
    else io.stdout(`${toText(answer)}\n`);
    return exitCodeOf(answer.verdict);
  } catch (err) {
    if (err instanceof WhatIfInputError) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    io.stderr(`what-if failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await target.close();
  }
}

interface WhatIfFlags {
  vnet?: string | undefined;
  add: string[];
  remove: string[];
  "address-space"?: string | undefined;
  "from-terraform-plan"?: string | undefined;
  "from-arm-what-if"?: string | undefined;
}

async function requestsFrom(values: WhatIfFlags): Promise<ParsedRequests> {
  const tf = values["from-terraform-plan"];
  const arm = values["from-arm-what-if"];
  const sources = [values.vnet !== undefined, tf !== undefined, arm !== undefined].filter(Boolean).length;
  if (sources !== 1)
    throw new WhatIfInputError(
      "--vnet",
      "give exactly one of --vnet, --from-terraform-plan or --from-arm-what-if.",
    );
  if (tf !== undefined) return parseTerraformPlan(await readJson(tf, "--from-terraform-plan"));
  if (arm !== undefined) return parseArmWhatIf(await readJson(arm, "--from-arm-what-if"));
  const vnetId = checkVnetId(values.vnet, "--vnet");
  const space = values["address-space"];
  if (space !== undefined && (values.add.length || values.remove.length))
    throw new WhatIfInputError("--address-space", "give either --address-space or --add/--remove, not both.");
  if (space === undefined && !values.add.length && !values.remove.length)
    throw new WhatIfInputError("--vnet", "needs --add, --remove or --address-space.");
  return {
    requests: [
      {
        vnetId,
        ...(space !== undefined
          ? {
              addressSpace: checkPrefixList(
                space.split(",").filter((p) => p.trim()),
                "--address-space",
              ),
            }
          : {
              add: checkPrefixList(values.add, "--add"),
              remove: checkPrefixList(values.remove, "--remove"),
            }),
      },
    ],
    skipped: [],
  };
}

async function readJson(file: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new WhatIfInputError(
      flag,
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}.`,
    );
  }
  try {
    // Windows tools (PowerShell's Out-File) write a byte-order mark.
    return JSON.parse(text.replace(/^\uFEFF/, "")) as unknown;
  } catch {
    throw new WhatIfInputError(flag, `${file} is not JSON (give the output of the tool's JSON mode).`);
  }
}

/** `--emulator` takes an optional topology file; parseArgs needs a value, so supply the default marker. */
function withEmulatorValue(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    out.push(argv[i]!);
    const next = argv[i + 1];
    if (argv[i] === "--emulator" && (next === undefined || next.startsWith("-") || next === "what-if"))
      out.push("");
  }
  return out;
}
