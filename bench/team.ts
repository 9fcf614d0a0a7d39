/**
 * team_*: issue #17's team server under a burst. A throwaway PostgreSQL (initdb + pg_ctl, the tests'
 * test/support/postgres.ts), the simulator with 50 ms latency per request, and THREE companion
 * server instances as child processes on one DATABASE_URL (so scheduled pulls go through the
 * pg-boss queue, docs/queue.md). 1,000 daily schedules are created over the instances' HTTP API
 * (round robin, four analysts' sessions), all due at the same minute; once every run is over the
 * figures come from the store's `schedule_runs` and the simulator's export gauge (/_sim/exports):
 *  - duplicate runs: runs beyond the first for one schedule and due time (target 0);
 *  - missed: schedules with no run for the due time (target 0);
 *  - start lag: run started_at − due time, p99 (≤ 5 s; p50 in the note);
 *  - the most export calls at the simulator for the site at once (≤ 20, Tableau Cloud's limit:
 *    kb.tableau.com "Concurrency limits in REST APIs on Tableau Cloud"). The simulator enforces that
 *    limit as Tableau does (429), and counts a refused call while its 429 goes out, so instances
 *    that overshoot show here as more than 20, never as exactly 20;
 *  - throughput against the floor that limit allows: each run is one export call taking `d` alone
 *    (measured first, warm, median of 5), so at most 20 / d runs per second; the burst took T from
 *    the due time to the last run's end, the floor is N·d / 20, the figure is T ÷ floor (≤ 1.5 ×,
 *    as list_10k_vs_floor).
 * Connections sign in with the demo user's password: the simulator keeps one live session per PAT
 * (server/sim/auth.ts), so three instances on one PAT would sign each other out, which is the
 * session-sharing work of #17, not what this bench measures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { stableId } from '../server/sim/state/ids.js';
import { findPostgresBin, startCluster } from '../test/support/postgres.js';
import { type BenchChild, startChild } from './children.js';
import { postgresCpuMs, processCpuMs } from './proc-cpu.js';
import { type Figure, median } from './report.js';

const VIEW_ID = stableId('demo', 'view', 'superstore/Orders by Region');
const API = '3.28';
const EXPORT_LIMIT = 20;

export interface TeamBenchOptions {
  schedules?: number;
  instances?: number;
  analysts?: number;
  latencyMs?: number;
  /** How long after the due time the runs may take before the unfinished count as missed. */
  drainSeconds?: number;
}

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** One export call alone, warm: sign in, then the median of 5 view-data downloads read to the end. */
async function singleExportMs(sim: BenchChild): Promise<number> {
  const demo = sim.demo!;
  const signIn = await fetch(`${sim.url}/api/${API}/auth/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      credentials: {
        personalAccessTokenName: demo.otherPatName,
        personalAccessTokenSecret: demo.otherPatSecret,
        site: { contentUrl: demo.siteContentUrl },
      },
    }),
  });
  const token = (await json<{ credentials: { token: string } }>(signIn, 'sign-in')).credentials.token;
  const once = async () => {
    const t0 = performance.now();
    const res = await fetch(`${sim.url}/api/${API}/sites/${demo.siteId}/views/${VIEW_ID}/data`, { headers: { 'x-tableau-auth': token } });
    const body = await res.text();
    if (!res.ok || body.length === 0) throw new Error(`view data: HTTP ${res.status} ${body.slice(0, 300)}`);
    return performance.now() - t0;
  };
  await once(); // warm-up: keep-alive socket, JIT
  const times: number[] = [];
  for (let i = 0; i < 5; i++) times.push(await once());
  return median(times);
}

/** Runs `task` over `items` with at most `width` at once. */
async function pooled<T>(items: readonly T[], width: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await task(items[i], i);
      }
    }),
  );
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

interface Outcome {
  runs: number;
  duplicates: number;
  missed: number;
  failed: number;
  lagsS: number[];
  /** started_at → finished_at of each finished run, sorted. */
  durationsS: number[];
  lastEndMs: number;
}

/** What the store says about the due time's runs. */
async function outcome(db: pg.Client, due: Date, schedules: number): Promise<Outcome & { unfinished: number }> {
  const { rows } = await db.query<{ schedule_id: string; status: string; started_at: Date; finished_at: Date | null }>(
    `SELECT schedule_id, status, started_at, finished_at FROM schedule_runs WHERE scheduled_for = $1`,
    [due],
  );
  const perSchedule = new Map<string, number>();
  for (const r of rows) perSchedule.set(r.schedule_id, (perSchedule.get(r.schedule_id) ?? 0) + 1);
  const duplicates = [...perSchedule.values()].reduce((sum, n) => sum + n - 1, 0);
  return {
    runs: rows.length,
    duplicates,
    missed: schedules - perSchedule.size,
    failed: rows.filter((r) => r.status === 'failed').length,
    unfinished: rows.filter((r) => r.status === 'running').length,
    lagsS: rows.map((r) => (r.started_at.getTime() - due.getTime()) / 1000).sort((a, b) => a - b),
    durationsS: rows
      .flatMap((r) => (r.finished_at ? [(r.finished_at.getTime() - r.started_at.getTime()) / 1000] : []))
      .sort((a, b) => a - b),
    lastEndMs: Math.max(...rows.map((r) => r.finished_at?.getTime() ?? 0)),
  };
}

/**
 * Where the start lag goes: pg-boss's own times of the due time's jobs (pgboss.job, v10: created_on
 * when the first instance enqueued it, started_on when a worker fetched it).
 */
async function queueTimes(db: pg.Client, due: Date): Promise<string> {
  const { rows } = await db.query<{ enqueued: number; fetched: number }>(
    `SELECT extract(epoch FROM created_on - $1::timestamptz) AS enqueued, extract(epoch FROM started_on - $1::timestamptz) AS fetched
       FROM pgboss.job WHERE name = 'scheduled-pull' AND singleton_key LIKE '%@' || $2`,
    [due, due.toISOString()],
  );
  if (!rows.length) return 'no queue jobs found';
  const enqueued = rows.map((r) => Number(r.enqueued)).sort((a, b) => a - b);
  const fetched = rows.flatMap((r) => (r.fetched === null ? [] : [Number(r.fetched)])).sort((a, b) => a - b);
  // Negative: before the due time (enqueued ahead, docs/queue.md).
  return `jobs enqueued p50 ${percentile(enqueued, 50).toFixed(2)} s / p99 ${percentile(enqueued, 99).toFixed(2)} s after the due time (negative: ahead of it), fetched by a worker p50 ${percentile(fetched, 50).toFixed(2)} s / p99 ${percentile(fetched, 99).toFixed(2)} s`;
}

/** SQL statements of the burst (pg_stat_statements, top-level), per run; the bench's own polling left out. */
async function statementsPerRun(db: pg.Client, runs: number): Promise<{ summary: string; top: string }> {
  const { rows } = await db.query<{ query: string; calls: string; ms: number }>(
    `SELECT query, calls, total_exec_time AS ms FROM pg_stat_statements
      WHERE query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%WHERE scheduled_for = $1%' AND query NOT LIKE '%FROM pgboss.job WHERE name = %'
      ORDER BY calls DESC`,
  );
  const calls = rows.reduce((sum, r) => sum + Number(r.calls), 0);
  const ms = rows.reduce((sum, r) => sum + r.ms, 0);
  const per = (n: number) => (n / Math.max(1, runs)).toFixed(2);
  return {
    summary: `${per(calls)} SQL statements per run (${calls} in all, ${(ms / 1000).toFixed(1)} s executing; pg_stat_statements)`,
    top: rows
      .slice(0, 30)
      .map(
        (r) =>
          `  ${per(Number(r.calls)).padStart(6)}/run ${(r.ms / Number(r.calls)).toFixed(2).padStart(6)} ms  ${r.query.replace(/\s+/g, ' ').slice(0, 160)}`,
      )
      .join('\n'),
  };
}

export async function benchTeam(o: TeamBenchOptions = {}): Promise<Figure[]> {
  const total = o.schedules ?? 1_000;
  const instances = o.instances ?? 3;
  const analysts = o.analysts ?? 4;
  const latencyMs = o.latencyMs ?? 50;
  const drainMs = (o.drainSeconds ?? 90) * 1000;
  const bin = findPostgresBin();
  if (!bin) throw new Error('no PostgreSQL found (initdb on PATH or under /usr/lib/postgresql; apt-get install postgresql)');
  // pg_stat_statements (https://www.postgresql.org/docs/current/pgstatstatements.html): the
  // statements per run, by statement, during the burst.
  const cluster = await startCluster(bin, { shared_preload_libraries: 'pg_stat_statements' });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-team-'));
  const children: BenchChild[] = [];
  const db = new pg.Client({ connectionString: cluster.url });
  try {
    const sim = await startChild({ role: 'sim', options: { faults: [{ kind: 'latency', ms: latencyMs }] } });
    children.push(sim);
    const exportMs = await singleExportMs(sim);
    // One after another: the first creates the store's schema, pg-boss's and the key file the others share.
    const servers: BenchChild[] = [];
    for (let i = 0; i < instances; i++) {
      const server = await startChild({ role: 'server', addin: 'off', databaseUrl: cluster.url, dataDir });
      children.push(server);
      servers.push(server);
    }
    await db.connect();
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const demo = sim.demo!;
    const sessions = await Promise.all(
      Array.from({ length: analysts }, async (_, i) => {
        const res = await fetch(`${servers[i % instances].url}/api/connections`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            serverUrl: sim.url,
            siteContentUrl: demo.siteContentUrl,
            auth: { kind: 'password', username: demo.username, password: demo.password },
          }),
        });
        const body = await json<{ sessionToken: string; connection: { id: string } }>(res, 'connect');
        return { token: body.sessionToken, connectionId: body.connection.id };
      }),
    );
    // The next whole minute at least 30 s ahead: creating the schedules must end before it.
    const due = new Date(Math.ceil((Date.now() + 30_000) / 60_000) * 60_000);
    const time = due.toISOString().slice(11, 16);
    const createStarted = performance.now();
    await pooled(
      Array.from({ length: total }, (_, i) => i),
      12,
      async (i) => {
        const session = sessions[i % analysts];
        const res = await fetch(`${servers[i % instances].url}/api/schedules`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
          body: JSON.stringify({
            connectionId: session.connectionId,
            definitionId: `bench-${i}`,
            name: `Team bench ${i}`,
            source: { kind: 'view', viewId: VIEW_ID, name: 'Superstore / Orders by Region' },
            spec: { kind: 'daily', time, timeZone: 'UTC' },
          }),
        });
        await json<unknown>(res, `schedule ${i}`);
      },
    );
    const createS = (performance.now() - createStarted) / 1000;
    if (Date.now() > due.getTime() - 2_000) throw new Error(`creating ${total} schedules took ${createS.toFixed(1)} s: past the due time`);
    await fetch(`${sim.url}/_sim/exports`, { method: 'DELETE' });
    process.stderr.write(`bench team: ${total} schedules created in ${createS.toFixed(1)} s, due at ${due.toISOString()}\n`);
    // CPU and statements from a little before the due time to the last run's end (what the burst costs).
    while (Date.now() < due.getTime() - 1_000) await new Promise((r) => setTimeout(r, 100));
    await db.query('SELECT pg_stat_statements_reset()');
    const cpuOf = () => ({
      servers: servers.map((s) => processCpuMs(s.pid)),
      sim: processCpuMs(sim.pid),
      postgres: postgresCpuMs(cluster.dataDir),
    });
    const cpuBefore = cpuOf();

    let seen = await outcome(db, due, total);
    while (Date.now() < due.getTime() + drainMs && (seen.runs < total || seen.unfinished > 0)) {
      await new Promise((r) => setTimeout(r, 1_000));
      seen = await outcome(db, due, total);
    }
    const cpuAfter = cpuOf();
    const queue = await queueTimes(db, due);
    const perRun = (ms: number) => (ms / Math.max(1, seen.runs)).toFixed(1);
    const serverCpu = cpuAfter.servers.map((ms, i) => ms - cpuBefore.servers[i]);
    const cpu = `CPU per run: instances ${serverCpu.map(perRun).join(' + ')} ms, simulator ${perRun(cpuAfter.sim - cpuBefore.sim)} ms, PostgreSQL ${perRun(cpuAfter.postgres - cpuBefore.postgres)} ms (/proc, due time − 1 s to the end)`;
    const statements = await statementsPerRun(db, seen.runs);
    process.stderr.write(`bench team: ${cpu}\nbench team: ${statements.summary}\n${statements.top}\n`);
    const gauge = await json<{ sites: Array<{ siteId: string; max: number; rejected: number }> }>(
      await fetch(`${sim.url}/_sim/exports`),
      'export gauge',
    );
    const site = gauge.sites.find((s) => s.siteId === demo.siteId) ?? { max: 0, rejected: 0 };

    const burstS = (seen.lastEndMs - due.getTime()) / 1000;
    const floorS = (total * exportMs) / 1000 / EXPORT_LIMIT;
    const throughput = seen.runs / burstS;
    const lags = seen.lagsS.length ? seen.lagsS : [Number.NaN];
    const durations = seen.durationsS.length ? seen.durationsS : [Number.NaN];
    const setup = `${total} daily schedules due at one minute, ${instances} instances on one PostgreSQL (pg-boss), ${analysts} analysts' sessions, simulator latency ${latencyMs} ms`;
    return [
      {
        name: 'team_duplicate_runs',
        value: seen.duplicates,
        target: 0,
        goal: 'max',
        unit: 'runs',
        note: `${setup}; ${seen.runs} runs recorded (${seen.failed} failed, ${seen.unfinished} still running after ${drainMs / 1000} s); schedules created over HTTP in ${createS.toFixed(1)} s`,
      },
      {
        name: 'team_missed_runs',
        value: seen.missed,
        target: 0,
        goal: 'max',
        unit: 'runs',
        note: 'schedules with no run for the due time',
      },
      {
        name: 'team_start_lag_p99_s',
        value: percentile(lags, 99),
        target: 5,
        goal: 'max',
        unit: 's',
        note: `run started_at − due time: p50 ${percentile(lags, 50).toFixed(2)} s, max ${lags[lags.length - 1].toFixed(2)} s; ${queue}; ${cpu}; ${statements.summary}`,
      },
      {
        name: 'team_max_concurrent_exports',
        value: site.max,
        target: EXPORT_LIMIT,
        goal: 'max',
        unit: 'calls',
        note: `most export calls at the simulator for the site at once (served, or being answered 429); ${site.rejected} answered 429 by its limit of ${EXPORT_LIMIT}`,
      },
      {
        name: 'team_throughput_vs_floor',
        value: burstS / floorS,
        target: 1.5,
        goal: 'max',
        unit: '×',
        note: `${throughput.toFixed(1)} runs/s (${seen.runs} runs, due time to last end ${burstS.toFixed(1)} s) against the floor ${EXPORT_LIMIT} / ${exportMs.toFixed(0)} ms = ${((EXPORT_LIMIT * 1000) / exportMs).toFixed(0)} runs/s (${floorS.toFixed(1)} s): one export alone takes ${exportMs.toFixed(0)} ms, at most ${EXPORT_LIMIT} at once; a run took ${percentile(durations, 50).toFixed(2)} s (p50), ${percentile(durations, 99).toFixed(2)} s (p99)`,
      },
    ];
  } finally {
    await db.end().catch(() => undefined);
    // Servers first (they stop their runners and sign out of the simulator), the simulator last.
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
