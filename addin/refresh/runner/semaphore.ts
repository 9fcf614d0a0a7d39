/**
 * A counting semaphore whose waits can be cancelled: a cancelled Refresh all must not leave
 * tables queued for a slot.
 */
import { REFRESH_CANCELLED, RefreshFailure } from './failure.js';

export class Semaphore {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  /** Resolves with a release function once a slot is free; rejects with "cancelled" on abort. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new RefreshFailure(REFRESH_CANCELLED));
    return new Promise((resolve, reject) => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const next = this.waiting.shift();
        if (next) next();
        else this.free++;
      };
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(release);
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new RefreshFailure(REFRESH_CANCELLED));
      };
      if (this.free > 0) {
        this.free--;
        grant();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }
}
