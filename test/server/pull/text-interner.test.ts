import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { TextInterner } from '../../../server/pull/text-interner.js';

describe('TextInterner', () => {
  it('answers an equal string for every value, and keeps interning a low-cardinality column', () => {
    const texts = new TextInterner(8);
    const regions = ['West', 'East', 'Central', 'South'];
    for (let i = 0; i < 1000; i++) expect(texts.intern(regions[i % 4].slice(0))).toBe(regions[i % 4]);
    expect(texts.active).toBe(true);
  });

  it('makes its table of recent values once it holds 64, and answers alike before and after', () => {
    const texts = new TextInterner();
    const names = Array.from({ length: 200 }, (_, i) => `Customer ${i}`);
    for (let round = 0; round < 3; round++) for (const name of names) expect(texts.intern(name.slice(0))).toBe(name);
    expect(texts.active).toBe(true);
  });

  it('stops once a column shows more different values than it is worth', () => {
    const texts = new TextInterner(8);
    for (let i = 0; i < 8; i++) texts.intern(`ID-${i}`);
    expect(texts.active).toBe(true);
    expect(texts.intern('ID-8')).toBe('ID-8');
    expect(texts.active).toBe(false);
    expect(texts.intern('ID-3')).toBe('ID-3');
  });

  it('answers an equal string for any sequence, through every check (previous value, recent table, map, given up)', () => {
    // Few distinct values, so the previous-value check, the recent table (and its collisions) and the map all answer;
    // up to 300 values and a limit up to 200, so a column runs both before its table is made (64 values) and after.
    const text = fc.oneof(
      fc.constantFrom('', 'a', 'West', 'East', 'Maria Rossi', 'Mario Rossi', 'US-2021-100001'),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(text, { maxLength: 300 }), fc.integer({ min: 1, max: 200 }), (values, maxDistinct) => {
        const texts = new TextInterner(maxDistinct);
        for (const v of values) expect(texts.intern(v.slice(0))).toBe(v);
      }),
      { numRuns: 300 },
    );
  });
});
