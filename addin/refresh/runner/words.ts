/**
 * Refresh outcomes in plain words, for the log, the Tables tab and toasts. Pure functions.
 */
import { describeDiff } from '../../../common/diff/words.js';
import { plainWords } from './failure.js';
import type { RefreshOutcome } from './outcome.js';

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The log's words for an automatic refresh left to another instance (lease.ts). */
export const SKIPPED_FOR_COAUTHOR = 'Skipped: another copy of this workbook open elsewhere (a co-author) runs the automatic refreshes.';

/** What a write reports of cells cut to Excel's cell limit (WriteStats in addin/workbook/gateway.ts). */
interface TruncatedCells {
  truncatedCells: number;
  /** The first of them by name, e.g. "Comment, row 17". */
  truncatedSample: readonly string[];
}

/**
 * The one warning for text cut to Excel's 32,767-character cell limit (docs/excel.md, from Excel's
 * specifications and limits), for the refresh status and log and the insert flow; null when
 * nothing was cut.
 * "3 cells were longer than Excel's 32,767-character limit and were cut: Comment, row 17; Notes, row 4; and 1 more."
 */
export function describeTruncatedCells(stats: TruncatedCells | undefined): string | null {
  const total = stats?.truncatedCells ?? 0;
  if (total <= 0) return null;
  const one = total === 1;
  const lead = `${count(total, 'cell')} ${one ? 'was' : 'were'} longer than Excel's 32,767-character limit and ${one ? 'was' : 'were'} cut`;
  const sample = stats!.truncatedSample.slice(0, total);
  if (sample.length === 0) return `${lead}.`;
  const more = total - sample.length;
  return `${lead}: ${[...sample, ...(more > 0 ? [`and ${count(more, 'more', 'more')}`] : [])].join('; ')}.`;
}

/** "Added columns: Margin. No longer in the source (cleared): Discount." */
function describeColumnChanges(added: readonly string[], removed: readonly string[]): string {
  const parts: string[] = [];
  if (added.length) parts.push(`New ${added.length === 1 ? 'column' : 'columns'} from the source: ${added.join(', ')}.`);
  if (removed.length) parts.push(`No longer in the source (cells cleared, column kept): ${removed.join(', ')}.`);
  return parts.join(' ');
}

export function describeOutcome(o: RefreshOutcome): string {
  switch (o.status) {
    case 'cancelled':
      return 'Cancelled. The table was left as it was.';
    case 'error':
      return `Failed: ${o.error ? plainWords(o.error) : 'unknown error.'} The table was left as it was.`;
    default: {
      const parts = [`${count(o.rows, 'row')} in ${formatDuration(o.durationMs)}.`];
      if (o.status === 'snapshot') parts.push(`Loaded the server's snapshot${o.dataAsOf ? ` (data as of ${o.dataAsOf})` : ''}.`);
      if (o.truncated) parts.push(`Incomplete: a row limit cut the result at ${count(o.rows, 'row')}; add a filter or raise the limit.`);
      if (o.changes) parts.push(describeDiff(o.changes));
      const columns = describeColumnChanges(o.addedColumns, o.removedColumns);
      if (columns) parts.push(columns);
      parts.push(...o.warnings);
      return parts.join(' ');
    }
  }
}
