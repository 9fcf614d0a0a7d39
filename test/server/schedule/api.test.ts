/**
 * Server schedules over real HTTP: the companion server in-process against the Tableau simulator,
 * the scheduler on a hand-moved clock. The add-in side only creates the schedule and, later, loads
 * the snapshot; the run itself happens with no add-in request in flight.
 */
import { request as httpRequest } from 'node:http';

import Fastify, { type FastifyInstance } from 'fastify';

import { decodeNodeStream, decodeStream } from '../../../common/ndjson.js';
import type { StreamMessage } from '../../../common/stream.js';
import { createScheduling, type Scheduling } from '../../../server/http/routes/schedules.js';
import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { apiClient, captureLogger, tempDir } from '../http/helpers.js';
import { ManualSchedulerClock } from './manual-clock.js';

const VIEW_ID = stableId('demo', 'view', 'superstore/Orders by Region');
const DEFINITION_ID = '2b0c7a52-51c4-4c59-9a43-1b8f0f3c7d11';

let sim: Simulator;
let server: RunningServer;
let scheduling: Scheduling;
let api: ReturnType<typeof apiClient>;
let hooks: FastifyInstance;
let hookUrl: string;
const hookCalls: unknown[] = [];
const clock = new ManualSchedulerClock(Date.parse('2026-03-02T05:00:00Z'));
const log = captureLogger();

/** A session of its own: a new connection without a token starts one. */
async function connect(): Promise<{ token: string; cid: string }> {
  const res = await api.call('POST', '/api/connections', {
    body: {
      serverUrl: sim.url,
      siteContentUrl: sim.demo.siteContentUrl,
      auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    },
  });
  expect(res.status, res.text).toBe(201);
  return { token: res.json.sessionToken, cid: res.json.connection.id };
}

const scheduleBody = (cid: string, over: Record<string, unknown> = {}) => ({
  connectionId: cid,
  definitionId: DEFINITION_ID,
  name: 'Orders by region, every morning',
  source: { kind: 'view', viewId: VIEW_ID, name: 'Superstore / Orders by Region' },
  spec: { kind: 'daily', time: '07:30', timeZone: 'Europe/Berlin' },
  ...over,
});

async function createSchedule(token: string, body: unknown) {
  const res = await api.call('POST', '/api/schedules', { token, body });
  expect(res.status, res.text).toBe(201);
  return res.json.schedule;
}

const rowsOf = (ms: StreamMessage[]) => ms.flatMap((m) => (m.kind === 'rows' ? m.rows : []));

async function collect(iter: AsyncIterable<StreamMessage>): Promise<StreamMessage[]> {
  const out: StreamMessage[] = [];
  for await (const m of iter) out.push(m);
  return out;
}

beforeAll(async () => {
  sim = await createSimulator();
  hooks = Fastify();
  hooks.post('/hook/:secret', async (request, reply) => {
    hookCalls.push(request.body);
    return reply.status(204).send();
  });
  await hooks.listen({ port: 0, host: '127.0.0.1' });
  const address = hooks.server.address();
  hookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook/webhook-credential-123`;
  server = await startServer({
    dataDir: tempDir(),
    port: 0,
    protocol: 'http',
    logger: log.logger,
    tableau: { retry: { maxAttempts: 1 } },
    scheduling: (app, ctx) => {
      scheduling = createScheduling(ctx, { logger: log.logger, clock, webhookTimeoutMs: 2000 });
      return scheduling.routes(app, ctx);
    },
  });
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
  await hooks?.close();
});

describe('scheduled pulls with no add-in connected', () => {
  it('runs at its time with the stored connection; the add-in then loads that snapshot', async () => {
    const { token, cid } = await connect();
    const created = await createSchedule(token, scheduleBody(cid));
    expect(created).toMatchObject({
      status: 'never-run',
      description: 'Every day at 07:30 (Europe/Berlin)',
      nextRunAt: '2026-03-02T06:30:00.000Z',
      webhook: null,
    });

    // Nothing from the add-in from here on: only time passes.
    clock.advanceTo('2026-03-02T06:30:00Z');
    await scheduling.runner.idle();

    const listed = await api.call('GET', '/api/schedules', { token });
    const [schedule] = listed.json.schedules;
    expect(schedule).toMatchObject({
      id: created.id,
      status: 'succeeded',
      dataAsOf: '2026-03-02T06:30:00.000Z',
      nextRunAt: '2026-03-03T06:30:00.000Z',
    });
    expect(schedule.lastRun).toMatchObject({ trigger: 'schedule', scheduledFor: '2026-03-02T06:30:00.000Z', truncated: false });

    // The add-in loads the snapshot (fetch decodes gzip; decodeStream reads the web stream).
    const res = await fetch(`${server.url}/api/snapshots/latest?scheduleId=${created.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect(res.headers.get('x-data-as-of')).toBe('2026-03-02T06:30:00.000Z');
    const messages = await collect(decodeStream(res.body!));
    expect(messages.map((m) => m.kind).filter((k, i, a) => a.indexOf(k) === i)).toEqual(['meta', 'rows', 'end']);
    const meta = messages[0] as Extract<StreamMessage, { kind: 'meta' }>;
    expect(meta.source).toBe('Superstore / Orders by Region (data as of 2026-03-02T06:30:00.000Z)');

    // The same rows and columns a live pull of the definition streams.
    const live = await api.call('POST', `/api/connections/${cid}/pull`, { token, body: { source: scheduleBody(cid).source } });
    const liveMessages = live.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as StreamMessage);
    const liveMeta = liveMessages[0] as Extract<StreamMessage, { kind: 'meta' }>;
    expect(meta.columns).toEqual(liveMeta.columns);
    expect(meta.columns.some((c) => c.type !== 'text')).toBe(true);
    const rows = rowsOf(messages);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows).toEqual(rowsOf(liveMessages));
    expect(messages.at(-1)).toEqual({ kind: 'end', rowCount: rows.length, truncated: false });

    // Node readers (decodeNodeStream over a plain, uncompressed response) get the same.
    const nodeMessages = await new Promise<StreamMessage[]>((resolve, reject) => {
      const req = httpRequest(
        `${server.url}/api/snapshots/latest?scheduleId=${created.id}`,
        { headers: { authorization: `Bearer ${token}` } },
        (r) => {
          expect(r.headers['content-encoding']).toBeUndefined();
          collect(decodeNodeStream(r)).then(resolve, reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(rowsOf(nodeMessages)).toEqual(rows);
  });

  it('records a failing schedule in plain words, shows it in the list and calls its webhook', async () => {
    const { token, cid } = await connect();
    const created = await createSchedule(
      token,
      scheduleBody(cid, {
        name: 'Deleted view',
        source: { kind: 'view', viewId: 'ffffffff-0000-4000-8000-000000000000' },
        webhookUrl: hookUrl,
      }),
    );
    expect(created.webhook).toEqual({ host: new URL(hookUrl).host });
    expect(JSON.stringify(created)).not.toContain('webhook-credential-123');

    const run = await api.call('POST', `/api/schedules/${created.id}/run`, { token });
    expect(run.status, run.text).toBe(202);
    expect(run.json.run).toMatchObject({ status: 'running', trigger: 'manual' });
    await scheduling.runner.idle();

    const listed = await api.call('GET', '/api/schedules', { token });
    const schedule = listed.json.schedules.find((s: { id: string }) => s.id === created.id);
    expect(schedule.status).toBe('failed');
    expect(schedule.lastRun.error.code).toBe('not-found');
    expect(schedule.lastRun.error.message).toMatch(/^[A-Z].+\.$/);
    expect(hookCalls).toEqual([
      { scheduleId: created.id, name: 'Deleted view', error: schedule.lastRun.error, at: schedule.lastRun.finishedAt },
    ]);

    const latest = await api.call('GET', `/api/snapshots/latest?scheduleId=${created.id}`, { token });
    expect(latest.status).toBe(404);
    expect(latest.json.error.code).toBe('no-snapshot');
    expect(log.text()).not.toContain('webhook-credential-123');
    expect(log.text()).not.toContain(sim.demo.patSecret);
  });

  it('refuses a second run while one is going on (409)', async () => {
    const { token, cid } = await connect();
    const created = await createSchedule(token, scheduleBody(cid));
    const fault = sim.faults.add({ kind: 'latency', ms: 400, path: '*/views/*/data*' });
    try {
      expect((await api.call('POST', `/api/schedules/${created.id}/run`, { token })).status).toBe(202);
      const second = await api.call('POST', `/api/schedules/${created.id}/run`, { token });
      expect(second.status).toBe(409);
      expect(second.json.error).toMatchObject({ code: 'schedule-busy' });
      await scheduling.runner.idle();
    } finally {
      sim.faults.remove(fault);
    }
    const runs = await api.call('GET', `/api/schedules/${created.id}/runs`, { token });
    expect(runs.json.runs.map((r: { status: string }) => r.status)).toEqual(['succeeded']);
  });

  it('edits and deletes a schedule; its runs go with it', async () => {
    const { token, cid } = await connect();
    const created = await createSchedule(token, scheduleBody(cid, { historyLimit: 2 }));
    const edited = await api.call('PUT', `/api/schedules/${created.id}`, {
      token,
      body: { spec: { kind: 'weekly', days: ['mon', 'fri'], time: '18:00', timeZone: 'UTC' }, name: 'Twice a week' },
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.json.schedule).toMatchObject({
      name: 'Twice a week',
      description: 'Every Monday, Friday at 18:00 (UTC)',
      historyLimit: 2,
    });
    expect(Date.parse(edited.json.schedule.nextRunAt)).toBeGreaterThan(clock.now().getTime());
    for (let i = 0; i < 3; i++) {
      expect((await api.call('POST', `/api/schedules/${created.id}/run`, { token })).status).toBe(202);
      await scheduling.runner.idle();
    }
    expect((await api.call('GET', `/api/schedules/${created.id}/runs`, { token })).json.runs).toHaveLength(2);
    expect((await api.call('DELETE', `/api/schedules/${created.id}`, { token })).status).toBe(204);
    expect((await api.call('GET', `/api/schedules/${created.id}/runs`, { token })).status).toBe(404);
    expect((await api.call('GET', '/api/schedules', { token })).json.schedules).toEqual([]);
  });
});

describe('schedule API input and isolation', () => {
  let token: string;
  let cid: string;
  let sid: string;

  beforeAll(async () => {
    ({ token, cid } = await connect());
    sid = (await createSchedule(token, scheduleBody(cid))).id;
  });

  it.each([
    ['no body', undefined],
    ['not an object', '"daily"'],
    ['no spec', { ...scheduleBody('x'), spec: undefined }],
    ['a time that is not a time', { spec: { kind: 'daily', time: '25:00', timeZone: 'UTC' } }],
    ['an unknown time zone', { spec: { kind: 'daily', time: '07:00', timeZone: 'Mars/Olympus' } }],
    ['a broken cron expression', { spec: { kind: 'cron', expression: '61 * * * *', timeZone: 'UTC' } }],
    ['a weekly spec without days', { spec: { kind: 'weekly', days: [], time: '07:00', timeZone: 'UTC' } }],
    ['an unknown source kind', { source: { kind: 'sql', query: 'select 1' } }],
    ['a webhook that is not http(s)', { webhookUrl: 'file:///etc/passwd' }],
    ['a webhook with a password', { webhookUrl: 'https://user:pw@hooks.example.com/x' }],
    ['a history limit of 0', { historyLimit: 0 }],
    ['an empty name', { name: '  ' }],
  ])('POST /api/schedules with %s → 400', async (_what, override) => {
    const body = override === undefined || typeof override === 'string' ? override : { ...scheduleBody(cid), ...override };
    const res = await api.call('POST', '/api/schedules', { token, body });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.code).toBe('invalid-input');
    expect(res.json.error.message).toBeTruthy();
  });

  it('takes a view source with maxAgeMinutes 0, as the add-in stores it (common/source.ts)', async () => {
    const source = { kind: 'view', viewId: VIEW_ID, maxAgeMinutes: 0 };
    const res = await api.call('POST', '/api/schedules', { token, body: { ...scheduleBody(cid), source } });
    expect(res.status, res.text).toBe(201);
    expect(res.json.schedule.source).toEqual(source);
    expect((await api.call('DELETE', `/api/schedules/${res.json.schedule.id}`, { token })).status).toBe(204);
  });

  it('names the problem in plain words', async () => {
    const res = await api.call('POST', '/api/schedules', {
      token,
      body: scheduleBody(cid, { spec: { kind: 'daily', time: '7.30', timeZone: 'UTC' } }),
    });
    expect(res.json.error.message).toContain('"7.30" is not a time');
  });

  it('PUT with nothing to change, a bad id or a bad spec → 400', async () => {
    expect((await api.call('PUT', `/api/schedules/${sid}`, { token, body: {} })).status).toBe(400);
    expect(
      (await api.call('PUT', `/api/schedules/${sid}`, { token, body: { spec: { kind: 'hourly', minute: 60, timeZone: 'UTC' } } })).status,
    ).toBe(400);
    expect((await api.call('PUT', '/api/schedules/not%20an%20id', { token, body: { name: 'x' } })).status).toBe(400);
    expect((await api.call('GET', '/api/snapshots/latest', { token })).status).toBe(400);
    expect((await api.call('GET', `/api/schedules/${sid}/runs?limit=0`, { token })).status).toBe(400);
  });

  it('needs a session', async () => {
    expect((await api.call('GET', '/api/schedules')).status).toBe(401);
    expect((await api.call('GET', `/api/snapshots/latest?scheduleId=${sid}`)).status).toBe(401);
  });

  it("another session's schedule and connection answer 404", async () => {
    const other = await connect();
    expect((await api.call('GET', '/api/schedules', { token: other.token })).json.schedules).toEqual([]);
    for (const [method, path, body] of [
      ['PUT', `/api/schedules/${sid}`, { name: 'mine now' }],
      ['DELETE', `/api/schedules/${sid}`, undefined],
      ['POST', `/api/schedules/${sid}/run`, undefined],
      ['GET', `/api/schedules/${sid}/runs`, undefined],
      ['GET', `/api/snapshots/latest?scheduleId=${sid}`, undefined],
    ] as const) {
      const res = await api.call(method, path, { token: other.token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json.error.code).toBe('not-found');
    }
    // A schedule on someone else's connection cannot be made either.
    const foreign = await api.call('POST', '/api/schedules', { token: other.token, body: scheduleBody(cid) });
    expect(foreign.status).toBe(404);
    // The owner still has it, unchanged.
    const mine = await api.call('GET', '/api/schedules', { token });
    expect(mine.json.schedules.map((s: { id: string; name: string }) => [s.id, s.name])).toEqual([
      [sid, 'Orders by region, every morning'],
    ]);
  });
});
