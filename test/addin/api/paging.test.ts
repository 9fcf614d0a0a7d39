import { describe, expect, it } from 'vitest';

import { collectAll } from '../../../addin/api/paging.js';

describe('paging', () => {
  it('follows nextPage until null', async () => {
    const pages: Record<number, { items: number[]; nextPage: number | null }> = {
      1: { items: [1, 2], nextPage: 2 },
      2: { items: [3], nextPage: 3 },
      3: { items: [4], nextPage: null },
    };
    const asked: number[] = [];
    const all = await collectAll(async (page) => {
      asked.push(page);
      return { ...pages[page], page, pageSize: 2, total: 4 };
    });
    expect(all).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([1, 2, 3]);
  });

  it('stops when a server repeats a page instead of looping forever', async () => {
    const all = await collectAll(async (page) => ({ items: [page], page, pageSize: 1, total: 9, nextPage: 1 }));
    expect(all).toEqual([1]);
  });
});
