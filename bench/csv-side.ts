/**
 * One side of csv_1m_vs_udsv (bench/csv.ts), run as a process of its own over the export in a file:
 * `<side> <file> <rows> <rounds>`. One untimed round warms it up, then each round starts from a
 * collected heap; prints `{cpu, wall, types}` (ms per round) as JSON on its last line. A side measured
 * in the process of another paid for the heap that one left: the pull's path took 3.2–3.4 s of CPU
 * after itself and 4.3–4.9 s right after a Papa.parse of the same text (2026-12-07, load ~4).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import Papa from 'papaparse';
import { initParser, type Schema } from 'udsv';

import { csvTextToTypedColumns } from '../server/pull/csv-columns.js';
import { csvToTyped } from '../server/pull/csv-typed.js';

export const CSV_SIDES = ['udsv', 'pull', 'columns', 'papa'] as const;
export type CsvSide = (typeof CSV_SIDES)[number];

/** uDSV with the header skipped and every column text: its fastest path, no typing. */
function bareUdsv(text: string): number {
  const header = text.substring(0, text.indexOf('\n')).split(',');
  const schema: Schema & { skip: number } = {
    col: ',',
    row: '\n',
    encl: '"',
    esc: '"',
    trim: false,
    skip: 1,
    cols: header.map((name) => ({ name, type: 's', repl: { empty: undefined, null: undefined, NaN: undefined } })),
  };
  return initParser(schema).stringArrs(text).length;
}

/** The export as the HTTP body brings it (undici's chunks are up to 64 KB). */
async function* httpBody(bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 65536) yield bytes.subarray(at, at + 65536);
}

/** The pull's path (pull-messages.ts → csvToTyped): typed messages drained, rows counted. */
async function pullRows(bytes: Buffer): Promise<{ rows: number; types: string }> {
  let rows = 0;
  let types = '';
  for await (const m of csvToTyped(httpBody(bytes))) {
    if (m.kind === 'rows') rows += m.rows.length;
    else if (m.kind === 'meta') types = m.columns.map((c) => c.type).join(', ');
    else if (m.kind === 'error') throw new Error(`csv bench: the pull failed: ${m.error.message}`);
  }
  return { rows, types };
}

async function main(side: CsvSide, file: string, rows: number, rounds: number): Promise<void> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('csv bench: run with --expose-gc, so no round pays for the garbage of the one before');
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  let types = '';
  const run: Record<CsvSide, () => Promise<number>> = {
    udsv: async () => bareUdsv(text),
    pull: async () => {
      const r = await pullRows(bytes);
      types = r.types;
      return r.rows;
    },
    columns: async () => csvTextToTypedColumns(text).rowCount,
    papa: async () => Papa.parse<string[]>(text).data.length - 2, // the header, and the blank "row" after the final line end
  };
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let round = -1; round < rounds; round++) {
    gc();
    const t = performance.now();
    const c = process.cpuUsage();
    const found = await run[side]();
    const u = process.cpuUsage(c);
    if (found !== rows) throw new Error(`csv bench: ${side} found ${found} rows, expected ${rows}`);
    if (round < 0) continue; // the warm-up
    cpu.push((u.user + u.system) / 1000);
    wall.push(performance.now() - t);
  }
  console.log(JSON.stringify({ cpu, wall, types }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [side, file, rows, rounds] = process.argv.slice(2);
  await main(side as CsvSide, file, Number(rows), Number(rounds));
}
