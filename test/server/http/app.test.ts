/**
 * The app with a fake Tableau connector (no network): error mapping, origin checks, body parsing.
 * The real sign-in / browse flow against the simulator is in api.test.ts.
 */
import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../../server/http/app.js';
import type { Tableau, TableauConnector } from '../../../server/services/tableau.js';
import { openStore, type SqliteStore } from '../../../server/store/index.js';
import { TableauError } from '../../../server/tableau/errors.js';
import { captureLogger, tempDir } from './helpers.js';

const SECRET = 'fake-pat-secret-9f8e7d';
const OWN = 'https://localhost:3000';

function fakeClient(overrides: Partial<Record<string, unknown>> = {}): Tableau {
  return {
    serverInfo: { productVersion: '2025.3.0', restApiVersion: '3.26' },
    signOut: vi.fn(async () => {}),
    listAll: vi.fn(async () => [{ id: 'p1', name: 'Sales' }]),
    ...overrides,
  } as unknown as Tableau;
}

let store: SqliteStore;
let app: FastifyInstance;
let logs: () => string;
let connector: ReturnType<typeof vi.fn>;

async function setup(client: () => Promise<Tableau>) {
  store = openStore(tempDir());
  const cap = captureLogger();
  logs = cap.text;
  connector = vi.fn(client);
  ({ app } = await buildApp({
    store,
    tableau: connector as unknown as TableauConnector,
    logger: cap.logger,
    allowedOrigins: new Set([OWN]),
    version: 'test',
  }));
  await app.ready();
}

const connectBody = {
  serverUrl: 'https://tableau.example.com/',
  siteContentUrl: 'sales',
  auth: { kind: 'pat', patName: 'me', patSecret: SECRET },
};

async function connect() {
  const res = await app.inject({ method: 'POST', url: '/api/connections', payload: connectBody });
  expect(res.statusCode).toBe(201);
  return res.json() as { sessionToken: string; connection: { id: string } };
}

afterEach(async () => {
  await app?.close();
  store?.close();
});

describe('POST /api/connections', () => {
  it('refuses bad credentials with 401 in plain words and saves nothing', async () => {
    await setup(async () => {
      throw new TableauError({ code: 'bad-credentials', message: 'Tableau did not accept the sign-in.', tableauCode: '401001' });
    });
    const res = await app.inject({ method: 'POST', url: '/api/connections', payload: connectBody });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      error: { code: 'bad-credentials', message: 'Tableau did not accept the sign-in.', tableauCode: '401001' },
    });
    expect(store.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
    expect(store.db.prepare('SELECT count(*) FROM connections').pluck().get()).toBe(0);
  });

  it('signs in fresh, normalises the URL, labels the connection and never echoes the secret', async () => {
    await setup(async () => fakeClient());
    const { sessionToken, connection } = await connect();
    expect(connector).toHaveBeenCalledWith(
      { serverUrl: 'https://tableau.example.com', siteContentUrl: 'sales', auth: connectBody.auth },
      'fresh',
    );
    expect(sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(connection).toMatchObject({
      label: 'tableau.example.com / sales',
      principal: 'me',
      authKind: 'pat',
      productVersion: '2025.3.0',
      restApiVersion: '3.26',
    });
    expect(JSON.stringify(connection)).not.toContain(SECRET);
    expect(logs()).not.toContain(SECRET);
  });

  it('adds a connection to the presented session instead of creating another', async () => {
    await setup(async () => fakeClient());
    const first = await connect();
    const res = await app.inject({
      method: 'POST',
      url: '/api/connections',
      headers: { authorization: `Bearer ${first.sessionToken}` },
      payload: { ...connectBody, siteContentUrl: 'finance' },
    });
    expect(res.json().sessionToken).toBe(first.sessionToken);
    const list = await app.inject({ url: '/api/connections', headers: { authorization: `Bearer ${first.sessionToken}` } });
    expect(list.json().connections).toHaveLength(2);
  });
});

describe('error mapping', () => {
  it('maps Tableau errors to their status and body', async () => {
    await setup(async () =>
      fakeClient({ listAll: async () => Promise.reject(new TableauError({ code: 'rate-limited', message: 'Tableau is busy.' })) }),
    );
    const { sessionToken, connection } = await connect();
    const res = await app.inject({
      url: `/api/connections/${connection.id}/projects`,
      headers: { authorization: `Bearer ${sessionToken}` },
    });
    expect(res.statusCode).toBe(429);
    expect(res.json()).toEqual({ error: { code: 'rate-limited', message: 'Tableau is busy.' } });
  });

  it('answers unexpected failures with a generic 500 and logs them without secrets', async () => {
    const boom = Object.assign(new Error('socket hang up'), {
      config: { headers: { 'X-Tableau-Auth': 'tok-123456' }, data: { patSecret: SECRET } },
    });
    await setup(async () => fakeClient({ listAll: async () => Promise.reject(boom) }));
    const { sessionToken, connection } = await connect();
    const res = await app.inject({
      url: `/api/connections/${connection.id}/projects`,
      headers: { authorization: `Bearer ${sessionToken}` },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('internal');
    expect(res.body).not.toContain('socket hang up');
    expect(logs()).toContain('socket hang up');
    expect(logs()).not.toContain('tok-123456');
    expect(logs()).not.toContain(SECRET);
    expect(logs()).not.toContain(sessionToken);
  });

  it('answers unknown routes with a JSON 404', async () => {
    await setup(async () => fakeClient());
    const res = await app.inject({ url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not-found');
  });
});

describe('origins and bodies', () => {
  it('refuses API calls from a foreign page but allows its own origin with CORS headers', async () => {
    await setup(async () => fakeClient());
    const foreign = await app.inject({
      method: 'POST',
      url: '/api/connections',
      headers: { origin: 'https://evil.example' },
      payload: connectBody,
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('forbidden-origin');
    expect(connector).not.toHaveBeenCalled();
    const own = await app.inject({ method: 'POST', url: '/api/connections', headers: { origin: OWN }, payload: connectBody });
    expect(own.statusCode).toBe(201);
    expect(own.headers['access-control-allow-origin']).toBe(OWN);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/connections',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('accepts a bodiless POST sent with a JSON content type, and refuses broken JSON with 400', async () => {
    await setup(async () => fakeClient());
    const { sessionToken, connection } = await connect();
    const auth = { authorization: `Bearer ${sessionToken}`, 'content-type': 'application/json' };
    const signout = await app.inject({ method: 'POST', url: `/api/connections/${connection.id}/signout`, headers: auth, payload: '' });
    expect(signout.statusCode).toBe(204);
    const broken = await app.inject({
      method: 'POST',
      url: '/api/connections',
      headers: { 'content-type': 'application/json' },
      payload: '{"serverUrl":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('invalid-input');
    const proto = await app.inject({
      method: 'POST',
      url: '/api/connections',
      headers: { 'content-type': 'application/json' },
      payload: '{"__proto__":{"x":1}}',
    });
    expect(proto.statusCode).toBe(400);
  });

  it('gzips JSON answers when asked', async () => {
    await setup(async () =>
      fakeClient({ listAll: async () => Array.from({ length: 200 }, (_, i) => ({ id: `p${i}`, name: `Project ${i}` })) }),
    );
    const { sessionToken, connection } = await connect();
    const res = await app.inject({
      url: `/api/connections/${connection.id}/projects`,
      headers: { authorization: `Bearer ${sessionToken}`, 'accept-encoding': 'gzip' },
    });
    expect(res.headers['content-encoding']).toBe('gzip');
  });
});
