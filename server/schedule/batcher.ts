/**
 * Gathers calls that arrive while a write is on its way into one write: the first call is written
 * on the next turn of the event loop, the ones arriving meanwhile together after it, and so on. So
 * a lone call costs one write as before, and a burst (1,000 schedules due at one minute, each
 * instance enqueuing every one of them: bench/team.ts) costs a few writes instead of one per call.
 * Each caller's promise settles with its batch's write.
 */
interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class Batcher<T> {
  private pending: Pending<T>[] = [];
  private draining = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    /** The most items one write takes. */
    private readonly max = 500,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('Batcher max must be a positive integer');
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.max);
      try {
        await this.write(batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.draining = false;
  }
}
