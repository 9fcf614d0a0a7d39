/**
 * What the Tables tab says about each table, as plain functions (tested without React).
 */
import { describeDiff } from '../../../common/diff/words.js';
import type { RefreshDefinition } from '../../refresh/definitions/schema.js';
import type { LogEntry } from '../../refresh/runner/log.js';
import type { TableActivity } from '../../refresh/runner/runner.js';
import { formatDuration } from '../../refresh/runner/words.js';

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function formatTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}

type StatusTone = 'success' | 'warning' | 'danger' | 'informative' | 'subtle';

interface TableStatus {
  /** Short badge text: "Inserted", "Refreshed", "Incomplete", "Failed", "Snapshot", "Not refreshed". */
  badge: string;
  tone: StatusTone;
  /** "1 Mar 2026, 10:00 · 1,234 rows · 2.3 s". */
  detail: string;
  /** The last error in plain words, when the last refresh failed. */
  error?: string;
  /** "Data as of 1 Mar 2026, 07:30" for snapshots. */
  dataAsOf?: string;
  /** Never silent: says the result was cut. */
  warning?: string;
  /** What the last refresh changed: "3 changed, 2 added, 1 removed since the last refresh (by "Order ID")." */
  changes?: string;
}

/**
 * Whether the table's last result is still the one its insert recorded. The insert stores its pull
 * as lastResult with durationMs exactly 0 (addin/refresh/runner/inserted.ts) and no log entry; a
 * real refresh goes through the runner, which times it and logs it (runner.ts). A definition field
 * saying "inserted" would be exact; until the domain has one, a 0 ms live result that no logged
 * refresh of this table at or after its time explains is read as the insert.
 */
function isInsertResult(def: RefreshDefinition, log: readonly LogEntry[] = []): boolean {
  const r = def.lastResult;
  if (!r || r.durationMs !== 0 || (r.status !== 'ok' && r.status !== 'truncated')) return false;
  return !log.some((e) => e.definitionId === def.id && (e.outcome === 'ok' || e.outcome === 'truncated') && e.at >= r.at);
}

export function tableStatus(def: RefreshDefinition, timeZone?: string, log?: readonly LogEntry[]): TableStatus {
  const r = def.lastResult;
  if (!r) return { badge: 'Not refreshed', tone: 'subtle', detail: 'Not refreshed yet' };
  const when = formatTime(r.at, timeZone);
  if (r.status === 'error') return { badge: 'Failed', tone: 'danger', detail: `Last try ${when}`, error: r.error ?? 'The refresh failed.' };
  const truncated = r.status === 'truncated' || r.truncated;
  const warning = truncated
    ? `Incomplete: only the first ${count(r.rows, 'row')} arrived. Add a filter or raise the row limit.`
    : undefined;
  // An insert is not a refresh: say what happened, without a duration nobody measured.
  if (isInsertResult(def, log)) {
    return {
      badge: 'Inserted',
      tone: truncated ? 'warning' : 'informative',
      detail: `Inserted ${when} · ${def.kind === 'picture' ? 'picture' : count(r.rows, 'row')} · not refreshed since`,
      ...(warning ? { warning } : {}),
    };
  }
  // A picture-only entry has no rows: its refresh replaced the picture.
  const what = def.kind === 'picture' ? 'picture updated' : count(r.rows, 'row');
  const detail = `${when} · ${what} · ${formatDuration(r.durationMs)}`;
  const changes = r.changes ? { changes: describeDiff(r.changes) } : {};
  if (r.status === 'snapshot') {
    return {
      badge: 'Snapshot',
      tone: 'informative',
      detail,
      ...changes,
      ...(r.dataAsOf ? { dataAsOf: `Data as of ${formatTime(r.dataAsOf, timeZone)}` } : {}),
      ...(warning ? { warning } : {}),
    };
  }
  if (truncated) return { badge: 'Incomplete', tone: 'warning', detail, warning, ...changes };
  return { badge: 'Refreshed', tone: 'success', detail, ...changes };
}

/** "Pulling… 1,200 rows", "Writing 500 of 1,200 rows", "Waiting for sign-in". */
export function activityText(a: TableActivity): string {
  switch (a.phase) {
    case 'queued':
      return 'Waiting for its turn…';
    case 'signing-in':
      return 'Waiting for you to sign in again';
    case 'pulling':
      return a.note
        ? `${a.note} (${count(a.rowsReceived, 'row')} so far)`
        : `${a.kind === 'snapshot' ? 'Loading the snapshot' : 'Getting data'}… ${count(a.rowsReceived, 'row')}`;
    case 'comparing':
      return 'Comparing with the last refresh…';
    case 'writing':
      return `Writing ${a.rowsWritten.toLocaleString('en-US')} of ${count(a.totalRows ?? 0, 'row')}`;
  }
}

/** 0..1 while writing; undefined (indeterminate) otherwise. */
export function activityProgress(a: TableActivity): number | undefined {
  if (a.phase !== 'writing' || !a.totalRows) return undefined;
  return Math.min(1, a.rowsWritten / a.totalRows);
}

export function sourceLabel(def: RefreshDefinition): string {
  const s = def.source;
  if (s.kind === 'view') return s.name ?? s.contentUrl ?? s.viewId;
  if (s.kind === 'datasource') return s.name ?? s.datasourceId;
  return `Site inventory: ${s.resource}`;
}

/**
 * What the Tables tab holds, under Refresh all: "3 tables", or "2 tables and 1 picture" when some
 * entries are pictures inserted alone (a picture-only entry is not a table).
 */
export function entriesLabel(defs: readonly Pick<RefreshDefinition, 'kind'>[]): string {
  const pictures = defs.filter((d) => d.kind === 'picture').length;
  const tables = defs.length - pictures;
  if (!pictures) return count(tables, 'table');
  if (!tables) return count(pictures, 'picture');
  return `${count(tables, 'table')} and ${count(pictures, 'picture')}`;
}
