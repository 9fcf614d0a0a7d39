/**
 * The in-memory Excel behind the one WorkbookGateway: the Office.js Excel API subset the gateway
 * uses (addin/workbook/excel/gateway.ts), backed by a MemoryWorkbook whose cell and table semantics
 * are Excel's. Like Office.js it queues every operation on proxy objects and runs them at
 * context.sync() (https://learn.microsoft.com/office/dev/add-ins/excel/excel-add-ins-core-concepts);
 * it can record each operation and each sync with its JSON payload size, and rejects a sync over the
 * workbook's payload limit with RequestPayloadSizeLimitExceeded, dropping the whole batch, as Excel
 * on the web does (docs/excel.md#payload-limits).
 */
import { MAX_ROWS, parseAddress, type Rect, rectAddress } from '../address.js';
import { ExcelLikeError, MemoryWorkbook, tableRect } from './workbook.js';

export interface OpRecord {
  op: string;
  address?: string;
  sheet?: string;
  /** Index of the sync that sent this operation (0-based). */
  sync: number;
  values?: unknown[][];
  format?: unknown;
}
export interface SyncRecord {
  bytes: number;
  ops: string[];
  failed?: string;
}

type Op = { payload: Record<string, unknown>; apply: () => void };
const encoder = new TextEncoder();

export interface MemoryExcelOptions {
  /** Keep every operation (with its values) and every sync in `ops` / `syncs`: for tests. */
  record?: boolean;
  /** Highest ExcelApi requirement set this "Excel" supports (default 1.17). */
  apiVersion?: string;
}

export class MemoryExcel {
  readonly ops: OpRecord[] = [];
  readonly syncs: SyncRecord[] = [];
  readonly runOptions: unknown[] = [];
  /** Make the next sync fail with this error code (once). */
  failNextSyncWith: string | null = null;
  readonly record: boolean;
  private readonly apiVersion: number[];

  constructor(
    readonly wb = new MemoryWorkbook(),
    options: MemoryExcelOptions = {},
  ) {
    this.record = options.record ?? false;
    this.apiVersion = (options.apiVersion ?? '1.17').split('.').map(Number);
  }

  get payloadLimit(): number {
    return this.wb.payloadLimit;
  }

  /** Excel.run: the batch gets a fresh request context (typed loosely: the gateway casts it). */
  run = async <T>(options: unknown, fn: (ctx: never) => Promise<T>): Promise<T> => {
    if (this.record) this.runOptions.push(options);
    return fn(new FakeContext(this) as never);
  };

  /** Office.context.requirements.isSetSupported for the ExcelApi sets up to `apiVersion`. */
  isSetSupported = (set: string, version: string): boolean => {
    if (set !== 'ExcelApi') return false;
    const [major, minor] = version.split('.').map(Number);
    return major < this.apiVersion[0] || (major === this.apiVersion[0] && (minor ?? 0) <= this.apiVersion[1]);
  };

  opsNamed(name: string): OpRecord[] {
    return this.ops.filter((o) => o.op === name);
  }
}

class FakeContext {
  private queue: Op[] = [];
  readonly workbook: FakeWorkbookProxy;
  constructor(readonly fake: MemoryExcel) {
    this.workbook = new FakeWorkbookProxy(this);
  }

  enqueue(payload: Record<string, unknown>, apply: () => void = () => undefined): void {
    this.queue.push({ payload, apply });
  }

  async sync(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    const bytes = encoder.encode(JSON.stringify(batch.map((b) => b.payload))).length;
    const index = this.fake.syncs.length;
    const record: SyncRecord = { bytes, ops: batch.map((b) => String(b.payload.op)) };
    if (this.fake.record) this.fake.syncs.push(record);
    await Promise.resolve();
    const forced = this.fake.failNextSyncWith;
    if (forced || bytes > this.fake.payloadLimit) {
      this.fake.failNextSyncWith = null;
      record.failed = forced ?? 'RequestPayloadSizeLimitExceeded';
      throw new ExcelLikeError(record.failed, 'The request failed.');
    }
    this.fake.wb.syncLog.push(bytes);
    // No transaction: operations before a failing one stay applied (docs/excel.md#batching-and-syncs).
    try {
      this.applyAll(batch, index);
    } finally {
      this.fake.wb.notify();
    }
  }

  private applyAll(batch: Op[], index: number): void {
    for (const b of batch) {
      if (this.fake.record && b.payload.op !== 'load') {
        const { op, address, sheet, values, format } = b.payload as {
          op: string;
          address?: string;
          sheet?: string;
          values?: unknown[][];
          format?: unknown;
        };
        this.fake.ops.push({ op, address, sheet, values, format, sync: index });
      }
      b.apply();
    }
  }
}

class FakeWorkbookProxy {
  readonly worksheets: FakeWorksheets;
  readonly tables: FakeTables;
  readonly names = { items: [] as { name: string }[], load: () => this.names };
  readonly customXmlParts: FakeParts;
  readonly application: { suspendApiCalculationUntilNextSync(): void };
  constructor(private readonly ctx: FakeContext) {
    this.worksheets = new FakeWorksheets(ctx);
    this.tables = new FakeTables(ctx, null);
    this.customXmlParts = new FakeParts(ctx);
    this.application = { suspendApiCalculationUntilNextSync: () => ctx.enqueue({ op: 'suspendApiCalculationUntilNextSync' }) };
  }
  getSelectedRange(): FakeRange {
    const wb = this.ctx.fake.wb;
    return new FakeRange(this.ctx, () => ({ sheet: wb.selection.sheet, rect: wb.selection.rect }));
  }
}

class Loadable {
  isNullObject = false;
  protected loaded = false;
  constructor(protected readonly ctx: FakeContext) {}
  protected check(): void {
    if (!this.loaded) throw new Error('PropertyNotLoaded: call load() and context.sync() first.');
  }
}

class FakeWorksheets extends Loadable {
  items: FakeWorksheet[] = [];
  load(): this {
    this.ctx.enqueue({ op: 'load' }, () => {
      this.items = this.ctx.fake.wb.sheets.map((s) => new FakeWorksheet(this.ctx, () => s.name, true));
    });
    return this;
  }
  add(name: string): FakeWorksheet {
    this.ctx.enqueue({ op: 'worksheets.add', sheet: name }, () => void this.ctx.fake.wb.addSheet(name));
    return new FakeWorksheet(this.ctx, () => name, true);
  }
  getItem(name: string): FakeWorksheet {
    return new FakeWorksheet(this.ctx, () => this.ctx.fake.wb.sheet(name).name, true);
  }
  getItemOrNullObject(name: string): FakeWorksheet {
    const ws = new FakeWorksheet(this.ctx, () => this.ctx.fake.wb.sheet(name).name, false);
    this.ctx.enqueue({ op: 'load' }, () => (ws.isNullObject = !this.ctx.fake.wb.findSheet(name)));
    return ws;
  }
}

class FakeWorksheet extends Loadable {
  readonly tables: FakeTables;
  private _name = '';
  constructor(
    ctx: FakeContext,
    readonly resolveName: () => string,
    loadedNow: boolean,
  ) {
    super(ctx);
    this.tables = new FakeTables(ctx, this);
    if (loadedNow) {
      try {
        this._name = resolveName();
        this.loaded = true;
      } catch {
        /* resolved at sync */
      }
    }
  }
  get name(): string {
    this.check();
    return this._name;
  }
  load(): this {
    this.ctx.enqueue({ op: 'load' }, () => {
      if (this.isNullObject) return;
      this._name = this.resolveName();
      this.loaded = true;
    });
    return this;
  }
  /** Worksheet.visibility (settable from ExcelApi 1.2): recorded and applied to the memory sheet. */
  set visibility(value: 'Visible' | 'Hidden' | 'VeryHidden') {
    this.ctx.enqueue({ op: 'worksheet.visibility', value }, () => {
      this.ctx.fake.wb.sheet(this.resolveName()).hidden = value !== 'Visible';
    });
  }
  getRangeByIndexes(row: number, col: number, rows: number, cols: number): FakeRange {
    return new FakeRange(this.ctx, () => ({ sheet: this.resolveName(), rect: { row, col, rows, cols } }));
  }
  getRange(address: string): FakeRange {
    return new FakeRange(this.ctx, () => ({ sheet: this.resolveName(), rect: parseAddress(address) }));
  }
  getUsedRangeOrNullObject(): FakeRange {
    return this.getRangeByIndexes(0, 0, MAX_ROWS, 16_384).getUsedRangeOrNullObject();
  }
  delete(): void {
    this.ctx.enqueue({ op: 'worksheet.delete' }, () => this.ctx.fake.wb.deleteSheet(this.resolveName()));
  }
  activate(): void {
    this.ctx.enqueue(
      { op: 'worksheet.activate' },
      () => (this.ctx.fake.wb.selection = { sheet: this.resolveName(), rect: { row: 0, col: 0, rows: 1, cols: 1 } }),
    );
  }
}

type Where = { sheet: string; rect: Rect };

class FakeRange extends Loadable {
  private data: {
    address: string;
    rowIndex: number;
    columnIndex: number;
    rowCount: number;
    columnCount: number;
    values: unknown[][];
    numberFormat: unknown[][];
  } | null = null;
  constructor(
    ctx: FakeContext,
    private readonly where: () => Where | null,
  ) {
    super(ctx);
  }
  private get d() {
    this.check();
    if (this.isNullObject || !this.data) throw new Error('The object is a null object.');
    return this.data;
  }
  get address() {
    return this.d.address;
  }
  get rowIndex() {
    return this.d.rowIndex;
  }
  get columnIndex() {
    return this.d.columnIndex;
  }
  get rowCount() {
    return this.d.rowCount;
  }
  get columnCount() {
    return this.d.columnCount;
  }
  get worksheet(): FakeWorksheet {
    return new FakeWorksheet(this.ctx, () => this.where()!.sheet, false);
  }
  get values(): unknown[][] {
    return this.d.values;
  }
  set values(v: unknown[][]) {
    const at = this.where()!;
    this.assertShape(v, at.rect);
    this.ctx.enqueue({ op: 'values', sheet: at.sheet, address: rectAddress(at.rect), values: v }, () =>
      v.forEach((r, i) => r.forEach((x, j) => this.ctx.fake.wb.writeValue(at.sheet, at.rect.row + i, at.rect.col + j, x))),
    );
  }
  get numberFormat(): unknown[][] {
    return this.d.numberFormat;
  }
  set numberFormat(f: unknown[][]) {
    const at = this.where()!;
    const broadcast = f.length === 1 && f[0].length === 1;
    if (!broadcast) this.assertShape(f, at.rect);
    this.ctx.enqueue({ op: 'numberFormat', sheet: at.sheet, address: rectAddress(at.rect), format: f }, () => {
      if (broadcast) this.ctx.fake.wb.setFormat(at.sheet, at.rect, String(f[0][0]));
      else
        f.forEach((r, i) =>
          r.forEach(
            (x, j) =>
              x !== null &&
              this.ctx.fake.wb.setFormat(at.sheet, { row: at.rect.row + i, col: at.rect.col + j, rows: 1, cols: 1 }, String(x)),
          ),
        );
    });
  }
  private assertShape(v: unknown[][], rect: Rect): void {
    if (v.length !== rect.rows || v.some((r) => r.length !== rect.cols)) {
      throw new ExcelLikeError('InvalidArgument', `The ${v.length}×${v[0]?.length} array does not match ${rectAddress(rect)}.`);
    }
  }
  load(): this {
    this.ctx.enqueue({ op: 'load' }, () => {
      const at = this.isNullObject ? null : this.where();
      if (!at) return;
      const { rect, sheet } = at;
      const wb = this.ctx.fake.wb;
      const small = rect.rows * rect.cols <= 100_000;
      const grid = (f: (r: number, c: number) => unknown) =>
        small
          ? Array.from({ length: rect.rows }, (_, i) => Array.from({ length: rect.cols }, (_, j) => f(rect.row + i, rect.col + j)))
          : [];
      this.data = {
        address: `${sheet}!${rectAddress(rect)}`,
        rowIndex: rect.row,
        columnIndex: rect.col,
        rowCount: rect.rows,
        columnCount: rect.cols,
        values: grid((r, c) => wb.value(sheet, r, c) ?? ''),
        numberFormat: grid((r, c) => wb.sheet(sheet).get(r, c)?.format ?? 'General'),
      };
      this.loaded = true;
    });
    return this;
  }
  getUsedRangeOrNullObject(): FakeRange {
    let box: Where | null = null;
    const used = new FakeRange(this.ctx, () => box);
    this.ctx.enqueue({ op: 'load' }, () => {
      const at = this.where()!;
      const wb = this.ctx.fake.wb;
      let r0 = Infinity,
        c0 = Infinity,
        r1 = -1,
        c1 = -1;
      for (const { row, col } of wb.sheet(at.sheet).used()) {
        if (row < at.rect.row || row >= at.rect.row + at.rect.rows || col < at.rect.col || col >= at.rect.col + at.rect.cols) continue;
        r0 = Math.min(r0, row);
        c0 = Math.min(c0, col);
        r1 = Math.max(r1, row);
        c1 = Math.max(c1, col);
      }
      used.isNullObject = r1 < 0;
      box = r1 < 0 ? null : { sheet: at.sheet, rect: { row: r0, col: c0, rows: r1 - r0 + 1, cols: c1 - c0 + 1 } };
    });
    return used;
  }
  getRow(i: number): FakeRange {
    return new FakeRange(this.ctx, () => {
      const at = this.where()!;
      return { sheet: at.sheet, rect: { ...at.rect, row: at.rect.row + i, rows: 1 } };
    });
  }
  clear(applyTo: 'All' | 'Contents' = 'All'): void {
    const at = this.where()!;
    this.ctx.enqueue({ op: 'clear', sheet: at.sheet, address: rectAddress(at.rect), format: applyTo }, () =>
      this.ctx.fake.wb.clear(at.sheet, at.rect, applyTo === 'All' ? 'all' : 'contents'),
    );
  }
  select(): void {
    this.ctx.enqueue({ op: 'select' }, () => {
      const at = this.where()!;
      this.ctx.fake.wb.selection = { sheet: at.sheet, rect: at.rect };
    });
  }
  untrack(): this {
    return this;
  }
}

class FakeTables extends Loadable {
  items: FakeTable[] = [];
  constructor(
    ctx: FakeContext,
    private readonly sheet: FakeWorksheet | null,
  ) {
    super(ctx);
  }
  load(): this {
    this.ctx.enqueue({ op: 'load' }, () => {
      this.items = this.ctx.fake.wb.tables.map((t) => new FakeTable(this.ctx, t.name));
    });
    return this;
  }
  add(address: string, hasHeaders: boolean): FakeTable {
    const table = new FakeTable(this.ctx, `Table${this.ctx.fake.wb.tables.length + 1}`);
    this.ctx.enqueue({ op: 'tables.add', address, sheet: this.sheet?.resolveName() }, () => {
      if (!hasHeaders) throw new Error('The fake only supports tables with headers.');
      let k = 1;
      while (this.ctx.fake.wb.findTable(`Table${k}`)) k++;
      const name = `Table${k}`; // Excel's default name; the caller renames it
      this.ctx.fake.wb.addTable(this.sheet!.resolveName(), parseAddress(address), name);
      table.rename(name);
    });
    return table;
  }
  getItemOrNullObject(name: string): FakeTable {
    const t = new FakeTable(this.ctx, name);
    this.ctx.enqueue({ op: 'load' }, () => (t.isNullObject = !this.ctx.fake.wb.findTable(name)));
    return t;
  }
}

class FakeTable extends Loadable {
  readonly columns: { add: (index?: number, values?: unknown, name?: string) => void };
  readonly sort: { fields: unknown[]; load: () => FakeTable['sort']; reapply: () => void };
  constructor(
    ctx: FakeContext,
    private tableName: string,
  ) {
    super(ctx);
    this.loaded = true;
    this.columns = {
      add: (index, _values, name) =>
        this.ctx.enqueue({ op: 'columns.add', format: name }, () => {
          const t = this.t();
          if (index !== undefined && index !== t.cols) throw new Error('The fake only appends columns.');
          const next = { ...tableRect(t), cols: t.cols + 1 };
          this.ctx.fake.wb.resizeTable(t.name, next);
          if (name) this.ctx.fake.wb.writeValue(t.sheet, t.row, t.col + t.cols - 1, name);
        }),
    };
    this.sort = { fields: [], load: () => this.sort, reapply: () => this.ctx.enqueue({ op: 'sort.reapply' }) };
  }
  private t() {
    const t = this.ctx.fake.wb.findTable(this.tableName);
    if (!t) throw new ExcelLikeError('ItemNotFound', `No table ${this.tableName}`);
    return t;
  }
  rename(n: string) {
    this.tableName = n;
  }
  get name(): string {
    return this.tableName;
  }
  set name(n: string) {
    this.ctx.enqueue({ op: 'table.name', format: n }, () => {
      const t = this.t();
      if (this.ctx.fake.wb.tables.some((o) => o !== t && o.name.toLowerCase() === n.toLowerCase()))
        throw new ExcelLikeError('InvalidArgument', 'name taken');
      t.name = n;
      this.tableName = n;
    });
  }
  load(): this {
    return this;
  }
  get worksheet(): FakeWorksheet {
    return new FakeWorksheet(this.ctx, () => this.t().sheet, false);
  }
  getRange(): FakeRange {
    return new FakeRange(this.ctx, () => ({ sheet: this.t().sheet, rect: tableRect(this.t()) }));
  }
  getHeaderRowRange(): FakeRange {
    return new FakeRange(this.ctx, () => ({ sheet: this.t().sheet, rect: { ...tableRect(this.t()), rows: 1 } }));
  }
  getDataBodyRange(): FakeRange {
    return new FakeRange(this.ctx, () => {
      const t = this.t();
      return { sheet: t.sheet, rect: { row: t.row + 1, col: t.col, rows: t.rows, cols: t.cols } };
    });
  }
  resize(range: FakeRange): void {
    this.ctx.enqueue({ op: 'table.resize' }, () => {
      const at = (range as unknown as { where: () => Where }).where();
      this.ctx.fake.wb.resizeTable(this.t().name, at.rect);
    });
  }
  delete(): void {
    this.ctx.enqueue({ op: 'table.delete' }, () => this.ctx.fake.wb.deleteTable(this.t().name));
  }
  reapplyFilters(): void {
    this.ctx.enqueue({ op: 'reapplyFilters' });
  }
}

class FakeParts {
  constructor(private readonly ctx: FakeContext) {}
  add(xml: string): void {
    this.ctx.enqueue({ op: 'customXmlParts.add' }, () => void this.ctx.fake.wb.addPart(xml));
  }
  getByNamespace(ns: string) {
    const ctx = this.ctx;
    const scoped = {
      items: [] as { id: string; getXml(): { value: string }; setXml(x: string): void; delete(): void }[],
      load() {
        ctx.enqueue({ op: 'load' }, () => {
          scoped.items = ctx.fake.wb.partsByNamespace(ns).map((p) => ({
            id: p.id,
            getXml() {
              const result = { value: '' };
              ctx.enqueue({ op: 'load' }, () => (result.value = ctx.fake.wb.parts.find((q) => q.id === p.id)?.xml ?? ''));
              return result;
            },
            setXml(x: string) {
              ctx.enqueue({ op: 'customXmlPart.setXml' }, () => {
                const q = ctx.fake.wb.parts.find((q2) => q2.id === p.id);
                if (q) q.xml = x;
              });
            },
            delete() {
              ctx.enqueue({ op: 'customXmlPart.delete' }, () => ctx.fake.wb.deletePart(p.id));
            },
          }));
        });
        return scoped;
      },
    };
    return scoped;
  }
}
