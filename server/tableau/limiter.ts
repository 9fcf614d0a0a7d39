/**
 * Export slots: Tableau Cloud lets at most 20 long-running export requests (view data, images,
 * crosstabs...) run per site; the 21st gets a 429 HTML page (kb.tableau.com "Concurrency limits in
 * REST APIs on Tableau Cloud", docs/tableau-rest.md#concurrency-and-rate-limits). We keep the excess
 * waiting instead. `Limiter` holds them in this process (one server: SQLite, a single analyst);
 * on PostgreSQL every instance shares one count (server/store/tableau-slots.ts).
 */

/** A per-site pool of export slots, in this process or shared by every instance. */
export interface ExportSlots {
  /**
   * Resolves with a release function once a slot is free; release is idempotent. A `signal` aborted
   * while waiting rejects with its reason and leaves no slot taken.
   */
  acquire(signal?: AbortSignal): Promise<() => void>;
}

interface Waiter {
  grant: () => void;
}

/** FIFO counting semaphore in this process. */
export class Limiter implements ExportSlots {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('Limiter max must be a positive integer');
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active < this.max) this.active++;
    else await this.wait(signal);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter: `active` stays the same, FIFO order is kept.
      if (next) next.grant();
      else this.active--;
    };
  }

  private wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        // Still waiting (a granted waiter has left the queue): leave it, nothing was taken.
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Tableau Cloud's per-site cap on concurrent export calls; VDS queries are held to the same. */
export const EXPORT_CONCURRENCY_PER_SITE = 20;
