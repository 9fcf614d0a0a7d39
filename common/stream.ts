/**
 * The typed result stream: ONE format for view data (CSV), VDS queries and site inventory lists.
 *
 * Wire format: NDJSON (one JSON message per line, `Content-Type: application/x-ndjson`).
 *   1. exactly one `meta` message: the columns with their type and Excel number format;
 *   2. zero or more `rows` batches (positional arrays, same order as `meta.columns`);
 *      `progress` messages may appear between batches (e.g. extract refresh job status);
 *   3. exactly one terminal message: `end` (success) or `error` (the stream is unusable: discard it).
 *
 * Values are already Excel-ready: numbers are numbers, booleans are booleans, dates and date-times
 * are Excel serial numbers (days since 1899-12-30, fraction = time of day) to be written together
 * with the column's `format`; text is a string (to be written with number format "@", so `=...`
 * never becomes a formula); an empty cell is `null`.
 *
 * The server never holds a whole large result and the add-in writes batches as they arrive.
 */

import type { ApiErrorBody } from './errors.js';

export const STREAM_CONTENT_TYPE = 'application/x-ndjson';

export type ColumnType = 'integer' | 'decimal' | 'currency' | 'percentage' | 'date' | 'datetime' | 'boolean' | 'text';

export interface ColumnSpec {
  /** Column header as the analyst will see it (Tableau caption / CSV header / flattened path). */
  name: string;
  type: ColumnType;
  /** Excel number format that displays like the source did: '$#,##0', '0.0%', 'yyyy-mm-dd', '@', 'General'. */
  format: string;
}

export type CellValue = number | string | boolean | null;

interface StreamMeta {
  kind: 'meta';
  columns: ColumnSpec[];
  /** Human description of the source, e.g. "Superstore / Overview" (for status and provenance). */
  source?: string;
}

interface StreamRows {
  kind: 'rows';
  rows: CellValue[][];
}

export interface StreamProgress {
  kind: 'progress';
  /** e.g. 'extract-refresh' */
  stage: string;
  message: string;
  /**
   * How many rows the whole result has, when the source says so before sending them (VDS 2026.1+'s
   * METADATA event): the insert's progress shows "12,000 of 48,213".
   */
  totalRows?: number;
}

export interface StreamEnd {
  kind: 'end';
  rowCount: number;
  /** True when a row limit (ours or Tableau's) cut the result: the UI must say so, never silently. */
  truncated: boolean;
  /**
   * With `truncated`: how many rows the whole result has, when the source counted them although a
   * limit cut the rows (a preview on VDS 2026.1+: "100 of 48,213 rows"). Absent when nobody counted
   * them: view CSV exports and older VDS send no count before the last row.
   */
  totalRows?: number;
  warnings?: string[];
}

export interface StreamError {
  kind: 'error';
  error: ApiErrorBody;
}

export type StreamMessage = StreamMeta | StreamRows | StreamProgress | StreamEnd | StreamError;

// The error shape and its codes live with the code union (common/errors.ts).
export type { ApiErrorBody } from './errors.js';
