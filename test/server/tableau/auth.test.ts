import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { type Fake, fakeClock, memoryLogger, PAT, SITE_ID, startFake, USER_ID } from './fake.js';

let fakes: Fake[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

async function fake(...args: Parameters<typeof startFake>) {
  const f = await startFake(...args);
  fakes.push(f);
  return f;
}

const connect = (f: Fake, extra: Partial<Parameters<typeof TableauClient.connect>[0]> = {}) =>
  TableauClient.connect({
    serverUrl: f.url,
    siteContentUrl: 'acme',
    auth: PAT,
    sessions: new SessionCache(),
    clock: fakeClock(),
    ...extra,
  });

describe('connect', () => {
  it('negotiates the version from a low bootstrap version, then signs in with a PAT JSON body', async () => {
    const paths: string[] = [];
    const f = await fake({ productVersion: '2025.3.0', restApiVersion: '3.27' }, (x) =>
      x.app.addHook('onRequest', async (req) => void paths.push(req.url)),
    );
    const c = await connect(f);
    expect(paths[0]).toBe('/api/3.4/serverinfo');
    expect(f.signIns[0].url).toBe('/api/3.27/auth/signin');
    expect(f.signIns[0].body).toEqual({
      credentials: { site: { contentUrl: 'acme' }, personalAccessTokenName: 'robot', personalAccessTokenSecret: 's3cr3t-value' },
    });
    expect(c.serverInfo).toEqual({ productVersion: '2025.3.0', build: '20261.26.0101.0000', restApiVersion: '3.27' });
    expect([c.siteId, c.userId]).toEqual([SITE_ID, USER_ID]);
    expect(c.supports('vdsDatasourceModel')).toBe(true);
    expect(c.supports('vdsRowLimit')).toBe(false);
    expect(c.vdsSchemaVersion).toBe('20253.0');
  });

  it('sends password and JWT bodies as in the REST docs', async () => {
    const f = await fake();
    await connect(f, { auth: { kind: 'password', username: 'admin', password: 'pw' } });
    await connect(f, { auth: { kind: 'jwt', jwt: 'aaa.eyJzdWIiOiJhbGljZSJ9.sig' } });
    expect(f.signIns.map((s) => s.body)).toEqual([
      { credentials: { site: { contentUrl: 'acme' }, name: 'admin', password: 'pw' } },
      { credentials: { site: { contentUrl: 'acme' }, jwt: 'aaa.eyJzdWIiOiJhbGljZSJ9.sig' } },
    ]);
  });

  it('refuses JWT sign-in on a server older than REST 3.17 without sending the JWT', async () => {
    const f = await fake({ productVersion: '2022.1.0', restApiVersion: '3.15' });
    await expect(connect(f, { auth: { kind: 'jwt', jwt: 'a.b.c' } })).rejects.toMatchObject({ code: 'feature-unavailable' });
    expect(f.signIns).toHaveLength(0);
  });

  it('maps wrong credentials to bad-credentials without echoing the secret', async () => {
    const f = await fake();
    const logger = memoryLogger();
    const err = await connect(f, { auth: { ...PAT, patSecret: 'wrong' }, logger }).catch((e) => e);
    expect(err).toMatchObject({ code: 'bad-credentials', tableauCode: '401001', httpStatus: 401 });
    expect(err.toApiError()).toEqual({
      code: 'bad-credentials',
      message: expect.any(String),
      hint: expect.any(String),
      tableauCode: '401001',
    });
    expect(JSON.stringify(err.toApiError()) + err.message).not.toContain('wrong');
  });

  it('rejects a malformed server URL as invalid-input', async () => {
    await expect(TableauClient.connect({ serverUrl: 'ftp://x', siteContentUrl: '', auth: PAT })).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });

  it('answers an HTML page on serverinfo like a closed port (one code, the cause only in the error cause)', async () => {
    const app = Fastify();
    app.get('/api/:v/serverinfo', async (_q, r) => r.type('text/html').send('<html>hello</html>'));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const err = await TableauClient.connect({ serverUrl: url, siteContentUrl: '', auth: PAT, sessions: new SessionCache() }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'server-unavailable', message: `Could not reach Tableau at ${url}.` });
    expect(String(err.cause?.message)).toMatch(/not-tableau .*HTTP 200 text\/html/);
    await app.close();
  });
});

// Redirects (Cloud pods, and credentials that go nowhere else): redirects.test.ts.

describe('sessions', () => {
  it('reuses one token per (server, site, principal) across clients, even when they connect at once', async () => {
    const f = await fake();
    const sessions = new SessionCache();
    const [a, b] = await Promise.all([connect(f, { sessions }), connect(f, { sessions })]);
    const c = await connect(f, { sessions });
    expect(f.signIns).toHaveLength(1);
    expect(a.siteId).toBe(b.siteId);
    await connect(f, { sessions, siteContentUrl: 'other' });
    expect(f.signIns).toHaveLength(2);
    void c;
  });

  it('signs in again ONCE when many requests hit 401002 at the same time, then replays them', async () => {
    let listed = 0;
    const f = await fake({}, (x) =>
      x.app.get('/api/:v/sites/:site/workbooks/:id', async (req, reply) => {
        if (!x.authed(req, reply)) return;
        listed++;
        return { workbook: { id: (req.params as { id: string }).id, name: 'W' } };
      }),
    );
    const sessions = new SessionCache();
    const a = await connect(f, { sessions });
    const b = await connect(f, { sessions });
    f.expireAll();
    const ids = Array.from({ length: 12 }, (_, i) => `wb-${i}`);
    const got = await Promise.all(ids.map((id, i) => (i % 2 ? a : b).getWorkbook(id)));
    expect(got.map((w) => w.id)).toEqual(ids);
    expect(f.signIns).toHaveLength(2); // the first sign-in + exactly one re-sign-in
    expect(listed).toBe(12);
  });

  it('gives up with session-expired when the fresh token is refused too', async () => {
    const f = await fake({}, (x) =>
      x.app.get('/api/:v/sites/:site/workbooks/:id', async (_req, reply) =>
        reply.code(401).send({ error: { code: '401002', summary: 'Unauthorized' } }),
      ),
    );
    const c = await connect(f);
    await expect(c.getWorkbook('wb-1')).rejects.toMatchObject({ code: 'session-expired', tableauCode: '401002' });
    expect(f.signIns).toHaveLength(2);
  });

  it('does not re-sign-in on a 401 without a session code (e.g. an HTML page)', async () => {
    const f = await fake({}, (x) =>
      x.app.get('/api/:v/sites/:site/workbooks/:id', async (_q, r) => r.code(401).type('text/html').send('<html>no</html>')),
    );
    const c = await connect(f);
    await expect(c.getWorkbook('wb-1')).rejects.toMatchObject({ code: 'session-expired', httpStatus: 401 });
    expect(f.signIns).toHaveLength(1);
  });

  it('signs out, forgets the token, and the next connect signs in again', async () => {
    const f = await fake();
    const sessions = new SessionCache();
    const c = await connect(f, { sessions });
    await c.signOut();
    expect(f.signOuts).toBe(1);
    expect(f.tokens.size).toBe(0);
    await connect(f, { sessions });
    expect(f.signIns).toHaveLength(2);
  });

  it('switches site with the new credentials block', async () => {
    const f = await fake({}, (x) =>
      x.app.post('/api/:v/auth/switchSite', async (req, reply) => {
        if (!x.authed(req, reply)) return;
        x.tokens.delete(String(req.headers['x-tableau-auth']));
        x.tokens.add('tok-switched');
        const site = (req.body as { site: { contentUrl: string } }).site.contentUrl;
        return { credentials: { token: 'tok-switched', site: { id: 'site-2', contentUrl: site }, user: { id: 'user-2' } } };
      }),
    );
    const c = await connect(f);
    await c.switchSite('finance');
    expect([c.siteId, c.userId, c.siteContentUrl]).toEqual(['site-2', 'user-2', 'finance']);
  });
});

describe('session cache keys', () => {
  it('a wrong secret for a PAT name with a live session does not get that session', async () => {
    const f = await fake();
    const sessions = new SessionCache();
    await connect(f, { sessions });
    await expect(connect(f, { sessions, auth: { ...PAT, patSecret: 'wrong' } })).rejects.toMatchObject({ code: 'bad-credentials' });
    expect(f.signIns).toHaveLength(2);
  });

  it('keys never contain the secret', () => {
    const key = new SessionCache().keyFor('https://x', 'site', PAT);
    expect(key).not.toContain(PAT.patSecret);
    expect(key).toContain('pat:robot');
  });
});
