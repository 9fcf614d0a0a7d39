/**
 * Table filters and sort of the in-memory Excel (excel.d.ts TableColumn.filter, Table.sort,
 * Table.clearFilters / reapplyFilters). Filters hide data rows (MemorySheet.hiddenRows) and are not
 * re-evaluated when values change — only by apply or reapplyFilters, as in Excel
 * (https://learn.microsoft.com/javascript/api/excel/excel.table#excel-excel-table-reapplyfilters-member-1).
 * On a protected sheet both fail (excel.d.ts WorksheetProtectionOptions.allowAutoFilter / allowSort
 * default to false).
 */
import { formatCell } from '../cell-display.js';
import { ExcelLikeError } from './errors.js';
import { type Scalar, shiftFormula } from './formula.js';
import type { MemCell } from './sheet.js';
import { dataRect } from './tables.js';
import type { FilterCriteria, MemTable, SortField, TableHost } from './types.js';

export function applyFilter(wb: TableHost, t: MemTable, k: number, criteria: FilterCriteria | null): void {
  wb.guard(t.sheet, 'TableColumn.filter');
  if (k < 0 || k >= t.cols) throw new ExcelLikeError('InvalidArgument', `The table has no column ${k}.`);
  if (criteria && !['Values', 'Custom', 'TopItems', 'BottomItems'].includes(criteria.filterOn))
    throw new ExcelLikeError('InvalidArgument', `Filtering on ${criteria.filterOn} is not modelled.`);
  t.columns[k].filter = criteria ? { ...criteria } : null;
  reapplyFilters(wb, t);
}

export function clearFilters(wb: TableHost, t: MemTable): void {
  wb.guard(t.sheet, 'Table.clearFilters');
  for (const c of t.columns) c.filter = null;
  reapplyFilters(wb, t);
}

/** Table.reapplyFilters(): hides exactly the data rows that fail some column's filter, on current values. */
export function reapplyFilters(wb: TableHost, t: MemTable): void {
  const sh = wb.guard(t.sheet, 'Table.reapplyFilters');
  const d = dataRect(t);
  const tests = t.columns.map((c, k) => (c.filter ? matcher(wb, t, k, c.filter) : null));
  for (let r = d.row; r < d.row + d.rows; r++) {
    const fails = tests.some((test, k) => test && !test(r, t.col + k));
    if (fails) sh.hiddenRows.add(r);
    else sh.hiddenRows.delete(r);
  }
}

function matcher(wb: TableHost, t: MemTable, k: number, f: FilterCriteria): (r: number, c: number) => boolean {
  const sh = wb.sheet(t.sheet);
  const value = (r: number, c: number) => wb.value(t.sheet, r, c);
  const text = (r: number, c: number) => formatCell(value(r, c), sh.format(r, c) ?? 'General').toLowerCase();
  if (f.filterOn === 'Values') {
    // Values filters match the displayed text, case-insensitively; "" selects blanks.
    const wanted = new Set((f.values ?? []).map((v) => String(v).toLowerCase()));
    return (r, c) => wanted.has(text(r, c));
  }
  if (f.filterOn === 'TopItems' || f.filterOn === 'BottomItems') {
    const n = Number(f.criterion1 ?? 10);
    const d = dataRect(t);
    const nums = Array.from({ length: d.rows }, (_, i) => value(d.row + i, t.col + k)).filter((v): v is number => typeof v === 'number');
    nums.sort((a, b) => (f.filterOn === 'TopItems' ? b - a : a - b));
    const edge = nums[Math.min(n, nums.length) - 1];
    return (r, c) => {
      const v = value(r, c);
      return typeof v === 'number' && edge !== undefined && (f.filterOn === 'TopItems' ? v >= edge : v <= edge);
    };
  }
  const c1 = f.criterion1 ? custom(f.criterion1) : null;
  const c2 = f.criterion2 ? custom(f.criterion2) : null;
  return (r, c) => {
    const v = value(r, c);
    const a = c1 ? c1(v, text(r, c)) : true;
    if (!c2) return a;
    const b = c2(v, text(r, c));
    return f.operator === 'Or' ? a || b : a && b;
  };
}

/** A custom criterion like ">=10", "<>x", "=a*" or "abc" (equals); * and ? are wildcards for = and <>. */
function custom(criterion: string): (v: Scalar | null, text: string) => boolean {
  const m = /^(>=|<=|<>|=|>|<)?(.*)$/s.exec(criterion)!;
  const op = m[1] ?? '=';
  const operand = m[2];
  const num = operand.trim() !== '' && Number.isFinite(Number(operand)) ? Number(operand) : null;
  if (op === '=' || op === '<>') {
    const re = new RegExp(
      `^${operand
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    );
    return (v, text) => {
      const eq = num !== null && typeof v === 'number' ? v === num : re.test(text);
      return op === '=' ? eq : !eq;
    };
  }
  return (v, text) => {
    const cmp =
      num !== null && typeof v === 'number'
        ? v - num
        : num === null && typeof v === 'string'
          ? text.localeCompare(operand.toLowerCase())
          : NaN;
    if (Number.isNaN(cmp)) return false;
    return op === '>' ? cmp > 0 : op === '<' ? cmp < 0 : op === '>=' ? cmp >= 0 : cmp <= 0;
  };
}

/** Excel's ascending order: numbers, then text (case-insensitive), then logicals, then errors; blanks last either way. */
function rank(v: Scalar | null): number {
  if (v === null || v === '') return 4;
  if (typeof v === 'number') return 0;
  if (typeof v === 'boolean') return 2;
  return /^#(DIV\/0!|VALUE!|REF!|NAME\?|N\/A|NUM!|NULL!)$/.test(v) ? 3 : 1;
}
function compare(a: Scalar | null, b: Scalar | null): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a ?? '').localeCompare(String(b ?? ''), undefined, { sensitivity: 'accent' });
}

/**
 * TableSort.apply(fields): sorts whole data rows of the table (every table column, formats with
 * them; relative references in a moved formula shift with its row, as a copied formula's do —
 * Verify in Excel), remembers the fields; reapply() sorts again on current values; clear() forgets them.
 * Blanks sort last in both directions (support.microsoft.com "Sort data in a range or table").
 * Verify in Excel: rows hidden by a filter are sorted too; the filters are then re-evaluated.
 */
export function sortTable(wb: TableHost, t: MemTable, fields: SortField[]): void {
  const sh = wb.guard(t.sheet, 'TableSort.apply');
  if (!fields.length || fields.some((f) => f.key < 0 || f.key >= t.cols))
    throw new ExcelLikeError('InvalidArgument', 'Invalid sort fields.');
  const d = dataRect(t);
  const rows = Array.from({ length: d.rows }, (_, i) => d.row + i);
  const keyValues = rows.map((r) => fields.map((f) => wb.value(t.sheet, r, t.col + f.key)));
  const order = rows.map((_, i) => i);
  order.sort((a, b) => {
    for (let j = 0; j < fields.length; j++) {
      const ra = rank(keyValues[a][j]);
      const rb = rank(keyValues[b][j]);
      if (ra === 4 || rb === 4) {
        if (ra !== rb) return ra - rb;
        continue;
      }
      const c = compare(keyValues[a][j], keyValues[b][j]);
      if (c !== 0) return fields[j].ascending === false ? -c : c;
    }
    return a - b;
  });
  const taken: (MemCell | undefined)[][] = rows.map((r) => Array.from({ length: t.cols }, (_, k) => sh.get(r, t.col + k)));
  order.forEach((from, to) => {
    const r = d.row + to;
    for (let k = 0; k < t.cols; k++) {
      const cell = taken[from][k];
      sh.delete(r, t.col + k);
      if (!cell) continue;
      const moved = { ...cell };
      if (moved.formula && from !== to) moved.formula = shiftFormula(moved.formula, to - from, 0);
      sh.put(r, t.col + k, moved);
    }
  });
  t.sortFields = fields.map((f) => ({ key: f.key, ascending: f.ascending ?? true }));
  if (t.columns.some((c) => c.filter)) reapplyFilters(wb, t);
}

export function reapplySort(wb: TableHost, t: MemTable): void {
  wb.guard(t.sheet, 'TableSort.reapply');
  if (t.sortFields.length) sortTable(wb, t, t.sortFields);
}
