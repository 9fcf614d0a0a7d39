import { describe, expect, it } from 'vitest';

import { TextInterner } from '../../../server/pull/text-interner.js';

describe('TextInterner', () => {
  it('answers an equal string for every value, and keeps interning a low-cardinality column', () => {
    const texts = new TextInterner(8);
    const regions = ['West', 'East', 'Central', 'South'];
    for (let i = 0; i < 1000; i++) expect(texts.intern(regions[i % 4].slice(0))).toBe(regions[i % 4]);
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
});
