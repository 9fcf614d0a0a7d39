import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { latestEvery } from '../../../addin/ui/shared/latestEvery.js';

const fakeTimers = () => ({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
});

describe('latestEvery', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('applies the first value at once, then only the latest once per interval', () => {
    const seen: number[] = [];
    const t = latestEvery<number>(250, (n) => seen.push(n), fakeTimers());
    t.push(1);
    t.push(2);
    t.push(3);
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(249);
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([1, 3]);
    for (let i = 4; i <= 100; i++) t.push(i);
    vi.advanceTimersByTime(250);
    expect(seen).toEqual([1, 3, 100]);
  });

  it('applies a value pushed after a quiet interval at once', () => {
    const seen: number[] = [];
    const t = latestEvery<number>(250, (n) => seen.push(n), fakeTimers());
    t.push(1);
    vi.advanceTimersByTime(1000);
    t.push(2);
    expect(seen).toEqual([1, 2]);
  });

  it('drops the pending value on cancel', () => {
    const seen: number[] = [];
    const t = latestEvery<number>(250, (n) => seen.push(n), fakeTimers());
    t.push(1);
    t.push(2);
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([1]);
  });
});
