import { describe, expect, it } from 'vitest';

import { silentLogger } from '../../../server/tableau/index.js';
import { buildFilter, collectAllPages, type FetchPage, runPool, splitTopLevel } from '../../../server/tableau/paging.js';

type Item = { id: string };
const items = (n: number, prefix = 'w'): Item[] => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${String(i).padStart(5, '0')}` }));

/** A "server" over a mutable array; `before(page)` may mutate the data before each answer. */
function server(data: Item[], before?: (page: number, call: number) => void) {
  let call = 0;
  const seen: number[] = [];
  const fetch: FetchPage<Item> = async (pageNumber, pageSize) => {
    before?.(pageNumber, call++);
    seen.push(pageNumber);
    await new Promise((r) => setImmediate(r));
    return { items: data.slice((pageNumber - 1) * pageSize, pageNumber * pageSize), totalAvailable: data.length, dropped: [] };
  };
  return { fetch, seen };
}

const opts = (pageSize: number, appendStable = true) => ({ pageSize, pool: 4, appendStable, logger: silentLogger, label: 'test' });

describe('collectAllPages', () => {
  it.each([0, 1, 1000, 1001, 2500])('lists %i items exactly once with the fewest requests', async (n) => {
    const data = items(n);
    const s = server(data);
    const r = await collectAllPages(s.fetch, opts(1000));
    expect(r.items).toEqual(data);
    expect(r.requests).toBe(Math.max(1, Math.ceil(n / 1000)));
    expect(r.rechecked).toBe(false);
  });

  it('with a known list length, sends pages 2..pool before page 1 has answered, and goes on while page 1 is slow', async () => {
    const data = items(105);
    const started: number[] = [];
    let startedBeforePage1Answered: number[] = [];
    const fetch: FetchPage<Item> = async (p, size) => {
      started.push(p);
      if (p === 1) {
        for (let i = 0; i < 20 && started.length < 7; i++) await new Promise((r) => setTimeout(r, 1));
        startedBeforePage1Answered = [...started];
      }
      return { items: data.slice((p - 1) * size, p * size), totalAvailable: data.length, dropped: [] };
    };
    const r = await collectAllPages(fetch, { ...opts(10), expectedPages: 11 });
    // Pages 2..4 answered first, and each of their slots asked for one next page on last time's
    // length (and waits for page 1's total before reading it): no more than the pool at once.
    expect(startedBeforePage1Answered).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.items).toEqual(data);
    expect(r.requests).toBe(11);
    expect(r.rechecked).toBe(false);
  });

  it('sends the next page before it parses the one that just came in, never more than pool at once', async () => {
    const data = items(50);
    const events: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const fetch: FetchPage<Item> = async (p, size) => {
      events.push(`send ${p}`);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return () => {
        events.push(`parse ${p}`);
        return { items: data.slice((p - 1) * size, p * size), totalAvailable: data.length, dropped: [] };
      };
    };
    const r = await collectAllPages(fetch, { ...opts(10), pool: 2 });
    expect(r.items).toEqual(data);
    expect(maxInFlight).toBe(2);
    // Page 1 is read first (it tells the total); after that a page's successor is asked for first.
    expect(events.indexOf('send 4')).toBeLessThan(events.indexOf('parse 2'));
    expect(events.indexOf('send 5')).toBeLessThan(events.indexOf('parse 3'));
    expect(events.filter((e) => e.startsWith('parse'))).toHaveLength(5);
  });

  it('sends the next page as soon as Tableau has answered one (headers in), before that body is read', async () => {
    const data = items(50);
    const events: string[] = [];
    let waiting = 0; // requests Tableau has not answered yet
    let maxWaiting = 0;
    const fetch: FetchPage<Item> = async (p, size, answered) => {
      events.push(`send ${p}`);
      maxWaiting = Math.max(maxWaiting, ++waiting);
      await new Promise((r) => setTimeout(r, 6));
      waiting--;
      events.push(`headers ${p}`);
      answered?.();
      // The body takes a while to read: the next request must not wait for it.
      await new Promise((r) => setTimeout(r, 2));
      events.push(`body ${p}`);
      return { items: data.slice((p - 1) * size, p * size), totalAvailable: data.length, dropped: [] };
    };
    const r = await collectAllPages(fetch, { ...opts(10), pool: 2, expectedPages: 5 });
    expect(r.items).toEqual(data);
    expect(r.requests).toBe(5);
    expect(maxWaiting).toBe(2);
    // Each page's successor goes out on its headers, first round and later ones alike.
    expect(events.indexOf('send 3')).toBeLessThan(events.indexOf('body 1'));
    expect(events.indexOf('send 4')).toBeLessThan(events.indexOf('body 2'));
    expect(events.indexOf('send 5')).toBeLessThan(events.indexOf('body 3'));
  });

  it('before page 1 is read, a page answered early does not send past one page per slot', async () => {
    const data = items(105);
    const started: number[] = [];
    let startedBeforePage1Answered: number[] = [];
    const fetch: FetchPage<Item> = async (p, size, answered) => {
      started.push(p);
      if (p === 1) {
        for (let i = 0; i < 20 && started.length < 7; i++) await new Promise((r) => setTimeout(r, 1));
        // Later pages keep answering while page 1 is still slow.
        await new Promise((r) => setTimeout(r, 5));
        startedBeforePage1Answered = [...started];
      }
      answered?.();
      return { items: data.slice((p - 1) * size, p * size), totalAvailable: data.length, dropped: [] };
    };
    const r = await collectAllPages(fetch, { ...opts(10), expectedPages: 11 });
    expect(startedBeforePage1Answered.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.items).toEqual(data);
    expect(r.requests).toBe(11);
  });

  it('asks for no more pages once one has failed (one answered before its body broke off included)', async () => {
    const data = items(100);
    const started: number[] = [];
    const fetch: FetchPage<Item> = async (p, size, answered) => {
      started.push(p);
      await new Promise((r) => setTimeout(r, 2));
      answered?.();
      await new Promise((r) => setImmediate(r));
      if (p === 3) throw new Error('socket hang up');
      return { items: data.slice((p - 1) * size, p * size), totalAvailable: data.length, dropped: [] };
    };
    await expect(collectAllPages(fetch, { ...opts(10), pool: 2, expectedPages: 10 })).rejects.toThrow('socket hang up');
    await new Promise((r) => setTimeout(r, 30));
    // Page 3's successor went out on its headers, and the other slot's next one may have: no more.
    expect(Math.max(...started)).toBeLessThanOrEqual(6);
  });

  it.each([0, 1, 1000, 1001])(
    'a list that shrank to %i items since last time: early pages past the end are wasted, not a change',
    async (n) => {
      const data = items(n);
      const s = server(data);
      const r = await collectAllPages(s.fetch, { ...opts(1000), expectedPages: 11 });
      expect(r.items).toEqual(data);
      expect(r.rechecked).toBe(false);
      // Pages 1..4 went out together, and page 5 on last time's length as page 1 came in (before it
      // was read); none is asked twice.
      expect(r.requests).toBe(5);
      expect([...s.seen].sort()).toEqual([1, 2, 3, 4, 5]);
    },
  );

  it('an early page past the end answered as 400006 (no pagination block) is not a change either', async () => {
    const data = items(15);
    const fetch: FetchPage<Item> = async (p, size) =>
      p > 2 ? { items: [], dropped: [] } : { items: data.slice((p - 1) * size, p * size), totalAvailable: 15, dropped: [] };
    const r = await collectAllPages(fetch, { ...opts(10), expectedPages: 4 });
    expect(r.items).toEqual(data);
    expect(r.rechecked).toBe(false);
  });

  it('an early page that has grown past the old end is kept and re-checked', async () => {
    const data = items(10);
    // Page 1 answers first (total 10); three items are added before page 2 answers.
    const fetch: FetchPage<Item> = async (p, size) => {
      await new Promise((r) => setTimeout(r, p === 1 ? 1 : 10));
      if (p > 1 && data.length === 10) data.push(...items(3, 'new'));
      return { items: data.slice((p - 1) * size, p * size), totalAvailable: data.length, dropped: [] };
    };
    const r = await collectAllPages(fetch, { ...opts(10), expectedPages: 3 });
    expect(r.rechecked).toBe(true);
    expect(r.items.map((i) => i.id)).toEqual([...items(10), ...items(3, 'new')].map((i) => i.id));
  });

  it('reports the failure of page 1 or of an early page, never an unhandled rejection', async () => {
    const failing =
      (bad: number): FetchPage<Item> =>
      async (p) => {
        await new Promise((r) => setTimeout(r, p === bad ? 1 : 5));
        if (p === bad) throw new Error(`page ${p} failed`);
        return { items: items(10).map((i) => ({ id: `${p}-${i.id}` })), totalAvailable: 40, dropped: [] };
      };
    await expect(collectAllPages(failing(1), { ...opts(10), expectedPages: 4 })).rejects.toThrow('page 1 failed');
    await expect(collectAllPages(failing(3), { ...opts(10), expectedPages: 4 })).rejects.toThrow('page 3 failed');
  });

  it('orders by page then position even when pages finish out of order', async () => {
    const data = items(50);
    const fetch: FetchPage<Item> = async (p, size) => {
      await new Promise((r) => setTimeout(r, (10 - p) * 3));
      return { items: data.slice((p - 1) * size, p * size), totalAvailable: 50, dropped: [] };
    };
    expect((await collectAllPages(fetch, opts(5))).items).toEqual(data);
  });

  it('never runs more pages at once than the pool', async () => {
    let active = 0;
    let peak = 0;
    const out = await runPool([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, async (x) => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return x * 2;
    });
    expect(peak).toBe(3);
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });

  it('growth under createdAt:asc: fetches the new tail pages once, no duplicates', async () => {
    const data = items(25);
    let added = 0;
    // Before every page after the first, a new item is appended (newest createdAt sorts last).
    const s = server(data, (_p, call) => {
      if (call > 0 && added < 7) data.push({ id: `new${added++}` });
    });
    const r = await collectAllPages(s.fetch, opts(10));
    expect(r.rechecked).toBe(true);
    const ids = r.items.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const it of items(25)) expect(ids).toContain(it.id);
    // Page 1 was never re-read: growth only touches the tail.
    expect(s.seen.filter((p) => p === 1)).toHaveLength(1);
  });

  it('shrink: deletions shift items left, a full re-read finds the shifted ones', async () => {
    const data = items(30);
    const original = [...data];
    // Once page 1 has been read, two items on page 1 are deleted: every later item moves left by 2.
    const s = server(data, (_p, call) => {
      if (call === 1) data.splice(0, 2);
    });
    const r = await collectAllPages(s.fetch, opts(10));
    expect(r.rechecked).toBe(true);
    const ids = new Set(r.items.map((i) => i.id));
    for (const it of original.slice(2)) expect(ids.has(it.id)).toBe(true);
    expect(r.items.length).toBe(ids.size);
  });

  it('an empty page before the expected end stops further pages and re-checks', async () => {
    const data = items(40);
    const fetch: FetchPage<Item> = async (p, size) => {
      // The server claims 40 but page 3+ are empty (items deleted meanwhile, total not updated yet).
      if (p >= 3) return { items: [], totalAvailable: 20, dropped: [] };
      return { items: data.slice((p - 1) * size, p * size), totalAvailable: p === 1 ? 40 : 20, dropped: [] };
    };
    const r = await collectAllPages(fetch, { ...opts(10), pool: 1 });
    expect(r.items).toEqual(data.slice(0, 20));
    expect(r.rechecked).toBe(true);
  });

  it('growth with a sort that is not append-stable re-reads every page once', async () => {
    const data = items(20);
    const s = server(data, (_p, call) => {
      if (call === 1) data.unshift({ id: 'aaa-first' });
    });
    const r = await collectAllPages(s.fetch, opts(10, false));
    expect(r.items.map((i) => i.id)).toContain('w00009');
    expect(r.items.map((i) => i.id)).toContain('aaa-first');
    expect(s.seen.filter((p) => p === 1)).toHaveLength(2);
  });
});

describe('filters', () => {
  it('renders field:op:value and in:[a,b] lists', () => {
    expect(
      buildFilter([
        { field: 'name', op: 'eq', value: 'foo' },
        { field: 'tags', op: 'in', value: ['sample', 'safari', 'weather'] },
      ]),
    ).toBe('name:eq:foo,tags:in:[sample,safari,weather]');
    expect(buildFilter([{ field: 'hasExtracts', op: 'eq', value: true }])).toBe('hasExtracts:eq:true');
  });

  it('refuses values Tableau cannot express', () => {
    expect(() => buildFilter([{ field: 'name', op: 'eq', value: 'a,b' }])).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => buildFilter([{ field: 'name', op: 'eq', value: 'a&b' }])).toThrow(/cannot contain/);
    expect(() => buildFilter([{ field: 'na me', op: 'eq', value: 'x' }])).toThrow(/filter field/);
  });

  it('splits on top-level commas only', () => {
    expect(splitTopLevel('name:in:[a,b],tags:eq:x')).toEqual(['name:in:[a,b]', 'tags:eq:x']);
  });
});
