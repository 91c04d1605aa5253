// Peers in other Entra tenants (docs/cross-tenant.md): the two admin steps, one script for every shell.
//
//   node scripts/cross-tenant.mjs app <managed identity client id> [app display name]
//     Your tenant: creates the multi-tenant application (or reuses one of that name), makes the app's
//     user-assigned managed identity its federated credential, creates its service principal, and
//     prints the settings and role assignments to make.
//   node scripts/cross-tenant.mjs consent <application client id> <VNet resource id>...
//     The partner's tenant: creates the application's service principal there (admin consent) and
//     gives it Network Contributor on each VNet.
//
// A script, not Bicep: the Microsoft Graph Bicep extension is restored from mcr.microsoft.com at
// build time, which the pinned Bicep CLI of scripts/check-infra.sh cannot reach offline, and creating
// an application needs Graph permissions an `azd up` deployer does not have by default.
// Plain Node.js and the Azure CLI (`az`), no dependencies. Every step is safe to re-run.
import { spawnSync } from "node:child_process";
import { argv, env, exit, platform, stderr, stdout } from "node:process";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VNET_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i;

/** `az` is a .cmd on Windows, which Node only starts through the shell; arguments are checked above. */
function az(args) {
  const result = spawnSync(env.AZ_COMMAND ?? "az", [...args, "--only-show-errors"], {
    encoding: "utf8",
    shell: platform === "win32",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.error?.code === "ENOENT") fail("the Azure CLI (az) is not installed");
  if (result.status !== 0) fail(`az ${args.slice(0, 3).join(" ")} failed: ${(result.stderr ?? "").trim()}`);
  const out = (result.stdout ?? "").trim();
  return out ? JSON.parse(out) : undefined;
}

function fail(text) {
  stderr.write(`cross-tenant: ${text}\n`);
  exit(1);
}

function say(text) {
  stdout.write(`${text}\n`);
}

/** Your tenant: application, federated credential, service principal. */
function app(identityClientId, name = "vnet-peering-sync") {
  if (!GUID.test(identityClientId ?? "")) fail("usage: app <managed identity client id> [display name]");
  const tenantId = az(["account", "show", "--output", "json"]).tenantId;
  const identity = az(["ad", "sp", "show", "--id", identityClientId, "--output", "json"]);
  const found = az(["ad", "app", "list", "--display-name", name, "--output", "json"]) ?? [];
  const application =
    found[0] ??
    az([
      "ad",
      "app",
      "create",
      "--display-name",
      name,
      "--sign-in-audience",
      "AzureADMultipleOrgs",
      "--output",
      "json",
    ]);
  const credentials =
    az(["ad", "app", "federated-credential", "list", "--id", application.appId, "--output", "json"]) ?? [];
  if (!credentials.some((c) => c.subject === identity.id)) {
    // Issuer: the home tenant's Entra ID; subject: the identity's object (principal) id (docs/azure-behaviour.md#federated-credential-with-a-managed-identity).
    const parameters = JSON.stringify({
      name: "managed-identity",
      issuer: `https://login.microsoftonline.com/${tenantId}/v2.0`,
      subject: identity.id,
      audiences: ["api://AzureADTokenExchange"],
      description: "The vnet-peering-sync function app's user-assigned managed identity",
    });
    az([
      "ad",
      "app",
      "federated-credential",
      "create",
      "--id",
      application.appId,
      "--parameters",
      parameters,
    ]);
  }
  const sp =
    az(["ad", "sp", "list", "--filter", `appId eq '${application.appId}'`, "--output", "json"]) ?? [];
  if (sp.length === 0) az(["ad", "sp", "create", "--id", application.appId, "--output", "json"]);
  say(`Application ${name}: client id ${application.appId}, home tenant ${tenantId}.`);
  say("Set these app settings (then restart the app):");
  say(`  CROSS_TENANT_APP_CLIENT_ID=${application.appId}`);
  say(`  CROSS_TENANT_HOME_TENANT_ID=${tenantId}`);
  say("  CROSS_TENANT_ALLOWED_TENANTS=<partner tenant ids, once they consented>");
  say("Give the application the roles the identity has, on each watched subscription:");
  say(
    `  az role assignment create --assignee ${application.appId} --role "Network Contributor" --scope /subscriptions/<id>`,
  );
  say("Send the partner's admin (docs/cross-tenant.md, 'The partner's admin'):");
  say(`  node scripts/cross-tenant.mjs consent ${application.appId} <their VNet ids>`);
}

/** The partner's tenant: service principal (consent) and the role on each VNet. */
function consent(appId, vnetIds) {
  if (!GUID.test(appId ?? "") || vnetIds.length === 0 || !vnetIds.every((id) => VNET_ID.test(id)))
    fail("usage: consent <application client id> <VNet resource id>...");
  const sp = az(["ad", "sp", "list", "--filter", `appId eq '${appId}'`, "--output", "json"]) ?? [];
  if (sp.length === 0) az(["ad", "sp", "create", "--id", appId, "--output", "json"]);
  for (const scope of vnetIds)
    az([
      "role",
      "assignment",
      "create",
      "--assignee",
      appId,
      "--role",
      "Network Contributor",
      "--scope",
      scope,
      "--output",
      "json",
    ]);
  const tenantId = az(["account", "show", "--output", "json"]).tenantId;
  say(`Tenant ${tenantId} now trusts application ${appId} on ${vnetIds.length} VNet(s).`);
  say(`Tell the other side to add ${tenantId} to CROSS_TENANT_ALLOWED_TENANTS.`);
}

const [command, ...rest] = argv.slice(2);
if (command === "app") app(rest[0], rest[1]);
else if (command === "consent") consent(rest[0], rest.slice(1));
else
  fail(
    "usage: node scripts/cross-tenant.mjs app <identity client id> | consent <app client id> <VNet id>...",
  );
