import { describe, expect, it } from 'vitest';

import { type ClockState, dueDefinitions, earliestDue, intervalMs, nextDueAt, nextSlotAfter } from '../../../../addin/refresh/clock/due.js';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 10, 10, 0); // 10:00

describe('nextDueAt', () => {
  it('is now for a definition that never ran', () => {
    expect(nextDueAt(null, 15, T0)).toBe(T0);
  });

  it('is last + N while on time', () => {
    expect(nextDueAt(T0, 15, T0 + 5 * MIN)).toBe(T0 + 15 * MIN);
  });

  it('after sleeping through several slots: the latest missed slot, which is due at once', () => {
    // Last run 10:00, every 15 min, laptop wakes at 11:07: slots 10:15 ... 11:00 were missed.
    const due = nextDueAt(T0, 15, T0 + 67 * MIN);
    expect(due).toBe(T0 + 60 * MIN);
    expect(due).toBeLessThanOrEqual(T0 + 67 * MIN);
  });

  it('a slot exactly at now is due now', () => {
    expect(nextDueAt(T0, 15, T0 + 15 * MIN)).toBe(T0 + 15 * MIN);
  });

  it('when the clock went backwards, waits one interval from now', () => {
    expect(nextDueAt(T0 + 60 * MIN, 15, T0)).toBe(T0 + 15 * MIN);
  });

  it('refuses intervals that are not whole minutes in range', () => {
    expect(() => nextDueAt(T0, 0, T0)).toThrow(/1 to 10080/);
    expect(() => nextDueAt(T0, 2.5, T0)).toThrow(/whole number/);
    expect(() => intervalMs(7 * 24 * 60 + 1)).toThrow(RangeError);
  });
});

describe('nextSlotAfter', () => {
  it('stays on the grid of the anchor, strictly after now', () => {
    expect(nextSlotAfter(T0, 15, T0 + 1 * MIN)).toBe(T0 + 15 * MIN);
    expect(nextSlotAfter(T0, 15, T0 + 15 * MIN)).toBe(T0 + 30 * MIN);
    // A slow refresh (started 11:00, finished 11:40): next is 11:45, not 11:15 (no back-to-back runs).
    expect(nextSlotAfter(T0 + 60 * MIN, 15, T0 + 100 * MIN)).toBe(T0 + 105 * MIN);
  });
});

describe('dueDefinitions', () => {
  const s = (id: string, nextDue: number | null, extra: Partial<ClockState> = {}): ClockState => ({
    id,
    everyMinutes: nextDue === null ? null : 15,
    nextDueAt: nextDue,
    running: false,
    ...extra,
  });

  it('returns due, idle, timed definitions, most overdue first', () => {
    const states = [
      s('b', T0 - MIN),
      s('a', T0 - 5 * MIN),
      s('later', T0 + MIN),
      s('busy', T0 - 10 * MIN, { running: true }),
      s('untimed', null),
      s('c', T0),
    ];
    expect(dueDefinitions(states, T0).map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });

  it('earliestDue ignores running and untimed definitions', () => {
    expect(earliestDue([s('x', T0 + 5, { running: true }), s('y', T0 + 9), s('z', null)])).toBe(T0 + 9);
    expect(earliestDue([s('z', null)])).toBeNull();
  });
});
