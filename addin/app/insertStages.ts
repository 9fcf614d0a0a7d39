/**
 * The stages of an insert, each measured alone in the pane (bench/e2e.ts): the same code the insert
 * runs, one stage at a time, each fed the previous stage's output from memory, so a stage's time is
 * its own. Loaded on demand in the browser preview only (main.tsx exposes the import as
 * `__previewStages`); never part of an insert.
 *  1. stream: the pull's bytes from the companion server, read whole and not decoded;
 *  2. decode: those bytes into typed row batches as an insert decodes them: rows lines read into
 *     columnar form (api/rows-scan.ts, in the pull worker during an insert), then rebuilt as rows
 *     (api/columnar.ts, the pane's side), any other line through common/ndjson.ts;
 *  3. add-in: the gateway's writer (write-core.ts: text limits, chunk planning, the operations of
 *     each request) with a port that keeps the operations instead of sending them;
 *  4. Excel: those operations replayed into a fresh in-memory Excel, one sync per request.
 */
import { decodeStreamLines } from '../../common/ndjson.js';
import type { CellValue, ColumnSpec } from '../../common/stream.js';
import { fromColumnar, summarize } from '../api/columnar.js';
import { scanRowsLine } from '../api/rows-scan.js';
import type { Rect } from '../workbook/address.js';
import { withRowBytes } from '../workbook/chunks.js';
import { columnFormat } from '../workbook/formats.js';
import { MemoryExcel } from '../workbook/memory/excel-api.js';
import { MemoryWorkbook } from '../workbook/memory/workbook.js';
import { withCellKinds } from '../workbook/text.js';
import { writeRows } from '../workbook/write-core.js';

/** The part of the Office.js API (as the in-memory Excel serves it) that stage 4 uses. */
interface StageContext {
  workbook: {
    worksheets: {
      add(name: string): {
        getRangeByIndexes(row: number, col: number, rows: number, cols: number): { numberFormat: unknown[][]; values: unknown[][] };
      };
    };
  };
  sync(): Promise<void>;
}

type Op = { rect: Rect; format: string } | { row: number; col: number; values: (number | string | boolean)[][] };

let bytes: Uint8Array[] = [];
let decoded: { columns: ColumnSpec[]; batches: CellValue[][][] } | null = null;
let requests: Op[][] = [];

/** Stage 1: POST the pull and read its body to the end (the browser un-gzips natively). */
export async function streamAlone(url: string, token: string, body: unknown): Promise<{ ms: number; bytes: number }> {
  bytes = [];
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) throw new Error(`stream stage: the pull answered ${res.status}`);
  const reader = res.body.getReader();
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes.push(value);
    n += value.length;
  }
  return { ms: performance.now() - t0, bytes: n };
}

/** UTF-16 code units above 0xFF make V8 keep a string two bytes a character, else one. */
const wide = /[\u0100-\uffff]/;

/**
 * Stage 2: the kept bytes through the pane's decoder. Also counts the size of the table's values
 * as a JavaScript engine must hold them at the least: 8 bytes a number, 1 a boolean, 1 or 2 bytes a
 * character of a string (V8's one- and two-byte strings), nothing for an empty cell.
 */
export async function decodeAlone(): Promise<{ ms: number; rows: number; valueBytes: number }> {
  const chunks = bytes;
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
  const t0 = performance.now();
  let columns: ColumnSpec[] = [];
  const batches: CellValue[][][] = [];
  const scan = (line: Uint8Array) => {
    const rows = columns.length > 0 ? scanRowsLine(line, columns.length) : null;
    return rows ? { kind: 'columnar' as const, rows } : null;
  };
  for await (const m of decodeStreamLines(body, scan)) {
    if (m.kind === 'meta') columns = m.columns;
    else if (m.kind === 'columnar') {
      // As the pull worker (summarize) and the pane's side (pull-in-worker.ts) mark a batch.
      const rows = fromColumnar(m.rows);
      if (m.rows.rowBytes) withRowBytes(rows, m.rows.rowBytes);
      batches.push(withCellKinds(rows, summarize(m.rows)));
    } else if (m.kind === 'rows') batches.push(m.rows);
    else if (m.kind === 'error') throw new Error(`decode stage: ${m.error.message}`);
  }
  const ms = performance.now() - t0;
  bytes = [];
  decoded = { columns, batches };
  let valueBytes = 0;
  let rows = 0;
  for (const batch of batches) {
    rows += batch.length;
    for (const row of batch)
      for (const v of row) {
        if (typeof v === 'number') valueBytes += 8;
        else if (typeof v === 'boolean') valueBytes += 1;
        else if (typeof v === 'string') valueBytes += v.length * (wide.test(v) ? 2 : 1);
      }
  }
  return { ms, rows, valueBytes };
}

/** Stage 3: the add-in's own work on every chunk, Excel's left out (the operations are kept for stage 4). */
export async function addinAlone(): Promise<{ ms: number; requests: number }> {
  if (!decoded) throw new Error('add-in stage: run the decode stage first');
  const { columns, batches } = decoded;
  requests = [];
  let queued: Op[] = [];
  async function* source() {
    for (const b of batches) yield b;
  }
  const t0 = performance.now();
  await writeRows({
    port: {
      setFormat: (rect, format) => queued.push({ rect, format }),
      setValues: (row, col, values) => queued.push({ row, col, values }),
      sync: async () => {
        requests.push(queued);
        queued = [];
      },
    },
    firstRow: 1,
    targetCols: columns.map((_, i) => i),
    formats: columns.map(columnFormat),
    rows: source(),
    maxRows: 1_048_575,
    columnNames: columns.map((c) => c.name),
  });
  return { ms: performance.now() - t0, requests: requests.length };
}

/** Stage 4: the kept requests into a fresh in-memory Excel (the preview's), one sync each. */
export async function excelAlone(): Promise<{ ms: number }> {
  const excel = new MemoryExcel(new MemoryWorkbook(), { roundTrip: 'task' });
  const t0 = performance.now();
  await excel.run({}, async (ctx: never) => {
    const c = ctx as unknown as StageContext;
    const sheet = c.workbook.worksheets.add('Stage');
    for (const ops of requests) {
      for (const op of ops) {
        if ('format' in op) sheet.getRangeByIndexes(op.rect.row, op.rect.col, op.rect.rows, op.rect.cols).numberFormat = [[op.format]];
        else sheet.getRangeByIndexes(op.row, op.col, op.values.length, op.values[0]?.length ?? 0).values = op.values;
      }
      await c.sync();
    }
  });
  const ms = performance.now() - t0;
  requests = [];
  decoded = null;
  return { ms };
}
