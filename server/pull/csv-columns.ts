/**
 * In-memory CSV → typed columns, for text that is already whole (small exports, the benchmark).
 * Each cell is read once (csv-reader.ts, uDSV) and converted on the spot under the best guess so far
 * (ColumnStats.take); only a column whose final plan differs from the guess is converted again, up
 * to the last row the guess got wrong, by reading that prefix of the text again. Text that is not
 * regular CSV goes through papaparse instead, which names what is wrong with it.
 */
import Papa from 'papaparse';

import type { CellValue, ColumnSpec } from '../../common/stream.js';
import { ColumnBuilder } from './column-builder.js';
import { guessNewline, type LineEnd } from './csv-chunks.js';
import { readCsvRows } from './csv-reader.js';
import { emptyCsvError, isBlankRow, parseErrorMessage, raggedRowError, stripBom } from './csv-rows.js';
import { convertCell } from './infer/convert.js';
import { TableTyper, type TypedTable } from './infer/table-typer.js';
import { TextInterner } from './text-interner.js';

export interface TypedCsv {
  columns: ColumnSpec[];
  /** Column-major: values[c][r] is row r of column c (positional like `columns`). */
  values: CellValue[][];
  rowCount: number;
  /** The locale used ('en-US', 'de-DE', ... — detected when `auto`). */
  locale: string;
  /** For the stream's `end`: long numbers kept as text, dates before 1900 (TableTyper.warnings). */
  warnings: string[];
}

/** Tableau's view CSV is comma-separated; both readers below use the line end csv-chunks.ts detects. */
export function csvTextToTypedColumns(text: string, opts: { locale?: string } = {}): TypedCsv {
  const body = stripBom(text);
  const lineEnd: LineEnd = guessNewline(body) ?? '\n';
  return readRegular(body, lineEnd, opts.locale) ?? readWithPapa(body, lineEnd, opts.locale);
}

/** One pass with uDSV (csv-reader.ts); null when the text is not regular CSV (nothing is kept then). */
function readRegular(text: string, lineEnd: LineEnd, locale: string | undefined): TypedCsv | null {
  let typer: TableTyper | null = null;
  let stats: TableTyper['stats'] = [];
  let columns: ColumnBuilder[] = [];
  // Made at a column's first text value: a column of numbers or dates needs none.
  let texts: (TextInterner | undefined)[] = [];
  let width = 0;
  // The header first (readCsvRows reads two columns or more; anything else is papaparse's).
  const regular = readCsvRows(text, lineEnd, (cells) => {
    if (!typer) {
      width = cells.length;
      typer = new TableTyper(cells.slice(0, width), locale);
      stats = typer.stats;
      columns = Array.from({ length: width }, () => new ColumnBuilder());
      texts = new Array<TextInterner | undefined>(width).fill(undefined);
      return true;
    }
    for (let j = 0; j < width; j++) {
      const cell = cells[j];
      const stat = stats[j];
      // A number or date of the column's common shape goes from the scan to the column unboxed
      // (ColumnStats.takeFast); any other cell as a value.
      if (stat.takeFast(cell)) columns[j].pushNumber(stat.number);
      else {
        const value = stat.take(cell);
        columns[j].push(typeof value === 'string' ? (texts[j] ??= new TextInterner()).intern(value) : value);
      }
    }
    return true;
  });
  const typed = typer as TableTyper | null;
  if (!regular || !typed) return null; // not regular, or empty: papaparse explains
  const table = typed.finish();
  const values = columns.map((column) => column.toArray());
  redoWrongGuesses(typed, table, values, (visit) => {
    let header = true;
    let row = 0;
    readCsvRows(text, lineEnd, (cells) => {
      if (header) {
        header = false;
        return true;
      }
      return visit(row++, cells);
    });
  });
  return {
    columns: table.columns,
    values,
    rowCount: values[0].length,
    locale: table.locale.id,
    warnings: typed.warnings(table),
  };
}

/** papaparse over the whole text: the reader for irregular input, and the one that names its errors. */
function readWithPapa(text: string, lineEnd: LineEnd, locale: string | undefined): TypedCsv {
  const parsed = Papa.parse<string[]>(text, { delimiter: ',', newline: lineEnd });
  const fatal = parsed.errors.find((e) => e.type === 'Quotes');
  if (fatal) throw parseErrorMessage(fatal);
  const data = parsed.data;
  // The text's final line end leaves one blank "row" behind; it is not data.
  if (data.length > 1 && isBlankRow(data[data.length - 1])) data.pop();
  if (data.length === 0 || (data.length === 1 && isBlankRow(data[0]))) throw emptyCsvError();
  const header = data[0];
  const width = header.length;
  const typer = new TableTyper(header, locale);
  const values: CellValue[][] = header.map(() => []);
  for (let r = 1; r < data.length; r++) {
    const row = data[r];
    if (row.length === width) typer.takeRow(row, values, values[0].length);
    else if (!isBlankRow(row)) throw raggedRowError(r + 1, row.length, width);
  }
  const table = typer.finish();
  redoWrongGuesses(typer, table, values, (visit) => {
    for (let r = 1, row = 0; r < data.length; r++) {
      if (data[r].length === width && !visit(row++, data[r])) return;
    }
  });
  return {
    columns: table.columns,
    values,
    rowCount: values[0].length,
    locale: table.locale.id,
    warnings: typer.warnings(table),
  };
}

/**
 * Converts again, by the final plan, the leading rows whose speculative values the plan does not
 * share (a ZIP column that meets "02134" on row 2 redoes 1 row). `rows` replays the data rows in
 * order until its visitor answers false.
 */
function redoWrongGuesses(
  typer: TableTyper,
  table: TypedTable,
  values: CellValue[][],
  rows: (visit: (row: number, cells: readonly string[]) => boolean) => void,
): void {
  const redo = table.plans.map((plan, j) => typer.rowsToRedo(j, plan));
  const last = Math.max(0, ...redo);
  if (last === 0 || values[0].length === 0) return;
  rows((row, cells) => {
    for (let j = 0; j < redo.length; j++) if (row < redo[j]) values[j][row] = convertCell(table.plans[j], cells[j]);
    return row + 1 < last;
  });
}
