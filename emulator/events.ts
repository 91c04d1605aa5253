import http from "node:http";
import https from "node:https";
import type { Clock } from "./clock.js";
import type { Rng } from "./rng.js";

/**
 * The events a subscription system topic would publish for this emulator's writes
 * (docs/azure-behaviour.md#event-grid-events): ResourceWriteSuccess / ResourceDeleteSuccess with the real
 * data shape, in the Event Grid schema or CloudEvents 1.0. Delivery is at least once and unordered
 * (docs/azure-behaviour.md#event-grid-events); duplication and reordering are drawn from the seeded events stream.
 */

export type EventSchema = "EventGrid" | "CloudEvents";

export interface ResourceEventData {
  authorization: { scope: string; action: string; evidence: Record<string, string> };
  claims: Record<string, string>;
  correlationId: string;
  /** Only when an existing resource was updated, or deleted (docs/azure-behaviour.md#event-grid-events). */
  httpRequest?: { clientRequestId: string; clientIpAddress: string; method: string; url: string };
  resourceProvider: string;
  resourceUri: string;
  operationName: string;
  status: "Succeeded";
  subscriptionId: string;
  tenantId: string;
}

export interface EventGridEvent {
  subject: string;
  eventType: string;
  eventTime: string;
  id: string;
  data: ResourceEventData;
  dataVersion: string;
  metadataVersion: string;
  topic: string;
}

export interface CloudEvent {
  subject: string;
  source: string;
  type: string;
  time: string;
  id: string;
  data: ResourceEventData;
  specversion: "1.0";
}

export type EmittedEvent = EventGridEvent | CloudEvent;

export interface EventOptions {
  /** Default true. */
  enabled: boolean;
  schema: EventSchema;
  /** POST each event here (Event Grid schema: a one-element array; CloudEvents: structured mode). */
  endpoint?: string;
  /** CA for an https endpoint. */
  endpointCa?: string;
  /** Chance that an event is delivered twice (same id), seeded. */
  duplicateProbability: number;
  /** Hold up to this many events and deliver them shuffled (1 = in order). */
  reorderWindow: number;
  /** Flush a partly filled reorder window after this many emulated seconds. */
  maxHoldSeconds: number;
  /** Emulated seconds between the write's completion and delivery. */
  deliveryDelaySeconds: number;
}

export const defaultEventOptions = (): EventOptions => ({
  enabled: true,
  schema: "EventGrid",
  duplicateProbability: 0,
  reorderWindow: 1,
  maxHoldSeconds: 1,
  deliveryDelaySeconds: 0,
});

/** What the emulator knows about a completed write. */
export interface CompletedWrite {
  kind: "write" | "delete";
  resourceId: string;
  subscriptionId: string;
  tenantId: string;
  /** e.g. Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write (docs/azure-behaviour.md#event-grid-events). */
  operationName: string;
  method: string;
  /** The request URL as ARM would log it (https://management.azure.com/...?api-version=...). */
  url: string;
  clientRequestId: string;
  correlationId: string;
  clientIpAddress: string;
  /** Whether the resource existed before (decides whether httpRequest is included). */
  existed: boolean;
  claims: Record<string, string>;
}

export type EventListener = (event: EmittedEvent) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private buffer: EmittedEvent[] = [];
  private holdScheduled = false;
  private inFlight = new Set<Promise<void>>();
  published = 0;
  delivered = 0;
  deliveryFailures = 0;

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    readonly options: EventOptions,
  ) {}

  onEvent(fn: EventListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  build(w: CompletedWrite): EmittedEvent {
    const eventType =
      w.kind === "write"
        ? "Microsoft.Resources.ResourceWriteSuccess"
        : "Microsoft.Resources.ResourceDeleteSuccess";
    const data: ResourceEventData = {
      authorization: {
        scope: w.resourceId,
        action: w.operationName,
        evidence: { role: "Network Contributor" },
      },
      claims: w.claims,
      correlationId: w.correlationId,
      ...(w.existed || w.kind === "delete"
        ? {
            httpRequest: {
              clientRequestId: w.clientRequestId,
              clientIpAddress: w.clientIpAddress,
              method: w.method,
              url: w.url,
            },
          }
        : {}),
      resourceProvider: "Microsoft.Network",
      resourceUri: w.resourceId,
      operationName: w.operationName,
      status: "Succeeded",
      subscriptionId: w.subscriptionId,
      tenantId: w.tenantId,
    };
    const id = this.rng.guid();
    const time = new Date(this.clock.now()).toISOString();
    const topic = `/subscriptions/${w.subscriptionId}`;
    if (this.options.schema === "CloudEvents")
      return { subject: w.resourceId, source: topic, type: eventType, time, id, data, specversion: "1.0" };
    return {
      subject: w.resourceId,
      eventType,
      eventTime: time,
      id,
      data,
      dataVersion: "2",
      metadataVersion: "1",
      topic,
    };
  }

  publish(w: CompletedWrite): void {
    if (!this.options.enabled) return;
    const event = this.build(w);
    this.published++;
    const copies = this.rng.next() < this.options.duplicateProbability ? 2 : 1;
    for (let i = 0; i < copies; i++) this.buffer.push(event);
    if (this.options.reorderWindow <= 1) {
      this.scheduleFlush(this.options.deliveryDelaySeconds);
    } else if (this.buffer.length >= this.options.reorderWindow) {
      this.scheduleFlush(this.options.deliveryDelaySeconds);
    } else if (!this.holdScheduled) {
      this.holdScheduled = true;
      this.clock.after(this.options.maxHoldSeconds + this.options.deliveryDelaySeconds, () => {
        this.holdScheduled = false;
        this.flushNow();
      });
    }
  }

  private scheduleFlush(delaySeconds: number): void {
    const batch = this.takeBatch();
    if (delaySeconds > 0) this.clock.after(delaySeconds, () => this.deliverAll(batch));
    else queueMicrotask(() => this.deliverAll(batch));
  }

  private takeBatch(): EmittedEvent[] {
    const batch = this.buffer;
    this.buffer = [];
    if (this.options.reorderWindow > 1) {
      // Fisher-Yates from the seeded stream: the same seed and writes give the same order.
      for (let i = batch.length - 1; i > 0; i--) {
        const j = this.rng.int(i + 1);
        [batch[i], batch[j]] = [batch[j]!, batch[i]!];
      }
    }
    return batch;
  }

  /** Deliver everything held back by the reorder window now. */
  flushNow(): void {
    if (this.buffer.length > 0) this.deliverAll(this.takeBatch());
  }

  /** Resolves when held events are delivered and HTTP deliveries have finished. */
  async settle(): Promise<void> {
    this.flushNow();
    await new Promise((r) => setImmediate(r));
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private deliverAll(batch: EmittedEvent[]): void {
    for (const event of batch) {
      this.delivered++;
      for (const fn of this.listeners) {
        try {
          fn(event);
        } catch {
          this.deliveryFailures++;
        }
      }
      if (this.options.endpoint) {
        const p = this.post(event).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
    }
  }

  /** Event Grid retries failed deliveries (docs/azure-behaviour.md#event-grid-events); here three attempts, 1 emulated second apart. */
  private async post(event: EmittedEvent): Promise<void> {
    const cloud = this.options.schema === "CloudEvents";
    const body = JSON.stringify(cloud ? event : [event]);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const status = await this.postOnce(body, cloud).catch(() => 0);
      if (status >= 200 && status <= 204) return;
      if (attempt < 3) await this.clock.sleep(1);
    }
    this.deliveryFailures++;
  }

  private postOnce(body: string, cloud: boolean): Promise<number> {
    const url = new URL(this.options.endpoint!);
    const lib = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method: "POST",
          headers: {
            "content-type": cloud
              ? "application/cloudevents+json; charset=utf-8"
              : "application/json; charset=utf-8",
            "aeg-event-type": "Notification",
            "content-length": Buffer.byteLength(body),
          },
          ...(this.options.endpointCa ? { ca: this.options.endpointCa } : {}),
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }
}
