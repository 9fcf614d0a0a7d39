import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, harness } from './helpers.js';

describe('content search /api/-/search', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await harness();
    token = await h.signIn();
  });
  afterAll(async () => h.app.close());
  const search = (q: string) => h.raw('GET', `/api/-/search?${q}`, token);

  it('finds content by terms with the hits envelope and numeric fields', async () => {
    const res = await search('terms=superstore&limit=3');
    expect(res.status).toBe(200);
    const hits = res.body.hits;
    expect(hits).toMatchObject({ pageIndex: 0, startIndex: 0, limit: 3, total: expect.any(Number) });
    expect(hits.items).toHaveLength(3);
    expect(hits.items[0].content).toMatchObject({
      type: 'workbook',
      title: 'Superstore',
      hitsTotal: expect.any(Number),
      ownerId: expect.any(Number),
      tags: ['sales', 'sample'],
    });
    expect(hits.next).toContain('page=1');
    expect(hits.prev).toBeUndefined();
  });

  it('pages 0-based and filters by type with in:[...]', async () => {
    const all = (await search('terms=orders&limit=100&filter=type:in:[view,datasource]')).body.hits;
    expect(all.items.every((i: { content: { type: string } }) => ['view', 'datasource'].includes(i.content.type))).toBe(true);
    const p1 = (await search('terms=orders&limit=2&page=1&filter=type:in:[view,datasource]')).body.hits;
    expect(p1).toMatchObject({ pageIndex: 1, startIndex: 2 });
    expect(p1.items.map((i: { content: { luid: string } }) => i.content.luid)).toEqual(
      all.items.slice(2, 4).map((i: { content: { luid: string } }) => i.content.luid),
    );
    expect(p1.prev).toContain('page=0');
  });

  it('orders by hitsTotal:desc', async () => {
    const res = (await search('filter=type:eq:view&order_by=hitsTotal:desc&limit=5')).body.hits;
    const counts = res.items.map((i: { content: { hitsTotal: number } }) => i.content.hitsTotal);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => b - a));
    expect(res.items[0].content.title).toBe('Sales Overview');
  });

  it('orders ascending when order_by names no direction, as the reference example order_by=hitsTotal does', async () => {
    const bare = (await search('filter=type:eq:view&order_by=hitsTotal&limit=100')).body.hits;
    const asc = (await search('filter=type:eq:view&order_by=hitsTotal:asc&limit=100')).body.hits;
    const counts = bare.items.map((i: { content: { hitsTotal: number } }) => i.content.hitsTotal);
    expect(bare.total).toBeGreaterThan(2);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => a - b));
    expect(counts[0]).toBeLessThan(counts[counts.length - 1]);
    expect(bare.items).toEqual(asc.items);
    // A second method without a direction is a tiebreaker, ascending too.
    expect((await search('filter=type:eq:view&order_by=hitsTotal:desc,favoritesTotal')).status).toBe(200);
    expect((await search('order_by=hitsTotal:sideways')).status).toBe(400);
  });

  it('needs a token and rejects bad parameters', async () => {
    expect((await h.raw('GET', '/api/-/search?terms=x')).body.error.code).toBe('401000');
    expect((await search('limit=0')).status).toBe(400);
    expect((await search('page=-1')).status).toBe(400);
    expect((await search('filter=colour:eq:red')).body.error.code).toBe('400065');
  });
});
