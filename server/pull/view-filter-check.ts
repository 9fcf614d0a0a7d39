/**
 * Did Tableau apply a view's vf_ filters? Tableau's view export takes `vf_<field>=<value>` as an
 * exact match (docs/tableau-rest.md#view-data-csv) and says nothing when it does not: a field it
 * does not know is ignored (every row comes back), a value in another case keeps no row. The export
 * has no field list, so the only evidence is the answer itself, read as it streams past:
 *
 * - the field is not a column of the export: cannot be checked (a data source field that the view
 *   does not show still filters), but a column whose name differs only by case or a typo is named;
 * - rows came back with other values in the filter's column: the filter was not applied;
 * - no row came back at all: the value matched nothing (values are compared exactly, case included).
 *
 * Findings become `end` warnings, which the pane shows in the preview, the insert and the table's
 * status and log. Nothing else about the stream changes.
 */
import type { CellValue, ColumnSpec, StreamMessage } from '../../common/stream.js';
import { ValueIndex } from '../../common/value-match.js';

/** Other values quoted in a warning at most: enough to recognise, short enough to read. */
const SAMPLES = 3;

interface Watch {
  field: string;
  value: string;
  column: number;
  matches: (cell: CellValue) => boolean | undefined;
  others: string[];
  otherCount: number;
}

const filterText = (field: string, value: string) => `vf_${field}=${value}`;

/**
 * How a cell compares with the filter's text: by the column's type (the CSV was un-formatted on the
 * way in, so "$1,200" is 1200). Dates are Excel serials here: not compared (undefined = cannot tell).
 * A comma list ("East,West") is taken as any of its values, as Tableau's URL filters accept one.
 */
function matcher(spec: ColumnSpec, value: string): (cell: CellValue) => boolean | undefined {
  const wanted = [value, ...(value.includes(',') ? value.split(',').map((v) => v.trim()) : [])];
  switch (spec.type) {
    case 'text':
      return (cell) => cell !== null && wanted.includes(String(cell));
    case 'boolean':
      return (cell) => (typeof cell === 'boolean' ? wanted.some((w) => w.toLowerCase() === String(cell)) : undefined);
    case 'date':
    case 'datetime':
      return () => undefined;
    default: {
      const numbers = wanted.map((w) => Number(w.replace(/[\s,$%]/g, ''))).filter(Number.isFinite);
      if (!numbers.length) return () => undefined;
      // A percentage cell is a fraction (14.4% is 0.144): compared in percent, within rounding.
      const scale = spec.type === 'percentage' ? 100 : 1;
      return (cell) =>
        typeof cell === 'number' ? numbers.some((n) => Math.abs(n - cell * scale) <= 1e-9 * Math.max(1, Math.abs(n))) : undefined;
    }
  }
}

export async function* checkViewFilters(
  messages: AsyncIterable<StreamMessage>,
  filters: Record<string, string> | undefined,
): AsyncGenerator<StreamMessage> {
  const entries = Object.entries(filters ?? {});
  if (!entries.length) return yield* messages;
  const warnings: string[] = [];
  let watches: Watch[] = [];
  let rowCount = 0;
  for await (const m of messages) {
    if (m.kind === 'meta') watches = watch(m.columns, entries, warnings);
    if (m.kind === 'rows') {
      rowCount += m.rows.length;
      for (const w of watches) observe(w, m.rows);
    }
    if (m.kind === 'end') {
      const found = [...warnings, ...verdicts(watches, rowCount, entries)];
      yield found.length ? { ...m, warnings: [...(m.warnings ?? []), ...found] } : m;
      continue;
    }
    yield m;
  }
}

function watch(columns: ColumnSpec[], entries: Array<[string, string]>, warnings: string[]): Watch[] {
  const names = new ValueIndex({ values: columns.map((c) => c.name), complete: true });
  const out: Watch[] = [];
  for (const [field, value] of entries) {
    const column = columns.findIndex((c) => c.name === field);
    if (column >= 0) {
      out.push({ field, value, column, matches: matcher(columns[column], value), others: [], otherCount: 0 });
      continue;
    }
    const near = names.check(field);
    const meant = near.kind === 'case' || near.kind === 'near' ? ` Did you mean "${near.suggestion}"?` : '';
    warnings.push(
      `The view has no column "${field}" (filter ${filterText(field, value)}), so the filter could not be checked.${meant} ` +
        'Tableau ignores a vf_ filter on a field it does not know, without saying so: if the rows are not filtered, check the name.',
    );
  }
  return out;
}

function observe(w: Watch, rows: CellValue[][]): void {
  for (const row of rows) {
    const cell = row[w.column] ?? null;
    if (w.matches(cell) !== false) continue;
    w.otherCount++;
    const text = cell === null ? '(empty)' : `"${String(cell)}"`;
    if (w.others.length < SAMPLES && !w.others.includes(text)) w.others.push(text);
  }
}

function verdicts(watches: Watch[], rowCount: number, entries: Array<[string, string]>): string[] {
  if (rowCount === 0) {
    const list = entries.map(([f, v]) => filterText(f, v)).join(', ');
    return [
      `No rows came back with ${list}. Tableau matches a vf_ filter value exactly, case included: a value spelled differently from the data keeps no row.`,
    ];
  }
  return watches
    .filter((w) => w.otherCount > 0)
    .map(
      (w) =>
        `Tableau did not apply ${filterText(w.field, w.value)}: ${w.otherCount.toLocaleString('en-US')} of ${rowCount.toLocaleString('en-US')} rows ` +
        `have other values of ${w.field} (${w.others.join(', ')}).`,
    );
}
