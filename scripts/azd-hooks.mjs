// The azd hooks of azure.yaml (preprovision, postdeploy, predown, postdown), one implementation for every shell:
// scripts/<hook>.sh and scripts/<hook>.ps1 only call `node scripts/azd-hooks.mjs <hook>`. Plain Node.js
// (azd needs Node for this project anyway), no dependencies, no build step.
//
// Why the hooks exist (docs/deploy.md, "What the first `azd up` does, step by step"):
// - An Event Grid subscription to onNetworkEvent can only be created once the function is deployed and
//   the host can answer Event Grid's validation, i.e. once its `eventgrid_extension` system key exists
//   (Azure/azure-functions-host#11834, Azure/azure-functions-eventgrid-extension#73). Whether the
//   provision creates the subscriptions (CREATE_EVENT_SUBSCRIPTIONS) is decided here from what is
//   deployed, never from a value left in the azd environment by an earlier deployment: after `azd down`
//   that value would make the next `azd up` fail with "Destination endpoint not found".
// - Event Grid allows one system topic per subscription; preprovision finds existing ones so the
//   template adopts them (keeping their identity and tags) instead of failing on a conflict.
//
// Every step is safe to re-run. Without `az`, or with `az` not signed in, the hooks fall back at once to
// the safe choice (first phase only, then a fixed wait before the second provision).
import { spawnSync } from "node:child_process";
import { argv, env, exit, platform, stderr, stdout } from "node:process";
import { setTimeout as sleep } from "node:timers/promises";

const FUNCTION_NAME = "onNetworkEvent";
const EXTENSION_KEY = "eventgrid_extension";
const OWN_TOPIC_NAME = "evgt-vnet-peering-sync";
/** Set by postdeploy for its nested `azd provision`, whose preprovision then keeps phase two on. */
const PHASE_TWO = "PEERING_SYNC_PHASE_TWO";

const seconds = (name, fallback) => {
  const value = Number(env[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
};
// Tunable so tests need not wait; the defaults fit a Flex Consumption publish.
const POLL_SECONDS = seconds("PEERING_SYNC_HOOK_POLL_SECONDS", 10);
const POLL_TRIES = seconds("PEERING_SYNC_HOOK_POLL_TRIES", 30);
const FALLBACK_WAIT_SECONDS = seconds("PEERING_SYNC_HOOK_FALLBACK_WAIT_SECONDS", 90);
const RETRY_WAIT_SECONDS = seconds("PEERING_SYNC_HOOK_RETRY_WAIT_SECONDS", 60);

const say = (hook, text) => stdout.write(`${hook}: ${text}\n`);
const warn = (hook, text) => stderr.write(`${hook}: WARNING: ${text}\n`);

/** Runs a CLI; `az` is a .cmd on Windows, which Node only starts through the shell. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    shell: platform === "win32" && command === "az",
    stdio: options.inherit ? "inherit" : ["ignore", "pipe", "pipe"],
    env: { ...env, ...options.env },
  });
  return {
    ok: result.status === 0,
    missing: result.error?.code === "ENOENT",
    stdout: result.stdout ?? "",
    stderr: result.stderr ?? "",
  };
}

function json(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------------
// azd environment
// ------------------------------------------------------------------------------------------------

/** `-e <env>` so `azd up -e other` changes that environment, not the default one. */
const envArgs = () => (env.AZURE_ENV_NAME ? ["-e", env.AZURE_ENV_NAME] : []);

function azdGet(name) {
  const result = run("azd", ["env", "get-value", name, ...envArgs()]);
  return result.ok ? result.stdout.trim() : "";
}

function azdSet(hook, name, value) {
  const result = run("azd", ["env", "set", name, value, ...envArgs()]);
  if (!result.ok) throw new Error(`${hook}: azd env set ${name} failed: ${result.stderr.trim()}`);
}

// ------------------------------------------------------------------------------------------------
// What is deployed (az)
// ------------------------------------------------------------------------------------------------

/** "ready", or why az cannot be asked: "missing" (not installed) or "signed-out". */
function azState() {
  const account = run("az", ["account", "show", "--output", "json"]);
  if (account.missing) return "missing";
  return account.ok ? "ready" : "signed-out";
}

function functionListed(app, rg) {
  return run("az", [
    "functionapp",
    "function",
    "show",
    "--resource-group",
    rg,
    "--name",
    app,
    "--function-name",
    FUNCTION_NAME,
    "--output",
    "json",
  ]).ok;
}

function extensionKeyPresent(app, rg) {
  const keys = run("az", [
    "functionapp",
    "keys",
    "list",
    "--resource-group",
    rg,
    "--name",
    app,
    "--output",
    "json",
  ]);
  if (!keys.ok) return false;
  const value = json(keys.stdout)?.systemKeys?.[EXTENSION_KEY];
  return typeof value === "string" && value.length > 0;
}

/** The app can take Event Grid subscriptions: onNetworkEvent is indexed and its extension key exists. */
function readyForEvents(app, rg) {
  return Boolean(app && rg) && functionListed(app, rg) && extensionKeyPresent(app, rg);
}

// ------------------------------------------------------------------------------------------------
// Existing system topics
// ------------------------------------------------------------------------------------------------

function watchedSubscriptions() {
  const list = json(env.WATCHED_SUBSCRIPTION_IDS ?? "");
  if (Array.isArray(list) && list.length > 0) return [...new Set(list.map((id) => String(id).toLowerCase()))];
  return env.AZURE_SUBSCRIPTION_ID ? [env.AZURE_SUBSCRIPTION_ID.toLowerCase()] : [];
}

function identityType(identity) {
  const type = String(identity?.type ?? "None").toLowerCase();
  const system = type.includes("systemassigned");
  const user = type.includes("userassigned");
  if (system && user) return "SystemAssigned, UserAssigned";
  if (system) return "SystemAssigned";
  if (user) return "UserAssigned";
  return "None";
}

/** "registered", "unregistered", or "unknown" when az cannot tell (then the provision will). */
function eventGridRegistration(hook, subscriptionId) {
  const shown = run("az", [
    "provider",
    "show",
    "--namespace",
    "Microsoft.EventGrid",
    "--subscription",
    subscriptionId,
    "--output",
    "json",
  ]);
  const state = shown.ok ? String(json(shown.stdout)?.registrationState ?? "") : "";
  if (!state) {
    warn(
      hook,
      `could not read the Microsoft.EventGrid registration of ${subscriptionId}: ${shown.stderr.trim()}`,
    );
    return "unknown";
  }
  // "Registering" finishes by itself while the provision runs.
  return /^(registered|registering)$/i.test(state) ? "registered" : "unregistered";
}

/**
 * The subscription's system topic for subscription events when it exists and is not this project's own
 * (which the template creates and updates itself), with what adopting must keep: identity and tags.
 */
function foreignTopic(hook, subscriptionId) {
  const listed = run("az", [
    "eventgrid",
    "system-topic",
    "list",
    "--subscription",
    subscriptionId,
    "--output",
    "json",
  ]);
  if (!listed.ok) {
    warn(hook, `could not list Event Grid system topics in ${subscriptionId}: ${listed.stderr.trim()}`);
    return undefined;
  }
  const ownGroup = (env.EVENTS_RESOURCE_GROUP_NAME || "rg-vnet-peering-sync-events").toLowerCase();
  const topics = Array.isArray(json(listed.stdout)) ? json(listed.stdout) : [];
  for (const topic of topics) {
    if (String(topic?.topicType).toLowerCase() !== "microsoft.resources.subscriptions") continue;
    if (String(topic?.source).toLowerCase() !== `/subscriptions/${subscriptionId}`) continue;
    const resourceGroupName = /\/resourceGroups\/([^/]+)\//i.exec(String(topic.id))?.[1];
    if (!resourceGroupName || typeof topic.name !== "string") continue;
    if (topic.name === OWN_TOPIC_NAME && resourceGroupName.toLowerCase() === ownGroup) return undefined;
    const userAssignedIdentityIds = Object.keys(topic.identity?.userAssignedIdentities ?? {});
    return {
      subscriptionId,
      resourceGroupName,
      name: topic.name,
      identityType: identityType(topic.identity),
      ...(userAssignedIdentityIds.length > 0 ? { userAssignedIdentityIds } : {}),
      tags: topic.tags && typeof topic.tags === "object" ? topic.tags : {},
    };
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------
// Hooks
// ------------------------------------------------------------------------------------------------

async function preprovision() {
  const hook = "preprovision";
  const az = azState();
  if (az !== "ready") {
    warn(
      hook,
      az === "missing"
        ? "az (Azure CLI) is not installed: existing Event Grid system topics are not discovered and the event subscriptions wait for postdeploy."
        : "az is not signed in (az login): existing Event Grid system topics are not discovered and the event subscriptions wait for postdeploy.",
    );
  }

  // Phase two only when the deployed app can take the subscriptions now.
  let phaseTwo;
  if (env[PHASE_TWO] === "1") {
    phaseTwo = true;
    say(hook, "second provision of postdeploy: creating the Event Grid subscriptions.");
  } else {
    phaseTwo = az === "ready" && readyForEvents(env.AZURE_FUNCTION_APP_NAME, env.AZURE_RESOURCE_GROUP);
    say(
      hook,
      phaseTwo
        ? `${FUNCTION_NAME} is deployed and its ${EXTENSION_KEY} key exists: this provision keeps the Event Grid subscriptions.`
        : `${FUNCTION_NAME} is not deployed (or not ready) yet: this provision leaves the Event Grid subscriptions to postdeploy.`,
    );
  }
  azdSet(hook, "CREATE_EVENT_SUBSCRIPTIONS", String(phaseTwo));

  if (az === "ready") {
    // A subscription without the Event Grid resource provider fails the provision minutes in; say so now.
    const unregistered = watchedSubscriptions().filter(
      (id) => eventGridRegistration(hook, id) === "unregistered",
    );
    if (unregistered.length > 0) {
      stderr.write(
        `${hook}: FAILED: the Microsoft.EventGrid resource provider is not registered in ${unregistered.join(", ")}. ` +
          `Register it (needs */register/action, e.g. Contributor), then run azd again:\n` +
          unregistered
            .map(
              (id) => `  az provider register --namespace Microsoft.EventGrid --subscription ${id} --wait\n`,
            )
            .join(""),
      );
      return 1;
    }
    const found = [];
    for (const subscriptionId of watchedSubscriptions()) {
      const topic = foreignTopic(hook, subscriptionId);
      if (!topic) continue;
      found.push(topic);
      say(
        hook,
        `adopting the existing system topic ${topic.name} (resource group ${topic.resourceGroupName}) of ${subscriptionId}, keeping its identity (${topic.identityType}) and tags.`,
      );
    }
    azdSet(hook, "DISCOVERED_SYSTEM_TOPICS", JSON.stringify(found));
  }
}

async function waitForEventGridKey(hook) {
  const app = env.AZURE_FUNCTION_APP_NAME;
  const rg = env.AZURE_RESOURCE_GROUP;
  const az = azState();
  if (az !== "ready" || !app || !rg) {
    const why =
      az === "missing"
        ? "az is not installed"
        : az === "signed-out"
          ? "az is not signed in"
          : "the app is unknown";
    say(
      hook,
      `${why}; giving the host ${FALLBACK_WAIT_SECONDS} s to load ${FUNCTION_NAME} instead of checking.`,
    );
    await sleep(FALLBACK_WAIT_SECONDS * 1000);
    return;
  }
  for (let attempt = 1; attempt <= POLL_TRIES; attempt += 1) {
    if (readyForEvents(app, rg)) {
      say(hook, `${app} lists ${FUNCTION_NAME} and has its ${EXTENSION_KEY} key.`);
      return;
    }
    say(
      hook,
      `waiting for ${app} to list ${FUNCTION_NAME} with its ${EXTENSION_KEY} key (${attempt}/${POLL_TRIES})...`,
    );
    await sleep(POLL_SECONDS * 1000);
  }
  warn(
    hook,
    `${EXTENSION_KEY} did not appear on ${app} in time; provisioning anyway (retried once on failure).`,
  );
}

function provisionPhaseTwo() {
  return run("azd", ["provision", "--no-prompt", ...envArgs()], { inherit: true, env: { [PHASE_TWO]: "1" } })
    .ok;
}

async function postdeploy() {
  const hook = "postdeploy";
  if (azdGet("EVENT_SUBSCRIPTIONS_CREATED") === "true" && azdGet("CREATE_EVENT_SUBSCRIPTIONS") === "true") {
    say(hook, "the Event Grid subscriptions were created by this provision; nothing to do.");
    return 0;
  }
  await waitForEventGridKey(hook);
  say(hook, "creating the Event Grid subscriptions (azd provision with CREATE_EVENT_SUBSCRIPTIONS=true).");
  azdSet(hook, "CREATE_EVENT_SUBSCRIPTIONS", "true");
  if (provisionPhaseTwo()) return 0;
  warn(
    hook,
    `the provision failed; retrying once in ${RETRY_WAIT_SECONDS} s (the host may still be loading the function).`,
  );
  await sleep(RETRY_WAIT_SECONDS * 1000);
  if (provisionPhaseTwo()) return 0;
  azdSet(hook, "CREATE_EVENT_SUBSCRIPTIONS", "false");
  stderr.write(
    `${hook}: FAILED: the Event Grid subscriptions could not be created. Everything else is deployed and the timer sweep ` +
      "already repairs drift. Run `azd deploy` again once the function app answers (docs/deploy.md, step by step).\n",
  );
  return 1;
}

/**
 * `azd down` of a subscription-scope deployment deletes the resource groups the deployment's resources
 * are in (Azure/azure-dev#2048, #2916). An adopted system topic sits in someone else's group (often
 * Default-EventGrid, with other teams' topics and subscriptions), so refuse until the operator has
 * looked, unless ALLOW_DOWN_WITH_ADOPTED_TOPICS=true.
 */
async function predown() {
  const hook = "predown";
  const adopted = [];
  for (const name of ["DISCOVERED_SYSTEM_TOPICS", "EXISTING_SYSTEM_TOPICS"]) {
    const list = json(env[name] ?? "");
    if (Array.isArray(list)) adopted.push(...list.filter((t) => t && typeof t === "object"));
  }
  if (adopted.length === 0) return 0;
  const groups = [
    ...new Set(adopted.map((t) => `${t.resourceGroupName} (subscription ${t.subscriptionId})`)),
  ];
  if (env.ALLOW_DOWN_WITH_ADOPTED_TOPICS === "true") {
    warn(
      hook,
      `adopted system topics live in ${groups.join(", ")}; make sure azd does not list these groups for deletion.`,
    );
    return 0;
  }
  stderr.write(
    `${hook}: STOPPED: this environment adopted existing Event Grid system topics in ${groups.join(", ")}. ` +
      "azd down deletes the resource groups a deployment's resources are in, which would take other teams' " +
      "topics and subscriptions with them. Remove this project's parts by hand (docs/deploy.md, Teardown), or, " +
      "after checking the groups azd lists before it deletes, run `azd env set ALLOW_DOWN_WITH_ADOPTED_TOPICS true` " +
      "and `azd down` again.\n",
  );
  return 1;
}

async function postdown() {
  const hook = "postdown";
  // The next `azd up` starts from scratch: first phase, then postdeploy.
  azdSet(hook, "CREATE_EVENT_SUBSCRIPTIONS", "false");
  azdSet(hook, "EVENT_SUBSCRIPTIONS_CREATED", "false");
  azdSet(hook, "DISCOVERED_SYSTEM_TOPICS", "[]");
  const subscriptions = watchedSubscriptions();
  say(
    hook,
    "azd down removed the app's resource group. Left in each watched subscription (docs/deploy.md, Teardown):",
  );
  for (const id of subscriptions) {
    say(
      hook,
      `  ${id}: the role "VNet Peering Sync (${id})" and its assignment, the group rg-vnet-peering-sync-events with its system topic (or, on an adopted topic, our event subscription only).`,
    );
  }
  return 0;
}

const hooks = { preprovision, postdeploy, predown, postdown };
const name = argv[2];
if (!(name in hooks)) {
  stderr.write(`usage: node scripts/azd-hooks.mjs ${Object.keys(hooks).join("|")}\n`);
  exit(2);
}
try {
  exit((await hooks[name]()) ?? 0);
} catch (err) {
  stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  exit(1);
}
