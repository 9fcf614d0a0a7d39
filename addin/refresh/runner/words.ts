/**
 * Refresh outcomes in plain words, for the log, the Tables tab and toasts. Pure functions.
 */
import { plainWords } from './failure.js';
import type { RefreshOutcome } from './outcome.js';

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
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
      const columns = describeColumnChanges(o.addedColumns, o.removedColumns);
      if (columns) parts.push(columns);
      parts.push(...o.warnings);
      return parts.join(' ');
    }
  }
}
