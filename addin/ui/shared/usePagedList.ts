import { useCallback, useEffect, useRef, useState } from 'react';

import type { Page } from '../../../common/api.js';
import type { ApiErrorBody } from '../../../common/stream.js';
import { errorBody } from './errorBody.js';

export interface PagedList<T> {
  items: T[];
  total: number | null;
  loading: boolean;
  error: ApiErrorBody | null;
  hasMore: boolean;
  loadMore(): void;
}

/**
 * A list loaded page by page ("Load more"): Tableau lists are paged (pageSize ≤ 1000) and a
 * site can hold thousands of workbooks, so the pane never stops at the first page silently.
 * Resets when `deps` change.
 */
export function usePagedList<T>(fetchPage: (page: number, signal: AbortSignal) => Promise<Page<T>>, deps: unknown[]): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [nextPage, setNextPage] = useState<number | null>(1);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const fetchRef = useRef(fetchPage);
  useEffect(() => {
    fetchRef.current = fetchPage;
  });
  const controller = useRef<AbortController | null>(null);

  const load = useCallback((page: number, reset: boolean) => {
    controller.current?.abort();
    const own = new AbortController();
    controller.current = own;
    setLoading(true);
    setError(null);
    fetchRef.current(page, own.signal).then(
      (result) => {
        if (own.signal.aborted) return;
        setItems((prev) => (reset ? result.items : [...prev, ...result.items]));
        setTotal(result.total);
        setNextPage(result.nextPage);
        setLoading(false);
      },
      (failure: unknown) => {
        if (own.signal.aborted) return;
        // A failed first page of a new query must not leave the old query's items on screen.
        if (reset) {
          setItems([]);
          setTotal(null);
          setNextPage(1);
        }
        setError(errorBody(failure));
        setLoading(false);
      },
    );
  }, []);

  // A new query replaces the items when its first page arrives (no flash of an empty list).
  useEffect(() => {
    // Starting a fetch is this effect's job; `load` flags loading as the request goes out.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    load(1, true);
    return () => controller.current?.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const loadMore = useCallback(() => {
    if (nextPage !== null && !loading) load(nextPage, false);
  }, [load, loading, nextPage]);

  return { items, total, loading, error, hasMore: nextPage !== null, loadMore };
}
