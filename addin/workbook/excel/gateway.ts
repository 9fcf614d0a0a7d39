/**
 * ExcelWorkbookGateway: the one WorkbookGateway, over Office.js (with the other files of excel/, the
 * only code that references `Excel.` / `Office.`). Every batch runs in Excel.run({ delayForCellEdit:
 * true }) so a scheduled refresh waits while the user is typing in a cell instead of failing
 * (docs/excel.md#batching-and-syncs). `run` and `isSetSupported` are injectable: the browser preview
 * and the tests run this same gateway over the in-memory Excel (addin/workbook/memory/gateway.ts).
 * New tables: write-table.ts; refreshes: refresh.ts (stage and swap); room checks: room.ts.
 */
import type { CellValue, ColumnSpec } from '../../../common/stream.js';
import { parseAddress } from '../address.js';
import { base64Bytes } from '../base64.js';
import type { ChunkBudget } from '../chunks.js';
import { assertRootNamespace } from '../custom-xml.js';
import {
  type DataArea,
  type PictureInfo,
  type PictureRequest,
  type ReadRowsOptions,
  type ReplaceOptions,
  type ReplaceResult,
  type ResultColumn,
  type RowSource,
  type SelectionInfo,
  type TableInfo,
  type TableShape,
  type TargetCheck,
  WorkbookError,
  type WorkbookGateway,
  type WriteOptions,
  type WriteTarget,
  type WrittenTable,
} from '../gateway.js';
import { pictureSize, pngPixelSize } from '../picture-placement.js';
import { tableArea, validateShape } from '../target.js';
import { asWorkbookError, throwIfAborted } from '../write-core.js';
import { markChangesIn } from './mark-changes.js';
import { type HeaderNote, setHeaderNotesIn } from './notes.js';
import { insertPictureIn, replacePictureIn } from './pictures.js';
import { readRowsIn } from './read-table.js';
import { replaceIn } from './refresh.js';
import { writeResultColumnIn } from './result-column.js';
import { queueRoomReads, targetCheck } from './room.js';
import { isStagingSheet } from './staging.js';
import { writeTableIn } from './write-table.js';

export type ExcelRun = <T>(options: Excel.RunOptions, batch: (ctx: Excel.RequestContext) => Promise<T>) => Promise<T>;

interface ExcelGatewayOptions {
  /** 'memory' when `run` is the in-memory Excel (addin/workbook/memory/gateway.ts). */
  kind?: 'excel' | 'memory';
  run?: ExcelRun;
  isSetSupported?: (set: string, version: string) => boolean;
  budget?: Partial<ChunkBudget>;
}

const stripSheet = (address: string) => address.slice(address.lastIndexOf('!') + 1);

export class ExcelWorkbookGateway implements WorkbookGateway {
  readonly kind: 'excel' | 'memory';
  private readonly runImpl: ExcelRun;
  private readonly isSetSupported: (set: string, version: string) => boolean;

  constructor(private readonly options: ExcelGatewayOptions = {}) {
    this.kind = options.kind ?? 'excel';
    this.runImpl = options.run ?? ((o, fn) => Excel.run(o, fn));
    this.isSetSupported = options.isSetSupported ?? ((s, v) => Office.context.requirements.isSetSupported(s, v));
  }

  private async run<T>(fn: (ctx: Excel.RequestContext) => Promise<T>): Promise<T> {
    try {
      return await this.runImpl({ delayForCellEdit: true }, fn);
    } catch (e) {
      throw asWorkbookError(e);
    }
  }

  private batch(ctx: Excel.RequestContext) {
    return {
      ctx,
      budget: this.options.budget,
      supports: (version: string) => this.isSetSupported('ExcelApi', version),
      require: (version: string, what: string) => this.require(version, what),
    };
  }

  private require(version: string, what: string): void {
    if (!this.isSetSupported('ExcelApi', version)) {
      throw new WorkbookError(
        'unsupported',
        `${what} needs a newer Excel (ExcelApi ${version}: Microsoft 365, Excel 2021 or later, or Excel on the web).`,
      );
    }
  }

  async getSelection(): Promise<SelectionInfo> {
    return this.run(async (ctx) => {
      const range = ctx.workbook.getSelectedRange().load('address,rowIndex,columnIndex');
      const ws = range.worksheet.load('name');
      await ctx.sync();
      return { sheet: ws.name, address: stripSheet(range.address), row: range.rowIndex, column: range.columnIndex };
    });
  }

  async listSheets(): Promise<string[]> {
    return this.run(async (ctx) => {
      const sheets = ctx.workbook.worksheets.load('items/name');
      await ctx.sync();
      return sheets.items.map((s) => s.name).filter((name) => !isStagingSheet(name));
    });
  }

  async listTables(): Promise<TableInfo[]> {
    return this.run(async (ctx) => {
      const tables = ctx.workbook.tables.load('items/name');
      await ctx.sync();
      const loaded = tables.items.map((t) => ({
        t,
        ws: t.worksheet.load('name'),
        range: t.getRange().load('address,rowCount,columnCount'),
        body: t.getDataBodyRange().load('rowCount'),
        header: t.getHeaderRowRange().load('values'),
      }));
      await ctx.sync();
      return loaded.map(({ t, ws, range, body, header }) => ({
        name: t.name,
        sheet: ws.name,
        address: stripSheet(range.address),
        headers: (header.values[0] ?? []).map(String),
        rowCount: body.rowCount,
        columnCount: range.columnCount,
      }));
    });
  }

  async getTable(name: string): Promise<TableInfo | null> {
    return (await this.listTables()).find((t) => t.name.toLowerCase() === name.toLowerCase()) ?? null;
  }

  async checkTarget(target: WriteTarget, shape: TableShape): Promise<TargetCheck> {
    validateShape(shape);
    if (target.kind === 'newSheet') return { ok: true, address: 'A1' };
    const at = parseAddress(target.address);
    return this.run(async (ctx) => {
      const sheet = ctx.workbook.worksheets.getItemOrNullObject(target.sheet).load('name');
      await ctx.sync();
      if (sheet.isNullObject) throw new WorkbookError('not-found', `The sheet "${target.sheet}" does not exist.`);
      const reads = queueRoomReads(sheet, tableArea(at.row, at.col, shape), (v) => this.isSetSupported('ExcelApi', v));
      await ctx.sync();
      return targetCheck(sheet.name, reads);
    });
  }

  async writeTable(target: WriteTarget, columns: ColumnSpec[], rows: RowSource, opts: WriteOptions): Promise<WrittenTable> {
    const totalRows = Array.isArray(rows) ? rows.length : opts.totalRows;
    validateShape({ rows: totalRows ?? 0, columns: columns.length });
    throwIfAborted(opts.signal);
    return this.run((ctx) => writeTableIn(this.batch(ctx), target, columns, rows, opts, totalRows));
  }

  async replaceTableData(tableName: string, columns: ColumnSpec[], rows: CellValue[][], opts: ReplaceOptions): Promise<ReplaceResult> {
    throwIfAborted(opts.signal);
    return this.run((ctx) => replaceIn(this.batch(ctx), tableName, columns, rows, opts));
  }

  async readTableRows(
    tableName: string,
    columns: readonly string[],
    onRows: (rows: CellValue[][]) => void,
    opts: ReadRowsOptions = {},
  ): Promise<number> {
    throwIfAborted(opts.signal);
    return this.run((ctx) => readRowsIn(ctx, tableName, columns, onRows, opts));
  }

  async writeResultColumn(tableName: string, header: string, texts: readonly string[]): Promise<ResultColumn> {
    return this.run((ctx) => writeResultColumnIn(this.batch(ctx), tableName, header, texts));
  }

  async markChanges(tableName: string, areas: readonly DataArea[]): Promise<void> {
    this.require('1.6', 'Highlighting what a refresh changed (conditional formats)');
    return this.run((ctx) => markChangesIn(ctx, tableName, areas));
  }

  supportsNotes(): boolean {
    return this.isSetSupported('ExcelApi', '1.18');
  }

  async setHeaderNotes(tableName: string, notes: readonly HeaderNote[]): Promise<number> {
    this.require('1.18', 'Notes on the header cells');
    return this.run(async (ctx) => setHeaderNotesIn(ctx, await this.table(ctx, tableName), notes));
  }

  async activateTable(name: string): Promise<void> {
    return this.run(async (ctx) => {
      const table = await this.table(ctx, name);
      table.worksheet.activate();
      table.getRange().select();
      await ctx.sync();
    });
  }

  async deleteTable(name: string, opts: { clearData?: boolean } = {}): Promise<void> {
    return this.run(async (ctx) => {
      const table = await this.table(ctx, name);
      const range = table.getRange().load('address');
      const ws = table.worksheet;
      await ctx.sync();
      // Table.delete() takes the table's cells with it; convertToRange() keeps the data as plain
      // cells (excel.d.ts Excel.Table: "All data is preserved"), which is what "remove the table,
      // keep the data" means.
      if (opts.clearData) {
        table.delete();
        ws.getRange(stripSheet(range.address)).clear('All');
      } else table.convertToRange();
      await ctx.sync();
    });
  }

  async setSheetVisible(sheet: string, visible: boolean): Promise<void> {
    return this.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItemOrNullObject(sheet);
      await ctx.sync();
      if (ws.isNullObject) throw new WorkbookError('not-found', `The sheet "${sheet}" does not exist.`);
      ws.visibility = visible ? 'Visible' : 'Hidden';
      await ctx.sync();
    });
  }

  private async table(ctx: Excel.RequestContext, name: string): Promise<Excel.Table> {
    const table = ctx.workbook.tables.getItemOrNullObject(name);
    await ctx.sync();
    if (table.isNullObject) throw new WorkbookError('not-found', `The table "${name}" does not exist.`);
    return table;
  }

  supportsPictures(): boolean {
    return this.isSetSupported('ExcelApi', '1.9');
  }

  async insertPicture(req: PictureRequest): Promise<PictureInfo> {
    this.require('1.9', 'Pictures of views (the shapes API)');
    const px = pngPixelSize(base64Bytes(req.base64, 32));
    if (!px) throw new WorkbookError('invalid-input', 'The picture is not a PNG image.');
    return this.run((ctx) => insertPictureIn(ctx, { ...req, size: pictureSize(px) }));
  }

  async replacePicture(req: { sheet: string; name: string; base64: string; table?: string }): Promise<PictureInfo | null> {
    this.require('1.9', 'Pictures of views (the shapes API)');
    return this.run((ctx) => replacePictureIn(ctx, req));
  }

  async readDocument(namespace: string): Promise<string | null> {
    this.require('1.5', 'Saving refresh definitions in the workbook (custom XML parts)');
    return this.run(async (ctx) => {
      const parts = ctx.workbook.customXmlParts.getByNamespace(namespace).load('items/id');
      await ctx.sync();
      if (parts.items.length === 0) return null;
      const xml = parts.items[0].getXml();
      await ctx.sync();
      return xml.value;
    });
  }

  async writeDocument(namespace: string, xml: string): Promise<void> {
    assertRootNamespace(namespace, xml);
    this.require('1.5', 'Saving refresh definitions in the workbook (custom XML parts)');
    return this.run(async (ctx) => {
      const parts = ctx.workbook.customXmlParts.getByNamespace(namespace).load('items/id');
      await ctx.sync();
      // Replace in place (keeps the part's id); drop duplicates a co-author may have added.
      const [keep, ...extra] = parts.items;
      if (keep) keep.setXml(xml);
      else ctx.workbook.customXmlParts.add(xml);
      for (const p of extra) p.delete();
      await ctx.sync();
    });
  }
}
