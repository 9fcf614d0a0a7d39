import { describe, expect, it } from 'vitest';

import { type CachedResult, ResultCache, resultCacheKey } from '../../../../server/sim/data/vds/result-cache.js';

const answer = (bytes: number): CachedResult => ({ chunks: [Buffer.alloc(bytes)], bytes, rowCount: 1, estimate: bytes });
const query = { fields: [{ fieldCaption: 'Region' }] };

describe('resultCacheKey', () => {
  it('names the same query the same way whatever the key order', () => {
    const a = resultCacheKey({ query: { fields: [{ fieldCaption: 'Sales', function: 'SUM' }] }, returnFormat: 'ARRAYS' });
    const b = resultCacheKey({
      query: { fields: [{ function: 'SUM', fieldCaption: 'Sales' }] },
      returnFormat: 'ARRAYS',
      disaggregate: false,
    });
    expect(a).toBe(b);
  });

  it('tells formats, row limits and field lists apart', () => {
    const keys = [
      resultCacheKey({ query, returnFormat: 'ARRAYS' }),
      resultCacheKey({ query, returnFormat: 'OBJECTS' }),
      resultCacheKey({ query, returnFormat: 'ARRAYS', rowLimit: 5 }),
      resultCacheKey({ query, returnFormat: 'ARRAYS', disaggregate: true }),
      resultCacheKey({ query: { fields: [{ fieldCaption: 'Region' }, { fieldCaption: 'Sales' }] }, returnFormat: 'ARRAYS' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('does not cache a relative date filter without an anchor (its answer follows the clock)', () => {
    const filter = {
      field: { fieldCaption: 'Order Date' },
      filterType: 'DATE' as const,
      periodType: 'MONTHS' as const,
      dateRangeType: 'LAST' as const,
    };
    expect(resultCacheKey({ query: { ...query, filters: [filter] }, returnFormat: 'ARRAYS' })).toBeUndefined();
    expect(
      resultCacheKey({ query: { ...query, filters: [{ ...filter, anchorDate: '2024-03-01' }] }, returnFormat: 'ARRAYS' }),
    ).toBeDefined();
  });
});

describe('ResultCache', () => {
  it('answers a hit only while the data stamp is unchanged, and drops stale entries', () => {
    const cache = new ResultCache(1000);
    cache.set('q1', 'ds1', '0.0', answer(100));
    cache.set('q2', 'ds2', '0.0', answer(100));
    expect(cache.get('q1', 'ds1', '0.0')?.bytes).toBe(100);
    expect(cache.get('q1', 'ds1', '1.1')).toBeUndefined();
    expect(cache.size).toBe(1);
    expect(cache.get('q2', 'ds2', '0.0')).toBeDefined();
    expect(cache.bytes).toBe(100);
  });

  it('stays within its byte bound, least recently used out first', () => {
    const cache = new ResultCache(250);
    cache.set('a', 'ds', 's', answer(100));
    cache.set('b', 'ds', 's', answer(100));
    cache.get('a', 'ds', 's');
    cache.set('c', 'ds', 's', answer(100));
    expect(cache.get('b', 'ds', 's')).toBeUndefined();
    expect(cache.get('a', 'ds', 's')).toBeDefined();
    expect(cache.get('c', 'ds', 's')).toBeDefined();
    expect(cache.bytes).toBe(200);
    cache.set('huge', 'ds', 's', answer(251));
    expect(cache.get('huge', 'ds', 's')).toBeUndefined();
    expect(cache.bytes).toBe(200);
  });
});
