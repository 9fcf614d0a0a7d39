/**
 * Excel.TableCollection, Table, TableColumnCollection, TableColumn, Filter, TableSort and
 * TableRowCollection (excel.d.ts) over the in-memory workbook; the behaviour itself is in
 * ../tables.ts and ../table-view.ts.
 */
import { parseAddress, type Rect } from '../../address.js';
import { ExcelLikeError } from '../errors.js';
import { applyFilter, clearFilters, reapplyFilters, reapplySort, sortTable } from '../table-view.js';
import { dataRect, tableRect, totalsRow } from '../tables.js';
import type { FilterCriteria, MemTable, SortField } from '../types.js';
import { ClientObject, type Ctx, ItemCollection, ItemObject, loadNames, parseQualified } from './context.js';
import type { RangeProxy, TableCollectionProxy, TableScopedCollectionProxy, Where, WorksheetProxy } from './types.js';

/** Workbook.tables (sheet = null) or Worksheet.tables. */
export class TableCollection extends ItemCollection<Table> implements TableCollectionProxy {
  constructor(
    ctx: Ctx,
    private readonly sheet: WorksheetProxy | null,
  ) {
    super(ctx);
  }
  private sheetName(): string | undefined {
    try {
      return this.sheet?.resolveName();
    } catch {
      return undefined;
    }
  }
  private list(): MemTable[] {
    return this.sheet ? this.ctx.wb.tableOps.onSheet(this.sheet.resolveName()) : this.ctx.wb.tables;
  }
  get count(): number {
    return this.loadedCount;
  }
  protected fetch(itemNames: string[] | null): Table[] {
    return this.list().map((t) => Table.of(this.ctx, t, itemNames));
  }
  /**
   * tables.add(address | Range, hasHeaders): Excel's default name is "Table<n>"; the range must not
   * overlap another table or merged cells, and the sheet must not be protected (../tables.ts).
   */
  add(address: RangeProxy | string, hasHeaders: boolean): Table {
    const label = typeof address === 'string' ? address : undefined;
    let made: MemTable | null = null;
    const table = new Table(this.ctx, () => {
      if (!made) throw new ExcelLikeError('ItemNotFound', 'The table was not created.');
      return made;
    });
    this.ctx.enqueue({ op: 'tables.add', address: label, sheet: this.sheetName() }, () => {
      const where: Where =
        typeof address === 'string'
          ? address.includes('!') || !this.sheet
            ? parseQualified(address, this.sheet?.resolveName() ?? this.ctx.wb.selection.sheet)
            : { sheet: this.sheet.resolveName(), rect: parseAddress(address) }
          : address.where()!;
      let k = 1;
      while (this.ctx.wb.findTable(`Table${k}`)) k++;
      made = this.ctx.wb.tableOps.add(where.sheet, where.rect, `Table${k}`, hasHeaders);
    });
    return table;
  }
  getItem(name: string): Table {
    return new Table(this.ctx, () => this.ctx.wb.tableOps.get(name));
  }
  getItemOrNullObject(name: string): Table {
    const t = new Table(this.ctx, () => this.ctx.wb.tableOps.get(name));
    this.ctx.enqueue({ op: 'load' }, () => (t.isNullObject = !this.list().some((x) => x.name.toLowerCase() === name.toLowerCase())));
    return t;
  }
  getCount(): { value: number } {
    const out = { value: 0 };
    this.ctx.enqueue({ op: 'load' }, () => (out.value = this.list().length));
    return out;
  }
}

/** Range.getTables(fullyContained) result (ExcelApi 1.9). */
export class TableScopedCollection extends ItemCollection<Table> implements TableScopedCollectionProxy {
  constructor(
    ctx: Ctx,
    private readonly list: () => MemTable[],
  ) {
    super(ctx);
  }
  protected fetch(itemNames: string[] | null): Table[] {
    return this.list().map((t) => Table.of(this.ctx, t, itemNames));
  }
  getFirst(): Table {
    return new Table(this.ctx, () => {
      const t = this.list()[0];
      if (!t) throw new ExcelLikeError('ItemNotFound', 'The range has no table.');
      return t;
    });
  }
}

export class Table extends ItemObject<{ name: string; showTotals: boolean; id: string; showHeaders: boolean }> {
  readonly columns: TableColumnCollection;
  readonly rows: TableRowCollection;
  readonly sort: TableSort;
  private ref: MemTable | null = null;
  constructor(
    ctx: Ctx,
    private readonly lookup: () => MemTable,
  ) {
    super(ctx);
    this.columns = new TableColumnCollection(ctx, this);
    this.rows = new TableRowCollection(ctx, this);
    this.sort = new TableSort(ctx, this);
  }
  static of(ctx: Ctx, t: MemTable, names: string[] | null): Table {
    const p = new Table(ctx, () => t);
    p.fill(names);
    return p;
  }
  /** The table this proxy points at (followed through renames; ItemNotFound once deleted). */
  t(): MemTable {
    if (this.ref && this.ctx.wb.tables.includes(this.ref)) return this.ref;
    if (this.ref) throw new ExcelLikeError('ItemNotFound', `The table "${this.ref.name}" does not exist any more.`);
    this.ref = this.lookup();
    return this.ref;
  }
  protected read() {
    const t = this.t();
    return { name: t.name, showTotals: t.showTotals, id: `{table-${t.name}}`, showHeaders: true };
  }
  private range(f: (t: MemTable) => Rect): RangeProxy {
    return this.ctx.make.range(this.ctx, () => ({ sheet: this.t().sheet, rect: f(this.t()) }));
  }
  get name(): string {
    return this.prop('name');
  }
  set name(n: string) {
    this.ctx.enqueue({ op: 'table.name', format: n }, () => {
      this.ctx.wb.tableOps.rename(this.t(), n);
      this.data.name = n;
    });
  }
  get showTotals(): boolean {
    return this.prop('showTotals');
  }
  set showTotals(on: boolean) {
    this.ctx.enqueue({ op: 'table.showTotals', format: on }, () => this.ctx.wb.tableOps.setShowTotals(this.t(), on));
  }
  /** The table's worksheet, bound at the next sync like an Office.js navigation property (it outlives a later Table.delete). */
  get worksheet(): WorksheetProxy {
    let name: string | null = null;
    this.ctx.enqueue({ op: 'load' }, () => {
      if (!this.isNullObject) name = this.t().sheet;
    });
    return this.ctx.make.worksheet(this.ctx, () => name ?? (name = this.t().sheet));
  }
  /** Header, data and — when shown — the totals row (excel.d.ts Table.getRange). */
  getRange(): RangeProxy {
    return this.range(tableRect);
  }
  getHeaderRowRange(): RangeProxy {
    return this.range((t) => ({ ...tableRect(t), rows: 1 }));
  }
  /** The data rows only: no header, no totals row. */
  getDataBodyRange(): RangeProxy {
    return this.range(dataRect);
  }
  /** Verify in Excel: with the totals row hidden the range is invalid; we fail with InvalidOperation. */
  getTotalRowRange(): RangeProxy {
    return this.range((t) => {
      if (!t.showTotals) throw new ExcelLikeError('InvalidOperation', `The table "${t.name}" has no totals row.`);
      return { row: totalsRow(t), col: t.col, rows: 1, cols: t.cols };
    });
  }
  /** Table.resize(range | address) (ExcelApi 1.13). */
  resize(newRange: RangeProxy | string): void {
    this.ctx.requires('1.13', 'Table.resize');
    this.ctx.enqueue({ op: 'table.resize', address: typeof newRange === 'string' ? newRange : undefined }, () => {
      const t = this.t();
      const at = typeof newRange === 'string' ? parseQualified(newRange, t.sheet) : newRange.where()!;
      if (at.sheet.toLowerCase() !== t.sheet.toLowerCase())
        throw new ExcelLikeError('InvalidArgument', 'The new range is on another sheet.');
      this.ctx.wb.tableOps.resize(t, at.rect);
    });
  }
  delete(): void {
    this.ctx.enqueue({ op: 'table.delete' }, () => this.ctx.wb.tableOps.remove(this.t(), true));
  }
  convertToRange(): RangeProxy {
    let rect: Where | null = null;
    this.ctx.enqueue({ op: 'table.convertToRange' }, () => {
      const t = this.t();
      rect = { sheet: t.sheet, rect: tableRect(t) };
      this.ctx.wb.tableOps.remove(t, false);
    });
    return this.ctx.make.range(this.ctx, () => rect);
  }
  clearFilters(): void {
    this.ctx.enqueue({ op: 'clearFilters' }, () => clearFilters(this.ctx.wb, this.t()));
  }
  reapplyFilters(): void {
    this.ctx.enqueue({ op: 'reapplyFilters' }, () => reapplyFilters(this.ctx.wb, this.t()));
  }
}

export class TableColumnCollection extends ItemCollection<TableColumn> {
  constructor(
    ctx: Ctx,
    private readonly table: Table,
  ) {
    super(ctx);
  }
  get count(): number {
    return this.loadedCount;
  }
  protected fetch(itemNames: string[] | null): TableColumn[] {
    return Array.from({ length: this.table.t().cols }, (_, k) => {
      const c = new TableColumn(this.ctx, this.table, () => k);
      c.fill(itemNames);
      return c;
    });
  }
  /** TableColumnCollection.add(index?, values?, name?) — see Tables.addColumn. */
  add(index?: number | null, values?: unknown, name?: string | null): TableColumn {
    let at = -1;
    this.ctx.enqueue({ op: 'columns.add', format: name ?? undefined }, () => {
      at = this.ctx.wb.tableOps.addColumn(this.table.t(), index, values, name);
    });
    return new TableColumn(this.ctx, this.table, () => {
      if (at < 0) throw new ExcelLikeError('ItemNotFound', 'The column was not added.');
      return at;
    });
  }
  private byName(name: string): number {
    const k = this.ctx.wb.tableHeaders(this.table.t()).findIndex((h) => h.toLowerCase() === name.toLowerCase());
    if (k < 0) throw new ExcelLikeError('ItemNotFound', `The table has no column "${name}".`);
    return k;
  }
  getItem(key: string | number): TableColumn {
    return new TableColumn(this.ctx, this.table, () => (typeof key === 'number' ? key : this.byName(key)));
  }
  getItemAt(index: number): TableColumn {
    return new TableColumn(this.ctx, this.table, () => {
      if (index < 0 || index >= this.table.t().cols) throw new ExcelLikeError('ItemNotFound', `The table has no column ${index}.`);
      return index;
    });
  }
  getItemOrNullObject(key: string | number): TableColumn {
    const c = this.getItem(key);
    this.ctx.enqueue({ op: 'load' }, () => {
      try {
        c.index0();
      } catch {
        c.isNullObject = true;
      }
    });
    return c;
  }
}

export class TableColumn extends ItemObject<{ name: string; index: number; id: number }> {
  readonly filter: Filter;
  constructor(
    ctx: Ctx,
    readonly table: Table,
    private readonly at: () => number,
  ) {
    super(ctx);
    this.filter = new Filter(ctx, this);
  }
  index0(): number {
    const k = this.at();
    if (k < 0 || k >= this.table.t().cols) throw new ExcelLikeError('ItemNotFound', 'The column does not exist.');
    return k;
  }
  protected read() {
    const k = this.index0();
    return { name: this.ctx.wb.tableHeaders(this.table.t())[k], index: k, id: k + 1 };
  }
  get name(): string {
    return this.prop('name');
  }
  get index(): number {
    return this.prop('index');
  }
  private range(f: (t: MemTable, k: number) => Rect): RangeProxy {
    return this.ctx.make.range(this.ctx, () => ({ sheet: this.table.t().sheet, rect: f(this.table.t(), this.index0()) }));
  }
  getRange(): RangeProxy {
    return this.range((t, k) => ({ ...tableRect(t), col: t.col + k, cols: 1 }));
  }
  getHeaderRowRange(): RangeProxy {
    return this.range((t, k) => ({ row: t.row, col: t.col + k, rows: 1, cols: 1 }));
  }
  getDataBodyRange(): RangeProxy {
    return this.range((t, k) => ({ ...dataRect(t), col: t.col + k, cols: 1 }));
  }
  getTotalRowRange(): RangeProxy {
    return this.range((t, k) => {
      if (!t.showTotals) throw new ExcelLikeError('InvalidOperation', `The table "${t.name}" has no totals row.`);
      return { row: totalsRow(t), col: t.col + k, rows: 1, cols: 1 };
    });
  }
  delete(): void {
    this.ctx.enqueue({ op: 'column.delete' }, () => this.ctx.wb.tableOps.deleteColumn(this.table.t(), this.index0()));
  }
}

/** TableColumn.filter (excel.d.ts Excel.Filter): the column's criteria; applying hides failing rows. */
export class Filter extends ClientObject {
  private _criteria: FilterCriteria | null = null;
  constructor(
    ctx: Ctx,
    private readonly column: TableColumn,
  ) {
    super(ctx);
  }
  private set(criteria: FilterCriteria | null, op: string): void {
    this.ctx.enqueue({ op, format: criteria as never }, () =>
      applyFilter(this.ctx.wb, this.column.table.t(), this.column.index0(), criteria),
    );
  }
  apply(criteria: FilterCriteria): void {
    this.set(criteria, 'filter.apply');
  }
  applyValuesFilter(values: unknown[]): void {
    this.set({ filterOn: 'Values', values }, 'filter.apply');
  }
  applyCustomFilter(criteria1: string, criteria2?: string, oper?: 'And' | 'Or'): void {
    this.set({ filterOn: 'Custom', criterion1: criteria1, criterion2: criteria2, operator: oper }, 'filter.apply');
  }
  applyTopItemsFilter(count: number): void {
    this.set({ filterOn: 'TopItems', criterion1: String(count) }, 'filter.apply');
  }
  applyBottomItemsFilter(count: number): void {
    this.set({ filterOn: 'BottomItems', criterion1: String(count) }, 'filter.apply');
  }
  clear(): void {
    this.set(null, 'filter.clear');
  }
  load(spec?: unknown): this {
    const names = loadNames(spec);
    this.ctx.enqueue({ op: 'load' }, () => {
      const c = this.column.table.t().columns[this.column.index0()].filter;
      this._criteria = c ? { ...c } : null;
      this.markLoaded(names);
    });
    return this;
  }
  get criteria(): FilterCriteria | null {
    this.need('criteria');
    return this._criteria;
  }
}

/** Table.sort (excel.d.ts TableSort, ExcelApi 1.2). */
export class TableSort extends ClientObject {
  private _fields: SortField[] = [];
  constructor(
    ctx: Ctx,
    private readonly table: Table,
  ) {
    super(ctx);
  }
  apply(fields: SortField[]): void {
    this.ctx.enqueue({ op: 'sort.apply', format: fields as never }, () => sortTable(this.ctx.wb, this.table.t(), fields));
  }
  reapply(): void {
    this.ctx.enqueue({ op: 'sort.reapply' }, () => reapplySort(this.ctx.wb, this.table.t()));
  }
  clear(): void {
    this.ctx.enqueue({ op: 'sort.clear' }, () => {
      this.ctx.wb.guard(this.table.t().sheet, 'TableSort.clear');
      this.table.t().sortFields = [];
    });
  }
  load(spec?: unknown): this {
    const names = loadNames(spec);
    this.ctx.enqueue({ op: 'load' }, () => {
      this._fields = this.table.t().sortFields.map((f) => ({ ...f }));
      this.markLoaded(names);
    });
    return this;
  }
  get fields(): SortField[] {
    this.need('fields');
    return this._fields;
  }
}

/** Table.rows: add (append), count, getItemAt(i).delete(), deleteRowsAt (ExcelApi 1.14). */
export class TableRowCollection extends ClientObject {
  private _count = 0;
  constructor(
    ctx: Ctx,
    private readonly table: Table,
  ) {
    super(ctx);
  }
  get count(): number {
    this.need('count');
    return this._count;
  }
  load(spec?: unknown): this {
    const names = loadNames(spec);
    this.ctx.enqueue({ op: 'load' }, () => {
      this._count = this.table.t().rows;
      this.markLoaded(names ?? ['count']);
    });
    return this;
  }
  add(index?: number | null, values?: unknown[][]): void {
    this.ctx.enqueue({ op: 'rows.add', values }, () => {
      const t = this.table.t();
      this.ctx.wb.tableOps.addRows(t, index, values ?? [Array<unknown>(t.cols).fill(null)]);
    });
  }
  getItemAt(index: number): { delete(): void; getRange(): RangeProxy } {
    return {
      delete: () => this.deleteRowsAt(index, 1),
      getRange: () =>
        this.ctx.make.range(this.ctx, () => {
          const t = this.table.t();
          return { sheet: t.sheet, rect: { row: t.row + 1 + index, col: t.col, rows: 1, cols: t.cols } };
        }),
    };
  }
  deleteRowsAt(index: number, count = 1): void {
    this.ctx.enqueue({ op: 'rows.delete' }, () => this.ctx.wb.tableOps.deleteRows(this.table.t(), index, count));
  }
}
