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
   * while waiting rejects with its reason and leaves no slot taken. `owner` (a connection) is who
   * asks: waiting owners share the freed slots fairly (Limiter); the count every instance shares
   * on PostgreSQL ignores it.
   */
  acquire(signal?: AbortSignal, owner?: string): Promise<() => void>;
}

interface Waiter {
  /** Arrival order: the last tie-break. */
  seq: number;
  grant: () => void;
}

/**
 * Counting semaphore in this process with a fair share per owner: a freed slot goes to the
 * waiting owner that holds the fewest slots now; among equals, to the one served longest ago (round
 * robin), then to the earliest waiter; FIFO within an owner. Plain FIFO across everyone let one connection with many queued pulls take every slot
 * that freed while another's single pull waited behind all of them (bench/load.ts, issue #18);
 * with one owner it is FIFO.
 */
export class Limiter implements ExportSlots {
  private active = 0;
  private seq = 0;
  private grants = 0;
  private readonly held = new Map<string, number>();
  /** When each owner was last granted a slot (grant count); kept while it waits or holds. */
  private readonly lastGrant = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('Limiter max must be a positive integer');
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    let n = 0;
    for (const q of this.waiting.values()) n += q.length;
    return n;
  }

  async acquire(signal?: AbortSignal, owner = ''): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active < this.max) {
      this.active++;
      this.take(owner);
    } else await this.wait(signal, owner);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.set(owner, (this.held.get(owner) ?? 1) - 1);
      if (this.held.get(owner) === 0) {
        this.held.delete(owner);
        if (!this.waiting.has(owner)) this.lastGrant.delete(owner);
      }
      // Hand the slot straight to the next waiter: `active` stays the same.
      if (!this.grantNext()) this.active--;
    };
  }

  private take(owner: string): void {
    this.held.set(owner, (this.held.get(owner) ?? 0) + 1);
    this.lastGrant.set(owner, ++this.grants);
  }

  /** The waiting owner holding the fewest slots (then served longest ago, then waiting longest) gets one. */
  private grantNext(): boolean {
    let best: string | undefined;
    let bestRank: [number, number, number] = [Infinity, Infinity, Infinity];
    for (const [owner, queue] of this.waiting) {
      const rank: [number, number, number] = [this.held.get(owner) ?? 0, this.lastGrant.get(owner) ?? 0, queue[0].seq];
      if (
        rank[0] < bestRank[0] ||
        (rank[0] === bestRank[0] && (rank[1] < bestRank[1] || (rank[1] === bestRank[1] && rank[2] < bestRank[2])))
      ) {
        best = owner;
        bestRank = rank;
      }
    }
    if (best === undefined) return false;
    const queue = this.waiting.get(best)!;
    const next = queue.shift()!;
    if (queue.length === 0) this.waiting.delete(best);
    this.take(best);
    next.grant();
    return true;
  }

  private wait(signal: AbortSignal | undefined, owner: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        // Still waiting (a granted waiter has left the queue): leave it, nothing was taken.
        const queue = this.waiting.get(owner);
        const at = queue ? queue.indexOf(waiter) : -1;
        if (at >= 0) queue!.splice(at, 1);
        if (queue?.length === 0) {
          this.waiting.delete(owner);
          if (!this.held.has(owner)) this.lastGrant.delete(owner);
        }
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        seq: this.seq++,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const queue = this.waiting.get(owner);
      if (queue) queue.push(waiter);
      else this.waiting.set(owner, [waiter]);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Tableau Cloud's per-site cap on concurrent export calls; VDS queries are held to the same. */
export const EXPORT_CONCURRENCY_PER_SITE = 20;
