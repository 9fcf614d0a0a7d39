/**
 * vds_1m_*: 1,000,000 rows × 10 columns of a VDS query (simulator 'Superstore Large', row-level
 * fields, returnFormat ARRAYS as server/pull/pull-messages.ts asks) through the whole product path:
 *   simulator ─HTTP→ companion server (TableauClient.vdsQuery → server/pull vdsToTyped → NDJSON,
 *   gzip when accepted) ─HTTP→ add-in side (fetch + common/ndjson decodeStream → typed rows).
 * Three processes: the simulator (a remote Tableau), the companion server (its heap is sampled
 * there, every 5 ms, growth over a post-GC baseline) and this one, the add-in side, which uses
 * HTTP like the pane (Accept-Encoding: gzip, as browsers always send) and common/ndjson.ts to decode.
 * Baseline: the same query's response bytes fetched whole into a Buffer, then JSON.parse(text).
 */
import { request } from 'node:http';
import { createGunzip } from 'node:zlib';

import type { ConnectResponse, DatasourceItem, Page } from '../common/api.js';
import { decodeNodeStream } from '../common/ndjson.js';
import type { VdsQuery } from '../common/source.js';
import type { CellValue } from '../common/stream.js';
import { SessionCache, TableauClient } from '../server/tableau/index.js';
import { startChild } from './children.js';
import type { Figure } from './report.js';

export const VDS_FIELDS = [
  'Row ID',
  'Order ID',
  'Order Date',
  'Customer Name',
  'Postal Code',
  'Region',
  'Category',
  'Sales',
  'Quantity',
  'Profit',
];
const QUERY: VdsQuery = { fields: VDS_FIELDS.map((fieldCaption) => ({ fieldCaption })) };

interface PullRun {
  rows: number;
  firstRowsMs: number;
  totalMs: number;
  sample?: CellValue[];
  types: string;
}

export async function api<T>(url: string, token: string | undefined, method: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`vds bench: ${method} ${new URL(url).pathname} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** POST with node:http; the body as bytes, gunzipped when the server compressed it. */
export function post(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: AsyncIterable<Uint8Array> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const gz = res.headers['content-encoding'] === 'gzip';
      resolve({ status: res.statusCode ?? 0, body: gz ? res.pipe(createGunzip()) : res });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * One pull as the pane does it: POST, then decode NDJSON batches as they arrive (common/ndjson.ts).
 * The bytes come through node:http + zlib rather than Node's fetch: in the pane the browser's
 * network stack reads and gunzips natively, off the JavaScript thread; undici's fetch would add
 * its own JavaScript stream plumbing that the pane never pays for. Accept-Encoding is gzip, as a
 * browser always sends it.
 */
async function pull(serverUrl: string, token: string, cid: string, datasourceId: string, limit?: number): Promise<PullRun> {
  const t0 = performance.now();
  const res = await post(
    `${serverUrl}/api/connections/${cid}/pull`,
    {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'accept-encoding': process.env.BENCH_IDENTITY ? 'identity' : 'gzip, deflate',
    },
    JSON.stringify({ source: { kind: 'datasource', datasourceId, query: QUERY }, options: limit ? { limit } : {} }),
  );
  if (res.status !== 200) {
    let text = '';
    for await (const b of res.body) text += Buffer.from(b).toString();
    throw new Error(`vds bench: pull answered ${res.status}: ${text.slice(0, 300)}`);
  }
  let rows = 0;
  let firstRowsMs = -1;
  let sample: CellValue[] | undefined;
  let types = '';
  for await (const m of decodeNodeStream(res.body)) {
    if (m.kind === 'meta') types = m.columns.map((c) => c.type).join(', ');
    if (m.kind === 'rows' && m.rows.length) {
      if (firstRowsMs < 0) firstRowsMs = performance.now() - t0;
      sample ??= m.rows[0];
      rows += m.rows.length;
    }
    if (m.kind === 'error') throw new Error(`vds bench: the stream failed: ${m.error.message}`);
  }
  return { rows, firstRowsMs, totalMs: performance.now() - t0, sample, types };
}

export async function benchVds(): Promise<Figure[]> {
  const sim = await startChild({ role: 'sim', options: {} });
  const server = await startChild({ role: 'server', addin: 'off' });
  try {
    const demo = sim.demo!;
    const connected = await api<ConnectResponse>(`${server.url}/api/connections`, undefined, 'POST', {
      serverUrl: sim.url,
      siteContentUrl: demo.siteContentUrl,
      auth: { kind: 'pat', patName: demo.patName, patSecret: demo.patSecret },
    });
    const token = connected.sessionToken;
    const cid = connected.connection.id;
    const list = await api<Page<DatasourceItem>>(`${server.url}/api/connections/${cid}/datasources?pageSize=1000`, token, 'GET');
    const ds = list.items.find((d) => d.name === 'Superstore Large');
    if (!ds) throw new Error('vds bench: the simulator has no "Superstore Large" data source');

    // Warm-up: the simulator builds its 1M-row dataset on first use; both processes JIT the path.
    await pull(server.url, token, cid, ds.id, 1000);

    // Baseline bytes, fetched by our Tableau client with the second demo PAT (one session per PAT).
    const client = await TableauClient.connect({
      serverUrl: sim.url,
      siteContentUrl: demo.siteContentUrl,
      auth: { kind: 'pat', patName: demo.otherPatName, patSecret: demo.otherPatSecret },
      sessions: new SessionCache(),
    });
    const tFetch = performance.now();
    const chunks: Buffer[] = [];
    let simFirstByteMs = -1;
    for await (const c of await client.vdsQuery({
      datasource: { datasourceLuid: ds.id },
      query: QUERY,
      options: { returnFormat: 'ARRAYS' },
    })) {
      if (simFirstByteMs < 0) simFirstByteMs = performance.now() - tFetch;
      chunks.push(c as Buffer);
    }
    const simMs = performance.now() - tFetch;
    // The pull below asks a 2026.1 simulator for server-sent events, a different cached answer than
    // the JSON just fetched: fetch it once untimed, so the simulator answers the measured pull from its
    // query cache as it did when both were JSON, and the figure stays ours (server + add-in side).
    if (client.supports('vdsServerSentEvents')) {
      const options = { returnFormat: 'ARRAYS', returnServerSentEvents: true };
      for await (const chunk of await client.vdsQuery({ datasource: { datasourceLuid: ds.id }, query: QUERY, options })) void chunk;
    }
    let bytes: Buffer | undefined = Buffer.concat(chunks);
    chunks.length = 0;
    const size = bytes.length;
    const tParse = performance.now();
    const parseCpu0 = process.cpuUsage();
    const parsed = JSON.parse(bytes.toString('utf8')) as { data: unknown[] };
    const parseMs = performance.now() - tParse;
    const parseCpu = process.cpuUsage(parseCpu0);
    const parseCpuMs = (parseCpu.user + parseCpu.system) / 1000;
    const baselineRows = parsed.data.length;
    bytes = undefined;
    (parsed as { data?: unknown[] }).data = undefined;
    (globalThis as { gc?: () => void }).gc?.();

    type Measured = { baselineMb: number; peakMb: number; samples: number; cpuMs: number };
    await Promise.all([server.ask({ type: 'heap-start' }, 'heap-started'), sim.ask({ type: 'heap-start' }, 'heap-started')]);
    const cpu0 = process.cpuUsage();
    const run = await pull(server.url, token, cid, ds.id);
    const cpu = process.cpuUsage(cpu0);
    const [heap, simUse] = await Promise.all([
      server.ask<Measured>({ type: 'heap-stop' }, 'heap'),
      sim.ask<Measured>({ type: 'heap-stop' }, 'heap'),
    ]);
    const addinCpuMs = (cpu.user + cpu.system) / 1000;
    if (run.rows !== baselineRows) throw new Error(`vds bench: ${run.rows} typed rows, but the VDS answer had ${baselineRows}`);

    const detail = `${run.rows.toLocaleString('en-US')} rows × ${VDS_FIELDS.length} columns, ${(size / 1048576).toFixed(0)} MB of VDS JSON`;
    return [
      {
        name: 'vds_1m_vs_json_parse',
        value: run.totalMs / parseMs,
        target: 2,
        goal: 'max',
        unit: '×',
        note: `${detail}: simulator → server → add-in typed rows ${run.totalMs.toFixed(0)} ms vs JSON.parse ${parseMs.toFixed(0)} ms (CPU ${parseCpuMs.toFixed(0)} ms; the simulator alone took ${simMs.toFixed(0)} ms to send the bytes). CPU time during the pull: simulator ${simUse.cpuMs.toFixed(0)} ms, server ${heap.cpuMs.toFixed(0)} ms, add-in side ${addinCpuMs.toFixed(0)} ms`,
      },
      {
        name: 'vds_1m_server_heap_mb',
        value: heap.peakMb - heap.baselineMb,
        target: 256,
        goal: 'below',
        unit: 'MB',
        note: `peak ${heap.peakMb.toFixed(0)} MB over a ${heap.baselineMb.toFixed(0)} MB baseline, ${heap.samples} samples in the server process`,
      },
      {
        name: 'vds_1m_first_rows_ms',
        value: run.firstRowsMs,
        target: 1000,
        goal: 'below',
        unit: 'ms',
        note: `from the add-in's POST to its first decoded batch; the simulator's own time to first byte was ${simFirstByteMs.toFixed(0)} ms; types ${run.types}`,
      },
    ];
  } finally {
    // The server signs out of the simulator when it closes: stop it first.
    await server.stop();
    await sim.stop();
  }
}
