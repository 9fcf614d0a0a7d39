/**
 * The companion server over real HTTP (startServer, plain HTTP) against the Tableau simulator:
 * sign-in through the API, browsing, session isolation, and no secret in any log line or response.
 */
import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { apiClient, captureLogger, tempDir } from './helpers.js';

let sim: Simulator;
let server: RunningServer;
let api: ReturnType<typeof apiClient>;
let logs: () => string;

beforeAll(async () => {
  sim = await createSimulator({});
  const cap = captureLogger('trace');
  logs = cap.text;
  server = await startServer({
    dataDir: tempDir(),
    port: 0,
    protocol: 'http',
    logger: cap.logger,
    tableau: { retry: { maxAttempts: 1 }, timeoutMs: 10_000 },
  });
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

const demoConnect = () => ({
  serverUrl: sim.url,
  siteContentUrl: sim.demo.siteContentUrl,
  auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
});

async function connect(body: unknown = demoConnect(), token?: string) {
  const res = await api.call('POST', '/api/connections', { body, token });
  expect(res.status, res.text).toBe(201);
  return res.json as { sessionToken: string; connection: { id: string; principal: string } };
}

describe('companion API against the demo site', () => {
  it('signs in with the demo PAT and lists the site projects, workbooks and views', async () => {
    const { sessionToken: token, connection } = await connect();
    expect(connection).toMatchObject({ principal: sim.demo.patName, authKind: 'pat', siteContentUrl: sim.demo.siteContentUrl });

    const projects = await api.call('GET', `/api/connections/${connection.id}/projects`, { token });
    expect(projects.status, projects.text).toBe(200);
    expect(projects.json.projects.length).toBeGreaterThan(0);
    for (const p of projects.json.projects)
      expect(p).toEqual(expect.objectContaining({ id: expect.any(String), name: expect.any(String) }));

    const workbooks = await api.call('GET', `/api/connections/${connection.id}/workbooks?page=1&pageSize=2`, { token });
    expect(workbooks.status, workbooks.text).toBe(200);
    expect(workbooks.json).toMatchObject({ page: 1, pageSize: 2 });
    expect(workbooks.json.items.length).toBeLessThanOrEqual(2);
    expect(workbooks.json.nextPage).toBe(workbooks.json.total > 2 ? 2 : null);

    const wb = workbooks.json.items[0];
    const views = await api.call('GET', `/api/connections/${connection.id}/workbooks/${wb.id}/views`, { token });
    expect(views.status, views.text).toBe(200);
    expect(views.json.views.length).toBeGreaterThan(0);
    expect(views.json.views[0]).toMatchObject({ workbookId: wb.id, sheetType: expect.stringMatching(/^(sheet|dashboard|story)$/) });

    const list = await api.call('GET', '/api/connections', { token });
    expect(list.json.connections.map((c: { id: string }) => c.id)).toEqual([connection.id]);
  });

  it('scopes workbooks and data sources to a project', async () => {
    const { sessionToken: token, connection } = await connect();
    const { projects } = (await api.call('GET', `/api/connections/${connection.id}/projects`, { token })).json;
    for (const project of projects) {
      const res = await api.call('GET', `/api/connections/${connection.id}/workbooks?projectId=${project.id}&pageSize=1000`, { token });
      expect(res.status, res.text).toBe(200);
      for (const w of res.json.items) expect(w.projectId).toBe(project.id);
    }
    const unknown = await api.call('GET', `/api/connections/${connection.id}/datasources?projectId=00000000-0000-0000-0000-000000000000`, {
      token,
    });
    expect(unknown.status).toBe(404);
  });

  it('lists data sources, searches, and reads VDS metadata', async () => {
    const { sessionToken: token, connection } = await connect();
    const ds = await api.call('GET', `/api/connections/${connection.id}/datasources`, { token });
    expect(ds.status, ds.text).toBe(200);
    expect(ds.json.items.length).toBeGreaterThan(0);
    const search = await api.call('GET', `/api/connections/${connection.id}/search?q=Superstore`, { token });
    expect(search.status, search.text).toBe(200);
    expect(search.json).toMatchObject({ page: 1, items: expect.any(Array) });
    const queryable = ds.json.items.find((d: { name: string }) => /orders/i.test(d.name)) ?? ds.json.items[0];
    const meta = await api.call('GET', `/api/connections/${connection.id}/datasources/${queryable.id}/metadata`, { token });
    expect(meta.status, meta.text).toBe(200);
    expect(meta.json.fields.length).toBeGreaterThan(0);
    expect(meta.json.capabilities).toEqual(expect.objectContaining({ rowLimit: expect.any(Boolean) }));
  });

  it('refuses wrong credentials with 401 in plain words', async () => {
    const res = await api.call('POST', '/api/connections', {
      body: { ...demoConnect(), auth: { kind: 'pat', patName: sim.demo.patName, patSecret: 'wrong-secret' } },
    });
    expect(res.status).toBe(401);
    expect(res.json.error).toMatchObject({ code: 'bad-credentials', message: expect.stringMatching(/\w+ \w+/) });
  });

  it('does not let a second session ride on a cached Tableau session with a wrong secret', async () => {
    await connect();
    const res = await api.call('POST', '/api/connections', {
      body: { ...demoConnect(), auth: { kind: 'pat', patName: sim.demo.patName, patSecret: 'guessed' } },
    });
    expect(res.status).toBe(401);
  });

  it('signs out and deletes connections', async () => {
    const { sessionToken: token, connection } = await connect();
    expect((await api.call('POST', `/api/connections/${connection.id}/signout`, { token })).status).toBe(204);
    // Signed out but kept: the next call signs in again by itself.
    expect((await api.call('GET', `/api/connections/${connection.id}/projects`, { token })).status).toBe(200);
    expect((await api.call('DELETE', `/api/connections/${connection.id}`, { token })).status).toBe(204);
    expect((await api.call('GET', `/api/connections/${connection.id}/projects`, { token })).status).toBe(404);
    expect((await api.call('GET', '/api/connections', { token })).json.connections).toEqual([]);
  });
});

describe('session isolation', () => {
  it('needs a valid bearer token for every /api call except connecting', async () => {
    const { connection } = await connect();
    for (const [method, path] of [
      ['GET', '/api/connections'],
      ['GET', `/api/connections/${connection.id}/projects`],
      ['DELETE', `/api/connections/${connection.id}`],
      ['POST', `/api/connections/${connection.id}/pull`],
    ] as const) {
      const none = await api.call(method, path);
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(none.json.error.code).toBe('unauthorized');
      const bad = await api.call(method, path, { token: 'A'.repeat(43) });
      expect(bad.status).toBe(401);
      const junk = await api.call(method, path, { headers: { authorization: 'Basic abc' } });
      expect(junk.status).toBe(401);
    }
  });

  it("answers 404 for another session's connection, whatever the route", async () => {
    const alice = await connect();
    const bob = await connect({
      ...demoConnect(),
      auth: { kind: 'pat', patName: sim.demo.otherPatName, patSecret: sim.demo.otherPatSecret },
    });
    const id = alice.connection.id;
    const token = bob.sessionToken;
    expect(bob.sessionToken).not.toBe(alice.sessionToken);
    for (const [method, path, body] of [
      ['GET', `/api/connections/${id}/projects`, undefined],
      ['GET', `/api/connections/${id}/workbooks`, undefined],
      ['GET', `/api/connections/${id}/datasources`, undefined],
      ['GET', `/api/connections/${id}/search?q=x`, undefined],
      ['POST', `/api/connections/${id}/signout`, undefined],
      ['DELETE', `/api/connections/${id}`, undefined],
    ] as const) {
      const res = await api.call(method, path, { token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const bobsList = (await api.call('GET', '/api/connections', { token })).json.connections.map((c: { id: string }) => c.id);
    expect(bobsList).not.toContain(id);
    // Alice still has hers.
    expect((await api.call('GET', `/api/connections/${id}/projects`, { token: alice.sessionToken })).status).toBe(200);
  });
});

describe('secrets', () => {
  it('never appear in a response or a log line', async () => {
    // Exercise failures too: they are where secrets tend to leak.
    await api.call('POST', '/api/connections', {
      body: { ...demoConnect(), auth: { kind: 'password', username: sim.demo.username, password: 'pw-that-is-wrong-77' } },
    });
    const { sessionToken } = await connect();
    await api.call('POST', '/api/connections', {
      body: { ...demoConnect(), auth: { kind: 'jwt', jwt: 'eyJhbGciOi.eyJzdWIiOiJ4In0.sig-secret-part' } },
    });
    const everything = api.responses();
    const log = logs();
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [sim.demo.patSecret, sim.demo.otherPatSecret, 'pw-that-is-wrong-77', 'sig-secret-part']) {
      expect(everything, 'a response leaks a secret').not.toContain(secret);
      expect(log, 'the log leaks a secret').not.toContain(secret);
    }
    // The session token is handed out once (ConnectResponse) and never logged.
    expect(log).not.toContain(sessionToken);
  });
});
