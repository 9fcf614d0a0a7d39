/**
 * The Publish flow's pure parts: which headers may be mapped, the table as the dry run and the apply
 * send it (common/publish.ts), and a run's results as the words written next to the table.
 */
import {
  PUBLISH_FIELDS,
  PUBLISH_LIMITS,
  type PublishCell,
  type PublishColumns,
  type PublishField,
  type PublishKind,
  type PublishResult,
  type PublishTable,
  type ResultCounts,
  type RowResult,
} from '../../../common/publish.js';
import type { CellValue } from '../../../common/stream.js';
import { ApiError } from '../../api/errors.js';
import { parseAddress } from '../../workbook/address.js';

/** The header of the column the results go into (added to the table on the first apply). */
export const RESULT_HEADER = 'Tableau result';

/** The sheet row number (1-based, as Excel shows it) of a table's first data row, from its address ("B3:D9" → 4). */
export function firstDataRow(tableAddress: string): number {
  return parseAddress(tableAddress).row + 2;
}

/** Headers a field may be mapped to: all but our own result column (its words change on every run). */
export function mappableHeaders(headers: readonly string[]): string[] {
  return headers.filter((h) => h.toLowerCase() !== RESULT_HEADER.toLowerCase());
}

/** The fields of `kind`, required first, each with whether it is required. */
export function fieldsOf(kind: PublishKind): { field: PublishField; required: boolean }[] {
  const { required, optional } = PUBLISH_FIELDS[kind];
  return [...required.map((field) => ({ field, required: true })), ...optional.map((field) => ({ field, required: false }))];
}

/** The mapping without fields of other kinds, or headers the table no longer has. */
export function columnsFor(kind: PublishKind, columns: PublishColumns, headers: readonly string[]): PublishColumns {
  const out: PublishColumns = {};
  for (const { field } of fieldsOf(kind)) {
    const header = columns[field];
    if (header !== undefined && headers.includes(header)) out[field] = header;
  }
  return out;
}

/** The headers the mapping uses, in the table's order, once each: the only columns read and sent. */
export function mappedHeaders(columns: PublishColumns, headers: readonly string[]): string[] {
  const used = new Set(Object.values(columns));
  return headers.filter((h) => used.has(h));
}

/** One Excel value as the contract carries it: text as it stands, numbers and booleans as they are. */
function toCell(value: CellValue): PublishCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/** The user's table is past what one publish takes: plain words and what to do, before anything is sent. */
const tooLarge = (message: string, hint: string) => new ApiError({ code: 'invalid-input', message, hint });

/**
 * The table as the dry run reads it: the mapped columns only (`rows` hold their cells in that
 * order), every data row with its index, so results come back to the row they belong to. Throws
 * plain words when the table is past what the server accepts (PUBLISH_LIMITS), before anything is sent.
 */
export function toPublishTable(
  kind: PublishKind,
  columns: PublishColumns,
  headers: readonly string[],
  rows: readonly CellValue[][],
): PublishTable {
  if (rows.length > PUBLISH_LIMITS.rows) {
    throw tooLarge(
      `The table has ${rows.length.toLocaleString('en-US')} rows; one publish takes at most ${PUBLISH_LIMITS.rows.toLocaleString('en-US')}.`,
      'Split it into smaller tables and publish each.',
    );
  }
  const long = headers.find((h) => h.length > PUBLISH_LIMITS.headerChars);
  if (long) throw tooLarge(`The header "${long.slice(0, 40)}…" is longer than ${PUBLISH_LIMITS.headerChars} characters.`, 'Shorten it.');
  const out = rows.map((cells, index) => ({ index, cells: cells.map(toCell) }));
  for (const row of out) {
    const at = row.cells.findIndex((c) => typeof c === 'string' && c.length > PUBLISH_LIMITS.cellChars);
    if (at !== -1) {
      throw tooLarge(
        `Row ${row.index + 1}, column "${headers[at]}" holds ${(row.cells[at] as string).length.toLocaleString('en-US')} characters; one publish takes at most ${PUBLISH_LIMITS.cellChars} per cell.`,
        'Shorten it.',
      );
    }
  }
  return { kind, headers: [...headers], columns, rows: out };
}

/**
 * Does the table still hold the rows that were sent, in the same order? Results are written by row
 * position, so a table sorted or edited while Tableau was being updated must not get them.
 */
export function sameRows(sent: PublishTable, rows: readonly CellValue[][]): boolean {
  return rows.length === sent.rows.length && sent.rows.every((r, i) => r.cells.every((c, j) => c === toCell(rows[i][j] ?? null)));
}

/** What the result column says for a row: done / failed: <Tableau's message> / skipped: <why> / unchanged. */
export function resultText(row: RowResult): string {
  switch (row.outcome) {
    case 'done':
      return 'done';
    case 'unchanged':
      return 'unchanged';
    case 'failed':
      return `failed: ${row.error?.message ?? row.message}`;
    case 'skipped':
      return row.message ? `skipped: ${row.message.replace(/^skipped:?\s*/i, '')}` : 'skipped';
  }
}

/**
 * One text per data row of the table, in table order. A row the result does not mention (it cannot
 * happen with a well-behaved server) says so rather than being left blank.
 */
export function resultTexts(result: PublishResult, rowCount: number): string[] {
  const byIndex = new Map(result.rows.map((r) => [r.index, r]));
  return Array.from({ length: rowCount }, (_, i) => {
    const row = byIndex.get(i);
    return row ? resultText(row) : 'skipped: not part of this run';
  });
}

/** "2 done, 1 failed, 1 skipped, 3 unchanged". */
export function describeOutcomes(summary: ResultCounts): string {
  const order: (keyof ResultCounts)[] = ['done', 'failed', 'skipped', 'unchanged'];
  const parts = order.filter((k) => summary[k] > 0).map((k) => `${summary[k]} ${k}`);
  return parts.length ? parts.join(', ') : 'No rows';
}

/** What the second confirmation names: "Yes, remove 3 users from the site". */
export function removalConfirmation(kind: PublishKind, count: number): string {
  const users = `${count} ${count === 1 ? 'user' : 'users'}`;
  if (kind === 'remove-users-from-group') return `Yes, remove ${users} from the groups named in the table`;
  if (kind === 'remove-users-from-site') return `Yes, remove ${users} from the site`;
  return `Yes, make the ${count} ${count === 1 ? 'removal' : 'removals'} in this plan`;
}
