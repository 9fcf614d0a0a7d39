import { useSyncExternalStore } from 'react';

import type { ConnectionInfo } from '../../../common/api.js';
import { ApiError } from '../../api/errors.js';
import { useServices } from '../../app/services.js';
import { MetadataStatus } from './metadataStatus.js';
import { useAsync } from './useAsync.js';

/** Screens rendered without a shared status (tests, a single screen) still avoid repeating a refused request. */
const fallbackStatus = new MetadataStatus();

function useMetadataStatus(): MetadataStatus {
  return useServices().metadataStatus ?? fallbackStatus;
}

export interface MetadataState<T> {
  data: T | undefined;
  loading: boolean;
  /** The Metadata API is off for this connection: nothing to show, and the pane's one notice says why. */
  off: boolean;
  /** Any other failure, in plain words (meanings are extras: shown small, never blocking). */
  problem: string | null;
}

/**
 * Loads something from Tableau's Metadata API for a connection. "metadata-disabled" is not an
 * error here: it marks the connection (one notice for the pane) and later loads are not sent.
 */
export function useMetadata<T>(
  connection: Pick<ConnectionInfo, 'id' | 'label'>,
  load: ((signal: AbortSignal) => Promise<T>) | null,
  deps: unknown[],
): MetadataState<T> {
  const status = useMetadataStatus();
  const off = useSyncExternalStore(
    (l) => status.subscribe(l),
    () => status.isDisabled(connection.id),
  );
  const guarded =
    load && !off
      ? async (signal: AbortSignal) => {
          try {
            return await load(signal);
          } catch (e) {
            if (e instanceof ApiError && e.body.code === 'metadata-disabled') status.markDisabled(connection.id, connection.label);
            throw e;
          }
        }
      : null;
  const state = useAsync(guarded, [status, connection.id, off, ...deps]);
  const problem = state.error && state.error.code !== 'metadata-disabled' ? state.error.message : null;
  return { data: off ? undefined : state.data, loading: !off && state.loading, off, problem };
}
