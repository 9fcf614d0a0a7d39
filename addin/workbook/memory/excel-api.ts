/**
 * The in-memory Excel behind the one WorkbookGateway: the Office.js Excel API the gateway uses
 * (addin/workbook/excel/gateway.ts), backed by a MemoryWorkbook whose cell and table semantics are
 * Excel's. The proxies live in api/ (context, range, worksheet, table, parts); this file is the entry:
 * MemoryExcel.run(options, batch) gives each batch a fresh request context, as Excel.run does.
 */
import { ClientObject, Ctx, type ExcelHost, type OpRecord, type ProxyMakers, type SyncRecord } from './api/context.js';
import { CustomXmlPartCollection } from './api/parts.js';
import { Range } from './api/range.js';
import { TableCollection, TableScopedCollection } from './api/table.js';
import { Worksheet, WorksheetCollection } from './api/worksheet.js';
import { MemoryWorkbook } from './workbook.js';

export type { OpRecord, SyncRecord } from './api/context.js';

export interface MemoryExcelOptions {
  /** Keep every operation (with its values) and every sync in `ops` / `syncs`: for tests. */
  record?: boolean;
  /** Highest ExcelApi requirement set this "Excel" supports (default 1.17). */
  apiVersion?: string;
  /** When a sync resolves: in a later task, as Excel's answer does ('task', the browser preview), or at once (tests). */
  roundTrip?: 'task' | 'microtask';
}

/** The proxies' constructors, for the ones that create one another (api/types.ts): given to every request context. */
const PROXIES: ProxyMakers = {
  range: (ctx, where) => new Range(ctx, where),
  worksheet: (ctx, resolveName) => new Worksheet(ctx, resolveName),
  tables: (ctx, sheet) => new TableCollection(ctx, sheet),
  scopedTables: (ctx, list) => new TableScopedCollection(ctx, list),
};

export class MemoryExcel implements ExcelHost {
  readonly ops: OpRecord[] = [];
  readonly syncs: SyncRecord[] = [];
  readonly runOptions: unknown[] = [];
  /** Make the next sync fail with this error code (once). */
  failNextSyncWith: string | null = null;
  readonly record: boolean;
  readonly roundTrip: 'task' | 'microtask';
  private readonly apiVersion: number[];

  constructor(
    readonly wb = new MemoryWorkbook(),
    options: MemoryExcelOptions = {},
  ) {
    this.record = options.record ?? false;
    this.roundTrip = options.roundTrip ?? 'microtask';
    this.apiVersion = (options.apiVersion ?? '1.17').split('.').map(Number);
  }

  get payloadLimit(): number {
    return this.wb.payloadLimit;
  }

  /** Excel.run: the batch gets a fresh request context (typed loosely: the gateway casts it). */
  run = async <T>(options: unknown, fn: (ctx: never) => Promise<T>): Promise<T> => {
    if (this.record) this.runOptions.push(options);
    const ctx = new Ctx(this, PROXIES);
    ctx.workbook = new WorkbookProxy(ctx);
    return fn(ctx as never);
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

/** Excel.Workbook: worksheets, tables, names (none), customXmlParts, application, selection. */
class WorkbookProxy extends ClientObject {
  readonly worksheets: WorksheetCollection;
  readonly tables: TableCollection;
  readonly names = { items: [] as { name: string }[], load: () => this.names };
  readonly customXmlParts: CustomXmlPartCollection;
  readonly application: { suspendApiCalculationUntilNextSync(): void; suspendScreenUpdatingUntilNextSync(): void };
  constructor(ctx: Ctx) {
    super(ctx);
    this.worksheets = new WorksheetCollection(ctx);
    this.tables = new TableCollection(ctx, null);
    this.customXmlParts = new CustomXmlPartCollection(ctx);
    this.application = {
      suspendApiCalculationUntilNextSync: () => ctx.enqueue({ op: 'suspendApiCalculationUntilNextSync' }),
      suspendScreenUpdatingUntilNextSync: () => ctx.enqueue({ op: 'suspendScreenUpdatingUntilNextSync' }),
    };
  }
  getSelectedRange(): Range {
    const wb = this.ctx.wb;
    return new Range(this.ctx, () => ({ sheet: wb.selection.sheet, rect: wb.selection.rect }));
  }
}
