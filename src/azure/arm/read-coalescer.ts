import { idKey } from "../../reconcile/ids.js";
import type { Vnet } from "../../reconcile/types.js";

/**
 * Reads of many VNets of one subscription that are asked for at the same moment (apply re-reading
 * every target of a hub resize before writing it) are answered from one paged list of the
 * subscription when that costs fewer requests than a GET each. Reads share one bucket of 250 burst /
 * 25 per s per subscription (docs/azure-behaviour.md#throttling) with the writes' polls: 500 re-read GETs are 10 s of that
 * bucket, the 6 pages of a 501-VNet subscription are nothing.
 *
 * The answers are as fresh as the GETs they replace: they are read at the moment those would have
 * been sent. Only reads that arrive within `windowMs` of each other are put together, and only when
 * the last list of that subscription showed how many pages it takes (a subscription of 10,000 VNets
 * is not listed to answer 20 reads).
 */
export interface ReadCoalescerOptions {
  /** How long the first read of a subscription waits for others to join it. */
  windowMs: number;
  /** Fewer distinct VNets than this are always read one by one. */
  minVnets: number;
  list: (subscriptionId: string) => Promise<Vnet[]>;
  /** Pages the last list of that subscription took; undefined: never listed by this process. */
  pagesOf: (subscriptionId: string) => number | undefined;
}

interface Waiter {
  vnetKey: string;
  individually: () => Promise<unknown>;
  fromList: (vnet: Vnet | undefined) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class ReadCoalescer {
  private readonly batches = new Map<string, Waiter[]>();

  constructor(private readonly options: ReadCoalescerOptions) {}

  /**
   * One read of something on `vnetId`: `individually` is the ordinary request, `fromList` answers it
   * from the VNet as the subscription's list returned it (undefined when the list did not hold it,
   * as a GET would have answered 404).
   */
  read<T>(
    subscriptionId: string,
    vnetId: string,
    individually: () => Promise<T>,
    fromList: (vnet: Vnet | undefined) => T,
  ): Promise<T> {
    if (this.options.pagesOf(subscriptionId) === undefined) return individually();
    const sub = idKey(subscriptionId);
    return new Promise<T>((resolve, reject) => {
      let batch = this.batches.get(sub);
      if (!batch) {
        batch = [];
        this.batches.set(sub, batch);
        setTimeout(() => void this.flush(sub), this.options.windowMs);
      }
      batch.push({
        vnetKey: idKey(vnetId),
        individually,
        fromList,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
    });
  }

  private async flush(sub: string): Promise<void> {
    const batch = this.batches.get(sub) ?? [];
    this.batches.delete(sub);
    const distinct = new Set(batch.map((w) => w.vnetKey)).size;
    const pages = this.options.pagesOf(sub) ?? Number.POSITIVE_INFINITY;
    if (distinct < this.options.minVnets || pages >= distinct) {
      for (const w of batch) w.individually().then(w.resolve, w.reject);
      return;
    }
    try {
      const byId = new Map((await this.options.list(sub)).map((v) => [idKey(v.id), v]));
      for (const w of batch) {
        try {
          w.resolve(w.fromList(byId.get(w.vnetKey)));
        } catch (err) {
          w.reject(err);
        }
      }
    } catch (err) {
      // Each read fails as its own GET would have (403 on the subscription, throttled, timed out):
      // the caller's retry sends it again, alone or with the next batch.
      for (const w of batch) w.reject(err);
    }
  }
}
