import type { AlertSender, Digest } from "../../../src/alerts/index.js";
import { ArmNetworkPort } from "../../../src/azure/arm/arm-network-port.js";
import { emulatorCredential } from "../../../src/azure/credentials.js";
import { functionsStorage } from "../../../src/azure/storage/functions-storage.js";
import { createRuntime, RESYNC_QUEUE, type Runtime } from "../../../src/functions/runtime.js";
import { reconcileVnet } from "../../../src/functions/reconcile-vnet.js";
import { resyncRun } from "../../../src/functions/resync-run.js";
import { startAzurite, type Azurite } from "../../support/azurite.js";
import { startTestEmulator, type TestEmulator } from "../../support/emulator.js";
import { QueueHarness, type LogLine } from "../../support/queue-harness.js";
import type { EmulatorOptions } from "../../../emulator/index.js";
import { decodeQueueMessage } from "../../../src/azure/storage/reconcile-queue.js";

/** Two watched subscriptions (A, B) and one that is not watched. */
export const SUB_A = "aaaaaaaa-0000-4000-8000-000000000001";
export const SUB_B = "bbbbbbbb-0000-4000-8000-000000000002";
export const SUB_OTHER = "cccccccc-0000-4000-8000-000000000003";
export const RG = "rg-net";

export const vnetId = (name: string, sub = SUB_A) =>
  `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/${name}`;

/**
 * The whole app without the Functions host: Azurite for queues and tables, the emulator for ARM
 * (through the real SDK and our ARM port), the real runtime (settings, stores, alerting). Alerts are
 * captured by an extra alert channel.
 */
/** Seeds VNets in resource group RG: `[name, subscription, prefix]` each. */
export function seedVnets(
  s: Stack,
  vnets: Array<[name: string, subscriptionId: string, prefix: string]>,
): void {
  for (const [name, subscriptionId, prefix] of vnets) {
    s.emulator.emu.seed.vnet({ subscriptionId, resourceGroup: RG, name, addressPrefixes: [prefix] });
  }
}

export interface Stack {
  azurite: Azurite;
  emulator: TestEmulator;
  rt: Runtime;
  logs: LogLine[];
  digests: Digest[];
  reconcileHarness: QueueHarness;
  resyncHarness: QueueHarness;
  /** Decoded messages currently on a queue (peek: up to 32, visible ones only). */
  peek(queueName: string): Promise<unknown[]>;
  /** Removes every message of a queue, invisible ones too. */
  clear(queueName: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(
  options: { env?: Record<string, string>; emulator?: EmulatorOptions; maxDequeueCount?: number } = {},
): Promise<Stack> {
  const azurite = await startAzurite();
  const emulator = await startTestEmulator({ emulator: { throttle: false, ...options.emulator } });
  const env: Record<string, string> = {
    WATCHED_SUBSCRIPTIONS: `${SUB_A},${SUB_B}`,
    AzureWebJobsStorage: azurite.connectionString,
    RECONCILE_DELAY_SECONDS: "0",
    DEDUPE_WINDOW_SECONDS: "60",
    MAX_ATTEMPTS: "1",
    ARM_ENDPOINT: emulator.emu.endpoint,
    ARM_CA_FILE: emulator.emu.caFile,
    ...options.env,
  };
  const digests: Digest[] = [];
  const capture: AlertSender = {
    channel: "test",
    send: async (digest) => {
      digests.push(digest);
      return { attempts: 1 };
    },
  };
  const port = new ArmNetworkPort({
    credential: emulatorCredential,
    endpoint: emulator.emu.endpoint,
    caPem: emulator.emu.caPem,
    pollIntervalMs: 5,
    sdkMaxRetries: 0,
  });
  const rt = await createRuntime(env, {
    overrides: { port, sleep: async () => undefined },
    extraAlertSenders: [capture],
  });
  const logs: LogLine[] = [];
  const { queueService } = functionsStorage(rt.settings);
  const maxDequeueCount = options.maxDequeueCount ?? 3;
  const reconcileHarness = new QueueHarness({
    queueService,
    queueName: rt.settings.RECONCILE_QUEUE,
    functionName: "reconcileVnet",
    handler: (item, context) => reconcileVnet(item, context, rt),
    logs,
    maxDequeueCount,
  });
  const resyncHarness = new QueueHarness({
    queueService,
    queueName: RESYNC_QUEUE,
    functionName: "resyncRun",
    handler: (item, context) => resyncRun(item, context, rt),
    logs,
    maxDequeueCount,
  });
  return {
    azurite,
    emulator,
    rt,
    logs,
    digests,
    reconcileHarness,
    resyncHarness,
    peek: async (queueName) => {
      const queue = queueService.getQueueClient(queueName);
      await queue.createIfNotExists();
      const peeked = await queue.peekMessages({ numberOfMessages: 32 });
      return peeked.peekedMessageItems.map((m) => decodeQueueMessage(m.messageText));
    },
    clear: async (queueName) => {
      await queueService.getQueueClient(queueName).clearMessages();
    },
    stop: async () => {
      await emulator.stop();
      await azurite.stop();
    },
  };
}

export function logsOf(logs: LogLine[], event: string): LogLine[] {
  return logs.filter((l) => l.message === event);
}
