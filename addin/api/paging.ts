import type { Page } from '../../common/api.js';

/**
 * Walks every page of a paged list (never only the first one): follows `nextPage` until null.
 * A guard against a server that keeps answering the same page stops the loop.
 */
async function* allPages<T>(fetchPage: (page: number) => Promise<Page<T>>, firstPage = 1): AsyncGenerator<T[]> {
  let page: number | null = firstPage;
  const seen = new Set<number>();
  while (page !== null && !seen.has(page)) {
    seen.add(page);
    const result: Page<T> = await fetchPage(page);
    yield result.items;
    page = result.nextPage;
  }
}

/** Every item of a paged list, in order. */
export async function collectAll<T>(fetchPage: (page: number) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for await (const batch of allPages(fetchPage)) items.push(...batch);
  return items;
}
