/**
 * csv_1m_vs_udsv: a 1,000,000-row formatted view CSV typed by the product's own path against a bare
 * uDSV parse of the same text into string rows (`stringArrs`, what uDSV's own benchmark measures).
 *
 * The product's path is what a pane or scheduled pull of a view runs (server/pull/pull-messages.ts →
 * csvToTyped): the export's bytes as the HTTP body brings them, in 64 KB chunks, to the typed
 * `meta`/`rows`/`end` messages, drained. An 81 MB export is longer than csv-typed.ts types whole in
 * memory (32 M characters), so it takes the streaming path (spool, two passes). The one-pass
 * in-memory path (csvTextToTypedColumns, exports up to ~380,000 rows) and Papa.parse are measured
 * beside them, in the note.
 *
 * Fairness: every side reads the same text, starts from a collected heap (`--expose-gc`, which `npm
 * run bench` passes; without it the sides would pay for each other's garbage) and keeps nothing past
 * its round; one untimed round warms every side up, then the sides alternate their order round by
 * round, and the figure is the median of the per-round ratios (a noisy round moves both sides of
 * its ratio alike), in CPU time of this process (every side is single-threaded, and CPU time does
 * not grow when a busy machine takes the core away; wall times are in the note).
 */
import Papa from 'papaparse';
import { initParser, type Schema } from 'udsv';

import { csvTextToTypedColumns } from '../server/pull/csv-columns.js';
import { csvToTyped } from '../server/pull/csv-typed.js';
import type { Figure } from './report.js';
import { median } from './report.js';
import { largeViewCsv } from './view-csv.js';

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

/** The pull's path: typed messages drained, rows counted. */
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

const SIDES = ['udsv', 'pull', 'columns', 'papa'] as const;
type Side = (typeof SIDES)[number];

export async function benchCsv(o: { rows?: number; rounds?: number } = {}): Promise<Figure[]> {
  const rows = o.rows ?? 1_000_000;
  const rounds = o.rounds ?? 5;
  const gc = globalThis.gc;
  if (!gc) throw new Error('csv bench: run with --expose-gc (npm run bench does), so no side pays for the garbage of another');
  const text = largeViewCsv(rows);
  const bytes = Buffer.from(text);
  let types = '';
  const run: Record<Side, () => Promise<number>> = {
    udsv: async () => bareUdsv(text),
    pull: async () => {
      const r = await pullRows(bytes);
      types = r.types;
      return r.rows;
    },
    columns: async () => csvTextToTypedColumns(text).rowCount,
    papa: async () => Papa.parse<string[]>(text).data.length - 2, // the header and the final line end's blank row
  };
  const cpu = Object.fromEntries(SIDES.map((s) => [s, [] as number[]])) as Record<Side, number[]>;
  const wall = Object.fromEntries(SIDES.map((s) => [s, [] as number[]])) as Record<Side, number[]>;
  for (let round = -1; round < rounds; round++) {
    // Round -1 warms up; then the order alternates, so neither side always runs after the other.
    const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
    for (const side of order) {
      gc();
      const t = performance.now();
      const c = process.cpuUsage();
      const found = await run[side]();
      const u = process.cpuUsage(c);
      if (found !== rows) throw new Error(`csv bench: ${side} found ${found} rows, expected ${rows}`);
      if (round < 0) continue;
      cpu[side].push((u.user + u.system) / 1000);
      wall[side].push(performance.now() - t);
    }
  }
  const ratios = (side: Side) => cpu[side].map((v, i) => v / cpu.udsv[i]);
  const [pull, columns, papa] = [ratios('pull'), ratios('columns'), ratios('papa')];
  const ms = (side: Side) => `${median(cpu[side]).toFixed(0)} ms`;
  const spread = (r: number[]) => `${median(r).toFixed(2)} × (rounds ${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})`;
  const wallMs = SIDES.map((s) => `${median(wall[s]).toFixed(0)}`).join(' / ');
  return [
    {
      name: 'csv_1m_vs_udsv',
      value: median(pull),
      target: 1.2,
      goal: 'max',
      unit: '×',
      note:
        `${rows.toLocaleString('en-US')} rows, ${(text.length / 1048576).toFixed(0)} MB; CPU time, median of ${rounds} alternating rounds ` +
        `after a warm-up: the pull's path (csvToTyped, 64 KB chunks) ${ms('pull')}, ${spread(pull)}; bare uDSV ${ms('udsv')}; ` +
        `in-memory typed columns (csvTextToTypedColumns) ${ms('columns')}, ${spread(columns)}; Papa.parse ${ms('papa')}, ${spread(papa)}; ` +
        `wall ms ${wallMs} (${SIDES.join(' / ')}); types ${types}`,
    },
  ];
}
