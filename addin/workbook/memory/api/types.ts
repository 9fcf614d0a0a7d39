/**
 * The proxies of api/ as the other proxies see them. range.ts, table.ts and worksheet.ts create one
 * another (a range's worksheet and tables, a worksheet's ranges and tables, a table's ranges and
 * worksheet) through the constructors on the request context (context.ts ProxyMakers, filled in by
 * excel-api.ts), typed by these interfaces, so none of them imports another. Types only.
 */
import type { Rect } from '../../address.js';

/** Where a range is: its sheet's name and its cells. */
export interface Where {
  sheet: string;
  rect: Rect;
}

/** Excel.Range (range.ts). */
export interface RangeProxy {
  isNullObject: boolean;
  /** Where the range is now (inside a sync), or null for a null object. */
  readonly where: () => Where | null;
  load(spec?: unknown): this;
  getUsedRangeOrNullObject(valuesOnly?: boolean): RangeProxy;
}

/** Excel.Worksheet (worksheet.ts). */
export interface WorksheetProxy {
  isNullObject: boolean;
  /** The sheet's current name (inside a sync). */
  readonly resolveName: () => string;
  load(spec?: unknown): this;
}

/** Excel.TableCollection (table.ts): Workbook.tables and Worksheet.tables. */
export interface TableCollectionProxy {
  load(spec?: unknown): this;
}

/** Excel.TableScopedCollection (table.ts): Range.getTables(). */
export interface TableScopedCollectionProxy {
  load(spec?: unknown): this;
}
