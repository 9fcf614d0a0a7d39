/**
 * The client's webhook calls (server/tableau/client.ts, schemas/webhook.ts): against the simulator
 * (create, list, get, test, delete, errors through the code tables), and against a fake Tableau of
 * an older REST version (the webhook-source body before 3.9, no webhooks before 3.6).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { SessionCache, TableauClient, TableauError } from '../../../server/tableau/index.js';
import { type Fake, fakeClock, PAT, startFake } from './fake.js';

describe('webhook calls against the simulator', () => {
  let sim: Simulator;
  let receiver: Server | undefined;
  afterEach(async () => {
    await sim?.close();
    if (receiver) {
      receiver.closeAllConnections();
      await new Promise((r) => receiver!.close(r));
      receiver = undefined;
    }
  });

  const connect = (pat = { patName: sim.demo.patName, patSecret: sim.demo.patSecret }) =>
    TableauClient.connect({
      serverUrl: sim.url,
      siteContentUrl: sim.demo.siteContentUrl,
      auth: { kind: 'pat', ...pat },
      sessions: new SessionCache(),
      clock: fakeClock(),
    });

  it('creates, lists, gets, tests and deletes', async () => {
    receiver = createServer((_req, res) => {
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    const local = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    sim = await createSimulator({ webhooks: { allowHttpLoopbackForTests: true } });
    const c = await connect();

    const created = await c.createWebhook({
      name: 'orders refreshed',
      event: 'DatasourceRefreshSucceeded',
      url: 'https://hooks.example.com/t',
    });
    expect(created).toEqual({
      id: expect.any(String),
      name: 'orders refreshed',
      event: 'DatasourceRefreshSucceeded',
      url: 'https://hooks.example.com/t',
      enabled: true,
      statusChangeReason: undefined,
      ownerId: c.userId,
    });
    const off = await c.createWebhook({ name: 'off', event: 'WorkbookRefreshFailed', url: 'https://hooks.example.com/w', enabled: false });
    expect(off.enabled).toBe(false);

    expect((await c.listWebhooks()).map((w) => w.name).sort()).toEqual(['off', 'orders refreshed']);
    expect(await c.getWebhook(created.id)).toEqual(created);

    // Test: the destination's answer comes back as the test result (the client refuses http, so the
    // local receiver's webhook is added through the simulator's test mode directly).
    const site = sim.state.siteNamed(sim.demo.siteContentUrl);
    const localHook = sim.webhooks.add({
      siteId: site.site.id,
      name: 'local',
      event: 'DatasourceRefreshSucceeded',
      url: local,
      isEnabled: true,
      statusChangeReason: '',
      ownerId: c.userId,
      ownerName: 'ada.admin',
    });
    expect(await c.testWebhook(localHook.id)).toEqual({ status: 204, body: '' });

    await c.deleteWebhook(created.id);
    const gone = await c.getWebhook(created.id).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(TableauError);
    expect(gone).toMatchObject({ code: 'not-found', tableauCode: '400113', message: expect.stringMatching(/webhook/) });
    expect((await c.listWebhooks()).map((w) => w.name).sort()).toEqual(['local', 'off']);
  });

  it('maps Tableau refusals: a non-admin is forbidden; an empty list is []', async () => {
    sim = await createSimulator();
    const admin = await connect();
    expect(await admin.listWebhooks()).toEqual([]);
    const creator = await connect({ patName: sim.demo.otherPatName, patSecret: sim.demo.otherPatSecret });
    const e = await creator.listWebhooks().catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'forbidden', tableauCode: '403004', httpStatus: 403 });
    const c = await creator
      .createWebhook({ name: 'x', event: 'DatasourceRefreshSucceeded', url: 'https://hooks.example.com' })
      .catch((x: unknown) => x);
    expect(c).toMatchObject({ code: 'forbidden' });
  });

  it('checks the request before sending it', async () => {
    sim = await createSimulator();
    const c = await connect();
    const bad = [
      { name: '', event: 'DatasourceRefreshSucceeded', url: 'https://h.example.com' },
      { name: 'n', event: 'DatasourceRefreshSuccess', url: 'https://h.example.com' },
      { name: 'n', event: 'DatasourceRefreshSucceeded', url: 'http://h.example.com' },
      { name: 'n', event: 'DatasourceRefreshSucceeded', url: 'not a url' },
    ];
    for (const w of bad) {
      await expect(c.createWebhook(w as never)).rejects.toMatchObject({ code: 'invalid-input' });
    }
    await expect(c.getWebhook('../x')).rejects.toMatchObject({ code: 'invalid-input' });
    expect(sim.webhooks.webhooks.size).toBe(0);
  });
});

describe('webhook calls by REST version', () => {
  let fake: Fake;
  afterEach(() => fake?.close());

  const start = async (restApiVersion: string) => {
    const bodies: unknown[] = [];
    fake = await startFake({ restApiVersion, productVersion: '2020.2.0' }, (f) => {
      f.app.post('/api/:v/sites/:site/webhooks', async (req, reply) => {
        if (!f.authed(req, reply)) return reply;
        bodies.push(req.body);
        return reply.code(201).send({
          webhook: {
            id: 'wh-1',
            name: 'n',
            isEnabled: 'true',
            statusChangeReason: '',
            'webhook-source': { 'webhook-source-event-workbook-refresh-succeeded': {} },
            'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: 'https://h.example.com' } },
            owner: { id: 'u', name: 'admin' },
          },
        });
      });
      // A one-item list as a bare object (docs/tableau-rest.md#json-shapes).
      f.app.get('/api/:v/sites/:site/webhooks', async (req, reply) => {
        if (!f.authed(req, reply)) return reply;
        return {
          webhooks: {
            webhook: {
              id: 'wh-1',
              name: 'n',
              'webhook-source': { 'webhook-source-event-datasource-created': {} },
              'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: 'https://h.example.com' } },
            },
          },
        };
      });
    });
    // PAT sign-in needs 3.6; the older servers sign in with a password.
    const auth = restApiVersion === '3.5' ? ({ kind: 'password', username: 'admin', password: 'pw' } as const) : PAT;
    const c = await TableauClient.connect({
      serverUrl: fake.url,
      siteContentUrl: '',
      auth,
      sessions: new SessionCache(),
      clock: fakeClock(),
    });
    return { c, bodies };
  };

  it('before 3.9 the event goes as the webhook-source element and is read back from it', async () => {
    const { c, bodies } = await start('3.8');
    const w = await c.createWebhook({ name: 'n', event: 'WorkbookRefreshSucceeded', url: 'https://h.example.com', enabled: true });
    expect(bodies).toEqual([
      {
        webhook: {
          name: 'n',
          'webhook-source': { 'webhook-source-event-workbook-refresh-succeeded': {} },
          isEnabled: true,
          'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: 'https://h.example.com' } },
        },
      },
    ]);
    expect(w).toMatchObject({ id: 'wh-1', event: 'WorkbookRefreshSucceeded', enabled: true, ownerId: 'u' });
    expect(await c.listWebhooks()).toEqual([
      {
        id: 'wh-1',
        name: 'n',
        event: 'DatasourceCreated',
        url: 'https://h.example.com',
        enabled: true,
        statusChangeReason: undefined,
        ownerId: undefined,
      },
    ]);
  });

  it('3.6 and 3.7 have no isEnabled flag: a disabled webhook cannot be asked for', async () => {
    const { c, bodies } = await start('3.7');
    await expect(
      c.createWebhook({ name: 'n', event: 'WorkbookRefreshSucceeded', url: 'https://h.example.com', enabled: false }),
    ).rejects.toMatchObject({
      code: 'feature-unavailable',
    });
    expect(bodies).toEqual([]);
  });

  it('before 3.6 there are no webhooks', async () => {
    const { c } = await start('3.5');
    await expect(c.listWebhooks()).rejects.toMatchObject({ code: 'feature-unavailable', message: expect.stringMatching(/3\.6/) });
  });
});
