/** Timers the throttle runs on: the real ones by default, fakes in tests. */
interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface LatestEvery<T> {
  /** Offers a value: applied now if the interval has passed, else the latest one when it has. */
  push(value: T): void;
  /** Drops a pending value (the work it reported is over). */
  cancel(): void;
}

/**
 * Applies the latest of a stream of values at most once per interval (the first at once, the last
 * never lost): a progress count that changes per batch re-renders a few times a second, not per
 * batch (issue #18: each render restyled and relaid the pane while a million rows went in).
 */
export function latestEvery<T>(intervalMs: number, apply: (value: T) => void, timers: Timers = realTimers): LatestEvery<T> {
  let last = -Infinity;
  let pending: { value: T } | null = null;
  let handle: unknown = null;
  const flush = () => {
    handle = null;
    if (!pending) return;
    const { value } = pending;
    pending = null;
    last = timers.now();
    apply(value);
  };
  return {
    push(value) {
      pending = { value };
      if (handle !== null) return;
      const wait = last + intervalMs - timers.now();
      if (wait <= 0) flush();
      else handle = timers.setTimeout(flush, wait);
    },
    cancel() {
      pending = null;
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
    },
  };
}
