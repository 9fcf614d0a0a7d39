/**
 * What one refresh came to: the runner (runner.ts) produces it, words.ts puts it in plain words.
 * Its own file so those two do not import each other.
 */
import type { DiffSummary } from '../../../common/diff/compare.js';
import type { ApiErrorBody } from '../../../common/stream.js';

export type RefreshKind = 'live' | 'snapshot';
export type RefreshStatus = 'ok' | 'truncated' | 'snapshot' | 'error' | 'cancelled';

export interface RefreshOutcome {
  definitionId: string;
  table: string;
  status: RefreshStatus;
  rows: number;
  durationMs: number;
  addedColumns: string[];
  removedColumns: string[];
  warnings: string[];
  /** A row limit cut the result (also for snapshots, whose status stays 'snapshot'). */
  truncated?: boolean;
  /** Snapshots: when the server pulled the data. */
  dataAsOf?: string;
  error?: ApiErrorBody;
  /** What changed since the last refresh (absent: not compared: the first refresh, append mode). */
  changes?: DiffSummary;
}
