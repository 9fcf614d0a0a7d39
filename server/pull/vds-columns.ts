/**
 * Column types of a VDS query, known before the first byte of data (so `meta` goes out at once):
 * from the field's dataType (read-metadata) and the query function (docs/tableau-rest.md#results).
 */
import type { VdsDataType } from '../../common/api.js';
import type { ColumnSpec, ColumnType } from '../../common/stream.js';
import { uniqueHeaders } from './infer/table-typer.js';

export interface VdsColumn {
  /** Key of the value in OBJECTS rows: fieldAlias, else caption (dimensions) or FUNCTION(caption). */
  key: string;
  /** Header for the analyst. */
  caption: string;
  dataType: VdsDataType;
  function?: string;
}

/** Date parts come back as numbers (YEAR(Order Date) = 2024): never grouped like 2,024. */
const DATE_PART_FUNCTIONS = new Set(['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY']);
const COUNT_FUNCTIONS = new Set(['COUNT', 'COUNTD']);
/** Aggregations that turn integers into fractions. */
const FRACTIONAL_FUNCTIONS = new Set(['AVG', 'MEDIAN', 'STDEV', 'VAR']);

function spec(name: string, type: ColumnType, format: string): ColumnSpec {
  return { name, type, format };
}

export function vdsColumnSpec(col: VdsColumn, name: string): ColumnSpec {
  const fn = col.function?.toUpperCase();
  if (fn && COUNT_FUNCTIONS.has(fn)) return spec(name, 'integer', '#,##0');
  if (fn && DATE_PART_FUNCTIONS.has(fn)) return spec(name, 'integer', 'General');
  if (fn === 'COLLECT') return spec(name, 'text', '@');
  switch (col.dataType) {
    case 'INTEGER':
      if (fn && FRACTIONAL_FUNCTIONS.has(fn)) return spec(name, 'decimal', '#,##0.00');
      // An aggregated measure reads best grouped; a bare integer dimension (an ID, a year) must not.
      return fn && fn !== 'NONE' && fn !== 'UNSPECIFIED' ? spec(name, 'integer', '#,##0') : spec(name, 'integer', 'General');
    case 'REAL':
      return spec(name, 'decimal', '#,##0.00');
    case 'DATE':
      return spec(name, 'date', 'yyyy-mm-dd');
    case 'DATETIME':
      return spec(name, 'datetime', 'yyyy-mm-dd hh:mm:ss');
    case 'BOOLEAN':
      return spec(name, 'boolean', 'General');
    default:
      // STRING, SPATIAL (geometry as text), UNKNOWN.
      return spec(name, 'text', '@');
  }
}

export function vdsColumnSpecs(columns: VdsColumn[]): ColumnSpec[] {
  const names = uniqueHeaders(columns.map((c) => c.caption));
  return columns.map((c, j) => vdsColumnSpec(c, names[j]));
}
