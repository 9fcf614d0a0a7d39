import { loggedPath } from '../../../server/http/request-log.js';
import { TtlMemo } from '../../../server/services/ttl-memo.js';

describe('TtlMemo', () => {
  it('loads once per key until the entry expires, and does not remember a failed load', async () => {
    let now = 1_000;
    const memo = new TtlMemo<string>(60_000, 10, () => now);
    const load = vi.fn(async () => `wb-${load.mock.calls.length}`);
    expect(await memo.get('view-1', load)).toBe('wb-1');
    now += 59_999;
    expect(await memo.get('view-1', load)).toBe('wb-1');
    now += 1;
    expect(await memo.get('view-1', load)).toBe('wb-2');
    await expect(memo.get('view-2', () => Promise.reject(new Error('404')))).rejects.toThrow('404');
    expect(await memo.get('view-2', load)).toBe('wb-3');
  });

  it('shares one load between callers asking at once, and loads again after delete', async () => {
    const memo = new TtlMemo<number>(60_000, 10, () => 0);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const load = vi.fn(async () => {
      await gate;
      return load.mock.calls.length;
    });
    const both = Promise.all([memo.get('c1', load), memo.get('c1', load)]);
    release();
    expect(await both).toEqual([1, 1]);
    expect(load).toHaveBeenCalledTimes(1);
    memo.delete('c1');
    expect(await memo.get('c1', load)).toBe(2);
  });

  it('keeps at most maxEntries, dropping the oldest first', async () => {
    const memo = new TtlMemo<number>(60_000, 2, () => 0);
    const load = vi.fn(async () => load.mock.calls.length);
    await memo.get('a', load);
    await memo.get('b', load);
    await memo.get('c', load);
    expect(await memo.get('c', load)).toBe(3);
    expect(await memo.get('b', load)).toBe(2);
    expect(await memo.get('a', load)).toBe(4);
  });
});

describe('loggedPath', () => {
  it('drops the query string and the token of a Tableau webhook URL, its only credential', () => {
    expect(loggedPath('/api/schedules?limit=5')).toBe('/api/schedules');
    expect(loggedPath('/hooks/tableau/6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e.c2VjcmV0?x=1')).toBe('/hooks/tableau/…');
  });
});
