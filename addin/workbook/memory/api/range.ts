/**
 * Excel.Range over the in-memory workbook (excel.d.ts Range). Geometry in points at 100 % zoom
 * (excel.d.ts Range.left/top/width/height) with Excel's default grid, uniform: rows 15 pt (20 px) and
 * columns 48 pt (64 px, "8.43 characters" of Calibri 11 —
 * https://learn.microsoft.com/office/troubleshoot/excel/determine-column-widths). Verify in Excel:
 * real sheets with another default font or resized rows/columns differ.
 */
import { MAX_COLUMNS, MAX_ROWS, parseAddress, type Rect, rectAddress } from '../../address.js';
import { formatCell } from '../../cell-display.js';
import { quoteSheet } from '../../target.js';
import { copyRange, type CopyType } from '../copy.js';
import { ExcelLikeError } from '../errors.js';
import { fromR1C1, toR1C1 } from '../r1c1.js';
import { ConditionalFormatCollection } from './conditional-format.js';
import { ClientObject, type Ctx, loadNames, nextTask, parseQualified } from './context.js';
import type { RangeProxy, TableScopedCollectionProxy, Where, WorksheetProxy } from './types.js';

export const ROW_HEIGHT_PT = 15;
export const COLUMN_WIDTH_PT = 48;

type Grid = unknown[][];

export class Range extends ClientObject implements RangeProxy {
  private data: Record<string, unknown> = {};
  constructor(
    ctx: Ctx,
    readonly where: () => Where | null,
  ) {
    super(ctx);
  }

  /** Where the range is, for the recorded payload only: unknown (undefined) until the sheet exists. */
  private peek(): { sheet?: string; address?: string } {
    try {
      const w = this.where();
      return w ? { sheet: w.sheet, address: rectAddress(w.rect) } : {};
    } catch {
      return {};
    }
  }
  private at(): Where {
    const w = this.where();
    if (!w) throw new ExcelLikeError('InvalidObjectPath', 'The range is a null object.');
    return w;
  }
  private get(prop: string): never {
    this.need(prop);
    return this.data[prop] as never;
  }

  get address(): string {
    return this.get('address');
  }
  /** Range.conditionalFormats (ExcelApi 1.6): conditional-format.ts. */
  get conditionalFormats(): ConditionalFormatCollection {
    return new ConditionalFormatCollection(this.ctx, () => this.at());
  }
  get rowIndex(): number {
    return this.get('rowIndex');
  }
  get columnIndex(): number {
    return this.get('columnIndex');
  }
  get rowCount(): number {
    return this.get('rowCount');
  }
  get columnCount(): number {
    return this.get('columnCount');
  }
  get cellCount(): number {
    return this.get('cellCount');
  }
  get left(): number {
    return this.get('left');
  }
  get top(): number {
    return this.get('top');
  }
  get width(): number {
    return this.get('width');
  }
  get height(): number {
    return this.get('height');
  }
  get text(): string[][] {
    return this.get('text');
  }
  get values(): Grid {
    return this.get('values');
  }
  set values(v: Grid) {
    this.write(v, 'values');
  }
  get formulas(): Grid {
    return this.get('formulas');
  }
  set formulas(v: Grid) {
    this.write(v, 'formulas');
  }
  get formulasR1C1(): Grid {
    return this.get('formulasR1C1');
  }
  /** Range.formulasR1C1 (ExcelApi 1.2): R1C1 formulas converted to A1 for each cell (r1c1.ts), then as Range.formulas. */
  set formulasR1C1(v: Grid) {
    this.ctx.enqueue({ op: 'formulasR1C1', ...this.peek(), values: v }, () => {
      const { sheet, rect } = this.at();
      assertShape(v, rect);
      const a1 = v.map((row, i) =>
        row.map((x, j) => (typeof x === 'string' && x.length > 1 && x.startsWith('=') ? fromR1C1(x, rect.row + i, rect.col + j) : x)),
      );
      this.ctx.wb.writeCells(sheet, rect, a1, 'formulas');
    });
  }
  get numberFormat(): Grid {
    return this.get('numberFormat');
  }
  /** A 1×1 array applies to every cell (office-js-docs-reference#578); null entries leave formats unchanged. */
  set numberFormat(f: Grid) {
    this.ctx.enqueue({ op: 'numberFormat', ...this.peek(), format: f }, () => {
      const { sheet, rect } = this.at();
      if (f.length === 1 && f[0]?.length === 1) {
        if (f[0][0] !== null) this.ctx.wb.setFormat(sheet, rect, String(f[0][0]));
        return;
      }
      assertShape(f, rect);
      this.ctx.wb.guard(sheet, 'Range.numberFormat');
      f.forEach((r, i) =>
        r.forEach(
          (x, j) => x !== null && this.ctx.wb.setFormat(sheet, { row: rect.row + i, col: rect.col + j, rows: 1, cols: 1 }, String(x)),
        ),
      );
    });
  }
  /** Bound at the next sync, like an Office.js navigation property. */
  get worksheet(): WorksheetProxy {
    let name: string | null = null;
    this.ctx.enqueue({ op: 'load' }, () => {
      if (!this.isNullObject) name = this.where()?.sheet ?? null;
    });
    return this.ctx.make.worksheet(this.ctx, () => name ?? (name = this.at().sheet));
  }

  /** Range.values / formulas: a 2-D array shaped like the range (InvalidArgument otherwise, at sync). */
  private write(v: Grid, kind: 'values' | 'formulas'): void {
    this.ctx.enqueue({ op: kind, ...this.peek(), values: v }, () => {
      const { sheet, rect } = this.at();
      assertShape(v, rect);
      // In the browser preview Excel's work is sliced, as it runs outside the pane's thread (context.ts nextTask).
      if (this.ctx.host.roundTrip === 'task') return this.ctx.wb.writeCellsInSlices(sheet, rect, v, kind, nextTask);
      this.ctx.wb.writeCells(sheet, rect, v, kind);
    });
  }

  load(spec?: unknown): this {
    const names = loadNames(spec);
    this.ctx.enqueue({ op: 'load' }, () => {
      if (this.isNullObject) return;
      const w = this.where();
      if (!w) return;
      this.data = this.read(w, names);
      this.markLoaded(names);
    });
    return this;
  }

  private read({ sheet, rect }: Where, names: string[] | null): Record<string, unknown> {
    const wb = this.ctx.wb;
    const sh = wb.sheet(sheet);
    const want = (n: string) => names === null || names.includes(n);
    const grid = (f: (r: number, c: number) => unknown) => {
      if (rect.rows * rect.cols > 5_000_000) throw new ExcelLikeError('ResponsePayloadSizeLimitExceeded', 'The response is too large.');
      return Array.from({ length: rect.rows }, (_, i) => Array.from({ length: rect.cols }, (_, j) => f(rect.row + i, rect.col + j)));
    };
    const out: Record<string, unknown> = {
      address: `${quoteSheet(sh.name)}!${rectAddress(rect)}`,
      rowIndex: rect.row,
      columnIndex: rect.col,
      rowCount: rect.rows,
      columnCount: rect.cols,
      cellCount: rect.rows * rect.cols,
      left: rect.col * COLUMN_WIDTH_PT,
      top: rect.row * ROW_HEIGHT_PT,
      width: rect.cols * COLUMN_WIDTH_PT,
      height: rect.rows * ROW_HEIGHT_PT,
    };
    if (want('values')) out.values = grid((r, c) => wb.value(sheet, r, c) ?? '');
    // Range.text: the value as displayed with the cell's number format (cell-display.ts covers the formats the add-in writes).
    if (want('text')) out.text = grid((r, c) => formatCell(wb.value(sheet, r, c), sh.format(r, c) ?? 'General'));
    if (want('formulas')) out.formulas = grid((r, c) => sh.formula(r, c) ?? wb.value(sheet, r, c) ?? '');
    if (want('formulasR1C1'))
      out.formulasR1C1 = grid((r, c) => {
        const f = sh.formula(r, c);
        return f ? toR1C1(f, r, c) : (wb.value(sheet, r, c) ?? '');
      });
    if (want('numberFormat')) out.numberFormat = grid((r, c) => sh.format(r, c) ?? 'General');
    return out;
  }

  // ── derived ranges ────────────────────────────────────────────────────
  private derived(f: (w: Where) => Rect): Range {
    return new Range(this.ctx, () => {
      const w = this.at();
      const rect = f(w);
      if (
        rect.row < 0 ||
        rect.col < 0 ||
        rect.rows < 1 ||
        rect.cols < 1 ||
        rect.row + rect.rows > MAX_ROWS ||
        rect.col + rect.cols > MAX_COLUMNS
      )
        throw new ExcelLikeError('InvalidArgument', 'The range is outside the sheet.');
      return { sheet: w.sheet, rect };
    });
  }
  getRow(i: number): Range {
    return this.derived(({ rect }) => ({ ...rect, row: rect.row + i, rows: 1 }));
  }
  getColumn(j: number): Range {
    return this.derived(({ rect }) => ({ ...rect, col: rect.col + j, cols: 1 }));
  }
  getCell(i: number, j: number): Range {
    return this.derived(({ rect }) => ({ row: rect.row + i, col: rect.col + j, rows: 1, cols: 1 }));
  }
  getResizedRange(dRows: number, dCols: number): Range {
    return this.derived(({ rect }) => ({ ...rect, rows: rect.rows + dRows, cols: rect.cols + dCols }));
  }
  getOffsetRange(dRows: number, dCols: number): Range {
    return this.derived(({ rect }) => ({ ...rect, row: rect.row + dRows, col: rect.col + dCols }));
  }
  getIntersectionOrNullObject(other: Range | string): Range {
    let box: Where | null = null;
    const out = new Range(this.ctx, () => box);
    this.ctx.enqueue({ op: 'load' }, () => {
      const a = this.at();
      const b = typeof other === 'string' ? { sheet: a.sheet, rect: parseAddress(other) } : other.at();
      const row = Math.max(a.rect.row, b.rect.row);
      const col = Math.max(a.rect.col, b.rect.col);
      const rows = Math.min(a.rect.row + a.rect.rows, b.rect.row + b.rect.rows) - row;
      const cols = Math.min(a.rect.col + a.rect.cols, b.rect.col + b.rect.cols) - col;
      const ok = a.sheet.toLowerCase() === b.sheet.toLowerCase() && rows > 0 && cols > 0;
      out.isNullObject = !ok;
      box = ok ? { sheet: a.sheet, rect: { row, col, rows, cols } } : null;
    });
    return out;
  }
  /** Range.getUsedRangeOrNullObject(valuesOnly) (ExcelApi 1.4): see MemoryWorkbook.usedRect. */
  getUsedRangeOrNullObject(valuesOnly = false): Range {
    let box: Where | null = null;
    const used = new Range(this.ctx, () => box);
    this.ctx.enqueue({ op: 'load' }, () => {
      const at = this.at();
      const r = this.ctx.wb.usedRect(at.sheet, at.rect, valuesOnly);
      used.isNullObject = r === null;
      box = r ? { sheet: at.sheet, rect: r } : null;
    });
    return used;
  }
  /** Range.getTables(fullyContained) (ExcelApi 1.9). */
  getTables(fullyContained = false): TableScopedCollectionProxy {
    this.ctx.requires('1.9', 'Range.getTables');
    return this.ctx.make.scopedTables(this.ctx, () => {
      const at = this.at();
      return this.ctx.wb.tableOps.tablesIn(at.sheet, at.rect, fullyContained);
    });
  }
  /** Range.getMergedAreasOrNullObject() (ExcelApi 1.13): the merged areas that intersect the range. */
  getMergedAreasOrNullObject(): RangeAreas {
    this.ctx.requires('1.13', 'Range.getMergedAreasOrNullObject');
    const areas = new RangeAreas(this.ctx);
    this.ctx.enqueue({ op: 'load' }, () => {
      const at = this.at();
      areas.set(at.sheet, this.ctx.wb.sheet(at.sheet).mergesIn(at.rect));
    });
    return areas;
  }

  // ── edits ──────────────────────────────────────────────────────────────
  merge(across = false): void {
    this.ctx.enqueue({ op: 'merge', ...this.peek() }, () => {
      const w = this.at();
      this.ctx.wb.merge(w.sheet, w.rect, across);
    });
  }
  unmerge(): void {
    this.ctx.enqueue({ op: 'unmerge' }, () => {
      const w = this.at();
      this.ctx.wb.unmerge(w.sheet, w.rect);
    });
  }
  clear(applyTo: 'All' | 'Contents' | 'Formats' = 'All'): void {
    this.ctx.enqueue({ op: 'clear', ...this.peek(), format: applyTo }, () => {
      const w = this.at();
      this.ctx.wb.clear(w.sheet, w.rect, applyTo === 'All' ? 'all' : applyTo === 'Formats' ? 'formats' : 'contents');
    });
  }

  /** Range.copyFrom(source, copyType, skipBlanks, transpose) (ExcelApi 1.9): copy.ts, column by column. */
  copyFrom(source: Range | string, copyType: CopyType = 'All', skipBlanks = false, transpose = false): void {
    this.ctx.requires('1.9', 'Range.copyFrom');
    this.ctx.enqueue({ op: 'copyFrom', format: copyType }, () => {
      const dst = this.at();
      const src: Where = typeof source === 'string' ? parseQualified(source, dst.sheet) : source.at();
      copyRange(this.ctx.wb, src, dst, copyType, skipBlanks, transpose);
    });
  }

  select(): void {
    this.ctx.enqueue({ op: 'select' }, () => {
      const at = this.at();
      this.ctx.wb.selection = { sheet: at.sheet, rect: at.rect };
    });
  }
  untrack(): this {
    return this;
  }
  track(): this {
    return this;
  }
}

/** Excel.RangeAreas as returned by getMergedAreasOrNullObject: `address` lists the areas, comma-separated. */
export class RangeAreas extends ClientObject {
  private areas: Where[] = [];
  constructor(ctx: Ctx) {
    super(ctx);
  }
  set(sheet: string, rects: Rect[]): void {
    this.areas = rects.map((rect) => ({ sheet, rect }));
    this.isNullObject = rects.length === 0;
  }
  load(spec?: unknown): this {
    const names = loadNames(spec);
    this.ctx.enqueue({ op: 'load' }, () => this.markLoaded(names));
    return this;
  }
  get address(): string {
    this.need('address');
    return this.areas.map((a) => `${quoteSheet(a.sheet)}!${rectAddress(a.rect)}`).join(',');
  }
  get areaCount(): number {
    this.need('areaCount');
    return this.areas.length;
  }
  get cellCount(): number {
    this.need('cellCount');
    return this.areas.reduce((n, a) => n + a.rect.rows * a.rect.cols, 0);
  }
}

function assertShape(v: Grid, rect: Rect): void {
  if (!Array.isArray(v) || v.length !== rect.rows || v.some((r) => !Array.isArray(r) || r.length !== rect.cols)) {
    throw new ExcelLikeError(
      'InvalidArgument',
      `The number of rows or columns in the input array doesn't match the size or dimensions of the range (${v?.length}×${v?.[0]?.length} for ${rectAddress(rect)}).`,
    );
  }
}
