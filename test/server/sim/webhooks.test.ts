/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON; each test asserts the shape it reads. */
/**
 * The simulator's webhooks over real HTTP: the REST methods (create, list, get, test, delete), who may
 * call them, what Create rejects, the version gate, and the deliveries an extract refresh sends to a
 * local receiver (docs/tableau-rest.md#webhooks).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { tableauWebhookPayloadSchema } from '../../../common/tableau-webhook.js';
import { createSimulator, DEMO, type Simulator, type SimulatorOptions } from '../../../server/sim/index.js';

interface Received {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
}

/** A local destination that records every request and answers with `respond` (default 200). */
async function receiver(respond: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => s.end('ok')) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], body });
      respond(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const FAST: SimulatorOptions = {
  jobs: { mode: 'poll', pollsPerStage: 1 },
  webhooks: { allowHttpLoopbackForTests: true, retryDelaysMs: [5, 5, 5], timeoutMs: 2_000 },
};

describe('simulator webhooks', () => {
  let sim: Simulator;
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await sim?.close();
    while (closers.length) await closers.pop()!();
  });

  async function start(options: SimulatorOptions = FAST) {
    sim = await createSimulator(options);
    return sim;
  }

  async function signIn(pat: { name: string; secret: string } = { name: DEMO.patName, secret: DEMO.patSecret }, version = '3.28') {
    const res = await fetch(`${sim.url}/api/${version}/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        credentials: {
          personalAccessTokenName: pat.name,
          personalAccessTokenSecret: pat.secret,
          site: { contentUrl: DEMO.siteContentUrl },
        },
      }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as any).credentials.token as string;
  }

  async function call(method: string, path: string, token: string, body?: unknown, version = '3.28') {
    const res = await fetch(`${sim.url}/api/${version}/sites/${sim.demo.siteId}/${path}`, {
      method,
      headers: {
        accept: 'application/json',
        'x-tableau-auth': token,
        ...(body !== undefined ? { 'content-type': typeof body === 'string' ? 'application/xml' : 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? (JSON.parse(text) as any) : undefined };
  }

  const create = (token: string, url: string, event: Record<string, unknown>, name = 'refresh-hook', version = '3.28') =>
    call(
      'POST',
      'webhooks',
      token,
      { webhook: { name, ...event, 'webhook-destination': { 'webhook-destination-http': { method: 'POST', url } } } },
      version,
    );

  const datasource = (name: string) => [...sim.state.siteNamed(DEMO.siteContentUrl)!.datasources.values()].find((d) => d.name === name)!;
  const workbook = (name: string) => [...sim.state.siteNamed(DEMO.siteContentUrl)!.workbooks.values()].find((w) => w.name === name)!;

  /** Starts a refresh and polls its job to the end (poll mode: Pending, InProgress, done). */
  async function refreshToEnd(token: string, kind: 'datasources' | 'workbooks', id: string) {
    const started = await call('POST', `${kind}/${id}/refresh`, token, {});
    expect(started.status).toBe(200);
    let job: any;
    for (let i = 0; i < 3; i++) job = (await call('GET', `jobs/${started.body.job.id}`, token)).body.job;
    return job;
  }

  it('creates, lists, gets and deletes a webhook with Tableau shapes', async () => {
    await start();
    const token = await signIn();
    const created = await create(token, 'https://hooks.example.com/tableau', { event: 'DatasourceRefreshSucceeded' });
    expect(created.status).toBe(201);
    const hook = created.body.webhook;
    expect(hook).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'refresh-hook',
      isEnabled: 'true',
      statusChangeReason: '',
      event: 'DatasourceRefreshSucceeded',
      'webhook-source': { 'webhook-source-event-datasource-refresh-succeeded': {} },
      'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: 'https://hooks.example.com/tableau' } },
      owner: { id: expect.any(String), name: DEMO.username },
    });
    expect(created.headers.get('location')).toBe(`/api/3.28/sites/${sim.demo.siteId}/webhooks/${hook.id}`);

    // The older form: the event as a webhook-source element.
    const older = await create(
      token,
      'https://hooks.example.com/wb',
      { 'webhook-source': { 'webhook-source-event-workbook-refresh-failed': {} } },
      'wb',
    );
    expect(older.status).toBe(201);
    expect(older.body.webhook.event).toBe('WorkbookRefreshFailed');

    const list = await call('GET', 'webhooks', token);
    expect(list.status).toBe(200);
    expect(list.body.pagination).toBeUndefined();
    expect(list.body.webhooks.webhook.map((w: any) => w.name).sort()).toEqual(['refresh-hook', 'wb']);

    expect((await call('GET', `webhooks/${hook.id}`, token)).body.webhook).toEqual(hook);
    const deleted = await call('DELETE', `webhooks/${hook.id}`, token);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const gone = await call('GET', `webhooks/${hook.id}`, token);
    expect(gone.status).toBe(400);
    expect(gone.body.error.code).toBe('400113');
    expect((await call('DELETE', `webhooks/${hook.id}`, token)).body.error.code).toBe('400113');
    await call('DELETE', `webhooks/${older.body.webhook.id}`, token);
    expect((await call('GET', 'webhooks', token)).body.webhooks).toEqual({});
  });

  it('reads the XML request body TSC sends and answers XML when asked', async () => {
    await start();
    const token = await signIn();
    const xml =
      '<tsRequest><webhook name="xml-hook"><webhook-source><webhook-source-event-datasource-refresh-failed /></webhook-source>' +
      '<webhook-destination><webhook-destination-http method="POST" url="https://hooks.example.com/x" /></webhook-destination></webhook></tsRequest>';
    const created = await call('POST', 'webhooks', token, xml);
    expect(created.status).toBe(201);
    expect(created.body.webhook).toMatchObject({ name: 'xml-hook', event: 'DatasourceRefreshFailed' });
    const res = await fetch(`${sim.url}/api/3.28/sites/${sim.demo.siteId}/webhooks`, {
      headers: { accept: 'application/xml', 'x-tableau-auth': token },
    });
    const text = await res.text();
    expect(text).toContain('<webhooks><webhook id=');
    expect(text).toContain('<webhook-source><webhook-source-event-datasource-refresh-failed/></webhook-source>');
    expect(text).toContain('<webhook-destination-http method="POST" url="https://hooks.example.com/x"/>');
  });

  it('is for site administrators only: a Creator gets 403', async () => {
    await start();
    const admin = await signIn();
    const created = await create(admin, 'https://hooks.example.com/a', { event: 'DatasourceRefreshSucceeded' });
    const creator = await signIn({ name: DEMO.otherPatName, secret: DEMO.otherPatSecret });
    for (const res of [
      await create(creator, 'https://hooks.example.com/c', { event: 'DatasourceRefreshSucceeded' }),
      await call('GET', 'webhooks', creator),
      await call('GET', `webhooks/${created.body.webhook.id}`, creator),
      await call('GET', `webhooks/${created.body.webhook.id}/test`, creator),
      await call('DELETE', `webhooks/${created.body.webhook.id}`, creator),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('403004');
    }
    expect((await call('GET', 'webhooks', admin)).body.webhooks.webhook).toHaveLength(1);
  });

  it.each([
    ['no webhook element', {}],
    [
      'no name',
      {
        webhook: {
          event: 'DatasourceRefreshSucceeded',
          'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: 'https://h.example.com' } },
        },
      },
    ],
    [
      'no event',
      { webhook: { name: 'n', 'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: 'https://h.example.com' } } } },
    ],
    [
      'an unknown event',
      {
        webhook: {
          name: 'n',
          event: 'DatasourceRefreshSucceded',
          'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: 'https://h.example.com' } },
        },
      },
    ],
    [
      'an unknown webhook-source',
      {
        webhook: {
          name: 'n',
          'webhook-source': { 'webhook-source-event-datasource-refresh-success': {} },
          'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: 'https://h.example.com' } },
        },
      },
    ],
    [
      'event and webhook-source naming different events',
      {
        webhook: {
          name: 'n',
          event: 'DatasourceRefreshSucceeded',
          'webhook-source': { 'webhook-source-event-datasource-refresh-failed': {} },
          'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: 'https://h.example.com' } },
        },
      },
    ],
    ['no destination', { webhook: { name: 'n', event: 'DatasourceRefreshSucceeded' } }],
    [
      'a GET destination',
      {
        webhook: {
          name: 'n',
          event: 'DatasourceRefreshSucceeded',
          'webhook-destination': { 'webhook-destination-http': { method: 'GET', url: 'https://h.example.com' } },
        },
      },
    ],
    [
      'an http destination',
      {
        webhook: {
          name: 'n',
          event: 'DatasourceRefreshSucceeded',
          'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: 'http://h.example.com/hook' } },
        },
      },
    ],
    [
      'a destination that is not a URL',
      {
        webhook: {
          name: 'n',
          event: 'DatasourceRefreshSucceeded',
          'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: 'hooks' } },
        },
      },
    ],
  ])('rejects a body with %s: 400 400000', async (_label, body) => {
    await start();
    const token = await signIn();
    const res = await call('POST', 'webhooks', token, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: '400000', summary: 'Bad Request' });
    expect(sim.webhooks.webhooks.size).toBe(0);
  });

  it('accepts http only to loopback, and only in the test mode', async () => {
    await start({ ...FAST, webhooks: { allowHttpLoopbackForTests: false } });
    const token = await signIn();
    const strict = await create(token, 'http://127.0.0.1:9/hook', { event: 'DatasourceRefreshSucceeded' });
    expect(strict.status).toBe(400);
    expect(strict.body.error.detail).toMatch(/https/);
    await sim.close();
    await start();
    const token2 = await signIn();
    expect((await create(token2, 'http://127.0.0.1:9/hook', { event: 'DatasourceRefreshSucceeded' })).status).toBe(201);
    expect((await create(token2, 'http://localhost:9/hook', { event: 'DatasourceRefreshSucceeded' })).status).toBe(201);
    expect((await create(token2, 'http://10.0.0.1/hook', { event: 'DatasourceRefreshSucceeded' })).status).toBe(400);
  });

  it('gates by API version: 404003 before 3.6; the event attribute is read from 3.9', async () => {
    await start();
    const token = await signIn();
    const old = await call('GET', 'webhooks', token, undefined, '3.5');
    expect(old.status).toBe(404);
    expect(old.body.error.code).toBe('404003');
    expect(old.body.error.detail).toBe(`Unknown resource '/3.5/sites/${sim.demo.siteId}/webhooks' specified in URI.`);
    expect((await create(token, 'https://h.example.com', { event: 'DatasourceRefreshSucceeded' }, 'n', '3.5')).status).toBe(404);

    // 3.8 knows webhook-source (and isEnabled), not the event attribute.
    expect((await create(token, 'https://h.example.com', { event: 'DatasourceRefreshSucceeded' }, 'n', '3.8')).body.error.code).toBe(
      '400000',
    );
    const at38 = await create(
      token,
      'https://h.example.com',
      { 'webhook-source': { 'webhook-source-event-datasource-refresh-succeeded': {} } },
      'n',
      '3.8',
    );
    expect(at38.status).toBe(201);
    expect(at38.body.webhook.event).toBeUndefined();
    expect(at38.body.webhook.isEnabled).toBe('true');
    const at36 = await call('GET', `webhooks/${at38.body.webhook.id}`, token, undefined, '3.6');
    expect(at36.body.webhook.isEnabled).toBeUndefined();
    expect(at36.body.webhook['webhook-source']).toEqual({ 'webhook-source-event-datasource-refresh-succeeded': {} });
    // A URL version newer than the server's is unknown, as for every method.
    expect((await call('GET', 'webhooks', token, undefined, '3.29')).body.error.code).toBe('404003');
  });

  it('a data source refresh POSTs the Tableau payload to every matching webhook, in the background', async () => {
    const dest = await receiver();
    closers.push(dest.close);
    const other = await receiver();
    closers.push(other.close);
    await start();
    const token = await signIn();
    const ds = datasource('Superstore Orders');
    const a = await create(token, dest.url, { event: 'DatasourceRefreshSucceeded' }, 'a');
    await create(token, `${dest.url}?second`, { 'webhook-source': { 'webhook-source-event-datasource-refresh-succeeded': {} } }, 'b');
    await create(token, other.url, { event: 'DatasourceRefreshFailed' }, 'failed-only');
    await create(token, other.url, { event: 'WorkbookRefreshSucceeded' }, 'workbooks-only');
    const started = await create(token, other.url, { event: 'DatasourceRefreshStarted' }, 'started');

    const job = await refreshToEnd(token, 'datasources', ds.id);
    expect(job.finishCode).toBe('0');
    await sim.webhooks.idle();

    expect(dest.received).toHaveLength(2);
    expect(dest.received.map((r) => r.path).sort()).toEqual(['/hook', '/hook?second']);
    for (const r of dest.received) {
      expect(r.method).toBe('POST');
      expect(r.contentType).toMatch(/^application\/json/);
      // The receiver's schema (common/tableau-webhook.ts) reads what the simulator sends.
      expect(tableauWebhookPayloadSchema.safeParse(JSON.parse(r.body)).success).toBe(true);
      expect(JSON.parse(r.body)).toEqual({
        resource: 'EXTRACTS',
        event_type: 'DatasourceRefreshSucceeded',
        resource_name: 'Superstore Orders',
        site_luid: sim.demo.siteId,
        resource_luid: ds.id,
        created_at: job.completedAt,
      });
    }
    // Only the Started webhook of the others fired.
    expect(other.received.map((r) => JSON.parse(r.body).event_type)).toEqual(['DatasourceRefreshStarted']);
    expect(JSON.parse(other.received[0].body).created_at).toBe(job.startedAt);

    const control = (await (await fetch(`${sim.url}/_sim/webhooks`)).json()) as any;
    const last = control.webhooks.find((w: any) => w.id === a.body.webhook.id).lastDelivery;
    expect(last).toMatchObject({ state: 'delivered', event: 'DatasourceRefreshSucceeded', attempts: [{ status: 200 }] });
    expect(control.webhooks.find((w: any) => w.name === 'failed-only').lastDelivery).toBeUndefined();
    expect(control.webhooks.find((w: any) => w.id === started.body.webhook.id).lastDelivery.state).toBe('delivered');
  });

  it('a workbook refresh that fails (refreshFails fault) fires WorkbookRefreshFailed', async () => {
    const dest = await receiver();
    closers.push(dest.close);
    await start();
    const token = await signIn();
    const wb = workbook('Finance Overview');
    await create(token, dest.url, { event: 'WorkbookRefreshFailed' }, 'wb-failed');
    await create(token, dest.url, { event: 'WorkbookRefreshSucceeded' }, 'wb-ok');
    sim.faults.add({ kind: 'refreshFails', path: `/workbooks/${wb.id}/refresh`, count: 1 });

    const job = await refreshToEnd(token, 'workbooks', wb.id);
    expect(job.finishCode).toBe('1');
    await sim.webhooks.idle();
    expect(dest.received.map((r) => JSON.parse(r.body))).toEqual([
      {
        resource: 'EXTRACTS',
        event_type: 'WorkbookRefreshFailed',
        resource_name: 'Finance Overview',
        site_luid: sim.demo.siteId,
        resource_luid: wb.id,
        created_at: job.completedAt,
      },
    ]);

    // The fault was used up: the next refresh succeeds and fires the other webhook.
    expect((await refreshToEnd(token, 'workbooks', wb.id)).finishCode).toBe('0');
    await sim.webhooks.idle();
    expect(dest.received.map((r) => JSON.parse(r.body).event_type)).toEqual(['WorkbookRefreshFailed', 'WorkbookRefreshSucceeded']);
  });

  it('time-driven jobs fire their events when they end, with no request polling them', async () => {
    const dest = await receiver();
    closers.push(dest.close);
    await start({ ...FAST, jobs: { mode: 'time', pendingMs: 20, runMs: 60 } });
    const token = await signIn();
    await create(token, dest.url, { event: 'DatasourceRefreshSucceeded' });
    const ds = datasource('Superstore Orders');
    expect((await call('POST', `datasources/${ds.id}/refresh`, token, {})).status).toBe(200);
    await expect.poll(() => dest.received.length, { timeout: 3_000 }).toBe(1);
    expect(JSON.parse(dest.received[0].body)).toMatchObject({ event_type: 'DatasourceRefreshSucceeded', resource_luid: ds.id });
  });

  it('the seeded failing data source fires DatasourceRefreshFailed', async () => {
    const dest = await receiver();
    closers.push(dest.close);
    await start();
    const token = await signIn();
    await create(token, dest.url, { event: 'DatasourceRefreshFailed' });
    const ds = datasource('Legacy Sales Extract');
    expect((await refreshToEnd(token, 'datasources', ds.id)).finishCode).toBe('1');
    await sim.webhooks.idle();
    expect(dest.received.map((r) => JSON.parse(r.body))).toMatchObject([{ event_type: 'DatasourceRefreshFailed', resource_luid: ds.id }]);
  });

  it('records failed deliveries: a 500 is retried three times, then the delivery failed', async () => {
    const dest = await receiver((_q, s) => {
      s.statusCode = 500;
      s.end('boom');
    });
    closers.push(dest.close);
    await start();
    const token = await signIn();
    const hook = (await create(token, dest.url, { event: 'DatasourceRefreshSucceeded' })).body.webhook;
    await refreshToEnd(token, 'datasources', datasource('Superstore Orders').id);
    await sim.webhooks.idle();
    expect(dest.received).toHaveLength(4);
    const last = sim.webhooks.webhooks.get(hook.id)!.lastDelivery!;
    expect(last.state).toBe('failed');
    expect(last.attempts.map((a) => a.status)).toEqual([500, 500, 500, 500]);
    const log = (await (await fetch(`${sim.url}/_sim/webhooks/deliveries`)).json()) as any;
    expect(log.deliveries).toMatchObject([{ webhookId: hook.id, state: 'failed', event: 'DatasourceRefreshSucceeded' }]);
  });

  it('a destination that never answers times out without holding up the job', async () => {
    const hang = await receiver(() => undefined);
    closers.push(hang.close);
    const closed = await receiver();
    await closed.close();
    await start({ ...FAST, webhooks: { allowHttpLoopbackForTests: true, retryDelaysMs: [], timeoutMs: 1_500 } });
    const token = await signIn();
    const slow = (await create(token, hang.url, { event: 'DatasourceRefreshSucceeded' }, 'slow')).body.webhook;
    const refused = (await create(token, closed.url, { event: 'DatasourceRefreshSucceeded' }, 'refused')).body.webhook;
    const job = await refreshToEnd(token, 'datasources', datasource('Superstore Orders').id);
    // The job is done while the delivery still waits for its answer.
    expect(job.finishCode).toBe('0');
    expect(sim.webhooks.webhooks.get(slow.id)!.lastDelivery!.state).toBe('pending');
    await sim.webhooks.idle();
    const slowLast = sim.webhooks.webhooks.get(slow.id)!.lastDelivery!;
    expect(slowLast.state).toBe('failed');
    expect(slowLast.attempts).toHaveLength(1);
    expect(slowLast.attempts[0].error).toMatch(/no answer within 1500 ms/);
    const refusedLast = sim.webhooks.webhooks.get(refused.id)!.lastDelivery!;
    expect(refusedLast).toMatchObject({ state: 'failed' });
    expect(refusedLast.attempts[0].error).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('disabled webhooks do not fire', async () => {
    const dest = await receiver();
    closers.push(dest.close);
    await start();
    const token = await signIn();
    const res = await create(token, dest.url, { event: 'DatasourceRefreshSucceeded', isEnabled: 'false' });
    expect(res.body.webhook.isEnabled).toBe('false');
    await refreshToEnd(token, 'datasources', datasource('Superstore Orders').id);
    await sim.webhooks.idle();
    expect(dest.received).toHaveLength(0);
  });

  it('Test a Webhook POSTs an empty body and answers the destination status', async () => {
    const dest = await receiver((_q, s) => {
      s.statusCode = 202;
      s.end('accepted');
    });
    closers.push(dest.close);
    await start();
    const token = await signIn();
    const hook = (await create(token, dest.url, { event: 'DatasourceRefreshSucceeded' })).body.webhook;
    const res = await call('GET', `webhooks/${hook.id}/test`, token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ webhookTestResult: { id: hook.id, status: '202', body: 'accepted' } });
    expect(dest.received).toEqual([{ method: 'POST', path: '/hook', contentType: 'application/json', body: '' }]);
    expect((await call('GET', 'webhooks/00000000-0000-4000-8000-000000000000/test', token)).body.error.code).toBe('400113');
  });
});
