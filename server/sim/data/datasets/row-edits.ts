/**
 * Row edits of a dataset: cells changed, rows added and rows removed, the way the data behind a
 * published data source changes between two extract refreshes or republishes (the source system's
 * rows were edited). Tableau has no API that edits rows of a data source; what clients see is only
 * the new data on the next query or view data export
 * (https://help.tableau.com/current/pro/desktop/en-us/extracting_refresh.htm), which is what this
 * models: the columns are rewritten in place and every later query reads the new rows.
 *
 * Rows are named by `where`: every row whose given columns (by caption) hold exactly the given
 * values. A `where` that matches no row is an error rather than a silent no-op, so a test that
 * expects "3 changed" cannot pass on an edit that did nothing.
 */
import { parseDateTime } from './csv-file.js';
import { BOOL_NULL, type Column, type Dataset, NULL_CODE, NULL_DAY, parseIsoDay, type Value } from './types.js';

/** A JSON value as the edit request carries it: dates as 'YYYY-MM-DD', date-times as ISO text. */
type EditValue = number | string | boolean | null;
type RowMatch = Record<string, EditValue>;

export interface RowEdits {
  update?: Array<{ where: RowMatch; set: Record<string, EditValue> }>;
  add?: Array<Record<string, EditValue>>;
  remove?: Array<{ where: RowMatch }>;
}

export interface RowEditCounts {
  updated: number;
  added: number;
  removed: number;
  rowCount: number;
}

/** An edit that does not fit the dataset (unknown column, wrong type, no matching row): the route's 400. */
export class RowEditError extends Error {}

function columnNamed(dataset: Dataset, caption: string): Column {
  const column = dataset.columns.find((c) => c.caption === caption);
  if (!column) throw new RowEditError(`Dataset "${dataset.key}" has no column "${caption}".`);
  return column;
}

/** The value as the column stores it (day numbers, epoch ms, 1/0 for booleans). */
function rawValue(column: Column, value: EditValue): Value {
  if (value === null) return null;
  const wrong = () => new RowEditError(`"${String(value)}" is not a valid ${column.dataType} value for "${column.caption}".`);
  switch (column.dataType) {
    case 'INTEGER':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw wrong();
      return value;
    case 'REAL':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong();
      return value;
    case 'STRING':
      if (typeof value !== 'string') throw wrong();
      return value;
    case 'BOOLEAN':
      if (typeof value !== 'boolean') throw wrong();
      return value;
    case 'DATE': {
      const day = typeof value === 'string' ? parseIsoDay(value) : undefined;
      if (day === undefined) throw wrong();
      return day;
    }
    case 'DATETIME': {
      const ms = typeof value === 'string' ? parseDateTime(value) : undefined;
      if (ms === undefined) throw wrong();
      return ms;
    }
  }
}

function readRaw(column: Column, row: number): Value {
  switch (column.dataType) {
    case 'STRING': {
      const code = column.codes[row];
      return code === NULL_CODE ? null : column.dict[code];
    }
    case 'DATE':
      return column.values[row] === NULL_DAY ? null : column.values[row];
    case 'BOOLEAN':
      return column.values[row] === BOOL_NULL ? null : column.values[row] === 1;
    default:
      return Number.isNaN(column.values[row]) ? null : column.values[row];
  }
}

/** Writes a stored value; string columns grow their dictionary through `codeOf`. */
function writeRaw(column: Column, row: number, value: Value, codeOf: (column: Column, text: string) => number): void {
  switch (column.dataType) {
    case 'STRING':
      column.codes[row] = value === null ? NULL_CODE : codeOf(column, value as string);
      return;
    case 'DATE':
      column.values[row] = value === null ? NULL_DAY : (value as number);
      return;
    case 'BOOLEAN':
      column.values[row] = value === null ? BOOL_NULL : value ? 1 : 0;
      return;
    default:
      column.values[row] = value === null ? NaN : (value as number);
  }
}

function matchingRows(dataset: Dataset, where: RowMatch): number[] {
  const tests = Object.entries(where).map(([caption, value]) => {
    const column = columnNamed(dataset, caption);
    return { column, raw: rawValue(column, value) };
  });
  if (tests.length === 0) throw new RowEditError('A "where" needs at least one column.');
  const rows: number[] = [];
  for (let r = 0; r < dataset.rowCount; r++) if (tests.every((t) => readRaw(t.column, r) === t.raw)) rows.push(r);
  if (rows.length === 0) throw new RowEditError(`No row of "${dataset.key}" matches ${JSON.stringify(where)}.`);
  return rows;
}

/** A column of `length` rows holding `column`'s rows `keep` (in order), the rest empty. */
function resized(column: Column, keep: number[], length: number): Column {
  const take = <T extends Float64Array | Int32Array | Uint8Array | Uint32Array>(from: T, to: T, empty: number): T => {
    to.fill(empty);
    keep.forEach((r, i) => (to[i] = from[r]));
    return to;
  };
  switch (column.dataType) {
    case 'STRING':
      return { ...column, codes: take(column.codes, new Uint32Array(length), NULL_CODE) };
    case 'DATE':
      return { ...column, values: take(column.values, new Int32Array(length), NULL_DAY) };
    case 'BOOLEAN':
      return { ...column, values: take(column.values, new Uint8Array(length), BOOL_NULL) };
    default:
      return { ...column, values: take(column.values, new Float64Array(length), NaN) };
  }
}

/** Whether every row's value differs (null counts as a value): the grouping shortcut of vds/group.ts relies on it. */
function allDistinct(column: Column, rowCount: number): boolean {
  const seen = new Set<Value>();
  for (let r = 0; r < rowCount; r++) {
    const v = readRaw(column, r);
    if (seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}

/**
 * Applies `edits` to `dataset` in place: updates first (on the rows as they were), then removals,
 * then additions at the end (a source table's new rows). Checks everything before changing anything,
 * so a bad edit leaves the dataset as it was.
 */
export function applyRowEdits(dataset: Dataset, edits: RowEdits): RowEditCounts {
  const updates = (edits.update ?? []).map((u) => ({
    rows: matchingRows(dataset, u.where),
    set: Object.entries(u.set).map(([caption, value]) => {
      const column = columnNamed(dataset, caption);
      return { column, raw: rawValue(column, value) };
    }),
  }));
  const removed = new Set((edits.remove ?? []).flatMap((r) => matchingRows(dataset, r.where)));
  const added = (edits.add ?? []).map((row) =>
    Object.entries(row).map(([caption, value]) => {
      const column = columnNamed(dataset, caption);
      return { column, raw: rawValue(column, value) };
    }),
  );

  const dictIndex = new Map<Column, Map<string, number>>();
  const codeOf = (column: Column, text: string): number => {
    if (column.dataType !== 'STRING') throw new Error('codeOf on a column that is not text');
    let index = dictIndex.get(column);
    if (!index) dictIndex.set(column, (index = new Map(column.dict.map((s, i) => [s, i]))));
    let code = index.get(text);
    if (code === undefined) {
      code = column.dict.length;
      column.dict.push(text);
      index.set(text, code);
    }
    return code;
  };

  for (const u of updates) for (const r of u.rows) for (const s of u.set) writeRaw(s.column, r, s.raw, codeOf);

  const keep: number[] = [];
  for (let r = 0; r < dataset.rowCount; r++) if (!removed.has(r)) keep.push(r);
  const rowCount = keep.length + added.length;
  const byOld = new Map<Column, Column>();
  dataset.columns = dataset.columns.map((c) => {
    const next = resized(c, keep, rowCount);
    byOld.set(c, next);
    return next;
  });
  added.forEach((cells, i) => {
    for (const cell of cells) writeRaw(byOld.get(cell.column)!, keep.length + i, cell.raw, codeOf);
  });
  dataset.rowCount = rowCount;
  for (const c of dataset.columns) if (c.unique && !allDistinct(c, rowCount)) c.unique = false;
  return { updated: updates.reduce((n, u) => n + u.rows.length, 0), added: added.length, removed: removed.size, rowCount };
}
