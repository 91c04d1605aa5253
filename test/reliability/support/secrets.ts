import { secret } from "../../support/secrets.js";

/**
 * Secret settings with recognisable values: the reliability suite configures them and searches every
 * answer and log line for them (and for their secret parts, which is what leaks in practice). All of
 * them are declared to the suite-wide log capture (test/support/log-capture.ts) too.
 */

const TEAMS_SIG = secret("TeamsSigRELIABILITY0123456789abcdef");
const WEBHOOK_TOKEN = secret("HookTokenRELIABILITY9876543210");
// Every character an output escapes (HTML, JSON, Markdown), so an escaped copy is a different string.
const HMAC_KEY = secret(`hmac-RELIABILITY-<&>"'\\*[]-0123456789-key`);
const ACS_KEY = secret(Buffer.from("acs-RELIABILITY-access-key-0123456789").toString("base64"));
const STORAGE_KEY = secret(Buffer.from("storage-RELIABILITY-account-key-0123456789").toString("base64"));

export const SECRET_ENV: Record<string, string> = {
  TEAMS_WEBHOOK_URL: `https://prod-00.westeurope.logic.azure.com/workflows/1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${TEAMS_SIG}`,
  ALERT_WEBHOOK_URL: `https://hooks.example.net/${WEBHOOK_TOKEN}?token=${WEBHOOK_TOKEN}`,
  ALERT_WEBHOOK_SECRET: HMAC_KEY,
  EMAIL_CONNECTION_STRING: `endpoint=https://acs-reliability.communication.azure.com/;accesskey=${ACS_KEY}`,
  EMAIL_SENDER: "DoNotReply@reliability.example.net",
  EMAIL_RECIPIENTS: "netops@example.net",
};

/** The storage connection string is a secret too (tests that use Azurite add its own key). */
export const STORAGE_CONNECTION_STRING = secret(
  `DefaultEndpointsProtocol=https;AccountName=reliability;AccountKey=${STORAGE_KEY};EndpointSuffix=core.windows.net`,
);

export const SECRETS: readonly string[] = [
  TEAMS_SIG,
  WEBHOOK_TOKEN,
  HMAC_KEY,
  ACS_KEY,
  STORAGE_KEY,
  ...Object.entries(SECRET_ENV)
    .filter(([name]) => name !== "EMAIL_SENDER" && name !== "EMAIL_RECIPIENTS")
    .map(([, value]) => secret(value)),
];
