/**
 * In-memory CSV → typed columns, for text that is already whole (small exports, the benchmark).
 * Costs one Papa.parse plus ONE scan per cell: the observation pass converts speculatively
 * (ColumnStats.take) and only a column whose final plan differs from the guess is converted again,
 * up to the last row the guess got wrong.
 */
import Papa from 'papaparse';
import type { CellValue, ColumnSpec } from '../../common/stream.js';
import { TableTyper } from './infer/table-typer.js';
import { convertCell } from './infer/convert.js';
import { emptyCsvError, isBlankRow, parseErrorMessage, raggedRowError, stripBom } from './csv-rows.js';

export interface TypedCsv {
  columns: ColumnSpec[];
  /** Column-major: values[c][r] is row r of column c (positional like `columns`). */
  values: CellValue[][];
  rowCount: number;
  /** The locale used ('en-US', 'de-DE', ... — detected when `auto`). */
  locale: string;
}

export function csvTextToTypedColumns(text: string, opts: { locale?: string } = {}): TypedCsv {
  const parsed = Papa.parse<string[]>(stripBom(text));
  const fatal = parsed.errors.find((e) => e.type === 'Quotes');
  if (fatal) throw parseErrorMessage(fatal);
  const data = parsed.data;
  // The text's final line end leaves one blank "row" behind; it is not data.
  if (data.length > 1 && isBlankRow(data[data.length - 1])) data.pop();
  if (data.length === 0 || (data.length === 1 && isBlankRow(data[0]))) throw emptyCsvError();
  const header = data[0];
  const width = header.length;
  const typer = new TableTyper(header, opts.locale);
  // Sized up front: no regrowth copies, and an all-number column stays an unboxed double array.
  let count = 0;
  for (let r = 1; r < data.length; r++) {
    const row = data[r];
    if (row.length === width) count++;
    else if (!isBlankRow(row)) throw raggedRowError(r + 1, row.length, width);
  }
  const values: CellValue[][] = header.map(() => new Array<CellValue>(count));
  for (let r = 1, k = 0; r < data.length; r++) {
    if (data[r].length === width) typer.takeRow(data[r], values, k++);
  }
  const table = typer.finish();
  for (let j = 0; j < width; j++) {
    // Only the leading rows the guess got wrong (a ZIP column meeting "02134" on row 2 redoes 1 row).
    const redo = typer.rowsToRedo(j, table.plans[j]);
    const plan = table.plans[j];
    const col = values[j];
    for (let r = 1, k = 0; r < data.length && k < redo; r++) {
      if (data[r].length === width) col[k++] = convertCell(plan, data[r][j]);
    }
  }
  return { columns: table.columns, values, rowCount: count, locale: table.locale.id };
}
