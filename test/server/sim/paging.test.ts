import { afterEach, describe, expect, it } from 'vitest';

import { DEFAULT_PAGE_SIZE, parsePageRequest, takePage } from '../../../server/sim/paging.js';
import { type Harness, harness } from './helpers.js';

const items = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('paging (pure)', () => {
  it('defaults to pageSize 100, pageNumber 1', () => {
    expect(parsePageRequest({})).toEqual({ pageSize: DEFAULT_PAGE_SIZE, pageNumber: 1 });
  });

  it.each([
    [{ pageSize: '0' }, '400007'],
    [{ pageSize: '-1' }, '400007'],
    [{ pageSize: 'ten' }, '400007'],
    [{ pageSize: '1001' }, '403014'],
    [{ pageNumber: '0' }, '400006'],
    [{ pageNumber: '1.5' }, '400006'],
  ])('rejects %o with %s', (q, code) => {
    expect(() => parsePageRequest(q)).toThrow(expect.objectContaining({ code }));
  });

  it('pages 0 items: page 1 is empty, page 2 is past the end', () => {
    expect(takePage([], { pageSize: 100, pageNumber: 1 })).toEqual({
      page: [],
      pagination: { pageNumber: '1', pageSize: '100', totalAvailable: '0' },
    });
    expect(() => takePage([], { pageSize: 100, pageNumber: 2 })).toThrow(expect.objectContaining({ code: '400006' }));
  });

  it('pages 1, 1000 and 1001 items at the maximum page size', () => {
    expect(takePage(items(1), { pageSize: 1000, pageNumber: 1 }).page).toEqual([0]);
    const thousand = takePage(items(1000), { pageSize: 1000, pageNumber: 1 });
    expect(thousand.page).toHaveLength(1000);
    expect(() => takePage(items(1000), { pageSize: 1000, pageNumber: 2 })).toThrow(expect.objectContaining({ code: '400006' }));
    const p2 = takePage(items(1001), { pageSize: 1000, pageNumber: 2 });
    expect(p2.page).toEqual([1000]);
    expect(p2.pagination).toEqual({ pageNumber: '2', pageSize: '1000', totalAvailable: '1001' });
  });
});

describe('paging over HTTP', () => {
  let h: Harness;
  afterEach(async () => h?.app.close());

  it.each([0, 1, 1000, 1001])('pages a site with exactly %i workbooks completely', async (n) => {
    h = await harness({ site: { largeWorkbooks: n } });
    for (const wb of [...h.demoSite.workbooks.values()]) if (!wb.name.startsWith('Workbook ')) h.demoSite.removeWorkbook(wb.id);
    const token = await h.signIn();
    const total = h.demoSite.workbooks.size;
    expect(total).toBe(n);
    const seen = new Set<string>();
    for (let page = 1; ; page++) {
      const res = await h.get(`workbooks?pageSize=1000&pageNumber=${page}`, token);
      expect(res.status).toBe(200);
      expect(res.body.pagination).toEqual({ pageNumber: String(page), pageSize: '1000', totalAvailable: String(total) });
      for (const wb of res.body.workbooks.workbook ?? []) seen.add(wb.id);
      if (page * 1000 >= total) break;
    }
    expect(seen.size).toBe(total);
    const past = await h.get(`workbooks?pageSize=1000&pageNumber=${Math.max(1, Math.ceil(total / 1000)) + 1}`, token);
    expect(past.status).toBe(400);
    expect(past.body.error).toMatchObject({ code: '400006', summary: 'Invalid page number' });
  });

  it('sends an empty list as {} with string pagination', async () => {
    h = await harness();
    const token = await h.signIn();
    const res = await h.get('workbooks?filter=name:eq:NoSuchWorkbook', token);
    expect(res.body).toEqual({ pagination: { pageNumber: '1', pageSize: '100', totalAvailable: '0' }, workbooks: {} });
  });

  it('rejects pageSize 1001 with 403014 and pageSize 0 with 400007', async () => {
    h = await harness();
    const token = await h.signIn();
    const big = await h.get('views?pageSize=1001', token);
    expect(big.status).toBe(403);
    expect(big.body.error.code).toBe('403014');
    expect((await h.get('views?pageSize=0', token)).body.error.code).toBe('400007');
  });
});
