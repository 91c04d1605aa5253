/**
 * The azd hooks (scripts/preprovision|postdeploy|postdown, .sh and .ps1) against fakes of `az` and `azd`
 * put first on PATH. The fakes keep their state in a temp dir (azd environment values, whether the
 * function app is deployed, when its eventgrid_extension key appears, the topics of each subscription)
 * and record every call, so each test reads what the hooks did and what a provision was run with.
 *
 * The PowerShell scripts run under pwsh, restored by scripts/get-pwsh.sh (the PowerShell .NET tool).
 * Without dotnet only the PowerShell runs are skipped, with a warning.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./bicep-tools.js";

function restorePwsh(): string | undefined {
  try {
    return execFileSync("bash", [join(REPO_ROOT, "scripts", "get-pwsh.sh")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch (err) {
    console.warn(
      `[infra] SKIPPING the PowerShell hook runs: PowerShell could not be restored (${String((err as { stderr?: string }).stderr ?? err).trim()}).`,
    );
    return undefined;
  }
}
const pwsh = restorePwsh();

const FAKE_AZ = `#!/bin/sh
state="$FAKE_STATE"
echo "az $*" >> "$state/calls.log"
case "$1 $2" in
  "account show")
    if [ -f "$state/signed-in" ]; then echo '{"id":"sub"}'; exit 0; fi
    echo "ERROR: Please run 'az login' to setup account." >&2; exit 1 ;;
  "functionapp function")
    if [ -f "$state/app-deployed" ]; then echo '{"name":"onNetworkEvent"}'; exit 0; fi
    echo "ERROR: (ResourceNotFound)" >&2; exit 3 ;;
  "functionapp keys")
    if [ ! -f "$state/app-deployed" ]; then echo "ERROR: (ResourceNotFound)" >&2; exit 3; fi
    n=$(cat "$state/keys-calls" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$state/keys-calls"
    after=$(cat "$state/key-after" 2>/dev/null || echo 1)
    if [ "$n" -ge "$after" ]; then echo '{"masterKey":"m","systemKeys":{"eventgrid_extension":"k"}}'
    else echo '{"masterKey":"m","systemKeys":{}}'; fi
    exit 0 ;;
  "provider show")
    sub=""; prev=""
    for a in "$@"; do [ "$prev" = "--subscription" ] && sub="$a"; prev="$a"; done
    state_of=$(cat "$state/provider-$sub" 2>/dev/null || echo Registered)
    printf '{"namespace":"Microsoft.EventGrid","registrationState":"%s"}\\n' "$state_of"
    exit 0 ;;
  "eventgrid system-topic")
    sub=""; prev=""
    for a in "$@"; do [ "$prev" = "--subscription" ] && sub="$a"; prev="$a"; done
    cat "$state/topics-$sub.json" 2>/dev/null || echo '[]'
    exit 0 ;;
esac
echo "fake az: unexpected: $*" >&2
exit 99
`;

const FAKE_AZD = `#!/bin/sh
state="$FAKE_STATE"
echo "azd $*" >> "$state/calls.log"
if [ "$1 $2" = "env get-value" ]; then
  if [ -f "$state/env/$3" ]; then cat "$state/env/$3"; exit 0; fi
  echo "ERROR: key '$3' not found in the environment values" >&2; exit 1
fi
if [ "$1 $2" = "env set" ]; then printf '%s' "$4" > "$state/env/$3"; exit 0; fi
if [ "$1" = "provision" ]; then
  # Like azd: the preprovision hook first, then the deployment with the parameters it left.
  sh -c "$FAKE_PREPROVISION" || exit 1
  create=$(cat "$state/env/CREATE_EVENT_SUBSCRIPTIONS" 2>/dev/null)
  echo "CREATE_EVENT_SUBSCRIPTIONS=$create PHASE_TWO=\${PEERING_SYNC_PHASE_TWO:-}" >> "$state/provisions.log"
  fails=$(cat "$state/provision-failures" 2>/dev/null || echo 0)
  if [ "$fails" -gt 0 ]; then
    echo $((fails - 1)) > "$state/provision-failures"
    echo "ERROR: Destination endpoint not found" >&2; exit 1
  fi
  printf '%s' "$create" > "$state/env/EVENT_SUBSCRIPTIONS_CREATED"
  exit 0
fi
echo "fake azd: unexpected: $*" >&2
exit 99
`;

const SUB_A = "aaaaaaaa-0000-0000-0000-000000000001";
const SUB_B = "bbbbbbbb-0000-0000-0000-000000000002";

type Shell = "sh" | "pwsh";

interface Fixture {
  state: string;
  bin: string;
  shell: Shell;
}

function hookCommand(shell: Shell, hook: string): [string, string[]] {
  return shell === "sh"
    ? ["sh", [join(REPO_ROOT, "scripts", `${hook}.sh`)]]
    : [
        pwsh ?? "pwsh",
        ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", join(REPO_ROOT, "scripts", `${hook}.ps1`)],
      ];
}

function makeFixture(shell: Shell): Fixture {
  const root = mkdtempSync(join(tmpdir(), "azd-hooks-"));
  const state = join(root, "state");
  const bin = join(root, "bin");
  mkdirSync(join(state, "env"), { recursive: true });
  mkdirSync(bin);
  writeFileSync(join(bin, "az"), FAKE_AZ, { mode: 0o755 });
  writeFileSync(join(bin, "azd"), FAKE_AZD, { mode: 0o755 });
  return { state, bin, shell };
}

/** azd passes the environment's values (outputs included) to every hook. */
const AZD_VALUES = {
  AZURE_ENV_NAME: "prod",
  AZURE_SUBSCRIPTION_ID: SUB_A,
  AZURE_FUNCTION_APP_NAME: "func-abc",
  AZURE_RESOURCE_GROUP: "rg-prod",
  WATCHED_SUBSCRIPTION_IDS: JSON.stringify([SUB_A, SUB_B]),
};

function runHook(f: Fixture, hook: string, extraEnv: Record<string, string> = {}) {
  const [command, args] = hookCommand(f.shell, hook);
  const [preCommand, preArgs] = hookCommand(f.shell, "preprovision");
  const result = spawnSync(command, args, {
    encoding: "utf8",
    env: {
      ...process.env,
      ...AZD_VALUES,
      PATH: `${f.bin}${delimiter}${process.env.PATH ?? ""}`,
      FAKE_STATE: f.state,
      FAKE_PREPROVISION: [preCommand, ...preArgs].map((a) => `'${a}'`).join(" "),
      PEERING_SYNC_HOOK_POLL_SECONDS: "0",
      PEERING_SYNC_HOOK_POLL_TRIES: "5",
      PEERING_SYNC_HOOK_FALLBACK_WAIT_SECONDS: "0",
      PEERING_SYNC_HOOK_RETRY_WAIT_SECONDS: "0",
      ...extraEnv,
    },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const read = (f: Fixture, file: string): string =>
  existsSync(join(f.state, file)) ? readFileSync(join(f.state, file), "utf8") : "";
const envValue = (f: Fixture, name: string): string => read(f, join("env", name));
const setEnv = (f: Fixture, name: string, value: string): void =>
  writeFileSync(join(f.state, "env", name), value);
const touch = (f: Fixture, file: string, content = ""): void => writeFileSync(join(f.state, file), content);
const provisions = (f: Fixture): string[] => read(f, "provisions.log").split("\n").filter(Boolean);
const azCalls = (f: Fixture): string[] =>
  read(f, "calls.log")
    .split("\n")
    .filter((l) => l.startsWith("az "));

/** `azd up` = preprovision + provision, deploy (the function and, after a while, its key), postdeploy. */
function azdUp(f: Fixture) {
  const pre = runHook(f, "preprovision");
  expect(pre.status, pre.output).toBe(0);
  const create = envValue(f, "CREATE_EVENT_SUBSCRIPTIONS");
  touch(f, "provisions.log", `${read(f, "provisions.log")}CREATE_EVENT_SUBSCRIPTIONS=${create} PHASE_TWO=\n`);
  setEnv(f, "EVENT_SUBSCRIPTIONS_CREATED", create);
  touch(f, "app-deployed");
  return runHook(f, "postdeploy");
}

const shells: Shell[] = ["sh", "pwsh"];
// pwsh takes seconds to start on a busy machine and each scenario starts it several times.
const HOOK_TIMEOUT = 300_000;

describe.each(shells)("azd hooks (%s)", (shell) => {
  let f: Fixture;
  beforeEach(() => {
    f = makeFixture(shell);
    touch(f, "signed-in");
  });
  afterEach(() => rmSync(join(f.state, ".."), { recursive: true, force: true }));

  const skip = shell === "pwsh" && !pwsh;

  it.skipIf(skip)(
    "first deploy: provisions without event subscriptions, then adds them once the key exists",
    () => {
      touch(f, "key-after", "2");
      const post = azdUp(f);
      expect(post.status, post.output).toBe(0);
      expect(provisions(f)).toEqual([
        "CREATE_EVENT_SUBSCRIPTIONS=false PHASE_TWO=",
        "CREATE_EVENT_SUBSCRIPTIONS=true PHASE_TWO=1",
      ]);
      // Waited for the extension key, not only for the function to be listed.
      expect(
        azCalls(f).filter((c) => c.startsWith("az functionapp keys list")).length,
      ).toBeGreaterThanOrEqual(2);
      expect(envValue(f, "CREATE_EVENT_SUBSCRIPTIONS")).toBe("true");
      expect(envValue(f, "EVENT_SUBSCRIPTIONS_CREATED")).toBe("true");
    },
    HOOK_TIMEOUT,
  );

  it.skipIf(skip)(
    "second azd up: keeps the event subscriptions in the one provision and does not provision again",
    () => {
      touch(f, "app-deployed");
      const post = azdUp(f);
      expect(post.status, post.output).toBe(0);
      expect(provisions(f)).toEqual(["CREATE_EVENT_SUBSCRIPTIONS=true PHASE_TWO="]);
      expect(post.output).toContain("nothing to do");
    },
    HOOK_TIMEOUT,
  );

  it.skipIf(skip)(
    "azd down then azd up: postdown resets the phase, and preprovision ignores a stale flag anyway",
    () => {
      touch(f, "app-deployed");
      expect(azdUp(f).status).toBe(0);
      // azd down: the app is gone.
      rmSync(join(f.state, "app-deployed"));
      const down = runHook(f, "postdown");
      expect(down.status, down.output).toBe(0);
      expect(envValue(f, "CREATE_EVENT_SUBSCRIPTIONS")).toBe("false");
      expect(down.output).toContain(`VNet Peering Sync (${SUB_B})`);
      // Even a flag left at true (say the group was deleted in the portal, no postdown) is not trusted.
      setEnv(f, "CREATE_EVENT_SUBSCRIPTIONS", "true");
      setEnv(f, "EVENT_SUBSCRIPTIONS_CREATED", "true");
      touch(f, "provisions.log");
      const post = azdUp(f);
      expect(post.status, post.output).toBe(0);
      expect(provisions(f)).toEqual([
        "CREATE_EVENT_SUBSCRIPTIONS=false PHASE_TWO=",
        "CREATE_EVENT_SUBSCRIPTIONS=true PHASE_TWO=1",
      ]);
    },
    HOOK_TIMEOUT,
  );

  it.skipIf(skip)(
    "az not signed in: falls back at once (no polling) and still runs the second provision",
    () => {
      rmSync(join(f.state, "signed-in"));
      const post = azdUp(f);
      expect(post.status, post.output).toBe(0);
      expect(post.output).toContain("az is not signed in");
      expect(azCalls(f).filter((c) => !c.startsWith("az account show"))).toEqual([]);
      expect(provisions(f)).toEqual([
        "CREATE_EVENT_SUBSCRIPTIONS=false PHASE_TWO=",
        "CREATE_EVENT_SUBSCRIPTIONS=true PHASE_TWO=1",
      ]);
    },
    HOOK_TIMEOUT,
  );

  it.skipIf(skip)(
    "extension key late and the nested provision failing once: waits for the key and retries once",
    () => {
      touch(f, "key-after", "4");
      touch(f, "provision-failures", "1");
      const post = azdUp(f);
      expect(post.status, post.output).toBe(0);
      expect(read(f, "keys-calls").trim()).toBe("4");
      expect(provisions(f)).toEqual([
        "CREATE_EVENT_SUBSCRIPTIONS=false PHASE_TWO=",
        "CREATE_EVENT_SUBSCRIPTIONS=true PHASE_TWO=1",
        "CREATE_EVENT_SUBSCRIPTIONS=true PHASE_TWO=1",
      ]);
      expect(envValue(f, "EVENT_SUBSCRIPTIONS_CREATED")).toBe("true");
    },
    HOOK_TIMEOUT,
  );

  it.skipIf(skip)(
    "a second failure stops azd up with a clear message and leaves the first phase set",
    () => {
      touch(f, "provision-failures", "2");
      const post = azdUp(f);
      expect(post.status).toBe(1);
      expect(post.output).toContain("the Event Grid subscriptions could not be created");
      expect(envValue(f, "CREATE_EVENT_SUBSCRIPTIONS")).toBe("false");
    },
    HOOK_TIMEOUT,
  );

  it.skipIf(skip)(
    "discovers another team's system topic with its identity and tags, and skips this project's own",
    () => {
      const uai = `/subscriptions/${SUB_B}/resourceGroups/rg-net/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-net`;
      touch(
        f,
        `topics-${SUB_B}.json`,
        JSON.stringify([
          {
            id: `/subscriptions/${SUB_B}/resourceGroups/Default-EventGrid/providers/Microsoft.EventGrid/systemTopics/net-topic`,
            name: "net-topic",
            topicType: "Microsoft.Resources.Subscriptions",
            source: `/subscriptions/${SUB_B}`,
            identity: { type: "UserAssigned", userAssignedIdentities: { [uai]: { clientId: "c" } } },
            tags: { owner: "network-team" },
          },
          {
            id: `/subscriptions/${SUB_B}/resourceGroups/rg-x/providers/Microsoft.EventGrid/systemTopics/storage-topic`,
            name: "storage-topic",
            topicType: "Microsoft.Storage.StorageAccounts",
            source: `/subscriptions/${SUB_B}/resourceGroups/rg-x/providers/Microsoft.Storage/storageAccounts/st`,
          },
        ]),
      );
      touch(
        f,
        `topics-${SUB_A}.json`,
        JSON.stringify([
          {
            id: `/subscriptions/${SUB_A}/resourceGroups/rg-vnet-peering-sync-events/providers/Microsoft.EventGrid/systemTopics/evgt-vnet-peering-sync`,
            name: "evgt-vnet-peering-sync",
            topicType: "Microsoft.Resources.Subscriptions",
            source: `/subscriptions/${SUB_A}`,
            identity: { type: "SystemAssigned" },
          },
        ]),
      );
      const pre = runHook(f, "preprovision");
      expect(pre.status, pre.output).toBe(0);
      expect(JSON.parse(envValue(f, "DISCOVERED_SYSTEM_TOPICS"))).toEqual([
        {
          subscriptionId: SUB_B,
          resourceGroupName: "Default-EventGrid",
          name: "net-topic",
          identityType: "UserAssigned",
          userAssignedIdentityIds: [uai],
          tags: { owner: "network-team" },
        },
      ]);
    },
    HOOK_TIMEOUT,
  );
  it.skipIf(skip)(
    "predown stops azd down while a topic is adopted from another team's group, unless allowed",
    () => {
      const adopted = JSON.stringify([
        {
          subscriptionId: SUB_B,
          resourceGroupName: "Default-EventGrid",
          name: "net-topic",
          identityType: "None",
          tags: {},
        },
      ]);
      const stopped = runHook(f, "predown", { DISCOVERED_SYSTEM_TOPICS: adopted });
      expect(stopped.status).toBe(1);
      expect(stopped.output).toContain(`Default-EventGrid (subscription ${SUB_B})`);
      expect(stopped.output).toContain("ALLOW_DOWN_WITH_ADOPTED_TOPICS");
      const allowed = runHook(f, "predown", {
        DISCOVERED_SYSTEM_TOPICS: adopted,
        ALLOW_DOWN_WITH_ADOPTED_TOPICS: "true",
      });
      expect(allowed.status, allowed.output).toBe(0);
      const nothingAdopted = runHook(f, "predown", {
        DISCOVERED_SYSTEM_TOPICS: "[]",
        EXISTING_SYSTEM_TOPICS: "",
      });
      expect(nothingAdopted.status, nothingAdopted.output).toBe(0);
    },
    HOOK_TIMEOUT,
  );
  it.skipIf(skip)(
    "stops before provisioning when a watched subscription lacks the Event Grid provider, naming the command",
    () => {
      touch(f, `provider-${SUB_B}`, "NotRegistered");
      const pre = runHook(f, "preprovision");
      expect(pre.status).toBe(1);
      expect(pre.output).toContain(
        `az provider register --namespace Microsoft.EventGrid --subscription ${SUB_B} --wait`,
      );
      expect(pre.output).not.toContain(`--subscription ${SUB_A} --wait`);
    },
    HOOK_TIMEOUT,
  );
});
