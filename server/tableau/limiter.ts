/**
 * FIFO counting semaphore. Tableau Cloud lets at most 20 long-running export requests (view data,
 * images, crosstabs...) run per site; the 21st gets a 429 HTML page (kb.tableau.com "Concurrency
 * limits in REST APIs on Tableau Cloud", docs/tableau-rest.md#concurrency-and-rate-limits). We keep the excess waiting here instead.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('Limiter max must be a positive integer');
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once a slot is free; release is idempotent. */
  async acquire(): Promise<() => void> {
    if (this.active < this.max) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter: `active` stays the same, FIFO order is kept.
      if (next) next();
      else this.active--;
    };
  }
}

/** Tableau Cloud's per-site cap on concurrent export calls; VDS queries are held to the same. */
export const EXPORT_CONCURRENCY_PER_SITE = 20;
