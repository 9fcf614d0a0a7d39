/**
 * load_*: the companion server under load (issue #18). The simulator (its own process, Tableau
 * Cloud's 20 export calls per site) and the server (its own process) as in bench/vds.ts; this
 * process plays 5 analysts (5 sessions, each its own connection) with 10 pulls each in flight for
 * 60 s, round robin over four kinds: a view's CSV of 10,000 rows, a VDS query of 10,000 and of
 * 100,000 rows (Superstore Large, rowLimit), and a browse list (workbooks and data sources).
 *   load_errors            requests that failed (HTTP status, a stream error, a short answer)
 *   load_p99_vs_p50_max    for each kind p99 / p50 of its latencies; the worst kind
 *   load_rss_growth        the server's RSS after a full GC: after the run against before it, and
 *                          after the tenth of ten 1,000,000-row pulls against after the first; the
 *                          larger of the two, as a fraction
 * Each figure's note also gives the event-loop delay of the server, of the simulator and of this
 * process (which reads every pull's rows) during the run (p50/p99/max, bench/child.ts
 * loopDelaySampler): a browse crosses the server's loop about four times, so a long turn there is
 * what makes its p99; and the server's CPU time per row delivered (its throughput, whatever the
 * other processes on the machine take). BENCH_LOAD_TURN_BUDGET=off runs the server with the pulls'
 * turn budget off (server/pull/turn-budget.ts), to compare.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ConnectResponse, DatasourceItem, Page, ViewItem, WorkbookItem } from '../common/api.js';
import { decodeNodeStream } from '../common/ndjson.js';
import { type BenchChild, startChild } from './children.js';
import { type LoopDelay, loopDelaySampler } from './loop-delay.js';
import { processCpuMs } from './proc-cpu.js';
import type { Figure } from './report.js';
import { api, post, VDS_FIELDS } from './vds.js';

const KINDS = ['view-csv-10k', 'vds-10k', 'vds-100k', 'browse'] as const;
type Kind = (typeof KINDS)[number];
/** Rows a request of each kind delivers (a browse: two list pages, not rows of a pull). */
const ROWS: Record<Kind, number> = { 'view-csv-10k': 10_000, 'vds-10k': 10_000, 'vds-100k': 100_000, browse: 0 };

interface Session {
  token: string;
  cid: string;
}

const describeLoop = (l: LoopDelay) =>
  `p50 ${l.p50Ms.toFixed(0)} ms, p99 ${l.p99Ms.toFixed(0)} ms, max ${l.maxMs.toFixed(0)} ms, busy ${(l.utilization * 100).toFixed(0)} %`;

interface Targets {
  viewId: string;
  datasourceId: string;
}

/** Row-level order lines for the simulator's CSV data set (its one sheet lists every row). */
function orderLinesCsv(rows: number): string {
  const regions = ['East', 'West', 'Central', 'South'];
  const lines = ['Row ID,Order ID,Order Date,Customer Name,Postal Code,Region,Sales,Quantity,Discount,Profit'];
  for (let i = 1; i <= rows; i++) {
    const day = new Date(Date.UTC(2024, 0, 1 + (i % 700))).toISOString().slice(0, 10);
    lines.push(
      `${i},CA-2024-${100000 + i},${day},Customer ${i % 800},${String(1000 + ((i * 37) % 98000)).padStart(5, '0')},${regions[i % 4]},${((i * 7.31) % 2000).toFixed(2)},${1 + (i % 9)},${(i % 5) / 10},${((i * 3.17) % 400) - 100}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The p-th percentile (nearest rank) of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One pull through the server, read to its end; the row count it delivered. */
async function pullRows(serverUrl: string, s: Session, source: object): Promise<number> {
  const res = await post(
    `${serverUrl}/api/connections/${s.cid}/pull`,
    { 'content-type': 'application/json', authorization: `Bearer ${s.token}`, 'accept-encoding': 'gzip, deflate' },
    JSON.stringify({ source, options: {} }),
  );
  if (res.status !== 200) {
    let text = '';
    for await (const b of res.body) text += Buffer.from(b).toString();
    throw new Error(`pull answered ${res.status}: ${text.slice(0, 200)}`);
  }
  let rows = 0;
  for await (const m of decodeNodeStream(res.body)) {
    if (m.kind === 'rows') rows += m.rows.length;
    if (m.kind === 'error') throw new Error(`the stream failed: ${m.error.message}`);
  }
  return rows;
}

const vdsSource = (datasourceId: string, rowLimit?: number) => ({
  kind: 'datasource',
  datasourceId,
  query: { fields: VDS_FIELDS.map((fieldCaption) => ({ fieldCaption })) },
  ...(rowLimit ? { rowLimit } : {}),
});

/** One request of `kind`; throws when it failed or came back short. */
async function request(kind: Kind, serverUrl: string, s: Session, t: Targets): Promise<void> {
  const expect = async (got: Promise<number>, want: number) => {
    const rows = await got;
    if (rows !== want) throw new Error(`${kind}: ${rows} rows, expected ${want}`);
  };
  if (kind === 'view-csv-10k') await expect(pullRows(serverUrl, s, { kind: 'view', viewId: t.viewId }), 10_000);
  else if (kind === 'vds-10k') await expect(pullRows(serverUrl, s, vdsSource(t.datasourceId, 10_000)), 10_000);
  else if (kind === 'vds-100k') await expect(pullRows(serverUrl, s, vdsSource(t.datasourceId, 100_000)), 100_000);
  else {
    const base = `${serverUrl}/api/connections/${s.cid}`;
    await Promise.all([
      api<Page<WorkbookItem>>(`${base}/workbooks?pageSize=100`, s.token, 'GET'),
      api<Page<DatasourceItem>>(`${base}/datasources?pageSize=100`, s.token, 'GET'),
    ]);
  }
}

async function rss(server: BenchChild): Promise<number> {
  // Twice: the first GC frees what finalizers held, the second what that released.
  await server.ask({ type: 'rss' }, 'rss');
  return (await server.ask<{ rssMb: number }>({ type: 'rss' }, 'rss')).rssMb;
}

export async function benchLoad(
  o: { seconds?: number; sessions?: number; perSession?: number; bigPulls?: number } = {},
): Promise<Figure[]> {
  const seconds = o.seconds ?? 60;
  const sessionCount = o.sessions ?? 5;
  const perSession = o.perSession ?? 10;
  const bigPulls = o.bigPulls ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const csvPath = join(dir, 'Load Order Lines.csv');
  writeFileSync(csvPath, orderLinesCsv(10_000));
  const sim = await startChild({ role: 'sim', options: { csvDatasets: [csvPath] } });
  const turnBudgetOff = process.env.BENCH_LOAD_TURN_BUDGET === 'off';
  const server = await startChild({ role: 'server', addin: 'off', ...(turnBudgetOff ? { turnBudget: 'off' as const } : {}) });
  try {
    const demo = sim.demo!;
    // Password sign-ins: the simulator keeps one session per PAT, so five on one PAT would sign each other out.
    const sessions: Session[] = [];
    for (let i = 0; i < sessionCount; i++) {
      const c = await api<ConnectResponse>(`${server.url}/api/connections`, undefined, 'POST', {
        serverUrl: sim.url,
        siteContentUrl: demo.siteContentUrl,
        auth: { kind: 'password', username: demo.username, password: demo.password },
      });
      sessions.push({ token: c.sessionToken, cid: c.connection.id });
    }
    const base = `${server.url}/api/connections/${sessions[0].cid}`;
    const token = sessions[0].token;
    const workbooks = await api<Page<WorkbookItem>>(`${base}/workbooks?pageSize=1000`, token, 'GET');
    const wb = workbooks.items.find((w) => w.name === 'Load Order Lines');
    if (!wb) throw new Error('load bench: the simulator has no "Load Order Lines" workbook');
    const views = await api<{ views: ViewItem[] }>(`${base}/workbooks/${wb.id}/views`, token, 'GET');
    const datasources = await api<Page<DatasourceItem>>(`${base}/datasources?pageSize=1000`, token, 'GET');
    const ds = datasources.items.find((d) => d.name === 'Superstore Large');
    if (!ds) throw new Error('load bench: the simulator has no "Superstore Large" data source');
    const targets: Targets = { viewId: views.views[0].id, datasourceId: ds.id };

    // Warm-up: datasets built, caches filled, code compiled; then the baseline.
    for (const kind of KINDS) await request(kind, server.url, sessions[0], targets);
    const rssBefore = await rss(server);

    await Promise.all([server.ask({ type: 'loop-start' }, 'loop-started'), sim.ask({ type: 'loop-start' }, 'loop-started')]);
    const ownLoop = loopDelaySampler();
    ownLoop.start();
    const serverCpuBefore = processCpuMs(server.pid);
    let rowsDelivered = 0;
    const latencies = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
    const errors: string[] = [];
    let requests = 0;
    const until = performance.now() + seconds * 1000;
    let turn = 0;
    await Promise.all(
      Array.from({ length: sessionCount * perSession }, async (_, worker) => {
        const s = sessions[worker % sessionCount];
        while (performance.now() < until) {
          const kind = KINDS[turn++ % KINDS.length];
          const t0 = performance.now();
          try {
            await request(kind, server.url, s, targets);
            latencies.get(kind)!.push(performance.now() - t0);
            rowsDelivered += ROWS[kind];
          } catch (err) {
            errors.push(`${kind}: ${err instanceof Error ? err.message : String(err)}`);
          }
          requests++;
        }
      }),
    );
    const serverCpuMs = processCpuMs(server.pid) - serverCpuBefore;
    const benchLoop = ownLoop.stop();
    const [serverLoop, simLoop] = await Promise.all([
      server.ask<LoopDelay>({ type: 'loop-stop' }, 'loop'),
      sim.ask<LoopDelay>({ type: 'loop-stop' }, 'loop'),
    ]);
    await new Promise((r) => setTimeout(r, 2000)); // sockets closed, streams ended
    const gauge = (await (await fetch(`${sim.url}/_sim/exports`)).json()) as { sites: Array<{ max: number; rejected: number }> };
    const exportsAtSim = gauge.sites.reduce((a, site) => ({ max: Math.max(a.max, site.max), rejected: a.rejected + site.rejected }), {
      max: 0,
      rejected: 0,
    });
    const rssAfter = await rss(server);

    // Ten 1,000,000-row pulls, one after another: the RSS after the first against after the tenth.
    const bigRss: number[] = [];
    for (let i = 0; i < bigPulls; i++) {
      const rows = await pullRows(server.url, sessions[i % sessionCount], vdsSource(targets.datasourceId));
      if (rows !== 1_000_000) errors.push(`vds-1m: ${rows} rows`);
      bigRss.push(await rss(server));
    }

    const perKind = KINDS.map((kind) => {
      const sorted = [...latencies.get(kind)!].sort((a, b) => a - b);
      if (sorted.length === 0) return { kind, n: 0, p50: NaN, p99: NaN, ratio: NaN };
      const p50 = percentile(sorted, 50);
      const p99 = percentile(sorted, 99);
      return { kind, n: sorted.length, p50, p99, ratio: p99 / p50, max: sorted.at(-1)! };
    });
    const worst = perKind.reduce((a, b) => (!(a.ratio >= b.ratio) ? b : a));
    const runGrowth = (rssAfter - rssBefore) / rssBefore;
    const pullGrowth = (bigRss.at(-1)! - bigRss[0]) / bigRss[0];
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const kinds = perKind.map((k) => `${k.kind} ×${k.n} p50 ${s(k.p50)} p99 ${s(k.p99)} (${k.ratio.toFixed(2)} ×)`).join('; ');
    const setup = `${sessionCount} sessions × ${perSession} pulls in flight for ${seconds} s, ${requests} requests; at the simulator at most ${exportsAtSim.max} export calls at once, ${exportsAtSim.rejected} refused (429)`;
    const loops = `event-loop delay during the run: server ${describeLoop(serverLoop)}; simulator ${describeLoop(simLoop)}; this bench process ${describeLoop(benchLoop)}`;
    const cpu = `server CPU ${(serverCpuMs / 1000).toFixed(1)} s for ${rowsDelivered.toLocaleString('en-US')} pulled rows (${((serverCpuMs * 1000) / Math.max(1, rowsDelivered)).toFixed(2)} µs a row)${turnBudgetOff ? '; turn budget OFF (BENCH_LOAD_TURN_BUDGET=off)' : ''}`;
    return [
      {
        name: 'load_errors',
        value: errors.length,
        target: 0,
        goal: 'max',
        unit: 'errors',
        note: `${setup}${errors.length ? `; first: ${errors.slice(0, 3).join(' | ')}` : ''}`,
      },
      {
        name: 'load_rss_growth',
        value: Math.max(runGrowth, pullGrowth),
        target: 0.2,
        goal: 'max',
        unit: '',
        note: `server RSS after a full GC: ${rssBefore.toFixed(0)} MB before the run, ${rssAfter.toFixed(0)} MB after it (${(runGrowth * 100).toFixed(1)} %); after each of ${bigPulls} 1,000,000-row VDS pulls ${bigRss.map((v) => v.toFixed(0)).join(', ')} MB (${(pullGrowth * 100).toFixed(1)} % first → last)`,
      },
      {
        name: 'load_p99_vs_p50_max',
        value: worst.ratio,
        target: 4,
        goal: 'max',
        unit: '×',
        note: `worst: ${worst.kind}; ${kinds}; ${loops}; ${cpu}`,
      },
    ];
  } finally {
    await Promise.all([server.stop(), sim.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
