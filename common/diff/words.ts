/** A comparison in plain words, for the table's status, the refresh log and a scheduled run's history. */
import type { DiffSummary } from './compare.js';

const n = (count: number) => count.toLocaleString('en-US');

const keyWords = (keys: string[], guessed: boolean) => `by ${keys.map((k) => `"${k}"`).join(' + ')}${guessed ? ', a guessed key' : ''}`;

/** "3 changed, 2 added, 1 removed since the last refresh (by "Order ID")." or the reason there are no counts. */
export function describeDiff(summary: DiffSummary): string {
  if (!summary.compared) return summary.notes.join(' ');
  const { added, removed, changed } = summary;
  const parts = [changed && `${n(changed)} changed`, added && `${n(added)} added`, removed && `${n(removed)} removed`].filter(Boolean);
  const head = parts.length ? `${parts.join(', ')} since the last refresh` : 'No rows changed since the last refresh';
  return [`${head} (${keyWords(summary.keys, summary.keyGuessed)}).`, ...summary.notes].join(' ');
}

/** The short form for a status line: "3 changed, 2 added, 1 removed" / "no changes" / null when not compared. */
export function diffCounts(summary: DiffSummary): string | null {
  if (!summary.compared) return null;
  const { added, removed, changed } = summary;
  const parts = [changed && `${n(changed)} changed`, added && `${n(added)} added`, removed && `${n(removed)} removed`].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no changes';
}
