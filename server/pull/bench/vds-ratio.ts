/**
 * Measures VDS body → vdsToTyped → NDJSON text → decoded messages against a bare JSON.parse of the
 * same bytes (target ≤ 2×), plus the time to the first rows and the heap growth while streaming.
 * Run: node --expose-gc --import tsx server/pull/bench/vds-ratio.ts [rows] [OBJECTS|ARRAYS]
 */
import { vdsToTyped } from '../vds-typed.js';
import { encodeMessage } from '../../../common/ndjson.js';
import { BENCH_VDS_COLUMNS, vdsBody } from './vds-body.js';
import { bestOfAlternating } from './measure.js';

async function collect(rows: number, objects: boolean): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const b of vdsBody(rows, objects)) out.push(b);
  return out;
}

export async function vdsRatio(rows: number, format: 'OBJECTS' | 'ARRAYS') {
  const chunks = await collect(rows, format === 'OBJECTS');
  const whole = Buffer.concat(chunks);
  let firstRowsMs = -1;
  let typedRows = 0;
  const pipeline = async () => {
    const t = performance.now();
    async function* replay() {
      yield* chunks;
    }
    typedRows = 0;
    for await (const msg of vdsToTyped(replay(), { columns: BENCH_VDS_COLUMNS, returnFormat: format })) {
      if (msg.kind === 'rows' && firstRowsMs < 0) firstRowsMs = performance.now() - t;
      const back = JSON.parse(encodeMessage(msg)); // the server writes the line, the add-in parses it
      if (back.kind === 'rows') typedRows += back.rows.length;
    }
  };
  const [parse, typed] = await bestOfAlternating(() => JSON.parse(whole.toString('utf8')), pipeline);
  return { bytes: whole.length, parse, typed, wallRatio: typed.wallMs / parse.wallMs, cpuRatio: typed.cpuMs / parse.cpuMs, firstRowsMs, typedRows };
}

export async function vdsHeapGrowth(rows: number, format: 'OBJECTS' | 'ARRAYS'): Promise<{ peakGrowthMb: number; rowCount: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let rowCount = 0;
  for await (const msg of vdsToTyped(vdsBody(rows, format === 'OBJECTS'), { columns: BENCH_VDS_COLUMNS, returnFormat: format })) {
    if (msg.kind === 'rows') rowCount += msg.rows.length;
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  return { peakGrowthMb: (peak - base) / 1048576, rowCount };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const format = (process.argv[3] ?? 'OBJECTS') as 'OBJECTS' | 'ARRAYS';
  const r = await vdsRatio(rows, format);
  console.log(`${rows} rows ${format}, ${(r.bytes / 1048576).toFixed(0)} MB: JSON.parse ${r.parse.wallMs.toFixed(0)} ms (cpu ${r.parse.cpuMs.toFixed(0)}), ` +
    `vdsToTyped+NDJSON+decode ${r.typed.wallMs.toFixed(0)} ms (cpu ${r.typed.cpuMs.toFixed(0)}); ratio wall ${r.wallRatio.toFixed(2)}, cpu ${r.cpuRatio.toFixed(2)}; first rows after ${r.firstRowsMs.toFixed(0)} ms`);
  const h = await vdsHeapGrowth(rows, format);
  console.log(`heap growth while streaming: ${h.peakGrowthMb.toFixed(0)} MB for ${h.rowCount} rows`);
}
