import type { QueueClient, QueueServiceClient } from "@azure/storage-queue";
import type { MessageQueue } from "../../app/ports.js";

/** A queue message may be 64 KiB; with Base64 that leaves 48 KiB of JSON. */
const MAX_MESSAGE_CHARS = 64 * 1024;

/**
 * JSON messages on a Storage queue, Base64-encoded: the Functions queue trigger's default
 * `messageEncoding` is base64, and @azure/storage-queue sends text as is (a plain-text message would
 * never be decoded by the trigger). The queue is created on first use.
 */
export class StorageMessageQueue<T> implements MessageQueue<T> {
  private ready: Promise<unknown> | undefined;

  constructor(readonly client: QueueClient) {}

  static on<T>(service: QueueServiceClient, queueName: string): StorageMessageQueue<T> {
    return new StorageMessageQueue<T>(service.getQueueClient(queueName));
  }

  async send(message: T, options: { delaySeconds?: number } = {}): Promise<void> {
    const text = encodeQueueMessage(message);
    if (text.length > MAX_MESSAGE_CHARS) {
      throw new Error(`queue message of ${text.length} characters exceeds the 64 KiB limit`);
    }
    this.ready ??= this.client.createIfNotExists().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    await this.ready;
    const delay = Math.max(0, Math.round(options.delaySeconds ?? 0));
    await this.client.sendMessage(text, delay > 0 ? { visibilityTimeout: delay } : {});
  }
}

export function encodeQueueMessage(message: unknown): string {
  return Buffer.from(JSON.stringify(message), "utf8").toString("base64");
}

/** What the trigger does with a Base64 message: decode, then parse JSON when it is JSON. */
export function decodeQueueMessage(text: string): unknown {
  const decoded = Buffer.from(text, "base64").toString("utf8");
  try {
    return JSON.parse(decoded) as unknown;
  } catch {
    return decoded;
  }
}
