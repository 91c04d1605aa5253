import type { Digest } from "./model.js";
import { describeSendError, redact } from "./redact.js";
import type { AlertLogger, AlertSender } from "./sender.js";

export type ChannelResult =
  | { channel: string; status: "sent"; attempts: number }
  | { channel: string; status: "failed"; error: string };

/**
 * Send one digest to every channel, in parallel. Never throws: reconcile must not fail because Teams
 * or email is down. A failing channel is logged (sanitised: no URL, no key) and recorded; the others
 * still send.
 */
export async function dispatch(
  digest: Digest,
  senders: readonly AlertSender[],
  logger: AlertLogger,
  secrets: readonly (string | undefined)[] = [],
): Promise<ChannelResult[]> {
  return Promise.all(
    senders.map(async (sender): Promise<ChannelResult> => {
      try {
        const { attempts } = await sender.send(digest);
        logger.info(
          redact(
            `alert ${digest.id} (${digest.severity}, ${digest.items.length} items) sent to ${sender.channel} in ${attempts} attempt(s)`,
            secrets,
          ),
        );
        return { channel: sender.channel, status: "sent", attempts };
      } catch (err) {
        const error = describeSendError(err, secrets);
        logger.error(
          redact(`alert ${digest.id} (${digest.severity}) NOT sent to ${sender.channel}: ${error}`, secrets),
        );
        return { channel: sender.channel, status: "failed", error };
      }
    }),
  );
}
