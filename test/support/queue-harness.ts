import { randomUUID } from "node:crypto";
import { format } from "node:util";
import { InvocationContext, type LogLevel } from "@azure/functions";
import type { QueueClient, QueueServiceClient } from "@azure/storage-queue";
import { decodeQueueMessage } from "../../src/azure/storage/reconcile-queue.js";
import { recordLogLine } from "./secrets.js";

/**
 * What the Functions host does for a queue trigger, without the host: receive visible messages (so a
 * visibility delay is honoured), Base64-decode and JSON-parse them, call the handler with a test-mode
 * InvocationContext carrying `dequeueCount`, delete the message on success, make it visible again on
 * failure, and move it to `<queue>-poison` once it failed `maxDequeueCount` times (host.json).
 */

export interface LogLine {
  level: LogLevel;
  /** The first argument: our handlers log a stable event name there. */
  message: string;
  /** The second argument parsed as JSON when it is JSON (our telemetry objects). */
  data?: Record<string, unknown>;
  functionName: string;
}

/** A test-mode context whose log lines land in `logs` (and in the suite's secret log capture). */
export function testContext(
  functionName: string,
  logs: LogLine[],
  triggerMetadata: Record<string, unknown> = {},
): InvocationContext {
  return new InvocationContext({
    invocationId: randomUUID(),
    functionName,
    triggerMetadata,
    logHandler: (level, ...args) => {
      recordLogLine(`${functionName} log (${level})`, format(...args));
      const [first, second] = args;
      let data: Record<string, unknown> | undefined;
      if (typeof second === "string") {
        try {
          data = JSON.parse(second) as Record<string, unknown>;
        } catch {
          data = undefined;
        }
      }
      logs.push({ level, message: String(first), ...(data ? { data } : {}), functionName });
    },
  });
}

export type QueueHandler = (item: unknown, context: InvocationContext) => Promise<void>;

export interface QueueHarnessOptions {
  queueService: QueueServiceClient;
  queueName: string;
  functionName: string;
  handler: QueueHandler;
  logs: LogLine[];
  /** host.json extensions.queues.maxDequeueCount; default 5 like the Functions default. */
  maxDequeueCount?: number;
  /** Seconds a failed message stays invisible before its retry (host.json visibilityTimeout); default 0. */
  retryDelaySeconds?: number;
}

export interface HarnessStats {
  handled: number;
  succeeded: number;
  failed: number;
  poisoned: number;
}

export class QueueHarness {
  readonly stats: HarnessStats = { handled: 0, succeeded: 0, failed: 0, poisoned: 0 };
  readonly queue: QueueClient;
  readonly poisonQueue: QueueClient;

  constructor(private readonly options: QueueHarnessOptions) {
    this.queue = options.queueService.getQueueClient(options.queueName);
    this.poisonQueue = options.queueService.getQueueClient(`${options.queueName}-poison`);
  }

  /** Receive what is visible now and handle it; returns how many messages were handled. */
  async runOnce(batchSize = 16): Promise<number> {
    await this.queue.createIfNotExists();
    const received = await this.queue.receiveMessages({ numberOfMessages: batchSize, visibilityTimeout: 60 });
    for (const message of received.receivedMessageItems) {
      this.stats.handled++;
      const context = testContext(this.options.functionName, this.options.logs, {
        id: message.messageId,
        dequeueCount: message.dequeueCount,
        insertionTime: message.insertedOn.toISOString(),
      });
      try {
        await this.options.handler(decodeQueueMessage(message.messageText), context);
        await this.queue.deleteMessage(message.messageId, message.popReceipt);
        this.stats.succeeded++;
      } catch {
        this.stats.failed++;
        if (message.dequeueCount >= (this.options.maxDequeueCount ?? 5)) {
          await this.poisonQueue.createIfNotExists();
          await this.poisonQueue.sendMessage(message.messageText);
          await this.queue.deleteMessage(message.messageId, message.popReceipt);
          this.stats.poisoned++;
        } else {
          await this.queue.updateMessage(
            message.messageId,
            message.popReceipt,
            undefined,
            this.options.retryDelaySeconds ?? 0,
          );
        }
      }
    }
    return received.receivedMessageItems.length;
  }

  /** Messages in the queue, visible or not (Azure's approximate count; exact on Azurite). */
  async pending(): Promise<number> {
    await this.queue.createIfNotExists();
    return (await this.queue.getProperties()).approximateMessagesCount ?? 0;
  }

  /** Handle messages until the queue is empty (waiting out visibility delays), or fail after `timeoutMs`. */
  async drain(timeoutMs = 30_000, between?: () => Promise<void>): Promise<HarnessStats> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await between?.();
      const handled = await this.runOnce();
      if (handled === 0) {
        await between?.();
        if ((await this.pending()) === 0) return this.stats;
        if (Date.now() > deadline)
          throw new Error(`queue ${this.options.queueName} did not drain in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}
