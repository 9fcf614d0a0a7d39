/**
 * MemoryWorkbook: an in-memory Excel workbook that behaves like Excel where this add-in depends on
 * it — sheets of values, formulas and number formats kept by column (sheet.ts, column.ts); `Range.values` semantics (null = unchanged,
 * "=…"/"+…"/"-…" become formulas and "123"/"TRUE"/"2024-01-05" are coerced unless the cell is
 * formatted "@"; a leading apostrophe is a quote prefix); sheet protection, merged cells, shapes,
 * filter-hidden rows; tables (tables.ts) with totals rows, auto-expansion, calculated columns,
 * filters and sort; custom XML parts; and the request limits of Excel on the web (excel-api.ts).
 */
import { cellAddress, type Rect, rectAddress } from '../address.js';
import { MB } from '../chunks.js';
import { rootNamespace } from '../custom-xml.js';
import { GENERAL_FORMAT } from '../formats.js';
import { afterWrite, writtenInGrid } from './autocorrect.js';
import { coerceCellInput, type CoerceResult, isPlainText, keepsItsDigits } from './coerce.js';
import { EMPTY, FALSE, NUMBER, STRING, TRUE } from './column.js';
import { accessDenied, ExcelLikeError } from './errors.js';
import { type ErrorValue, evaluateFormula, type FormulaHost, type Scalar, shiftFormula, type Value } from './formula.js';
import { cellKey, MemorySheet } from './sheet.js';
import { tableRect, Tables } from './tables.js';
import type { AutoCorrectOptions, MemTable, WriteKind } from './types.js';

export type { MemTable } from './types.js';

interface MemorySnapshot {
  sheets: Record<string, Record<string, { value: Scalar | null; formula?: string; format?: string }>>;
  tables: { name: string; sheet: string; address: string; headers: string[]; rows: number }[];
  parts: string[];
}

export interface MemoryWorkbookOptions {
  payloadLimit?: number;
  generalExceptionBytes?: number;
  sheets?: string[];
  date1904?: boolean;
  autoCorrect?: Partial<AutoCorrectOptions>;
}

export class MemoryWorkbook {
  /** Excel on the web rejects a request above 5 MB with RequestPayloadSizeLimitExceeded (excel-api.ts). */
  payloadLimit: number;
  /**
   * Large requests on the web also fail below the documented limit, as GeneralException / HTTP 500
   * (https://github.com/OfficeDev/office-js/issues/1314, https://github.com/OfficeDev/office-js/issues/1012):
   * a sync above this many bytes (and under payloadLimit) fails with GeneralException, batch dropped.
   */
  generalExceptionBytes: number;
  /** The workbook's date system (Workbook.properties / "Use 1904 date system"); coerce.ts reads it. */
  date1904: boolean;
  readonly autoCorrect: AutoCorrectOptions;
  readonly sheets: MemorySheet[] = [];
  readonly tables: MemTable[] = [];
  readonly parts: { id: string; xml: string }[] = [];
  selection: { sheet: string; rect: Rect };
  /** Request bytes of every successful sync, or an upper bound of them within the limits (api/context.ts sync; for tests and benchmarks). */
  readonly syncLog: number[] = [];
  readonly tableOps: Tables;
  private listeners = new Set<() => void>();
  private partSeq = 0;
  private evaluating = new Set<string>();
  /** Plan arrays free for the next write (writeSteps). */
  private writePlans: WritePlan[] = [];

  constructor(opts: MemoryWorkbookOptions = {}) {
    this.payloadLimit = opts.payloadLimit ?? 5 * MB;
    this.generalExceptionBytes = opts.generalExceptionBytes ?? 4 * MB;
    this.date1904 = opts.date1904 ?? false;
    this.autoCorrect = { expandTables: true, fillFormulas: true, ...opts.autoCorrect };
    this.tableOps = new Tables(this);
    for (const s of opts.sheets ?? ['Sheet1']) this.addSheet(s);
    this.selection = { sheet: this.sheets[0].name, rect: { row: 0, col: 0, rows: 1, cols: 1 } };
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  notify(): void {
    for (const fn of this.listeners) fn();
  }

  // ── sheets ──────────────────────────────────────────────────────────────
  findSheet(name: string): MemorySheet | undefined {
    return this.sheets.find((s) => s.name.toLowerCase() === name.toLowerCase());
  }
  sheet(name: string): MemorySheet {
    const s = this.findSheet(name);
    if (!s) throw new ExcelLikeError('ItemNotFound', `The worksheet "${name}" does not exist.`);
    return s;
  }
  addSheet(name: string): MemorySheet {
    if (this.findSheet(name)) throw new ExcelLikeError('ItemAlreadyExists', `A worksheet named "${name}" already exists.`);
    const s = new MemorySheet(name);
    this.sheets.push(s);
    return s;
  }
  deleteSheet(name: string): void {
    const s = this.sheet(name);
    this.sheets.splice(this.sheets.indexOf(s), 1);
    for (let i = this.tables.length - 1; i >= 0; i--) if (this.tables[i].sheet === s.name) this.tables.splice(i, 1);
  }

  /**
   * Every write to a protected sheet fails with AccessDenied (errors.ts); reads work
   * (excel.d.ts WorksheetProtection: "protected" blocks edits of locked cells, which all cells are by default).
   */
  guard(sheetName: string, what: string): MemorySheet {
    const sh = this.sheet(sheetName);
    if (sh.protected) throw accessDenied(sh.name, what);
    return sh;
  }

  // ── cells ───────────────────────────────────────────────────────────────
  /** One cell of a `Range.values` assignment (as a 1×1 write, so table AutoCorrect applies as when a user types). */
  writeValue(sheetName: string, r: number, c: number, v: unknown): void {
    this.writeCells(sheetName, { row: r, col: c, rows: 1, cols: 1 }, [[v]], 'values');
  }

  /** One cell of a `Range.formulas` assignment. */
  writeFormula(sheetName: string, r: number, c: number, f: unknown): void {
    this.writeCells(sheetName, { row: r, col: c, rows: 1, cols: 1 }, [[f]], 'formulas');
  }

  /**
   * Range.values / Range.formulas over `rect` (grid already shaped like rect). Fails as a whole
   * before writing on a protected sheet or when a value lands inside a merged area (not its top-left
   * cell); afterwards applies Excel's table AutoCorrect (tables.ts afterWrite).
   */
  writeCells(sheetName: string, rect: Rect, grid: readonly (readonly unknown[])[], kind: WriteKind): void {
    for (const _ of this.writeSteps(sheetName, rect, grid, kind)) void _;
  }

  /**
   * writeCells in slices of at most `sliceMs` of work, awaiting `pause` between them: Excel applies a
   * request in its own process, so however large the request, the pane's thread is never held by
   * it. The add-in sees the same outcome at the same point (its sync resolves once all is applied).
   */
  async writeCellsInSlices(
    sheetName: string,
    rect: Rect,
    grid: readonly (readonly unknown[])[],
    kind: WriteKind,
    pause: () => Promise<void>,
    sliceMs = 8,
  ): Promise<void> {
    let since = performance.now();
    for (const _ of this.writeSteps(sheetName, rect, grid, kind)) {
      void _;
      if (performance.now() - since < sliceMs) continue;
      await pause();
      since = performance.now();
    }
  }

  /** The steps of writeCells, one column of one pass at a time (what writeCellsInSlices pauses between). */
  private *writeSteps(sheetName: string, rect: Rect, grid: readonly (readonly unknown[])[], kind: WriteKind): Generator<void> {
    const sh = this.guard(sheetName, `Range.${kind}`);
    // Verify in Excel: no document says what a value aimed at a covered cell of a merged area does;
    // the UI refuses ("Cannot change part of a merged cell"), so we refuse the whole write.
    for (const m of sh.mergesIn(rect)) {
      for (let r = Math.max(m.row, rect.row); r < Math.min(m.row + m.rows, rect.row + rect.rows); r++)
        for (let c = Math.max(m.col, rect.col); c < Math.min(m.col + m.cols, rect.col + rect.cols); c++) {
          if ((r !== m.row || c !== m.col) && grid[r - rect.row][c - rect.col] !== null && grid[r - rect.row][c - rect.col] !== undefined)
            throw new ExcelLikeError('InvalidOperation', `Cannot change part of a merged cell (${rectAddress(m)}).`);
        }
    }
    // Coerce every input first: one the cell cannot hold fails the whole operation (coerce.ts).
    // Column by column, as the sheet keeps its cells (sheet.ts). An input Excel stores as it is
    // (coerce.ts keepsItsDigits, isPlainText: most of a table) goes into a plan of typed arrays with
    // the column's own codes (column.ts), not a result object per cell; any other input keeps
    // coerceCellInput's result (OTHER).
    const { rows, cols } = rect;
    // The plan's arrays come from a pool (writePlans): a fresh set per write was ~0.9 MB of
    // allocation for each 5,000 × 10 chunk, 170 MB in a 1,000,000-row insert, and its GC work.
    const scratch = this.writePlans.pop() ?? new WritePlan();
    let coerced = false; // an OTHER result in `others`, to drop afterwards
    try {
      const { plan, numbers, others } = scratch.sized(rows * cols); // plan: 0 (EMPTY) leaves the cell unchanged
      for (let j = 0; j < cols; j++) {
        const c = rect.col + j;
        const formats = sh.formatsOf(c);
        // The format of every row written when one run (or none) covers them all, as when a table's
        // column format was set before its values: no search of the runs per cell. null: it varies.
        const runs = formats ? formats.runsIn(rect.row, rect.row + rows) : [];
        const format = runs.length === 0 ? undefined : runs.length === 1 && runs[0][1] - runs[0][0] === rows ? runs[0][2] : null;
        for (let i = 0, k = j * rows; i < rows; i++, k++) {
          const v = grid[i][j];
          if (v === null || v === undefined) continue;
          if (typeof v === 'number') {
            if (keepsItsDigits(v)) {
              plan[k] = NUMBER;
              numbers[k] = v;
              continue;
            }
          } else if (typeof v === 'boolean') {
            plan[k] = v ? TRUE : FALSE;
            continue;
          } else if (typeof v === 'string' && isPlainText(v, format !== null ? format : formats!.get(rect.row + i))) {
            plan[k] = STRING; // the string itself is taken from the grid (setPlanned)
            continue;
          }
          const res = this.coerce(sh, rect.row + i, c, v);
          if (res === 'unchanged') continue;
          plan[k] = OTHER;
          others[k] = res;
          coerced = true;
        }
        yield;
      }
      for (let j = 0; j < cols; j++) {
        const c = rect.col + j;
        const at = j * rows;
        // Cells are independent here (each write touches its own cell), so the planned values go in
        // at once and the other results after them; a column without planned values is left alone.
        for (let i = 0; i < rows; i++)
          if (plan[at + i] !== EMPTY && plan[at + i] !== OTHER) {
            sh.column(c).setPlanned(rect.row, rows, plan, at, numbers, grid, j);
            break;
          }
        for (let i = 0; i < rows; i++)
          if (plan[at + i] === OTHER) applyCoerced(sh, rect.row + i, c, others[at + i] as Exclude<Coerced, 'unchanged'>);
        yield;
      }
    } finally {
      if (coerced) scratch.release(rows * cols);
      if (scratch.plan.length <= POOLED_CELLS_MAX) this.writePlans.push(scratch);
    }
    afterWrite.apply(this, sh.name, rect, writtenInGrid(grid));
  }

  /**
   * What Excel stores for one input of Range.values / Range.formulas (coerce.ts: Excel's data-entry
   * rules, the workbook's date system, 15 digits, 32,767 characters). Range.formulas reads its input
   * the way Range.values does ("=…" is a formula, anything else a value; excel.d.ts Range.formulas).
   * An input the cell cannot hold throws InvalidArgument.
   */
  coerce(sh: MemorySheet, r: number, c: number, v: unknown): Coerced {
    const res = coerceCellInput(v, { format: sh.format(r, c) }, { date1904: this.date1904 });
    if (typeof res === 'object' && 'error' in res) throw new ExcelLikeError(res.error.code, res.error.message);
    return res;
  }

  /** Puts one input into a cell as Excel's cell entry does (no table behaviour). */
  enter(sh: MemorySheet, r: number, c: number, v: unknown): void {
    const res = this.coerce(sh, r, c, v);
    if (res !== 'unchanged') applyCoerced(sh, r, c, res);
  }

  setFormat(sheetName: string, rect: Rect, format: string): void {
    const sh = this.guard(sheetName, 'Range.numberFormat');
    // One run per column (column.ts), not a format per cell.
    const general = format === '' || format === GENERAL_FORMAT;
    for (let c = rect.col; c < rect.col + rect.cols; c++) sh.setFormatRows(rect.row, rect.rows, c, general ? undefined : format);
  }

  /**
   * Range.clear(applyTo): 'contents' keeps formats, 'formats' keeps values and formulas, 'all'
   * removes both (excel.d.ts Excel.ClearApplyTo). Clearing a merged area's cells does not unmerge.
   */
  clear(sheetName: string, rect: Rect, what: 'contents' | 'all' | 'formats' = 'all'): void {
    const sh = this.guard(sheetName, 'Range.clear');
    if (what === 'formats') for (let c = rect.col; c < rect.col + rect.cols; c++) sh.setFormatRows(rect.row, rect.rows, c, undefined);
    else sh.clearRect(rect, what === 'all');
    if (what !== 'formats') afterWrite.cleared(this, sh.name, rect);
  }

  /** Top-most, then left-most non-empty cell inside `rect`, or null. */
  firstUsedIn(sheetName: string, rect: Rect): { row: number; col: number } | null {
    let best: { row: number; col: number } | null = null;
    for (const { row, col } of this.sheet(sheetName).cellsIn(rect)) {
      if (!best || row < best.row || (row === best.row && col < best.col)) best = { row, col };
    }
    return best;
  }

  /**
   * Bounding box of the used cells (Worksheet.getUsedRange(valuesOnly)), or null. valuesOnly: only
   * values and formulas count — so empty merged cells and shapes are not in it; otherwise formats and
   * merged areas count too (excel.d.ts Range.getUsedRange "valuesOnly: Considers only cells with values").
   */
  usedRect(sheetName: string, within?: Rect, valuesOnly = true): Rect | null {
    let r0 = Infinity,
      c0 = Infinity,
      r1 = -1,
      c1 = -1;
    const sh = this.sheet(sheetName);
    const add = (row: number, col: number) => {
      r0 = Math.min(r0, row);
      c0 = Math.min(c0, col);
      r1 = Math.max(r1, row);
      c1 = Math.max(c1, col);
    };
    // From each column's bounds (sheet.ts), not cell by cell: the grid asks after every sync.
    const cells = sh.bounds(within ?? null, valuesOnly);
    if (cells) {
      add(cells.row, cells.col);
      add(cells.row + cells.rows - 1, cells.col + cells.cols - 1);
    }
    if (!valuesOnly)
      for (const m of within ? sh.mergesIn(within) : sh.merges) {
        const box = within ? clip(m, within) : m;
        add(box.row, box.col);
        add(box.row + box.rows - 1, box.col + box.cols - 1);
      }
    return r1 < 0 ? null : { row: r0, col: c0, rows: r1 - r0 + 1, cols: c1 - c0 + 1 };
  }

  /** Evaluated value: formulas are computed, errors come back as "#NAME?" etc. */
  value(sheetName: string, r: number, c: number): Scalar | null {
    const v = this.evaluate(sheetName, r, c);
    return typeof v === 'object' && v !== null ? v.error : v;
  }

  evaluate(sheetName: string, r: number, c: number): Value | { error: ErrorValue } {
    const sh = this.findSheet(sheetName);
    if (!sh) return { error: '#REF!' };
    const formula = sh.formula(r, c);
    if (!formula) return sh.value(r, c);
    const id = `${sh.name}!${r},${c}`;
    if (this.evaluating.has(id)) return 0; // circular reference: Excel shows 0 and warns
    this.evaluating.add(id);
    try {
      return evaluateFormula(formula, this.formulaHost(), sh.name, r, c);
    } finally {
      this.evaluating.delete(id);
    }
  }

  private formulaHost(): FormulaHost {
    // Rows are hidden only by table filters in this model, so "hidden" and "filtered" are the same set.
    const hidden = (s: string, rr: number) => this.findSheet(s)?.hiddenRows.has(rr) ?? false;
    return {
      date1904: this.date1904,
      isRowHidden: hidden,
      isRowFiltered: hidden,
      formulaAt: (s, rr, cc) => this.findSheet(s)?.formula(rr, cc),
      valueAt: (s, rr, cc) => this.evaluate(s, rr, cc),
      tableColumn: (t, col, s, rr, cc) => this.tableOps.structuredColumn(t, col, s, rr, cc),
    };
  }

  /**
   * The fill a custom conditional format gives this cell, or null: the first format over the cell
   * whose rule is TRUE. A custom rule's relative references are written for the range's top-left
   * cell and follow each other cell as a copied formula would, and the format applies if and only if
   * the formula is TRUE (http://seiglefamily.com/excel/condformat.html, "Use a formula to determine
   * which cells to format"; CustomConditionalFormat.rule,
   * https://learn.microsoft.com/javascript/api/excel/excel.customconditionalformat).
   * Only the fill is modelled: it is the one format the add-in sets.
   */
  conditionalFill(sheetName: string, r: number, c: number): string | null {
    const sh = this.findSheet(sheetName);
    if (!sh) return null;
    for (const f of sh.conditionalFormats) {
      const { rect } = f;
      if (!f.fill || !f.formula || r < rect.row || c < rect.col || r >= rect.row + rect.rows || c >= rect.col + rect.cols) continue;
      const result = evaluateFormula(shiftFormula(f.formula, r - rect.row, c - rect.col), this.formulaHost(), sh.name, r, c);
      if (result === true) return f.fill;
    }
    return null;
  }

  // ── merged cells (Range.merge / unmerge, ExcelApi 1.2) ──────────────────
  /**
   * Range.merge(across): merging keeps only the top-left value, as Excel's Merge & Center warns
   * ("Merging cells only keeps the upper-left value"). Cells inside a table cannot be merged
   * (Verify in Excel: the UI greys out Merge in tables; we fail with InvalidOperation).
   */
  merge(sheetName: string, rect: Rect, across = false): void {
    const sh = this.guard(sheetName, 'Range.merge');
    if (this.tableOps.onSheet(sh.name).some((t) => intersectsRect(tableRect(t), rect)))
      throw new ExcelLikeError('InvalidOperation', 'Cells in a table cannot be merged.');
    const areas = across ? Array.from({ length: rect.rows }, (_, i) => ({ ...rect, row: rect.row + i, rows: 1 })) : [rect];
    for (const a of areas) {
      if (a.rows * a.cols < 2) continue;
      for (let i = sh.merges.length - 1; i >= 0; i--) if (intersectsRect(sh.merges[i], a)) sh.merges.splice(i, 1);
      for (const { row, col } of [...sh.cellsIn(a)]) {
        if (row === a.row && col === a.col) continue;
        sh.setContent(row, col, null);
      }
      sh.merges.push({ ...a });
    }
  }
  unmerge(sheetName: string, rect: Rect): void {
    const sh = this.guard(sheetName, 'Range.unmerge');
    for (let i = sh.merges.length - 1; i >= 0; i--) if (intersectsRect(sh.merges[i], rect)) sh.merges.splice(i, 1);
  }

  // ── tables (tables.ts) ──────────────────────────────────────────────────
  findTable(name: string): MemTable | undefined {
    return this.tables.find((t) => t.name.toLowerCase() === name.toLowerCase());
  }
  tableHeaders(t: MemTable): string[] {
    return Array.from({ length: t.cols }, (_, i) => String(this.value(t.sheet, t.row, t.col + i) ?? ''));
  }
  /** worksheet.tables.add(address, true): `rect` includes the header row; a header-only range gets one empty data row. */
  addTable(sheetName: string, rect: Rect, name: string): MemTable {
    return this.tableOps.add(sheetName, rect, name);
  }
  /** Table.resize (ExcelApi 1.13): the new range includes the header and, when shown, the totals row. */
  resizeTable(name: string, rect: Rect): void {
    this.tableOps.resize(this.tableOps.get(name), rect);
  }
  /** Table.delete(): the table and its cells go (tables.ts). */
  deleteTable(name: string): void {
    this.tableOps.remove(this.tableOps.get(name), true);
  }

  // ── custom XML parts (ExcelApi 1.5) ─────────────────────────────────────
  addPart(xml: string): string {
    const id = `{${String(++this.partSeq).padStart(8, '0')}-0000-0000-0000-000000000000}`;
    this.parts.push({ id, xml });
    return id;
  }
  /** getByNamespace: matches the root element's default namespace, as Excel does. */
  partsByNamespace(ns: string): { id: string; xml: string }[] {
    return this.parts.filter((p) => rootNamespace(p.xml) === ns);
  }
  deletePart(id: string): void {
    const i = this.parts.findIndex((p) => p.id === id);
    if (i >= 0) this.parts.splice(i, 1);
  }

  snapshot(): MemorySnapshot {
    const sheets: MemorySnapshot['sheets'] = {};
    for (const sh of this.sheets) {
      const cells: MemorySnapshot['sheets'][string] = {};
      for (const { row: r, col: c, cell } of [...sh.used(false)].sort((a, b) => cellKey(a.row, a.col) - cellKey(b.row, b.col))) {
        cells[cellAddress(r, c)] = {
          value: this.value(sh.name, r, c),
          ...(cell.formula ? { formula: cell.formula } : {}),
          ...(cell.format ? { format: cell.format } : {}),
        };
      }
      sheets[sh.name] = cells;
    }
    return {
      sheets,
      tables: this.tables.map((t) => ({
        name: t.name,
        sheet: t.sheet,
        address: rectAddress(tableRect(t)),
        headers: this.tableHeaders(t),
        rows: t.rows,
      })),
      parts: this.parts.map((p) => p.xml),
    };
  }
}

type Coerced = Exclude<CoerceResult, { error: unknown }>;

/** A cell of a write plan (writeSteps) that takes coerceCellInput's full result; the other codes are column.ts's. */
const OTHER = 5;

/**
 * The arrays of one write's plan (writeSteps), kept for the next write: grown to the largest write
 * seen. Each write holds its own while it runs (writes in slices can interleave), so the pool
 * hands a set to one write at a time.
 */
/** A plan larger than a chunk's cell cap (chunks.ts: 100,000) is not kept: its memory goes back. */
const POOLED_CELLS_MAX = 100_000;

class WritePlan {
  plan = new Uint8Array(0);
  numbers = new Float64Array(0);
  others: unknown[] = [];

  /** The arrays for `n` cells, the plan all EMPTY. */
  sized(n: number): { plan: Uint8Array; numbers: Float64Array; others: unknown[] } {
    if (this.plan.length < n) {
      this.plan = new Uint8Array(n);
      this.numbers = new Float64Array(n);
    } else this.plan.fill(EMPTY, 0, n);
    while (this.others.length < n) this.others.push(undefined);
    return { plan: this.plan, numbers: this.numbers, others: this.others };
  }

  /** Drops the references the last write left (its values stay in the sheet, not here). */
  release(n: number): void {
    // A loop, not Array.prototype.fill: half of fill's CPU on 50,000 cells in Chromium (0.02–0.06 ms against 0.05–0.12, #18).
    const others = this.others;
    for (let i = Math.min(n, others.length) - 1; i >= 0; i--) others[i] = undefined;
  }
}

function applyCoerced(sh: MemorySheet, r: number, c: number, res: Exclude<Coerced, 'unchanged'>): void {
  sh.setContent(r, c, res.value, res.formula);
  if (res.format) sh.setFormat(r, c, res.format);
}

function intersectsRect(a: Rect, b: Rect): boolean {
  return a.row < b.row + b.rows && b.row < a.row + a.rows && a.col < b.col + b.cols && b.col < a.col + a.cols;
}

function clip(a: Rect, b: Rect): Rect {
  const row = Math.max(a.row, b.row);
  const col = Math.max(a.col, b.col);
  return { row, col, rows: Math.min(a.row + a.rows, b.row + b.rows) - row, cols: Math.min(a.col + a.cols, b.col + b.cols) - col };
}
