import { useEffect, useState } from 'react';

import type { PullSource } from '../../../common/source.js';
import type { ApiErrorBody, CellValue, ColumnSpec, StreamEnd } from '../../../common/stream.js';
import { useServices } from '../../app/services.js';
import { errorBody } from '../shared/errorBody.js';

export const PREVIEW_ROWS = 100;

interface PreviewState {
  columns: ColumnSpec[] | null;
  rows: CellValue[][];
  end: StreamEnd | null;
  progress: string | null;
  error: ApiErrorBody | null;
  loading: boolean;
}

/** The first 100 rows of a source (pull with options.limit), read as the stream arrives. */
const initial = (key: string): PreviewState & { key: string } => ({
  key,
  columns: null,
  rows: [],
  end: null,
  progress: null,
  error: null,
  loading: true,
});

export function usePreview(connectionId: string, source: PullSource, attempt = 0): PreviewState {
  const { api } = useServices();
  // State is tagged with the request it belongs to: a new source or a retry starts from `initial`
  // without a reset inside the effect, and late answers for an old request are ignored.
  const key = JSON.stringify([connectionId, source, attempt]);
  const [tagged, setTagged] = useState(() => initial(key));

  useEffect(() => {
    const controller = new AbortController();
    const setState = (update: (s: PreviewState) => PreviewState) =>
      setTagged((s) => ({ ...update(s.key === key ? s : initial(key)), key }));
    (async () => {
      const rows: CellValue[][] = [];
      for await (const msg of api.pull(connectionId, { source, options: { limit: PREVIEW_ROWS } }, { signal: controller.signal })) {
        if (controller.signal.aborted) return;
        if (msg.kind === 'meta') setState((s) => ({ ...s, columns: msg.columns }));
        else if (msg.kind === 'progress') setState((s) => ({ ...s, progress: msg.message }));
        else if (msg.kind === 'rows') rows.push(...msg.rows.slice(0, PREVIEW_ROWS - rows.length));
        else if (msg.kind === 'end') return setState((s) => ({ ...s, rows, end: msg, loading: false, progress: null }));
        else if (msg.kind === 'error') return setState((s) => ({ ...s, error: msg.error, loading: false, progress: null }));
      }
    })().catch((failure: unknown) => {
      if (!controller.signal.aborted) setState((s) => ({ ...s, error: errorBody(failure), loading: false, progress: null }));
    });
    return () => controller.abort();
    // `key` is the JSON identity of (connectionId, source, attempt): the source object itself is rebuilt upstream.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);

  return tagged.key === key ? tagged : initial(key);
}
