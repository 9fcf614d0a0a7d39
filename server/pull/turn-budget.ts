/**
 * One server-wide budget for the pulls' row work per event-loop turn (issue #18, "server under
 * load is fair"). Node runs every ready socket's callback in one poll phase, so with 50 pulls in
 * flight one turn did every pull's slice of rows (parse, convert, encode) before the loop came back
 * to a socket: 200–400 ms per turn (docs/performance.md, "Server under load"), and a browse list,
 * which crosses the loop about four times, waited for each of those turns.
 *
 * Pulls hand each slice of work to `run`. A slice runs at once while this turn's budget lasts and
 * nobody is waiting; after that it queues, and the queue is worked through in setImmediate
 * callbacks (the loop's check phase), at most one budget's worth per callback, first come first
 * served. Between two such callbacks the loop goes through its poll phase, where short requests
 * (browse, metadata, sign-in) are read and answered. A pull has at most one slice queued (it
 * awaits it), so first come first served is round robin across pulls.
 *
 * Node's phases (poll, then check with setImmediate): https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick
 * Why a turn must stay short ("Don't block the event loop"): https://nodejs.org/en/learn/asynchronous-work/dont-block-the-event-loop
 * (p-queue and similar queues bound how many tasks run at once, not how long a turn lasts.)
 */

export interface TurnBudgetOptions {
  /** Milliseconds of slices per turn before the next slice waits for a later turn. */
  budgetMs: number;
  /** A monotonic clock in ms (tests pass a fake one). */
  now?: () => number;
  /** Runs `fn` in a later turn, after the loop has polled for I/O (tests collect the callbacks). */
  defer?: (fn: () => void) => void;
}

interface Slice {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export class TurnBudget {
  private budgetMs: number;
  private readonly now: () => number;
  private readonly defer: (fn: () => void) => void;
  private readonly queue: Array<Slice | undefined> = [];
  private head = 0;
  /** Milliseconds of slices run since the budget was last renewed. */
  private used = 0;
  private renewal = false;

  constructor(options: TurnBudgetOptions) {
    this.budgetMs = options.budgetMs;
    this.now = options.now ?? (() => performance.now());
    this.defer = options.defer ?? ((fn) => void setImmediate(fn));
  }

  /** Infinity runs every slice at once, as before the budget (bench/load.ts compares the two). */
  setBudgetMs(ms: number): void {
    this.budgetMs = ms;
  }

  /** Slices waiting for a later turn. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /**
   * Runs `work` (synchronous, a slice of a few milliseconds at most) in this turn when the budget
   * allows and nobody is ahead of it, else in a later turn; resolves with its result.
   */
  run<T>(work: () => T): Promise<T> {
    if (this.waiting === 0 && this.used < this.budgetMs) {
      try {
        return Promise.resolve(this.timed(work));
      } catch (err) {
        return Promise.reject(err);
      } finally {
        this.renewLater();
      }
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.renewLater();
    });
  }

  /**
   * Runs `work` now, whatever the budget, and counts its time against this turn's budget: for the
   * work that finishes a slice's output (encoding the rows a slice just made), which would
   * otherwise wait a round of the queue while those rows are kept alive (more of them survive
   * into V8's old generation: more garbage collection).
   */
  charge<T>(work: () => T): T {
    try {
      return this.timed(work);
    } finally {
      this.renewLater();
    }
  }

  /**
   * What the synchronous generator `produce` yields, produced in one slice (`run`) and then handed
   * on; when it throws part way, what it yielded before still goes out, then the error: the same
   * order as iterating `produce` directly.
   */
  async *slice<T>(produce: () => Iterable<T>): AsyncGenerator<T> {
    const { items, failure } = await this.run(() => {
      const items: T[] = [];
      try {
        for (const item of produce()) items.push(item);
        return { items };
      } catch (error) {
        return { items, failure: { error } };
      }
    });
    yield* items;
    if (failure) throw failure.error;
  }

  private timed<T>(work: () => T): T {
    const start = this.now();
    try {
      return work();
    } finally {
      this.used += this.now() - start;
    }
  }

  /** The budget is renewed in a later turn, which also runs what is waiting by then. */
  private renewLater(): void {
    if (this.renewal) return;
    this.renewal = true;
    this.defer(() => this.renew());
  }

  private renew(): void {
    this.renewal = false;
    this.used = 0;
    while (this.waiting > 0 && this.used < this.budgetMs) {
      const slice = this.queue[this.head]!;
      this.queue[this.head++] = undefined; // let the slice's closure go
      try {
        slice.resolve(this.timed(slice.work));
      } catch (err) {
        slice.reject(err);
      }
    }
    // Under steady load the queue may never empty: drop the slots already served now and then.
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head >= 1024) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.waiting > 0 || this.used > 0) this.renewLater();
  }
}

/**
 * The process's budget, shared by every pull. 30 ms: a 64 KB slice of VDS rows or one batch's
 * encoding takes ~1–5 ms, so a turn carries several slices and a short request waits about a
 * budget or two per crossing, not one slice of every pull. bench/load.ts on 2026-12-08: 10 ms gave
 * browse 0.12 s p50 / 0.60 s p99 (5.05 ×) and the server's loop delay p99 65 ms; 30 ms gave
 * 0.25 / 0.93 s (3.73 ×) and 135 ms; off, 0.79 / 2.65 s and 624 ms (docs/performance.md).
 */
export const pullWork = new TurnBudget({ budgetMs: 30 });
