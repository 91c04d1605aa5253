import type { Digest } from "./model.js";
import { renderTeamsMessage } from "./render-teams.js";
import type { AlertSender, AttemptTimeout, Fetch, Now, RetryPolicy, SendOutcome, Sleep } from "./sender.js";
import { DEFAULT_RETRY, RateLimiter, postWithRetry, realSleep } from "./sender.js";

export interface TeamsSenderOptions {
  /** The Workflows trigger URL (a secret: it carries `sig=`). */
  webhookUrl: string;
  fetch?: Fetch;
  sleep?: Sleep;
  now?: Now;
  retry?: Partial<RetryPolicy>;
  attemptTimeout?: AttemptTimeout;
  /** Share one limiter between senders posting to the same webhook. */
  limiter?: RateLimiter;
}

/**
 * Posts the digest as an Adaptive Card to a Teams Workflows webhook. The trigger answers 202 Accepted
 * at once (docs/azure-behaviour.md#teams-webhook); a 2xx is all we can observe, so a card that the flow later rejects shows only
 * in the flow's run history: the renderer therefore keeps the card under 28 KB itself.
 */
export function createTeamsSender(options: TeamsSenderOptions): AlertSender {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  // Four requests per second per webhook (docs/azure-behaviour.md#teams-webhook), shared by every digest this sender posts.
  const limiter = options.limiter ?? new RateLimiter(4, 1_000, now, sleep);
  return {
    channel: "teams",
    async send(digest: Digest): Promise<SendOutcome> {
      const body = JSON.stringify(renderTeamsMessage(digest));
      return postWithRetry({
        channel: "teams",
        label: "Teams webhook",
        url: options.webhookUrl,
        body,
        headers: () => ({}),
        fetch: options.fetch ?? fetch,
        sleep,
        ...(options.attemptTimeout ? { attemptTimeout: options.attemptTimeout } : {}),
        now,
        retry: { ...DEFAULT_RETRY, ...options.retry },
        beforeAttempt: () => limiter.acquire(),
      });
    },
  };
}
