/**
 * Issue #17, "Several instances": three real server instances (child processes of server/main.ts,
 * team mode, configured through the environment only) on one PostgreSQL database, behind nginx
 * running the shipped deploy/nginx/companion.conf (TLS, round-robin), with the simulator as the
 * Tableau Server on loopback, trusted through TRUSTED_PRIVATE_RANGES. Everything the test asks goes
 * through the proxy, as https://excel.example.com.
 *
 *  - two users each see only their own schedules, and get 404 on the other's;
 *  - schedules created through each of the three instances run exactly once at their time;
 *  - an instance killed with -9 mid-run: the run is retried once on another instance (attempt 2)
 *    and completes; the history tells the owner (docs/queue.md#what-happens-on-kill--9); nothing stays running.
 *
 * Schedules run on whole minutes, so the test waits for the next minute (10 s at least ahead):
 * 35-80 s in all; the kill and its retry happen during that wait.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createCA, createCert } from 'mkcert';

import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { createTestDatabase, postgresAvailable } from '../../support/postgres-db.js';
import { type Answer, proxyClient } from './https-client.js';
import { type Instance, startInstance } from './instances.js';
import { findNginx, type Nginx, startNginx } from './nginx.js';

const { url: adminUrl, reason: postgresSkip } = postgresAvailable();
const { bin: nginxBin, reason: nginxSkip } = findNginx();
const skip = !adminUrl ? postgresSkip : !nginxBin ? nginxSkip : '';

const PUBLIC_NAME = 'excel.example.com';
const view = (key: string) => stableId('demo', 'view', key);
/** The run that is cut: a slow export (4 s) that the killed instance is in the middle of. */
const SLOW_VIEW = view('americas/Orders by Region');
/** One schedule per user at the same minute: Carl's, Erin's, Vera's (each their own Tableau user and PAT). */
const TIMED = { carl: view('superstore/Product Detail'), erin: view('superstore/Customers'), vera: view('superstore/Orders by Month') };
/** The longest a run may take on the queue (QUEUE_RUN_SECONDS): a killed instance's run is retried after it. */
const RUN_SECONDS = 12;

type User = 'ada' | keyof typeof TIMED;
const PATS: Record<User, { patName: string; patSecret: string }> = {
  ada: { patName: '', patSecret: '' },
  carl: { patName: '', patSecret: '' },
  erin: { patName: 'sim-pat-erin-cluster', patSecret: 'sim-pat-secret-Erin-cluster-1' },
  vera: { patName: 'sim-pat-vera-cluster', patSecret: 'sim-pat-secret-Vera-cluster-2' },
};

let sim: Simulator;
let database: { url: string; drop(): Promise<void> } | undefined;
const instances: Instance[] = [];
let proxy: Nginx | undefined;
let call: ReturnType<typeof proxyClient>['call'];
const sessions = {} as Record<User, { token: string; connectionId: string }>;

/** Exports of a view the simulator answered (its latency fault counts each one). */
const exportsOf = (viewId: string) => sim.faults.list().find((f) => f.path === `/views/${viewId}/data`)?.seen ?? 0;

async function until<T>(probe: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const ok = (res: Answer, status: number, what: string) => {
  expect(res.status, `${what}: ${res.text}`).toBe(status);
  return res.json;
};

/** The instance whose log holds a line with this message and these fields. */
const loggedBy = (msg: string, fields: Record<string, unknown>) =>
  instances.filter((i) => i.logs().some((l) => l.msg === msg && Object.entries(fields).every(([k, v]) => l[k] === v)));

/** The instances' warnings and errors, for a failure's message. */
const warnings = () =>
  JSON.stringify(
    instances.flatMap((i) =>
      i
        .logs()
        .filter((l) => (l.level as number) >= 40)
        .map((l) => ({ instance: i.name, ...l })),
    ),
  );

const scheduleBody = (connectionId: string, name: string, viewId: string, spec: object) => ({
  connectionId,
  definitionId: '5f2c2a7e-9d3b-4a47-8f7e-2a1c9b0d4e61',
  name,
  source: { kind: 'view', viewId, name },
  spec,
});

describe.skipIf(skip)(`three instances on one PostgreSQL behind nginx${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    sim = await createSimulator();
    const site = sim.state.site(sim.demo.siteId)!;
    PATS.ada = { patName: sim.demo.patName, patSecret: sim.demo.patSecret };
    PATS.carl = { patName: sim.demo.otherPatName, patSecret: sim.demo.otherPatSecret };
    for (const user of ['erin', 'vera'] as const) {
      const userId = [...site.users.values()].find((u) => u.name.startsWith(`${user}.`))!.id;
      site.pats.push({ name: PATS[user].patName, secret: PATS[user].patSecret, userId });
    }
    // Every export takes a while, as a real one does; the latency faults also count the exports.
    sim.faults.add({ kind: 'latency', ms: 4_000, path: `/views/${SLOW_VIEW}/data` });
    for (const id of Object.values(TIMED)) sim.faults.add({ kind: 'latency', ms: 1_500, path: `/views/${id}/data` });

    database = await createTestDatabase(adminUrl!);
    const env = {
      TEAM: '1',
      DATABASE_URL: database.url,
      // One key file for every instance (docs/deploy.md): the first start creates it.
      DATA_DIR: mkdtempSync(join(tmpdir(), 'cluster-data-')),
      DEMO: '0',
      ADDIN: 'off',
      ALLOWED_TABLEAU_SERVERS: '127.0.0.1',
      TRUSTED_PRIVATE_RANGES: '127.0.0.1/32',
      ALLOWED_TABLEAU_SITES: sim.demo.siteContentUrl,
      TRUST_PROXY: '127.0.0.1',
      PUBLIC_HOSTS: PUBLIC_NAME,
      LOG_LEVEL: 'info',
      QUEUE_RUN_SECONDS: String(RUN_SECONDS),
      QUEUE_MAINTENANCE_SECONDS: '1',
    };
    // The first instance creates the key file and the schemas; the others join it.
    instances.push(await startInstance('a', env));
    instances.push(...(await Promise.all([startInstance('b', env), startInstance('c', env)])));

    const ca = await createCA({ organization: 'Cluster test CA', countryCode: 'US', state: 'WA', locality: 'Seattle', validity: 2 });
    const leaf = await createCert({ ca, domains: [PUBLIC_NAME], validity: 2 });
    proxy = await startNginx(nginxBin!, mkdtempSync(join(tmpdir(), 'cluster-nginx-')), {
      upstreamPorts: instances.map((i) => i.port),
      cert: leaf.cert,
      key: leaf.key,
    });
    call = proxyClient(proxy.port, PUBLIC_NAME, ca.cert).call;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.kill('SIGTERM')));
    await proxy?.stop();
    await database?.drop();
    await sim?.close();
  }, 60_000);

  it('answers through the proxy: ready, and every user sees only their own schedules', async () => {
    expect(ok(await call('GET', '/health/ready'), 200, 'readiness')).toEqual({ ready: true, checks: { store: 'ok', scheduler: 'ok' } });
    expect((await call('GET', '/health')).headers['strict-transport-security']).toBe('max-age=31536000');

    for (const user of Object.keys(PATS) as User[]) {
      const res = await call('POST', '/api/connections', {
        body: { serverUrl: sim.url, siteContentUrl: sim.demo.siteContentUrl, auth: { kind: 'pat', ...PATS[user] } },
      });
      const json = ok(res, 201, `${user} signs in`);
      sessions[user] = { token: json.sessionToken, connectionId: json.connection.id };
    }
    // Due twelve hours from now: these two only ever run when asked.
    const later = { kind: 'daily', time: new Date(Date.now() + 12 * 3_600_000).toISOString().slice(11, 16), timeZone: 'UTC' };
    const slow = ok(
      await call('POST', '/api/schedules', {
        token: sessions.ada.token,
        body: scheduleBody(sessions.ada.connectionId, 'Americas', SLOW_VIEW, later),
      }),
      201,
      'Ada creates a schedule',
    ).schedule;
    const carls = ok(
      await call('POST', '/api/schedules', {
        token: sessions.carl.token,
        body: scheduleBody(sessions.carl.connectionId, 'Products', TIMED.carl, later),
      }),
      201,
      'Carl creates a schedule',
    ).schedule;
    const list = async (user: User) =>
      (ok(await call('GET', '/api/schedules', { token: sessions[user].token }), 200, 'list').schedules as Array<{ id: string }>).map(
        (s) => s.id,
      );
    // Each request may land on any instance; the sessions and schedules are in PostgreSQL.
    for (let i = 0; i < 3; i++) {
      expect(await list('ada')).toEqual([slow.id]);
      expect(await list('carl')).toEqual([carls.id]);
    }
    for (const [method, path] of [
      ['GET', `/api/schedules/${slow.id}/runs`],
      ['POST', `/api/schedules/${slow.id}/run`],
      ['PUT', `/api/schedules/${slow.id}`],
      ['DELETE', `/api/schedules/${slow.id}`],
    ] as const) {
      const res = await call(method, path, { token: sessions.carl.token, ...(method === 'PUT' ? { body: { name: 'mine' } } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    ok(await call('DELETE', `/api/schedules/${carls.id}`, { token: sessions.carl.token }), 204, 'Carl deletes his');
    expect(await list('ada')).toEqual([slow.id]);
  });

  it('schedules created through each instance run exactly once at their time; an instance killed with -9 mid-run has its run retried once elsewhere', async () => {
    // The next whole minute at least 10 s ahead: time to create the schedules and to kill an instance first.
    const due = new Date(Math.ceil((Date.now() + 10_000) / 60_000) * 60_000);
    const time = due.toISOString().slice(11, 16);
    const timed: Record<string, string> = {};
    for (const user of Object.keys(TIMED) as Array<keyof typeof TIMED>) {
      const body = scheduleBody(sessions[user].connectionId, `${user} at ${time}`, TIMED[user], { kind: 'daily', time, timeZone: 'UTC' });
      const created = ok(await call('POST', '/api/schedules', { token: sessions[user].token, body }), 201, `${user} schedules`).schedule;
      expect(created.nextRunAt).toBe(due.toISOString());
      timed[user] = created.id;
    }
    // Round-robin: three creates in a row went to the three instances. An instance's log line comes
    // through its stdout pipe, which may deliver it after its HTTP answer arrived: wait for all three.
    const creators = await until(
      async () => {
        const found = Object.values(timed).map((id) => loggedBy('schedule created', { scheduleId: id }).map((i) => i.name));
        return found.flat().length === 3 && found;
      },
      10_000,
      'the three creates in the logs',
    );
    expect(creators.flat().sort()).toEqual(['a', 'b', 'c']);

    // Ada's slow schedule: run now, find the instance running it, kill it with -9 while it pulls.
    const [slow] = ok(await call('GET', '/api/schedules', { token: sessions.ada.token }), 200, 'list').schedules;
    const cut = ok(await call('POST', `/api/schedules/${slow.id}/run`, { token: sessions.ada.token }), 202, 'run now').run;
    const victim = await until(async () => loggedBy('scheduled pull started', { runId: cut.id })[0], 20_000, 'the run to start');
    // Mid-run: its export request has reached Tableau, which takes 4 s to answer it.
    await until(async () => exportsOf(SLOW_VIEW) === 1, 20_000, 'the export to reach the simulator');
    await victim.kill('SIGKILL');
    expect(Date.now()).toBeLessThan(due.getTime());
    const survivors = instances.filter((i) => i !== victim);

    const runsOf = async (user: User, id: string) =>
      ok(await call('GET', `/api/schedules/${id}/runs`, { token: sessions[user].token }), 200, 'runs').runs as Array<
        Record<string, unknown>
      >;
    // pg-boss expires the killed instance's job after RUN_SECONDS and puts it back once; a survivor runs attempt 2.
    const [retry, interrupted] = await until(
      async () => {
        const runs = await runsOf('ada', slow.id);
        return runs[0]?.status === 'succeeded' && runs;
      },
      RUN_SECONDS * 1000 + 30_000,
      'the retried run',
    );
    expect(interrupted).toMatchObject({ id: cut.id, status: 'failed', trigger: 'manual', error: { code: 'run-interrupted' } });
    expect((interrupted.error as { hint: string }).hint).toMatch(/runs it again once/);
    expect(retry).toMatchObject({ status: 'succeeded', trigger: 'manual', attempt: 2 });
    const retriedBy = loggedBy('scheduled pull started', { runId: retry.id, attempt: 2 });
    expect(retriedBy).toHaveLength(1);
    expect(survivors).toContain(retriedBy[0]);
    expect(exportsOf(SLOW_VIEW)).toBe(2);

    // The due minute: each schedule runs once, on a surviving instance, whichever instance created it.
    for (const [user, id] of Object.entries(timed) as Array<[keyof typeof TIMED, string]>) {
      let runs: Array<Record<string, unknown>> = [];
      await until(async () => (runs = await runsOf(user, id))[0]?.status === 'succeeded', 90_000, `${user}'s run at ${time}`).catch(
        (err: Error) => {
          throw new Error(`${err.message}; runs: ${JSON.stringify(runs)}; warnings: ${warnings()}`);
        },
      );
    }
    // Instances that were late or polled late would show up now as second runs: give them time.
    await new Promise((r) => setTimeout(r, 3_000));
    for (const [user, id] of Object.entries(timed) as Array<[keyof typeof TIMED, string]>) {
      const runs = await runsOf(user, id);
      expect(runs, user).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'succeeded', trigger: 'schedule', scheduledFor: due.toISOString() });
      expect(runs[0]!.attempt).toBeUndefined();
      expect(exportsOf(TIMED[user]), user).toBe(1);
      expect(loggedBy('scheduled pull started', { runId: runs[0]!.id }).every((i) => i !== victim)).toBe(true);
    }
    // The stored snapshot streams back through the proxy from any instance.
    const latest = await call('GET', `/api/snapshots/latest?scheduleId=${timed.carl}`, { token: sessions.carl.token });
    expect(latest.status, latest.text).toBe(200);
    expect(latest.text.trim().split('\n').length).toBeGreaterThan(2);

    // Nothing is left running, and the proxy still answers with one instance gone.
    for (const [user, id] of [['ada', slow.id], ...Object.entries(timed)] as Array<[User, string]>) {
      expect((await runsOf(user, id)).filter((r) => r.status === 'running')).toEqual([]);
    }
    ok(await call('GET', '/health/ready'), 200, 'readiness with one instance gone');
    expect(proxy!.stderr()).not.toMatch(/\[(emerg|alert|crit)\]/);
  }, 180_000);
});
