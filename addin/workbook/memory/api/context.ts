/**
 * The request machinery of the in-memory Excel. Like Office.js it queues every operation on proxy
 * objects and runs them at context.sync()
 * (https://learn.microsoft.com/office/dev/add-ins/excel/excel-add-ins-core-concepts); properties
 * can be read only after load() + sync() (PropertyNotLoaded otherwise,
 * https://learn.microsoft.com/office/dev/add-ins/develop/application-specific-api-model#load). It can
 * record each operation and each sync with its JSON payload size. A sync fails as a whole:
 *  - above the payload limit with RequestPayloadSizeLimitExceeded, as Excel on the web does for
 *    requests over 5 MB (https://learn.microsoft.com/office/dev/add-ins/concepts/resource-limits-and-performance-optimization#excel-add-ins);
 *  - above wb.generalExceptionBytes with GeneralException: large writes on the web also fail below the
 *    documented limit (https://github.com/OfficeDev/office-js/issues/1314, https://github.com/OfficeDev/office-js/issues/1012).
 * There is no transaction: an operation failing inside a sync leaves the ones before it applied
 * (https://learn.microsoft.com/office/dev/add-ins/testing/application-specific-api-error-handling).
 */
import { parseAddress } from '../../address.js';
import { jsonUtf8Bytes, jsonUtf8BytesAtMost } from '../../json-bytes.js';
import { nextTask } from '../../next-task.js';
import { ExcelLikeError } from '../errors.js';
import type { MemTable } from '../types.js';
import type { MemoryWorkbook } from '../workbook.js';
import type { RangeProxy, TableCollectionProxy, TableScopedCollectionProxy, Where, WorksheetProxy } from './types.js';

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

/** An operation's effect at sync; a promise when it is applied in slices (Range.values in the preview). */
type Op = { payload: Record<string, unknown>; apply: () => unknown };

/**
 * The round trip of context.sync(): Office.js sends the queued batch to Excel and resolves when
 * Excel's answer arrives as a message (Excel on the web: window.postMessage between the pane's
 * iframe and Excel's frame; desktop: the host's bridge), i.e. in a later task of the pane's event
 * loop, never in the same one (https://learn.microsoft.com/office/dev/add-ins/excel/excel-add-ins-core-concepts:
 * "sync() ... returns a promise that is resolved when Excel has run the queued commands"). So the
 * pane's thread gets a turn (input, paint, a Cancel click) between two syncs, as in Excel
 * (next-task.ts). Used when ExcelHost.roundTrip is 'task' (the browser preview, main.tsx); unit
 * tests keep the default 'microtask', which their fake clocks rely on.
 */
export { nextTask };

/** What a context needs from MemoryExcel (kept structural to avoid an import cycle). */
export interface ExcelHost {
  readonly wb: MemoryWorkbook;
  readonly record: boolean;
  readonly ops: OpRecord[];
  readonly syncs: SyncRecord[];
  failNextSyncWith: string | null;
  /** 'task': each sync resolves in a later task, as Excel's answer does (nextTask). */
  readonly roundTrip: 'task' | 'microtask';
  isSetSupported(set: string, version: string): boolean;
}

/**
 * The constructors of the proxies that create one another (types.ts), given to every context by
 * excel-api.ts: range.ts, table.ts and worksheet.ts reach each other only through `ctx.make`.
 */
export interface ProxyMakers {
  range(ctx: Ctx, where: () => Where | null): RangeProxy;
  worksheet(ctx: Ctx, resolveName: () => string): WorksheetProxy;
  /** Workbook.tables (sheet = null) or Worksheet.tables. */
  tables(ctx: Ctx, sheet: WorksheetProxy | null): TableCollectionProxy;
  /** Range.getTables(): the tables `list()` gives at each load. */
  scopedTables(ctx: Ctx, list: () => MemTable[]): TableScopedCollectionProxy;
}

export class Ctx {
  private queue: Op[] = [];
  /** Set by excel-api.ts (the proxy tree is built there). */
  workbook!: unknown;
  constructor(
    readonly host: ExcelHost,
    readonly make: ProxyMakers,
  ) {}

  get wb(): MemoryWorkbook {
    return this.host.wb;
  }

  enqueue(payload: Record<string, unknown>, apply: () => unknown = () => undefined): void {
    this.queue.push({ payload, apply });
  }

  /**
   * A member above this Excel's requirement set fails at sync with ApiNotFound ("The API you are
   * trying to use could not be found"; excel.d.ts Excel.ErrorCodes.apiNotFound).
   */
  requires(version: string, member: string): void {
    if (this.host.isSetSupported('ExcelApi', version)) return;
    this.enqueue({ op: member }, () => {
      throw new ExcelLikeError('ApiNotFound', `${member} needs ExcelApi ${version}, which this Excel does not support.`);
    });
  }

  async sync(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    const host = this.host;
    const wb = host.wb;
    // The request's JSON size, counted without building the JSON (json-bytes.ts: the same count).
    // Exactly when the operations are recorded or an upper bound (a walk of typeof and length per
    // value, a tenth of the exact count's CPU on a 5,000 × 10 chunk) does not already put the request within both limits:
    // the same requests fail as with the exact count; syncLog then keeps that bound.
    const payloads = batch.map((b) => b.payload);
    const within = Math.min(wb.payloadLimit, wb.generalExceptionBytes);
    let bytes = host.record ? jsonUtf8Bytes(payloads) : jsonUtf8BytesAtMost(payloads);
    if (bytes > within && !host.record) bytes = jsonUtf8Bytes(payloads);
    const index = host.syncs.length;
    const record: SyncRecord = { bytes, ops: batch.map((b) => String(b.payload.op)) };
    if (host.record) host.syncs.push(record);
    await (host.roundTrip === 'task' ? nextTask() : Promise.resolve());
    const forced = host.failNextSyncWith;
    const failed =
      forced ??
      (bytes > wb.payloadLimit ? 'RequestPayloadSizeLimitExceeded' : bytes > wb.generalExceptionBytes ? 'GeneralException' : null);
    if (failed) {
      host.failNextSyncWith = null;
      record.failed = failed;
      throw new ExcelLikeError(
        failed,
        failed === 'GeneralException' ? 'An internal error has occurred while processing the request.' : 'The request failed.',
      );
    }
    wb.syncLog.push(bytes);
    try {
      for (const b of batch) {
        if (host.record && b.payload.op !== 'load') {
          const { op, address, sheet, values, format } = b.payload as Partial<OpRecord>;
          host.ops.push({ op: String(op), address, sheet, values, format, sync: index });
        }
        const applying = b.apply();
        if (applying instanceof Promise) await applying;
      }
    } catch (e) {
      record.failed = (e as { code?: string }).code ?? 'GeneralException';
      throw e;
    } finally {
      wb.notify();
    }
  }
}

/** Parses Office.js load options: "a,b", ["a","b"], {select: "a,b"} or {a: true}; undefined = everything scalar. */
export function loadNames(spec: unknown): string[] | null {
  if (spec === undefined || spec === null) return null;
  if (typeof spec === 'string')
    return spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(spec)) return spec.flatMap((s) => loadNames(s) ?? []);
  if (typeof spec === 'object') {
    const o = spec as Record<string, unknown>;
    if (typeof o.select === 'string') return loadNames(o.select);
    return Object.keys(o).filter((k) => o[k] && k !== 'expand');
  }
  return null;
}

/** A collection's load names apply to its items, with or without the "items/" prefix (Office.js collection load). */
const itemNamesOf = (names: string[] | null): string[] | null => {
  const items = names?.map((n) => n.replace(/^items\//, '')).filter((n) => n !== 'items' && n !== 'count') ?? null;
  return items && items.length ? items : null;
};

/** "Sheet2!A1:B3" or "A1:B3" (on `sheet`). */
export function parseQualified(address: string, sheet: string): Where {
  const bang = address.lastIndexOf('!');
  const name = bang < 0 ? sheet : address.slice(0, bang).replace(/^'|'$/g, '').replace(/''/g, "'");
  return { sheet: name, rect: parseAddress(address) };
}

/** Base of every proxy: load tracking and PropertyNotLoaded like Office.js client objects. */
export class ClientObject {
  isNullObject = false;
  private loadedAll = false;
  private readonly loadedNames = new Set<string>();
  constructor(readonly ctx: Ctx) {}
  get context(): Ctx {
    return this.ctx;
  }
  protected markLoaded(names: string[] | null): void {
    if (names === null) this.loadedAll = true;
    else for (const n of names) this.loadedNames.add(n.split('/')[0]);
  }
  protected need(prop: string): void {
    if (this.isNullObject)
      throw new ExcelLikeError('InvalidObjectPath', `The object is a null object; check isNullObject before reading "${prop}".`);
    if (!this.loadedAll && !this.loadedNames.has(prop))
      throw new ExcelLikeError(
        'PropertyNotLoaded',
        `The property '${prop}' is not available. Before reading the property's value, call the load method on the containing object and call "context.sync()" on the associated request context.`,
      );
  }
  toJSON(): Record<string, unknown> {
    return {};
  }
}

/**
 * Base of the collections: `items` (and `count`, their number) can be read after load() + sync();
 * load reads them at the sync from `fetch`, which gets the load names meant for the items.
 */
export abstract class ItemCollection<T> extends ClientObject {
  private _items: T[] = [];
  get items(): T[] {
    this.need('items');
    return this._items;
  }
  protected get loadedCount(): number {
    this.need('count');
    return this._items.length;
  }
  protected abstract fetch(itemNames: string[] | null): T[];
  load(spec?: unknown): this {
    const itemNames = itemNamesOf(loadNames(spec));
    this.ctx.enqueue({ op: 'load' }, () => {
      this._items = this.fetch(itemNames);
      this.markLoaded(['items', 'count']);
    });
    return this;
  }
}

/**
 * Base of the proxies of one item (Table, TableColumn, Worksheet, Shape): load() reads the item's
 * properties at the sync (`read`), unless the proxy is a null object; `prop` returns one once loaded.
 */
export abstract class ItemObject<D extends object> extends ClientObject {
  protected data: Partial<D> = {};
  protected abstract read(): D;
  /** Reads the item's properties now (inside a sync). */
  fill(names: string[] | null): void {
    this.data = this.read();
    this.markLoaded(names);
  }
  load(spec?: unknown): this {
    const names = loadNames(spec);
    this.ctx.enqueue({ op: 'load' }, () => {
      if (!this.isNullObject) this.fill(names);
    });
    return this;
  }
  protected prop<K extends keyof D & string>(name: K): D[K] {
    this.need(name);
    return this.data[name] as D[K];
  }
}
