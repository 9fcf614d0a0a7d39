/**
 * MemoryWorkbook: an in-memory Excel workbook that behaves like Excel where this add-in depends on
 * it — sparse sheets of {value, formula, format}; `Range.values` semantics (null = unchanged,
 * "=…"/"+…"/"-…" become formulas and "123"/"TRUE"/"2024-01-05" are coerced unless the cell is
 * formatted "@"; a leading apostrophe is a quote prefix); tables whose calculated columns fill down
 * when the table grows; custom XML parts; and batches whose sync() fails with
 * `RequestPayloadSizeLimitExceeded` above the payload limit, like Excel on the web (5 MB).
 */
import { cellAddress, fitsSheet, intersects, MAX_COLUMNS, type Rect, rectAddress } from '../address.js';
import { MB } from '../chunks.js';
import { rootNamespace } from '../custom-xml.js';
import { GENERAL_FORMAT, isoDateToSerial, TEXT_FORMAT } from '../formats.js';
import { type ErrorValue, evaluateFormula, type Scalar, shiftFormula, type Value } from './formula.js';

interface MemCell {
  value: Scalar | null;
  formula?: string;
  format?: string;
}

export interface MemTable {
  name: string;
  sheet: string;
  row: number;
  col: number;
  /** Data rows (Excel keeps at least one, possibly empty). */
  rows: number;
  cols: number;
}

interface MemorySnapshot {
  sheets: Record<string, Record<string, { value: Scalar | null; formula?: string; format?: string }>>;
  tables: { name: string; sheet: string; address: string; headers: string[]; rows: number }[];
  parts: string[];
}

/** Error shaped like OfficeExtension.Error (code + message). */
export class ExcelLikeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RichApi.Error';
  }
}

const key = (r: number, c: number) => r * MAX_COLUMNS + c;
const NUMERIC = /^\s*[-+]?(\d[\d,]*\.?\d*|\.\d+)([eE][-+]?\d+)?(%?)\s*$/;

class MemorySheet {
  readonly cells = new Map<number, MemCell>();
  /** Worksheet.visibility: hidden sheets keep their data but get no tab. */
  hidden = false;
  constructor(public name: string) {}
  get(r: number, c: number): MemCell | undefined {
    return this.cells.get(key(r, c));
  }
  ensure(r: number, c: number): MemCell {
    let cell = this.cells.get(key(r, c));
    if (!cell) this.cells.set(key(r, c), (cell = { value: null }));
    return cell;
  }
  /** Non-empty = has a value or a formula (a format alone does not count, as in Excel's used range "valuesOnly"). */
  *used(): Generator<{ row: number; col: number; cell: MemCell }> {
    for (const [k, cell] of this.cells) {
      if (cell.value === null && !cell.formula) continue;
      yield { row: Math.floor(k / MAX_COLUMNS), col: k % MAX_COLUMNS, cell };
    }
  }
}

export class MemoryWorkbook {
  payloadLimit: number;
  readonly sheets: MemorySheet[] = [];
  readonly tables: MemTable[] = [];
  readonly parts: { id: string; xml: string }[] = [];
  selection: { sheet: string; rect: Rect };
  /** Request bytes of every successful sync (for tests and benchmarks). */
  readonly syncLog: number[] = [];
  private listeners = new Set<() => void>();
  private partSeq = 0;
  private evaluating = new Set<string>();

  constructor(opts: { payloadLimit?: number; sheets?: string[] } = {}) {
    this.payloadLimit = opts.payloadLimit ?? 5 * MB;
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

  // ── cells ───────────────────────────────────────────────────────────────
  /** One cell of a `Range.values` assignment. */
  writeValue(sheetName: string, r: number, c: number, v: unknown): void {
    if (v === null || v === undefined) return; // Office.js: null in a 2-D array leaves the cell unchanged
    const cell = this.sheet(sheetName).ensure(r, c);
    delete cell.formula;
    if (typeof v === 'number' || typeof v === 'boolean') {
      cell.value = v;
      return;
    }
    const s = String(v);
    if (s === '') cell.value = null;
    else if (cell.format === TEXT_FORMAT) cell.value = s;
    else if (s.startsWith("'")) cell.value = s.slice(1);
    else if (s.length > 1 && s.startsWith('=')) this.setFormula(cell, s);
    else if (NUMERIC.test(s)) {
      const m = NUMERIC.exec(s)!;
      const n = Number(s.replace(/[,%\s]/g, ''));
      cell.value = m[3] ? n / 100 : n;
      if (m[3] && (cell.format ?? GENERAL_FORMAT) === GENERAL_FORMAT) cell.format = '0%';
    } else if (s.length > 1 && (s.startsWith('+') || s.startsWith('-'))) this.setFormula(cell, `=${s}`);
    else if (/^@[A-Za-z_][\w.]*\(/.test(s)) this.setFormula(cell, `=${s.slice(1)}`);
    else if (/^(true|false)$/i.test(s)) cell.value = s.toLowerCase() === 'true';
    else if (isoDateToSerial(s) !== null) {
      cell.value = isoDateToSerial(s);
      if ((cell.format ?? GENERAL_FORMAT) === GENERAL_FORMAT) cell.format = 'yyyy-mm-dd';
    } else cell.value = s;
  }

  /** One cell of a `Range.formulas` assignment. */
  writeFormula(sheetName: string, r: number, c: number, f: unknown): void {
    if (typeof f === 'string' && f.length > 1 && f.startsWith('=')) this.setFormula(this.sheet(sheetName).ensure(r, c), f);
    else this.writeValue(sheetName, r, c, f);
  }

  private setFormula(cell: MemCell, f: string): void {
    cell.formula = f;
    cell.value = null;
  }

  setFormat(sheetName: string, rect: Rect, format: string): void {
    const sh = this.sheet(sheetName);
    for (let r = rect.row; r < rect.row + rect.rows; r++)
      for (let c = rect.col; c < rect.col + rect.cols; c++) {
        if (format === '' || format === GENERAL_FORMAT) {
          const cell = sh.get(r, c);
          if (cell) delete cell.format;
        } else sh.ensure(r, c).format = format;
      }
  }

  /** Range.clear(): 'contents' keeps formats, 'all' removes everything. */
  clear(sheetName: string, rect: Rect, what: 'contents' | 'all' = 'all'): void {
    const sh = this.sheet(sheetName);
    for (const { row, col, cell } of [...this.cellsIn(sh, rect, true)]) {
      if (what === 'all') sh.cells.delete(key(row, col));
      else {
        cell.value = null;
        delete cell.formula;
      }
    }
  }

  private *cellsIn(sh: MemorySheet, rect: Rect, includeEmpty = false) {
    for (const [k, cell] of sh.cells) {
      const row = Math.floor(k / MAX_COLUMNS);
      const col = k % MAX_COLUMNS;
      if (row < rect.row || row >= rect.row + rect.rows || col < rect.col || col >= rect.col + rect.cols) continue;
      if (!includeEmpty && cell.value === null && !cell.formula) continue;
      yield { row, col, cell };
    }
  }

  /** Top-most, then left-most non-empty cell inside `rect`, or null. */
  firstUsedIn(sheetName: string, rect: Rect): { row: number; col: number } | null {
    let best: { row: number; col: number } | null = null;
    for (const { row, col } of this.cellsIn(this.sheet(sheetName), rect)) {
      if (!best || row < best.row || (row === best.row && col < best.col)) best = { row, col };
    }
    return best;
  }

  /** Bounding box of all non-empty cells (Worksheet.getUsedRange(true)), or null. */
  usedRect(sheetName: string): Rect | null {
    let r0 = Infinity,
      c0 = Infinity,
      r1 = -1,
      c1 = -1;
    for (const { row, col } of this.sheet(sheetName).used()) {
      r0 = Math.min(r0, row);
      c0 = Math.min(c0, col);
      r1 = Math.max(r1, row);
      c1 = Math.max(c1, col);
    }
    return r1 < 0 ? null : { row: r0, col: c0, rows: r1 - r0 + 1, cols: c1 - c0 + 1 };
  }

  /** Evaluated value: formulas are computed, errors come back as "#NAME?" etc. */
  value(sheetName: string, r: number, c: number): Scalar | null {
    const v = this.evaluate(sheetName, r, c);
    return typeof v === 'object' && v !== null ? v.error : v;
  }

  private evaluate(sheetName: string, r: number, c: number): Value | { error: ErrorValue } {
    const sh = this.findSheet(sheetName);
    if (!sh) return { error: '#REF!' };
    const cell = sh.get(r, c);
    if (!cell?.formula) return cell?.value ?? null;
    const id = `${sh.name}!${r},${c}`;
    if (this.evaluating.has(id)) return 0; // circular reference: Excel shows 0 and warns
    this.evaluating.add(id);
    try {
      return evaluateFormula(
        cell.formula,
        {
          valueAt: (s, rr, cc) => this.evaluate(s, rr, cc),
          tableColumn: (t, col, s, rr, cc) => this.structuredColumn(t, col, s, rr, cc),
        },
        sh.name,
        r,
        c,
      );
    } finally {
      this.evaluating.delete(id);
    }
  }

  private structuredColumn(table: string | null, column: string, sheetName: string, r: number, c: number) {
    const t = table
      ? this.findTable(table)
      : this.tables.find(
          (x) => x.sheet.toLowerCase() === sheetName.toLowerCase() && intersects(tableRect(x), { row: r, col: c, rows: 1, cols: 1 }),
        );
    if (!t) return null;
    const idx = this.tableHeaders(t).findIndex((h) => h.toLowerCase() === column.toLowerCase());
    return idx < 0 ? null : { sheet: t.sheet, col: t.col + idx, firstRow: t.row + 1, lastRow: t.row + t.rows };
  }

  // ── tables ──────────────────────────────────────────────────────────────
  findTable(name: string): MemTable | undefined {
    return this.tables.find((t) => t.name.toLowerCase() === name.toLowerCase());
  }
  tableHeaders(t: MemTable): string[] {
    return Array.from({ length: t.cols }, (_, i) => String(this.value(t.sheet, t.row, t.col + i) ?? ''));
  }

  /** worksheet.tables.add(address, true): `rect` includes the header row; a header-only range gets one empty data row. */
  addTable(sheetName: string, rect: Rect, name: string): MemTable {
    const sh = this.sheet(sheetName);
    if (this.findTable(name) || !/^[A-Za-z_\\][\w.]*$/.test(name))
      throw new ExcelLikeError('InvalidArgument', `The table name "${name}" is invalid or already used.`);
    const t: MemTable = { name, sheet: sh.name, row: rect.row, col: rect.col, rows: Math.max(1, rect.rows - 1), cols: rect.cols };
    if (!fitsSheet(tableRect(t))) throw new ExcelLikeError('InvalidArgument', 'The table does not fit on the sheet.');
    if (this.tables.some((o) => o.sheet === sh.name && intersects(tableRect(o), tableRect(t)))) {
      throw new ExcelLikeError('InvalidOperation', 'A table cannot overlap another table.');
    }
    // Excel gives empty or duplicate headers a unique name (Column1, Sales2 …).
    const seen = new Set<string>();
    for (let i = 0; i < t.cols; i++) {
      let h = String(this.value(sh.name, t.row, t.col + i) ?? '') || `Column${i + 1}`;
      for (let n = 2; seen.has(h.toLowerCase()); n++) h = `${String(this.value(sh.name, t.row, t.col + i) || 'Column')}${n}`;
      seen.add(h.toLowerCase());
      const cell = sh.ensure(t.row, t.col + i);
      delete cell.formula;
      cell.value = h;
    }
    this.tables.push(t);
    return t;
  }

  /**
   * Table.resize (ExcelApi 1.13): same header row and top-left cell. Growing fills calculated
   * columns (a column whose data cells all hold the same formula, relatively) and carries the last
   * row's number formats down, as Excel does when a table expands.
   */
  resizeTable(name: string, rect: Rect): void {
    const t = this.findTable(name);
    if (!t) throw new ExcelLikeError('ItemNotFound', `The table "${name}" does not exist.`);
    if (rect.row !== t.row || rect.col !== t.col || rect.rows < 2 || rect.cols < 1) {
      throw new ExcelLikeError('InvalidArgument', 'The new range must keep the header row and the top-left cell.');
    }
    const sh = this.sheet(t.sheet);
    const oldRows = t.rows;
    const newRows = rect.rows - 1;
    for (let i = 0; i < Math.min(t.cols, rect.cols) && newRows > oldRows; i++) {
      const col = t.col + i;
      const first = sh.get(t.row + 1, col);
      const last = sh.get(t.row + oldRows, col);
      const calc =
        first?.formula &&
        Array.from({ length: oldRows }, (_, k) => sh.get(t.row + 1 + k, col)?.formula).every(
          (f, k) => f && shiftFormula(f, -k, 0) === first.formula,
        );
      for (let r = t.row + oldRows + 1; r <= t.row + newRows; r++) {
        if (calc) this.setFormula(sh.ensure(r, col), shiftFormula(first!.formula!, r - (t.row + 1), 0));
        if (last?.format && !sh.get(r, col)?.format) sh.ensure(r, col).format = last.format;
      }
    }
    for (let i = t.cols; i < rect.cols; i++) {
      const h = sh.get(t.row, t.col + i);
      if (!h || h.value === null) sh.ensure(t.row, t.col + i).value = `Column${i + 1}`;
    }
    t.rows = newRows;
    t.cols = rect.cols;
  }

  deleteTable(name: string): void {
    const t = this.findTable(name);
    if (!t) throw new ExcelLikeError('ItemNotFound', `The table "${name}" does not exist.`);
    this.tables.splice(this.tables.indexOf(t), 1);
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
      for (const [k, cell] of [...sh.cells].sort((a, b) => a[0] - b[0])) {
        const r = Math.floor(k / MAX_COLUMNS),
          c = k % MAX_COLUMNS;
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

export function tableRect(t: MemTable): Rect {
  return { row: t.row, col: t.col, rows: t.rows + 1, cols: t.cols };
}
