/**
 * Behind a reverse proxy (docs/deploy.md): TRUST_PROXY decides whose X-Forwarded-* headers count
 * (fastify `trustProxy`), the Host allow-list judges the forwarded name only from a trusted proxy,
 * and GET /health/ready tells a proxy or orchestrator whether this instance can work.
 */
import type { FastifyInstance } from 'fastify';

import { loadConfig } from '../../../server/config.js';
import { type AppOptions, buildApp } from '../../../server/http/app.js';
import { scheduleRoutes } from '../../../server/http/routes/schedules.js';
import type { TableauConnector } from '../../../server/services/tableau.js';
import { openStore, type Store } from '../../../server/store/index.js';
import { captureLogger, tempDir } from './helpers.js';

let store: Store;
let app: FastifyInstance;
let logs: () => string;

async function setup(options: Partial<AppOptions> = {}, patch: (store: Store) => Store = (s) => s) {
  store = openStore(tempDir());
  const cap = captureLogger('debug');
  logs = cap.text;
  ({ app } = await buildApp({
    store: patch(store),
    tableau: (async () => {
      throw new Error('no Tableau in this test');
    }) as TableauConnector,
    logger: cap.logger,
    allowedOrigins: new Set(),
    version: 'test',
    publicHosts: ['excel.example.com'],
    ...options,
  }));
  await app.ready();
}

afterEach(async () => {
  await app?.close();
  await store?.close();
});

const PROXY = '10.0.0.2';
/** nginx's default Host towards an upstream group is the group's name ($proxy_host): not a name this server answers to. */
const UPSTREAM_HOST = 'companion';

describe('TRUST_PROXY', () => {
  it('believes X-Forwarded-Host and -For from a listed proxy only', async () => {
    await setup({ trustProxy: [PROXY, '192.168.7.0/24'] });
    const forwarded = (remoteAddress: string, name: string) =>
      app.inject({
        url: '/health',
        remoteAddress,
        headers: { host: UPSTREAM_HOST, 'x-forwarded-host': name, 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' },
      });
    expect((await forwarded(PROXY, 'excel.example.com')).statusCode).toBe(200);
    expect((await forwarded('192.168.7.9', 'excel.example.com')).statusCode).toBe(200);
    // A name the browser used that this server does not answer to is refused, forwarded or not (DNS rebinding).
    const rebound = await forwarded(PROXY, 'evil.example');
    expect(rebound.statusCode).toBe(421);
    expect(rebound.json().error.message).toContain('"evil.example"');
    // Anyone else's X-Forwarded-Host is ignored: the Host header is judged.
    expect((await forwarded('10.9.9.9', 'excel.example.com')).statusCode).toBe(421);
    const lines = logs()
      .split('\n')
      .filter((l) => l.includes('"path":"/health"'))
      .map((l) => JSON.parse(l) as { ip: string; status: number });
    expect(lines.map((l) => [l.ip, l.status])).toEqual([
      ['203.0.113.7', 200],
      ['203.0.113.7', 200],
      ['203.0.113.7', 421],
      ['10.9.9.9', 421],
    ]);
  });

  it('without it, X-Forwarded-* headers count for nothing', async () => {
    await setup();
    const res = await app.inject({
      url: '/health',
      remoteAddress: PROXY,
      headers: { host: UPSTREAM_HOST, 'x-forwarded-host': 'excel.example.com', 'x-forwarded-for': '203.0.113.7' },
    });
    expect(res.statusCode).toBe(421);
    const ok = await app.inject({
      url: '/health',
      remoteAddress: PROXY,
      headers: { host: 'excel.example.com', 'x-forwarded-for': '203.0.113.7' },
    });
    expect(ok.statusCode).toBe(200);
    expect(logs()).toContain(`"ip":"${PROXY}"`);
    expect(logs()).not.toContain('203.0.113.7');
  });

  it('is a list of addresses and CIDRs; "true" and "*" are refused, saying why', () => {
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/24 ,::1' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/24', '::1']);
    expect(loadConfig({}).trustProxy).toBeUndefined();
    for (const bad of ['true', '*', '10.0.0.0/40', 'proxy.example']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(
        /^Invalid server settings: TRUST_PROXY: ".*" is not an address or CIDR\..*would believe X-Forwarded-For from anyone/,
      );
    }
  });
});

describe('GET /health/ready', () => {
  it('200 when the store answers and the scheduler has started; never cached', async () => {
    await setup();
    const res = await app.inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ready: true, checks: { store: 'ok', scheduler: 'ok' } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('503 while the scheduler has not started, naming the check', async () => {
    await setup({ scheduling: scheduleRoutes({ autoStart: false }) });
    const res = await app.inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ready: false, checks: { store: 'ok', scheduler: 'not started' } });
  });

  it('503 when the database fails or does not answer: the error code only, never its message', async () => {
    const failing = Object.assign(new Error('connect ECONNREFUSED db.internal:5432 user=companion password=hunter2'), {
      code: 'ECONNREFUSED',
    });
    await setup({}, (s) => ({ ...s, ping: () => Promise.reject(failing) }));
    const res = await app.inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ready: false, checks: { store: 'failed (ECONNREFUSED)', scheduler: 'ok' } });
    expect(res.body).not.toMatch(/hunter2|db\.internal/);
    await app.close();
    await store.close();

    await setup({}, (s) => ({ ...s, ping: () => new Promise<void>(() => undefined) }));
    const hung = await app.inject({ url: '/health/ready' });
    expect(hung.statusCode).toBe(503);
    expect(hung.json().checks.store).toBe('no answer');
  });
});

describe('queue and add-in settings', () => {
  it('SCHEDULE_RUN_MINUTES (1…1440, default 15) and QUEUE_MAINTENANCE_SECONDS reach the queue; QUEUE_RUN_SECONDS overrides for tests', () => {
    expect(loadConfig({}).queue).toEqual({ runSeconds: 900, maintenanceSeconds: 60 });
    expect(loadConfig({ SCHEDULE_RUN_MINUTES: '90', QUEUE_MAINTENANCE_SECONDS: '5' }).queue).toEqual({
      runSeconds: 5400,
      maintenanceSeconds: 5,
    });
    expect(loadConfig({ SCHEDULE_RUN_MINUTES: '90', QUEUE_RUN_SECONDS: '10' }).queue.runSeconds).toBe(10);
    for (const [name, value] of [
      ['SCHEDULE_RUN_MINUTES', '0'],
      ['SCHEDULE_RUN_MINUTES', '1441'],
      ['SCHEDULE_RUN_MINUTES', 'soon'],
      ['QUEUE_MAINTENANCE_SECONDS', '0'],
      ['QUEUE_RUN_SECONDS', '1'],
    ]) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(new RegExp(`^Invalid server settings: ${name}`));
    }
  });

  it('ADDIN=off serves the API only', () => {
    expect(loadConfig({ ADDIN: 'off' }).addin).toBe('off');
    expect(loadConfig({}).addin).toBe('static');
    expect(() => loadConfig({ ADDIN: 'maybe' })).toThrow(/^Invalid server settings: ADDIN/);
  });
});
