/**
 * vds_sse_first_rows_vs_json: how soon the first rows of a 1,000,000-row VDS result reach the
 * add-in side on a new server (2026.1: the product asks for Server-Sent Events) compared with an older
 * one (2025.3: one JSON body), each simulator answering every request 50 ms late (`latency` fault).
 * The gap is Tableau's: before 2026.1 VDS assembled the whole response before sending it; 2026.1
 * "begins returning results when they're produced" (vds_create_queries.html "Results handling and
 * error checking"), which the simulator models (server/sim/data/vds/routes.ts). Whole product path:
 * simulator ─HTTP→ companion server (pullMessages → vdsSseToTyped | vdsToTyped → NDJSON) ─HTTP→ this
 * process decoding NDJSON (common/ndjson.ts) like the pane. Each run is a new query (the fields in
 * another order), so neither simulator answers from its query cache; the median of RUNS is reported.
 */
import type { ConnectResponse, DatasourceItem, Page } from '../common/api.js';
import { decodeNodeStream } from '../common/ndjson.js';
import { type BenchChild, startChild } from './children.js';
import type { Figure } from './report.js';
import { api, post, VDS_FIELDS } from './vds.js';

const LATENCY_MS = 50;
const RUNS = 3;

interface Side {
  label: string;
  sim: BenchChild;
  token: string;
  cid: string;
  datasourceId: string;
}

/** The fields in a rotated order: the same 1,000,000 rows × 10 columns, a query the cache has not seen. */
const rotated = (by: number) => VDS_FIELDS.map((_, i) => ({ fieldCaption: VDS_FIELDS[(i + by) % VDS_FIELDS.length] }));

async function connect(label: string, sim: BenchChild, serverUrl: string): Promise<Side> {
  const demo = sim.demo!;
  const connected = await api<ConnectResponse>(`${serverUrl}/api/connections`, undefined, 'POST', {
    serverUrl: sim.url,
    siteContentUrl: demo.siteContentUrl,
    auth: { kind: 'pat', patName: demo.patName, patSecret: demo.patSecret },
  });
  const token = connected.sessionToken;
  const cid = connected.connection.id;
  const list = await api<Page<DatasourceItem>>(`${serverUrl}/api/connections/${cid}/datasources?pageSize=1000`, token, 'GET');
  const ds = list.items.find((d) => d.name === 'Superstore Large');
  if (!ds) throw new Error('vds-sse bench: the simulator has no "Superstore Large" data source');
  return { label, sim, token, cid, datasourceId: ds.id };
}

/**
 * Milliseconds from the add-in side's POST to its first decoded batch of rows; then the response is
 * dropped (identity encoding, so closing it closes the socket and the server stops the pull).
 */
async function firstRowsMs(serverUrl: string, side: Side, fields: Array<{ fieldCaption: string }>, limit?: number): Promise<number> {
  const t0 = performance.now();
  const res = await post(
    `${serverUrl}/api/connections/${side.cid}/pull`,
    { 'content-type': 'application/json', authorization: `Bearer ${side.token}`, 'accept-encoding': 'identity' },
    JSON.stringify({ source: { kind: 'datasource', datasourceId: side.datasourceId, query: { fields } }, options: limit ? { limit } : {} }),
  );
  if (res.status !== 200) throw new Error(`vds-sse bench: ${side.label} pull answered ${res.status}`);
  for await (const m of decodeNodeStream(res.body)) {
    if (m.kind === 'rows' && m.rows.length) return performance.now() - t0;
    if (m.kind === 'error') throw new Error(`vds-sse bench: ${side.label} stream failed: ${m.error.message}`);
    if (m.kind === 'end') break;
  }
  throw new Error(`vds-sse bench: ${side.label} sent no rows`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchVdsSse(): Promise<Figure[]> {
  const faults = [{ kind: 'latency' as const, ms: LATENCY_MS }];
  const [newSim, oldSim, server] = await Promise.all([
    startChild({ role: 'sim', options: { productVersion: '2026.1.0', faults } }),
    startChild({ role: 'sim', options: { productVersion: '2025.3.0', faults } }),
    startChild({ role: 'server', addin: 'off' }),
  ]);
  try {
    const sse = await connect('2026.1 (server-sent events)', newSim, server.url);
    const json = await connect('2025.3 (JSON)', oldSim, server.url);
    // Warm-up: each simulator builds its 1M-row dataset on first use; every process JITs the path.
    for (const side of [sse, json]) await firstRowsMs(server.url, side, rotated(0), 1000);
    const times = { sse: [] as number[], json: [] as number[] };
    for (let run = 1; run <= RUNS; run++) {
      times.sse.push(await firstRowsMs(server.url, sse, rotated(run)));
      times.json.push(await firstRowsMs(server.url, json, rotated(run)));
    }
    const a = median(times.sse);
    const b = median(times.json);
    const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    return [
      {
        name: 'vds_sse_first_rows_vs_json',
        value: a / b,
        target: 0.1,
        goal: 'max',
        unit: '×',
        note: `1,000,000 rows × ${VDS_FIELDS.length} columns, ${LATENCY_MS} ms latency per request, median of ${RUNS} new queries from POST to the first decoded rows: ${sse.label} ${a.toFixed(0)} ms (${ms(times.sse)}), ${json.label} ${b.toFixed(0)} ms (${ms(times.json)})`,
      },
    ];
  } finally {
    // The server signs out of the simulators when it closes: stop it first.
    await server.stop();
    await Promise.all([newSim.stop(), oldSim.stop()]);
  }
}
