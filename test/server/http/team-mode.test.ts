/**
 * A team server over real HTTP (startServer with a TargetGuard, as main.ts builds it from TEAM=1 and
 * the allow-lists): where it may connect. Names are resolved from a table (test/server/net/test-guard.ts)
 * and 127.0.0.2 plays a public server, so the refusals of 127.0.0.1, private addresses and unlisted
 * hosts are the product's own. Single-analyst mode (the demo site on loopback) is every other test.
 */
import type { ServerResponse } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningServer, startServer } from '../../../server/main.js';
import { PLAYS_PUBLIC, testGuard } from '../net/test-guard.js';
import { type StandIn, startStandIn, testPki } from '../tableau/standin.js';
import { apiClient, captureLogger, tempDir } from './helpers.js';

const SECRET = 'team-pat-secret';
const NAMES = {
  'tableau.test': PLAYS_PUBLIC,
  'online.tableau.test': PLAYS_PUBLIC,
  'other.tableau.test': PLAYS_PUBLIC,
  localhost: '127.0.0.1',
  'hooks.test': PLAYS_PUBLIC,
  'hooks.internal.test': '10.0.0.5',
  // Public when the schedule is saved, private when its failure is sent (DNS rebinding).
  'moving.test': ['93.184.215.14', '10.0.0.5'],
};
const SETTINGS = {
  ALLOWED_TABLEAU_SERVERS: 'tableau.test,online.tableau.test,localhost',
  ALLOWED_WEBHOOK_HOSTS: 'hooks.test,hooks.internal.test,moving.test',
};

let tableau: StandIn;
let loopback: StandIn;
let front: StandIn;
let server: RunningServer;
let api: ReturnType<typeof apiClient>;
const log = captureLogger('info');

const redirect = (res: ServerResponse, location: string) => {
  res.writeHead(302, { location });
  res.end();
  return true;
};

beforeAll(async () => {
  const pki = await testPki(Object.keys(NAMES));
  tableau = await startStandIn({ host: PLAYS_PUBLIC });
  loopback = await startStandIn();
  // https, so that redirectVerdict itself allows the hop (same parent domain): the operator's list refuses it.
  front = await startStandIn({
    host: PLAYS_PUBLIC,
    tls: pki,
    handle: (req, res) =>
      req.host.startsWith('online.') &&
      req.url.endsWith('/auth/signin') &&
      redirect(res, `https://other.tableau.test:${front.port}${req.url}`),
  });
  const guard = testGuard(SETTINGS, NAMES);
  server = await startServer({
    dataDir: tempDir(),
    port: 0,
    protocol: 'http',
    logger: log.logger,
    network: guard,
    identity: { team: true },
    tableau: { retry: { maxAttempts: 1 }, timeoutMs: 10_000, agents: guard.agents('tableau', { ca: pki.ca }) },
  });
  api = apiClient(server.url);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await Promise.all([tableau?.close(), loopback?.close(), front?.close()]);
});

const connect = (serverUrl: string) =>
  api.call('POST', '/api/connections', {
    body: { serverUrl, siteContentUrl: '', auth: { kind: 'pat', patName: 'robot', patSecret: SECRET } },
  });

describe('team mode: Tableau servers', () => {
  it('refuses a Tableau on loopback, by address or by a listed name that resolves there; nothing reaches it', async () => {
    const byAddress = await connect(loopback.url);
    expect(byAddress.status).toBe(400);
    expect(byAddress.json.error).toEqual({
      code: 'target-not-allowed',
      message:
        "The companion server may not connect to 127.0.0.1: it is not on this server's list of allowed Tableau servers. Ask your administrator to add 127.0.0.1 to ALLOWED_TABLEAU_SERVERS.",
    });
    const byName = await connect(`http://localhost:${loopback.port}`);
    expect(byName.status).toBe(400);
    expect(byName.json.error.code).toBe('target-not-allowed');
    expect(byName.json.error.message).toMatch(
      /^The companion server may not connect to localhost: it resolves to this computer \(loopback\)/,
    );
    expect(loopback.seen).toEqual([]);
  });

  it('connects to an allowed server at a public address, and browses it', async () => {
    const res = await connect(`http://tableau.test:${tableau.port}`);
    expect(res.status, res.text).toBe(201);
    const projects = await api.call('GET', `/api/connections/${res.json.connection.id}/projects`, { token: res.json.sessionToken });
    expect(projects.status).toBe(200);
    expect(tableau.seen.every((s) => s.host === `tableau.test:${tableau.port}`)).toBe(true);
  });

  it('refuses a redirect to a host outside the list before the credentials go there', async () => {
    const res = await connect(`https://online.tableau.test:${front.port}`);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('target-not-allowed');
    expect(res.json.error.message).toBe(
      `Tableau at https://online.tableau.test:${front.port} redirected to https://other.tableau.test:${front.port}; nothing was sent there. The companion server may not connect to other.tableau.test: it is not on this server's list of allowed Tableau servers. Ask your administrator to add other.tableau.test to ALLOWED_TABLEAU_SERVERS.`,
    );
    expect(front.seen.filter((s) => s.host.startsWith('other.'))).toEqual([]);
    expect(api.responses()).not.toContain(SECRET);
  });
});

describe('team mode: failure webhooks', () => {
  let token: string;
  let cid: string;
  beforeAll(async () => {
    const res = await connect(`http://tableau.test:${tableau.port}`);
    ({ sessionToken: token } = res.json);
    cid = res.json.connection.id;
  });

  const body = (webhookUrl: string) => ({
    connectionId: cid,
    definitionId: '2b0c7a52-51c4-4c59-9a43-1b8f0f3c7d11',
    name: 'Orders, hourly',
    source: { kind: 'view', viewId: 'no-such-view', name: 'Orders' },
    spec: { kind: 'hourly', minute: 0, timeZone: 'UTC' },
    webhookUrl,
  });

  it('refuses to save a webhook to 10.0.0.5, to a name that resolves to it, or to an unlisted host (400)', async () => {
    const literal = await api.call('POST', '/api/schedules', { token, body: body('http://10.0.0.5/hook/credential') });
    expect(literal.status).toBe(400);
    expect(literal.json.error).toEqual({
      code: 'target-not-allowed',
      message:
        "The webhook was not saved. The companion server may not connect to 10.0.0.5: it is not on this server's list of allowed webhook hosts. Ask your administrator to add 10.0.0.5 to ALLOWED_WEBHOOK_HOSTS.",
    });
    const named = await api.call('POST', '/api/schedules', { token, body: body('https://hooks.internal.test/hook/credential') });
    expect(named.status).toBe(400);
    expect(named.json.error.message).toMatch(/hooks\.internal\.test: it resolves to a private network address/);
    const unlisted = await api.call('POST', '/api/schedules', { token, body: body('https://hooks.slack.com/services/credential') });
    expect(unlisted.status).toBe(400);
    expect(unlisted.json.error.message).toMatch(/add hooks\.slack\.com to ALLOWED_WEBHOOK_HOSTS/);
    expect((await api.call('GET', '/api/schedules', { token })).json.schedules).toEqual([]);
  });

  it('saves an allowed webhook, refuses changing it to an internal one (PUT 400)', async () => {
    const created = await api.call('POST', '/api/schedules', { token, body: body('https://hooks.test/hook/credential') });
    expect(created.status, created.text).toBe(201);
    expect(created.json.schedule.webhook).toEqual({ host: 'hooks.test' });
    const changed = await api.call('PUT', `/api/schedules/${created.json.schedule.id}`, {
      token,
      body: { webhookUrl: 'http://[::ffff:10.0.0.5]/hook' },
    });
    expect(changed.status).toBe(400);
    expect(changed.json.error.code).toBe('target-not-allowed');
    await api.call('DELETE', `/api/schedules/${created.json.schedule.id}`, { token });
  });

  it('checks the address again when a failure is sent: a name that now resolves to 10.0.0.5 gets nothing', async () => {
    const created = await api.call('POST', '/api/schedules', { token, body: body('http://moving.test/hook/credential-in-path') });
    expect(created.status, created.text).toBe(201);
    const run = await api.call('POST', `/api/schedules/${created.json.schedule.id}/run`, { token });
    expect(run.status).toBe(202);
    await expect.poll(() => log.text(), { timeout: 10_000 }).toContain('failure webhook not sent');
    expect(log.text()).toMatch(/moving\.test: it resolves to a private network address/);
    expect(log.text()).not.toContain('credential-in-path');
  });
});
