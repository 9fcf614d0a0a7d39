/**
 * ExcelWorkbookGateway: the WorkbookGateway over Office.js — with port.ts, the only code that
 * references `Excel.` / `Office.`. Every batch runs in Excel.run({ delayForCellEdit: true }) so a
 * scheduled refresh waits while the user is typing in a cell instead of failing
 * (docs/excel.md#batching-and-syncs). `run` and `isSetSupported` are injectable so the
 * gateway runs against a recording fake in tests.
 */
import type { CellValue, ColumnSpec } from '../../../common/stream.js';
import { MAX_ROWS, parseAddress, type Rect, rectAddress } from '../address.js';
import type { ChunkBudget } from '../chunks.js';
import { assertRootNamespace } from '../custom-xml.js';
import { columnFormat, refreshFormat, TEXT_FORMAT, toExcelSerial } from '../formats.js';
import {
  type ReplaceOptions,
  type ReplaceResult,
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
import { uniqueSheetName, uniqueTableName } from '../names.js';
import { headerNames, planRefresh, withTimestamp } from '../refresh-plan.js';
import { quoteSheet, suggestPlacement, tableArea, validateShape } from '../target.js';
import { asWorkbookError, throwIfAborted, writeRows } from '../write-core.js';
import { excelPort } from './port.js';

export type ExcelRun = <T>(options: Excel.RunOptions, batch: (ctx: Excel.RequestContext) => Promise<T>) => Promise<T>;

interface ExcelGatewayOptions {
  /** 'memory' when `run` is the in-memory Excel (addin/workbook/memory/gateway.ts). */
  kind?: 'excel' | 'memory';
  run?: ExcelRun;
  isSetSupported?: (set: string, version: string) => boolean;
  budget?: Partial<ChunkBudget>;
}

const stripSheet = (address: string) => address.slice(address.lastIndexOf('!') + 1);

interface Area {
  used: Excel.Range;
  sheetUsed: Excel.Range;
  below: Excel.Range;
}

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
      return sheets.items.map((s) => s.name);
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
        header: t.getHeaderRowRange().load('values'),
      }));
      await ctx.sync();
      return loaded.map(({ t, ws, range, header }) => ({
        name: t.name,
        sheet: ws.name,
        address: stripSheet(range.address),
        headers: (header.values[0] ?? []).map(String),
        rowCount: range.rowCount - 1,
        columnCount: range.columnCount,
      }));
    });
  }

  async getTable(name: string): Promise<TableInfo | null> {
    return (await this.listTables()).find((t) => t.name.toLowerCase() === name.toLowerCase()) ?? null;
  }

  /** Queues the reads that answer "is `want` free, how far down is it free, what is used on the sheet". */
  private queueAreaReads(sheet: Excel.Worksheet, want: Rect): Area {
    const used = sheet.getRangeByIndexes(want.row, want.col, want.rows, want.cols).getUsedRangeOrNullObject(true).load('address');
    const below = sheet
      .getRangeByIndexes(want.row + 1, want.col, MAX_ROWS - want.row - 1, want.cols)
      .getUsedRangeOrNullObject(true)
      .load('rowIndex');
    const sheetUsed = sheet.getUsedRangeOrNullObject(true).load('rowIndex,columnIndex,rowCount,columnCount');
    return { used, below, sheetUsed };
  }

  private areaCheck(sheetName: string, want: Rect, a: Area): TargetCheck {
    const tooBig = want.row + want.rows > MAX_ROWS;
    if (a.used.isNullObject && !tooBig) return { ok: true, sheet: sheetName, address: rectAddress(want) };
    const box = a.sheetUsed.isNullObject
      ? null
      : { row: a.sheetUsed.rowIndex, col: a.sheetUsed.columnIndex, rows: a.sheetUsed.rowCount, cols: a.sheetUsed.columnCount };
    const conflict = a.used.isNullObject ? 'the end of the sheet' : `${quoteSheet(sheetName)}!${stripSheet(a.used.address)}`;
    return {
      ok: false,
      conflict,
      message: a.used.isNullObject
        ? 'The table would run past the edge of the sheet.'
        : `Cells in ${rectAddress(want)} are not empty (${conflict}).`,
      suggestion: suggestPlacement(sheetName, box, want),
    };
  }

  async checkTarget(target: WriteTarget, shape: TableShape): Promise<TargetCheck> {
    validateShape(shape);
    if (target.kind === 'newSheet') return { ok: true, address: 'A1' };
    const at = parseAddress(target.address);
    const want = tableArea(at.row, at.col, shape);
    return this.run(async (ctx) => {
      const sheet = ctx.workbook.worksheets.getItemOrNullObject(target.sheet).load('name');
      await ctx.sync();
      if (sheet.isNullObject) throw new WorkbookError('not-found', `The sheet "${target.sheet}" does not exist.`);
      const area = this.queueAreaReads(sheet, want);
      await ctx.sync();
      return this.areaCheck(sheet.name, want, area);
    });
  }

  async writeTable(target: WriteTarget, columns: ColumnSpec[], rows: RowSource, opts: WriteOptions): Promise<WrittenTable> {
    const totalRows = Array.isArray(rows) ? rows.length : opts.totalRows;
    const shape = { rows: totalRows ?? 0, columns: columns.length };
    validateShape(shape);
    throwIfAborted(opts.signal);
    return this.run(async (ctx) => {
      const wb = ctx.workbook;
      // One request for everything we need to know before writing.
      const sheets = wb.worksheets.load('items/name');
      const tables = wb.tables.load('items/name');
      const names = wb.names.load('items/name');
      let sheet: Excel.Worksheet | undefined;
      let sheetName: string;
      let at = { row: 0, col: 0 };
      let area: Area | null = null;
      const want = (row: number, col: number) => tableArea(row, col, shape);
      if (target.kind === 'cell') {
        at = parseAddress(target.address);
        const found = wb.worksheets.getItemOrNullObject(target.sheet).load('name');
        area = this.queueAreaReads(found, want(at.row, at.col));
        await ctx.sync();
        if (found.isNullObject) throw new WorkbookError('not-found', `The sheet "${target.sheet}" does not exist.`);
        sheet = found;
        sheetName = found.name;
        const check = this.areaCheck(sheetName, want(at.row, at.col), area);
        if (!check.ok) throw new WorkbookError('collision', check.message, 'Choose another place or a new sheet.');
      } else {
        await ctx.sync();
        sheetName = uniqueSheetName(
          target.sheetName ?? opts.tableName,
          sheets.items.map((s) => s.name),
        );
        // the sheet itself is added in the first write request (prelude)
      }
      const maxRows = area && !area.below.isNullObject ? area.below.rowIndex - (at.row + 1) : MAX_ROWS - at.row - 1;
      const tableName = uniqueTableName(opts.tableName, [...tables.items.map((t) => t.name), ...names.items.map((n) => n.name)]);
      const headers = headerNames(columns);
      const port = excelPort(ctx, () => sheet!);
      let createdSheet = false;
      try {
        const res = await writeRows({
          port,
          firstRow: at.row + 1,
          targetCols: columns.map((_, i) => at.col + i),
          formats: columns.map(columnFormat),
          rows,
          totalRows,
          maxRows,
          signal: opts.signal,
          onProgress: opts.onProgress,
          budget: this.options.budget,
          prelude: () => {
            if (target.kind === 'newSheet') {
              sheet = wb.worksheets.add(sheetName);
              createdSheet = true;
            }
            port.setFormat({ row: at.row, col: at.col, rows: 1, cols: columns.length }, TEXT_FORMAT);
            port.setValues(at.row, at.col, [headers]);
          },
        });
        throwIfAborted(opts.signal);
        // The table goes over the written range afterwards (docs/excel.md#tables).
        const address = rectAddress(tableArea(at.row, at.col, { rows: res.rowsWritten, columns: columns.length }));
        const table = sheet!.tables.add(address, true);
        table.name = tableName;
        await ctx.sync();
        res.stats.syncs++;
        return { name: tableName, sheet: sheetName, address, rowCount: res.rowsWritten, columnCount: columns.length, stats: res.stats };
      } catch (e) {
        await this.cleanUp(ctx, sheetName, createdSheet, {
          row: at.row,
          col: at.col,
          rows: Math.min(maxRows + 1, MAX_ROWS - at.row),
          cols: columns.length,
        });
        throw e;
      }
    });
  }

  /** Leave no half-made table: delete the sheet we created, or clear the area that was empty before. */
  private async cleanUp(ctx: Excel.RequestContext, sheetName: string, createdSheet: boolean, area: Rect): Promise<void> {
    try {
      const sheet = ctx.workbook.worksheets.getItemOrNullObject(sheetName);
      await ctx.sync();
      if (sheet.isNullObject) return;
      if (createdSheet) sheet.delete();
      else sheet.getRangeByIndexes(area.row, area.col, area.rows, area.cols).clear('All');
      await ctx.sync();
    } catch {
      // The original error matters more; a failed clean-up leaves only plain cells, never a table.
    }
  }

  async replaceTableData(tableName: string, columns: ColumnSpec[], rows: CellValue[][], opts: ReplaceOptions): Promise<ReplaceResult> {
    throwIfAborted(opts.signal);
    return this.run(async (ctx) => {
      const table = ctx.workbook.tables.getItemOrNullObject(tableName).load('name');
      await ctx.sync();
      if (table.isNullObject)
        throw new WorkbookError(
          'not-found',
          `The table "${tableName}" is not in this workbook any more.`,
          'It may have been deleted or renamed.',
        );
      const ws = table.worksheet.load('name');
      const header = table.getHeaderRowRange().load('values,rowIndex,columnIndex,columnCount');
      const body = table.getDataBodyRange().load('rowCount');
      const first = table.getDataBodyRange().getRow(0).load('values,numberFormat');
      const sort = table.sort.load('fields');
      await ctx.sync();
      const t = { row: header.rowIndex, col: header.columnIndex, rows: body.rowCount, cols: header.columnCount };
      const headers = (header.values[0] ?? []).map(String);
      const placeholderRow = t.rows === 1 && (first.values[0] ?? []).every((v) => v === '' || v === null);
      const plan = planRefresh({ headers, tableRows: t.rows, placeholderRow, columns, incomingRows: rows.length, opts });
      const data = plan.columns.length > columns.length ? withTimestamp(rows, columns.length, toExcelSerial(opts.now ?? new Date())) : rows;
      if (plan.tableRows !== t.rows) this.require('1.13', 'Refreshing a table whose row count changes (Table.resize)');
      // Validate before changing anything: the grown table must not run into other cells.
      const grow: Rect[] = [];
      if (plan.tableRows > t.rows) grow.push({ row: t.row + 1 + t.rows, col: t.col, rows: plan.tableRows - t.rows, cols: plan.tableWidth });
      if (plan.tableWidth > t.cols)
        grow.push({ row: t.row, col: t.col + t.cols, rows: Math.max(plan.tableRows, t.rows) + 1, cols: plan.tableWidth - t.cols });
      const sheet = ws;
      const checks = grow.map((r) => ({
        r,
        used: sheet.getRangeByIndexes(r.row, r.col, r.rows, r.cols).getUsedRangeOrNullObject(true).load('address'),
      }));
      if (checks.length) await ctx.sync();
      const hit = checks.find((c) => !c.used.isNullObject);
      if (hit) {
        throw new WorkbookError(
          'collision',
          `The refreshed table needs ${rectAddress(hit.r)}, but ${quoteSheet(ws.name)}!${stripSheet(hit.used.address)} is not empty. The table was left unchanged.`,
          'Move the cells below or to the right of the table, or refresh into a new table.',
        );
      }
      throwIfAborted(opts.signal);
      const formats = plan.columns.map((c, i) =>
        refreshFormat(c, plan.oldRows > 0 ? first.numberFormat[0]?.[plan.tableCols[i]] : undefined),
      );
      const port = excelPort(ctx, () => sheet);
      const structure = () => {
        for (const name of plan.added) table.columns.add(undefined, undefined, name);
        if (plan.tableRows !== t.rows) {
          table.resize(sheet.getRangeByIndexes(t.row, t.col, plan.tableRows + 1, plan.tableWidth));
        }
        if (opts.mode === 'replace') {
          for (const c of plan.removedCols) sheet.getRangeByIndexes(t.row + 1, t.col + c, plan.tableRows, 1).clear('Contents');
        }
        if (plan.tableRows < t.rows)
          sheet.getRangeByIndexes(t.row + 1 + plan.tableRows, t.col, t.rows - plan.tableRows, t.cols).clear('All');
      };
      const blank = plan.newRows === 0;
      const incoming = plan.newRows - plan.writeRowOffset;
      const res = await writeRows({
        port,
        firstRow: t.row + 1 + plan.writeRowOffset,
        targetCols: plan.tableCols.map((c) => t.col + c),
        formats,
        rows: blank ? [plan.columns.map(() => null)] : data,
        totalRows: blank ? 1 : incoming,
        maxRows: MAX_ROWS,
        prelude: structure,
        onProgress: opts.onProgress,
        budget: this.options.budget,
      });
      // Keep the user's view: re-apply their sort and filters to the new data (ExcelApi 1.2).
      if (sort.fields.length > 0) table.sort.reapply();
      table.reapplyFilters();
      const range = table.getRange().load('address');
      await ctx.sync();
      res.stats.syncs++;
      return {
        table: {
          name: table.name,
          sheet: ws.name,
          address: stripSheet(range.address),
          headers: [...headers, ...plan.added],
          rowCount: plan.tableRows,
          columnCount: plan.tableWidth,
        },
        rowsWritten: incoming,
        addedColumns: plan.added,
        removedColumns: plan.removed,
        keptColumns: plan.kept,
        stats: res.stats,
      };
    });
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
      table.delete();
      if (opts.clearData) ws.getRange(stripSheet(range.address)).clear('All');
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
