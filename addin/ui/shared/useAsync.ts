import { useCallback, useEffect, useRef, useState } from 'react';

import type { ApiErrorBody } from '../../../common/stream.js';
import { errorBody } from './errorBody.js';

interface AsyncState<T> {
  data: T | undefined;
  error: ApiErrorBody | null;
  loading: boolean;
  reload(): void;
}

/**
 * Runs `load` when `deps` change, aborting the previous run (so a slow answer for an old
 * selection never overwrites the new one). `load` receives the AbortSignal to pass to the API.
 */
export function useAsync<T>(load: ((signal: AbortSignal) => Promise<T>) | null, deps: unknown[]): AsyncState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [loading, setLoading] = useState(load !== null);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  // Keep the latest loader without re-running the load on every render (declared first: runs first).
  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    const run = loadRef.current;
    if (!run) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    run(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setLoading(false);
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(errorBody(failure));
        setLoading(false);
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
