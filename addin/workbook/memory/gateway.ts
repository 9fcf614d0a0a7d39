/**
 * MemoryWorkbookGateway: the WorkbookGateway over a MemoryWorkbook, for tests, the browser mode
 * and development without Excel. Every change goes through MemoryBatch (one "request" per sync,
 * payload limit enforced) and the same write-core as the Excel gateway.
 */
import type { CellValue, ColumnSpec } from '../../../common/stream.js';
import { cellAddress, intersects, MAX_COLUMNS, MAX_ROWS, parseAddress, type Rect, rectAddress } from '../address.js';
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
import { asWorkbookError, throwIfAborted, type WritePort, writeRows } from '../write-core.js';
import { type MemoryBatch, MemoryWorkbook, type MemTable, tableRect } from './workbook.js';

export class MemoryWorkbookGateway implements WorkbookGateway {
  readonly kind = 'memory' as const;

  constructor(
    readonly workbook: MemoryWorkbook = new MemoryWorkbook(),
    private readonly options: { budget?: Partial<ChunkBudget> } = {},
  ) {}

  async getSelection(): Promise<SelectionInfo> {
    const { sheet, rect } = this.workbook.selection;
    return { sheet, address: rectAddress(rect), row: rect.row, column: rect.col };
  }

  async listSheets(): Promise<string[]> {
    return this.workbook.sheets.map((s) => s.name);
  }

  async listTables(): Promise<TableInfo[]> {
    return this.workbook.tables.map((t) => this.info(t));
  }

  async getTable(name: string): Promise<TableInfo | null> {
    const t = this.workbook.findTable(name);
    return t ? this.info(t) : null;
  }

  async checkTarget(target: WriteTarget, shape: TableShape): Promise<TargetCheck> {
    validateShape(shape);
    if (target.kind === 'newSheet') return { ok: true, address: 'A1' };
    const sheet = this.sheetName(target.sheet);
    const at = parseAddress(target.address);
    return this.checkArea(sheet, tableArea(at.row, at.col, shape));
  }

  private checkArea(sheet: string, want: Rect): TargetCheck {
    const wb = this.workbook;
    const used = wb.firstUsedIn(sheet, want);
    const table = wb.tables.find((t) => t.sheet === sheet && intersects(tableRect(t), want));
    const tooBig = want.row + want.rows > MAX_ROWS || want.col + want.cols > MAX_COLUMNS;
    if (!used && !table && !tooBig) return { ok: true, sheet, address: rectAddress(want) };
    const where = used
      ? `${quoteSheet(sheet)}!${cellAddress(used.row, used.col)}`
      : table
        ? `${quoteSheet(sheet)}!${rectAddress(tableRect(table))}`
        : 'the end of the sheet';
    const box = this.usedWithTables(sheet);
    return {
      ok: false,
      conflict: where,
      message:
        used || table
          ? `Cells in ${rectAddress(want)} are not empty (${where}${table ? `, table ${table.name}` : ''}).`
          : 'The table would run past the edge of the sheet.',
      suggestion: suggestPlacement(sheet, box, want),
    };
  }

  private usedWithTables(sheet: string): Rect | null {
    const rects = [this.workbook.usedRect(sheet), ...this.workbook.tables.filter((t) => t.sheet === sheet).map(tableRect)].filter(
      (r): r is Rect => !!r,
    );
    if (!rects.length) return null;
    const r0 = Math.min(...rects.map((r) => r.row)),
      c0 = Math.min(...rects.map((r) => r.col));
    const r1 = Math.max(...rects.map((r) => r.row + r.rows)),
      c1 = Math.max(...rects.map((r) => r.col + r.cols));
    return { row: r0, col: c0, rows: r1 - r0, cols: c1 - c0 };
  }

  async writeTable(target: WriteTarget, columns: ColumnSpec[], rows: RowSource, opts: WriteOptions): Promise<WrittenTable> {
    const wb = this.workbook;
    const totalRows = Array.isArray(rows) ? rows.length : opts.totalRows;
    const shape = { rows: totalRows ?? 0, columns: columns.length };
    validateShape(shape);
    throwIfAborted(opts.signal);
    let sheet: string;
    let at: { row: number; col: number };
    let createdSheet = false;
    if (target.kind === 'newSheet') {
      sheet = uniqueSheetName(
        target.sheetName ?? opts.tableName,
        wb.sheets.map((s) => s.name),
      );
      wb.addSheet(sheet);
      createdSheet = true;
      at = { row: 0, col: 0 };
    } else {
      sheet = this.sheetName(target.sheet);
      const p = parseAddress(target.address);
      at = { row: p.row, col: p.col };
      const check = this.checkArea(sheet, tableArea(at.row, at.col, shape));
      if (!check.ok) throw new WorkbookError('collision', check.message, 'Choose another place or a new sheet.');
    }
    const headers = headerNames(columns);
    const formats = columns.map(columnFormat);
    const batch = wb.batch();
    const port = this.port(batch, sheet);
    const firstData = { row: at.row + 1, col: at.col, rows: 1, cols: columns.length };
    const maxRows = this.freeRowsBelow(sheet, firstData);
    let rowsWritten = 0;
    try {
      const res = await writeRows({
        port,
        firstRow: at.row + 1,
        targetCols: columns.map((_, i) => at.col + i),
        formats,
        rows,
        totalRows,
        maxRows,
        prelude: () => {
          port.setFormat({ row: at.row, col: at.col, rows: 1, cols: columns.length }, TEXT_FORMAT);
          port.setValues(at.row, at.col, [headers]);
        },
        signal: opts.signal,
        onProgress: opts.onProgress,
        budget: this.options.budget,
      });
      rowsWritten = res.rowsWritten;
      throwIfAborted(opts.signal);
      const name = uniqueTableName(
        opts.tableName,
        wb.tables.map((t) => t.name),
      );
      const area = tableArea(at.row, at.col, { rows: rowsWritten, columns: columns.length });
      batch.queue({ op: 'tables.add', address: rectAddress(area), name }, () => wb.addTable(sheet, area, name));
      await batch.sync();
      res.stats.syncs++;
      return { name, sheet, address: rectAddress(area), rowCount: rowsWritten, columnCount: columns.length, stats: res.stats };
    } catch (e) {
      // Leave no half-made table: remove the new sheet, or clear the area checked empty before writing.
      if (createdSheet) wb.deleteSheet(sheet);
      else wb.clear(sheet, { ...firstData, row: at.row, rows: maxRows + 1 }, 'all');
      wb.notify();
      throw asWorkbookError(e);
    }
  }

  private port(batch: MemoryBatch, sheet: string): WritePort {
    const wb = this.workbook;
    return {
      setFormat: (rect, format) =>
        batch.queue({ op: 'numberFormat', address: rectAddress(rect), numberFormat: [[format]] }, () => wb.setFormat(sheet, rect, format)),
      setValues: (row, col, values) => {
        batch.queue({ op: 'values', address: rectAddress({ row, col, rows: values.length, cols: values[0]?.length ?? 0 }), values }, () => {
          values.forEach((r, i) => r.forEach((v, j) => wb.writeValue(sheet, row + i, col + j, v)));
        });
      },
      sync: async () => {
        await batch.sync();
      },
    };
  }

  /** Rows free below `from` (its columns) until a non-empty cell or another table. */
  private freeRowsBelow(sheet: string, from: Rect, ignore?: MemTable): number {
    const below = { ...from, rows: MAX_ROWS - from.row };
    const used = this.workbook.firstUsedIn(sheet, below);
    const tables = this.workbook.tables.filter((t) => t !== ignore && t.sheet === sheet && intersects(tableRect(t), below));
    return Math.min(used ? used.row : MAX_ROWS, ...tables.map((t) => t.row)) - from.row;
  }

  async replaceTableData(tableName: string, columns: ColumnSpec[], rows: CellValue[][], opts: ReplaceOptions): Promise<ReplaceResult> {
    const wb = this.workbook;
    const t = wb.findTable(tableName);
    if (!t)
      throw new WorkbookError(
        'not-found',
        `The table "${tableName}" is not in this workbook any more.`,
        'It may have been deleted or renamed.',
      );
    throwIfAborted(opts.signal);
    const headers = wb.tableHeaders(t);
    const sh = wb.sheet(t.sheet);
    const placeholderRow =
      t.rows === 1 &&
      headers.every((_, i) => {
        const c = sh.get(t.row + 1, t.col + i);
        return !c || (c.value === null && !c.formula);
      });
    const plan = planRefresh({ headers, tableRows: t.rows, placeholderRow, columns, incomingRows: rows.length, opts });
    let data = rows;
    if (plan.columns.length > columns.length) data = withTimestamp(rows, columns.length, toExcelSerial(opts.now ?? new Date()));
    // Validate before changing anything: the grown table must not run into other cells.
    const grow: Rect[] = [];
    if (plan.tableRows > t.rows) grow.push({ row: t.row + 1 + t.rows, col: t.col, rows: plan.tableRows - t.rows, cols: plan.tableWidth });
    if (plan.tableWidth > t.cols)
      grow.push({ row: t.row, col: t.col + t.cols, rows: Math.max(plan.tableRows, t.rows) + 1, cols: plan.tableWidth - t.cols });
    for (const area of grow) {
      const check = this.checkArea(t.sheet, area);
      if (!check.ok)
        throw new WorkbookError(
          'collision',
          `The refreshed table needs ${rectAddress(area)}, but ${check.conflict} is not empty. The table was left unchanged.`,
          'Move the cells below or to the right of the table, or refresh into a new table.',
        );
    }
    const formats = plan.columns.map((c, i) => {
      const cell = plan.oldRows > 0 ? sh.get(t.row + 1, t.col + plan.tableCols[i]) : undefined;
      return refreshFormat(c, cell?.format);
    });
    const batch = wb.batch();
    const port = this.port(batch, t.sheet);
    const oldRect = tableRect(t);
    // Table changes ride in the first request; write-core queues them again if that request is retried.
    const structure = () => {
      plan.added.forEach((name, k) =>
        batch.queue({ op: 'columns.add', name }, () => {
          const cell = sh.ensure(t.row, t.col + t.cols + k);
          cell.format = TEXT_FORMAT;
          cell.value = name;
        }),
      );
      const newRect = { row: t.row, col: t.col, rows: plan.tableRows + 1, cols: plan.tableWidth };
      batch.queue({ op: 'resize', address: rectAddress(newRect) }, () => wb.resizeTable(t.name, newRect));
      if (opts.mode === 'replace') {
        for (const c of plan.removedCols) {
          const col = { row: t.row + 1, col: t.col + c, rows: plan.tableRows, cols: 1 };
          batch.queue({ op: 'clear', address: rectAddress(col) }, () => wb.clear(t.sheet, col, 'contents'));
        }
      }
      if (plan.tableRows < oldRect.rows - 1) {
        const left = { row: t.row + 1 + plan.tableRows, col: t.col, rows: oldRect.rows - 1 - plan.tableRows, cols: oldRect.cols };
        batch.queue({ op: 'clear', address: rectAddress(left) }, () => wb.clear(t.sheet, left, 'all'));
      }
    };
    // An emptied table keeps one data row; blank its source cells.
    const blank = plan.newRows === 0;
    const incoming = plan.newRows - plan.writeRowOffset;
    let res;
    try {
      res = await writeRows({
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
    } catch (e) {
      throw asWorkbookError(e);
    }
    return {
      table: this.info(t),
      rowsWritten: incoming,
      addedColumns: plan.added,
      removedColumns: plan.removed,
      keptColumns: plan.kept,
      stats: res.stats,
    };
  }

  async activateTable(name: string): Promise<void> {
    const t = this.workbook.findTable(name);
    if (!t) throw new WorkbookError('not-found', `The table "${name}" does not exist.`);
    this.workbook.selection = { sheet: t.sheet, rect: tableRect(t) };
    this.workbook.notify();
  }

  async deleteTable(name: string, opts: { clearData?: boolean } = {}): Promise<void> {
    const t = this.workbook.findTable(name);
    if (!t) throw new WorkbookError('not-found', `The table "${name}" does not exist.`);
    this.workbook.deleteTable(t.name);
    if (opts.clearData) this.workbook.clear(t.sheet, tableRect(t), 'all');
    this.workbook.notify();
  }

  async setSheetVisible(sheet: string, visible: boolean): Promise<void> {
    const found = this.workbook.findSheet(sheet);
    if (!found) throw new WorkbookError('not-found', `The sheet "${sheet}" does not exist.`);
    found.hidden = !visible;
    this.workbook.notify();
  }

  async readDocument(namespace: string): Promise<string | null> {
    return this.workbook.partsByNamespace(namespace)[0]?.xml ?? null;
  }

  async writeDocument(namespace: string, xml: string): Promise<void> {
    assertRootNamespace(namespace, xml);
    for (const p of this.workbook.partsByNamespace(namespace)) this.workbook.deletePart(p.id);
    this.workbook.addPart(xml);
    this.workbook.notify();
  }

  private sheetName(name: string): string {
    const s = this.workbook.findSheet(name);
    if (!s) throw new WorkbookError('not-found', `The sheet "${name}" does not exist.`);
    return s.name;
  }

  private info(t: MemTable): TableInfo {
    return {
      name: t.name,
      sheet: t.sheet,
      address: rectAddress(tableRect(t)),
      headers: this.workbook.tableHeaders(t),
      rowCount: t.rows,
      columnCount: t.cols,
    };
  }
}
