import { createHash } from "node:crypto";
import type { TokenCredential } from "@azure/core-auth";
import type { EmailClientOptions, EmailMessage } from "@azure/communication-email";
import { EmailClient } from "@azure/communication-email";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import type { Settings } from "../config.js";
import type { AlertSender, Digest, SendOutcome } from "../alerts/index.js";
import { AlertSendError, renderEmail } from "../alerts/index.js";
import { originPinPolicy } from "./arm/origin-pin.js";

/**
 * Email through Azure Communication Services (docs/azure-behaviour.md#email). In Azure: the resource endpoint plus the
 * Function app's managed identity, which needs "Communication and Email Service Owner" on the
 * Communication Services resource. Locally and in tests: a connection string (`endpoint=...;accesskey=...`);
 * over plain http only that works, and only with `allowInsecureConnection: true` (bearer tokens are refused
 * on non-TLS URLs).
 */

export interface EmailSenderOptions {
  /** `https://<resource>.communication.azure.com` (with `credential`), or use `connectionString`. */
  endpoint?: string;
  credential?: TokenCredential;
  /** Secret: carries `accesskey=`. */
  connectionString?: string;
  /** Must be on a domain linked to the Communication Service, e.g. DoNotReply@<guid>.azurecomm.net. */
  senderAddress: string;
  recipients: string[];
  clientOptions?: EmailClientOptions;
  /** How often the send operation is polled (the SDK's default is several seconds). */
  pollIntervalMs?: number;
  /** Whole send + poll budget. */
  timeoutMs?: number;
}

export function createEmailSender(options: EmailSenderOptions): AlertSender {
  if (options.recipients.length === 0) throw new Error("email sender: at least one recipient is required");
  const endpoint = options.connectionString
    ? endpointOfConnectionString(options.connectionString)
    : options.endpoint;
  if (!endpoint) throw new Error("email sender: set an endpoint or a connection string");
  // The send's operation is polled at whatever URL ACS's answer names (Operation-Location): pinned
  // to the configured resource, so neither the token nor the access key's signature goes elsewhere,
  // and no other host can report the send Succeeded (docs/safety.md).
  const pin = originPinPolicy(
    endpoint,
    (d) =>
      new AlertSendError(
        "email",
        `Email (ACS) answer named another origin, ${d.foreign}, to ${d.method}; refused without ` +
          `sending it the credentials`,
      ),
  );
  const clientOptions: EmailClientOptions = {
    ...options.clientOptions,
    additionalPolicies: [
      ...(options.clientOptions?.additionalPolicies ?? []),
      // perCall policies come before the authentication policy the EmailClient adds afterwards.
      { policy: pin, position: "perCall" },
    ],
  };
  const client = options.connectionString
    ? new EmailClient(options.connectionString, clientOptions)
    : new EmailClient(endpoint, options.credential ?? new DefaultAzureCredential(), clientOptions);

  return {
    channel: "email",
    async send(digest: Digest): Promise<SendOutcome> {
      const rendered = renderEmail(digest);
      const message: EmailMessage = {
        senderAddress: options.senderAddress,
        content: { subject: rendered.subject, html: rendered.html, plainText: rendered.text },
        recipients: { to: options.recipients.map((address) => ({ address })) },
        // Alert mail is operational: no tracking pixels or rewritten links.
        disableUserEngagementTracking: true,
      };
      const abortSignal = AbortSignal.timeout(options.timeoutMs ?? 60_000);
      try {
        // operationId makes a retried send of the same digest the same ACS operation (idempotent).
        const poller = await client.beginSend(message, {
          abortSignal,
          operationId: operationIdFor(digest),
          updateIntervalInMs: options.pollIntervalMs ?? 2_000,
        });
        const result = await poller.pollUntilDone({ abortSignal });
        if (result.status !== "Succeeded") {
          throw new AlertSendError(
            "email",
            `Email (ACS) send ended with status ${result.status}${result.error?.code ? ` (${result.error.code})` : ""}`,
          );
        }
        return { attempts: 1 };
      } catch (err) {
        throw sanitise(err);
      }
    },
  };
}

/** `endpoint=https://...;accesskey=...`: the resource the connection string names (keys are case-insensitive). */
function endpointOfConnectionString(connectionString: string): string | undefined {
  const value = /(?:^|;)\s*endpoint\s*=\s*([^;]+)/i.exec(connectionString)?.[1]?.trim();
  if (!value) return undefined;
  try {
    return new URL(value).href;
  } catch {
    throw new Error("email sender: the connection string's endpoint is not a URL");
  }
}

/** ACS operation ids are client-chosen; a UUID-shaped id derived from the digest id keeps retries idempotent. */
export function operationIdFor(digest: Digest): string {
  const hex = createHash("sha256").update(digest.id).digest("hex");
  // RFC 9562 layout: version 5 (name-based, SHA), variant 10xx.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** SDK errors quote the request URL and sometimes headers: keep only status and code. */
function sanitise(err: unknown): AlertSendError {
  if (err instanceof AlertSendError) return err;
  const e = err as { name?: unknown; statusCode?: unknown; code?: unknown };
  if (e?.name === "AbortError" || e?.name === "TimeoutError") {
    return new AlertSendError("email", "Email (ACS) send did not finish in time");
  }
  // core-lro reports a Failed send operation as "The long-running operation has failed. <code>. <message>":
  // the ACS code (e.g. EmailDroppedAllRecipientsSuppressed) is safe and useful, the message is dropped.
  const lro =
    err instanceof Error
      ? /^The long-running operation has failed(?:\. ([A-Za-z0-9_.-]+)\.)?/.exec(err.message)
      : null;
  if (lro)
    return new AlertSendError("email", `Email (ACS) send operation failed${lro[1] ? ` (${lro[1]})` : ""}`);
  const status = typeof e?.statusCode === "number" ? e.statusCode : undefined;
  const code = typeof e?.code === "string" ? e.code : undefined;
  const detail = [status !== undefined ? `answered ${status}` : "failed", code ? `(${code})` : ""]
    .filter(Boolean)
    .join(" ");
  return new AlertSendError("email", `Email (ACS) ${detail}`, status);
}

/**
 * The email sender the settings ask for, or undefined when email is not configured.
 * EMAIL_CONNECTION_STRING wins (local runs); otherwise EMAIL_ENDPOINT + managed identity
 * (AZURE_CLIENT_ID selects a user-assigned identity).
 */
export function emailSenderFromSettings(
  settings: Pick<
    Settings,
    "EMAIL_ENDPOINT" | "EMAIL_CONNECTION_STRING" | "EMAIL_SENDER" | "EMAIL_RECIPIENTS" | "AZURE_CLIENT_ID"
  >,
  extra: { credential?: TokenCredential; clientOptions?: EmailClientOptions } = {},
): AlertSender | undefined {
  if (!settings.EMAIL_SENDER || settings.EMAIL_RECIPIENTS.length === 0) return undefined;
  const base = {
    senderAddress: settings.EMAIL_SENDER,
    recipients: settings.EMAIL_RECIPIENTS,
    ...(extra.clientOptions ? { clientOptions: extra.clientOptions } : {}),
  };
  if (settings.EMAIL_CONNECTION_STRING)
    return createEmailSender({ ...base, connectionString: settings.EMAIL_CONNECTION_STRING });
  if (settings.EMAIL_ENDPOINT) {
    const credential =
      extra.credential ??
      (settings.AZURE_CLIENT_ID
        ? new ManagedIdentityCredential({ clientId: settings.AZURE_CLIENT_ID })
        : new DefaultAzureCredential());
    return createEmailSender({ ...base, endpoint: settings.EMAIL_ENDPOINT, credential });
  }
  return undefined;
}
