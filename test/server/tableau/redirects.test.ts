/**
 * Redirects and credentials: a Tableau stand-in that redirects serverinfo, sign-in and an authed
 * request to another port, another host and to http. Each target records every request it gets, so
 * "no credential reached it" is checked on the wire, not inferred. A Cloud-style pod redirect (same
 * parent domain, https, same port) still works: made-up names under `.test` (RFC 2606) are resolved
 * by the agent's `lookup` to loopback, and a throw-away CA is trusted through the agent's `ca`.
 */
import type { ServerResponse } from 'node:http';
import https from 'node:https';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { parentDomain, redirectVerdict } from '../../../server/tableau/auth.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { fakeClock, memoryLogger } from './fake.js';
import { fixedLookup, type Seen, type StandIn, startStandIn, type TestPki, testPki, TOKEN } from './standin.js';

const SECRET = 'pat-secret-must-not-travel';
const PAT = { kind: 'pat' as const, patName: 'robot', patSecret: SECRET };

let running: StandIn[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.close()));
  running = [];
});

async function standIn(...args: Parameters<typeof startStandIn>): Promise<StandIn> {
  const s = await startStandIn(...args);
  running.push(s);
  return s;
}

const redirect = (res: ServerResponse, status: number, location: string) => {
  res.writeHead(status, { location });
  res.end();
  return true;
};

const connect = (serverUrl: string, extra: Partial<Parameters<typeof TableauClient.connect>[0]> = {}) =>
  TableauClient.connect({
    serverUrl,
    siteContentUrl: '',
    auth: PAT,
    sessions: new SessionCache(),
    clock: fakeClock(),
    retry: { maxAttempts: 1 },
    ...extra,
  });

/** Any request that carries a credential: the PAT secret in a body, or a session token header. */
const carriesCredentials = (s: Seen) => s.body.includes(SECRET) || s.auth !== undefined;

describe('redirectVerdict (the decision)', () => {
  const v = (given: string, to: string, from = given) => redirectVerdict(new URL(given), new URL(from), new URL(to));

  it('follows the same origin, an http→https upgrade of the same host, and Cloud pods', () => {
    expect(v('https://tableau.example.com/a', 'https://tableau.example.com/b')).toEqual({ ok: true });
    expect(v('http://tableau.example.com/', 'https://tableau.example.com/')).toEqual({ ok: true });
    expect(v('https://online.tableau.com/api/3.4/auth/signin', 'https://10ay.online.tableau.com/api/3.4/auth/signin')).toEqual({
      ok: true,
    });
    expect(v('https://10ay.online.tableau.com/a', 'https://10az.online.tableau.com/a')).toEqual({ ok: true });
    expect(v('https://tableau.example.co.uk/a', 'https://pod.example.co.uk/a')).toEqual({ ok: true });
  });

  it('refuses another port, another host, a downgrade and a public suffix as "parent"', () => {
    expect(v('http://127.0.0.1:1/a', 'http://127.0.0.1:2/a')).toEqual({ ok: false, why: 'elsewhere' });
    expect(v('https://tableau.example.com/a', 'https://tableau.example.com:8443/a')).toEqual({ ok: false, why: 'elsewhere' });
    expect(v('https://online.tableau.com/a', 'https://evil.example.com/a')).toEqual({ ok: false, why: 'elsewhere' });
    expect(v('https://online.tableau.com/a', 'http://10ay.online.tableau.com/a')).toEqual({ ok: false, why: 'downgrade' });
    expect(v('https://online.tableau.com/a', 'http://online.tableau.com/a')).toEqual({ ok: false, why: 'downgrade' });
    // A later hop may not downgrade either.
    expect(v('http://a.example.com/', 'http://a.example.com/x', 'https://a.example.com/')).toEqual({ ok: false, why: 'downgrade' });
    // Two labels: tableau.local must not make every *.local acceptable.
    expect(v('https://tableau.local/a', 'https://evil.local/a')).toEqual({ ok: false, why: 'elsewhere' });
    expect(v('https://tableau.local/a', 'https://pod.tableau.local/a')).toEqual({ ok: true });
    // co.uk is a public suffix (Public Suffix List): example.co.uk's parent is not co.uk.
    expect(v('https://example.co.uk/a', 'https://evil.co.uk/a')).toEqual({ ok: false, why: 'elsewhere' });
    expect(v('https://localhost/a', 'https://evil.localhost/a')).toEqual({ ok: false, why: 'elsewhere' });
    expect(v('https://127.0.0.1/a', 'https://127.0.0.2/a')).toEqual({ ok: false, why: 'elsewhere' });
    expect(v('https://tableau.example.com/a', 'https://user:pw@tableau.example.com/a')).toEqual({ ok: false, why: 'elsewhere' });
    expect(v('https://tableau.example.com/a', 'ftp://tableau.example.com/a')).toEqual({ ok: false, why: 'scheme' });
  });

  it('computes the parent domain no higher than the registrable domain', () => {
    expect(parentDomain('online.tableau.com')).toBe('tableau.com');
    expect(parentDomain('10ay.online.tableau.com')).toBe('online.tableau.com');
    expect(parentDomain('tableau.com')).toBe('tableau.com');
    expect(parentDomain('tableau.local')).toBe('tableau.local');
    expect(parentDomain('x.github.io')).toBe('x.github.io');
    expect(parentDomain('127.0.0.1')).toBeUndefined();
    expect(parentDomain('localhost')).toBeUndefined();
  });
});

describe('redirects on the wire: no credential reaches another origin', () => {
  it.each([
    ['another port', async () => standIn()],
    ['another host (127.0.0.2)', async () => standIn({ host: '127.0.0.2' })],
  ])('serverinfo redirected to %s: refused, nothing sent there', async (_label, makeTarget) => {
    const target = await makeTarget();
    const front = await standIn({ handle: (req, res) => req.url.endsWith('/serverinfo') && redirect(res, 302, `${target.url}${req.url}`) });
    const err = await connect(front.url).catch((e) => e);
    expect(err).toMatchObject({ code: 'redirect-refused', httpStatus: 302 });
    expect(err.message).toBe(`Tableau at ${front.url} redirected to ${target.url}; the credentials were not sent there.`);
    expect(target.seen).toEqual([]);
    // Nor did the sign-in go to the front door with the moved base URL: nothing after serverinfo.
    expect(front.seen.map((s) => s.url)).toEqual(['/api/3.4/serverinfo']);
  });

  it('serverinfo redirected to another host name of the same machine (localhost vs 127.0.0.1): refused', async () => {
    const front = await standIn({
      handle: (req, res) =>
        req.host.startsWith('127.0.0.1') &&
        req.url.endsWith('/serverinfo') &&
        redirect(res, 301, `http://localhost:${req.host.split(':')[1]}${req.url}`),
    });
    const err = await connect(front.url).catch((e) => e);
    expect(err).toMatchObject({ code: 'redirect-refused' });
    expect(front.seen.filter((s) => s.host.startsWith('localhost'))).toEqual([]);
    expect(front.seen.some(carriesCredentials)).toBe(false);
  });

  it.each([
    ['another port', async () => standIn(), 307],
    ['another host (127.0.0.2)', async () => standIn({ host: '127.0.0.2' }), 308],
    ['another port (302, which TSC re-POSTs)', async () => standIn(), 302],
  ])('sign-in redirected to %s: refused, the PAT secret is not sent there', async (_label, makeTarget, status) => {
    const target = await makeTarget();
    const front = await standIn({
      handle: (req, res) => req.url.endsWith('/auth/signin') && redirect(res, status, `${target.url}${req.url}`),
    });
    const err = await connect(front.url).catch((e) => e);
    expect(err).toMatchObject({ code: 'redirect-refused', httpStatus: status });
    expect(err.message).toContain(`redirected to ${target.url}`);
    expect(target.seen).toEqual([]);
    // The credentials went only where the user pointed: the front door itself.
    expect(front.seen.filter(carriesCredentials).map((s) => s.url)).toEqual(['/api/3.28/auth/signin']);
  });

  it('an authed request redirected to another port is refused and the token stays home', async () => {
    const target = await standIn();
    const front = await standIn({ handle: (req, res) => req.url.includes('/projects') && redirect(res, 302, `${target.url}${req.url}`) });
    const c = await connect(front.url);
    const err = await c.listAll('projects').catch((e) => e);
    expect(err).toMatchObject({ code: 'redirect-refused' });
    expect(target.seen).toEqual([]);
    expect(front.seen.filter((s) => s.auth === TOKEN).length).toBeGreaterThan(0);
  });

  it('a same-origin redirect (a server moved under a path prefix) is followed and the client shows the final server', async () => {
    const front = await standIn({
      handle: (req, res) => !req.url.startsWith('/tableau/') && req.url.endsWith('/serverinfo') && redirect(res, 301, `/tableau${req.url}`),
    });
    const logger = memoryLogger();
    const c = await connect(front.url, { logger });
    expect(c.serverUrl).toBe(`${front.url}/tableau`);
    expect(front.seen.filter(carriesCredentials).map((s) => s.url)).toEqual(['/tableau/api/3.28/auth/signin']);
    await c.listAll('projects');
    expect(front.seen.at(-1)!.url).toMatch(/^\/tableau\/api\/3\.28\/sites\/site-1\/projects\?/);
    expect(logger.lines.join('\n')).not.toContain(SECRET);
  });
});

describe('https: downgrades and Cloud pods (made-up names resolved by the agent, throw-away CA)', () => {
  const NAMES = ['online.tableau.test', '10ay.online.tableau.test', 'evil.test', 'tableau.test'];
  let pki: TestPki;
  beforeAll(async () => {
    pki = await testPki(NAMES);
  }, 120_000);

  const agents = () => ({
    https: new https.Agent({ ca: pki.ca, lookup: fixedLookup(Object.fromEntries(NAMES.map((n) => [n, '127.0.0.1']))) as never }),
  });

  it('serverinfo and sign-in redirected from https to http are refused (no downgrade)', async () => {
    const plain = await standIn();
    for (const route of ['/serverinfo', '/auth/signin']) {
      const front = await standIn({
        tls: pki,
        handle: (req, res) => req.url.endsWith(route) && redirect(res, 307, `http://online.tableau.test:${plain.port}${req.url}`),
      });
      const err = await connect(`https://online.tableau.test:${front.port}`, { agents: agents() }).catch((e) => e);
      expect(err).toMatchObject({ code: 'redirect-refused' });
      expect(err.message).toBe(
        `Tableau at https://online.tableau.test:${front.port} redirected to http://online.tableau.test:${plain.port}; the credentials were not sent there.`,
      );
      expect(err.hint).toMatch(/unencrypted/);
    }
    expect(plain.seen).toEqual([]);
  });

  it('a Cloud-style pod redirect (online → 10ay.online, https, same port) re-POSTs the sign-in there and uses the pod', async () => {
    const server = await standIn({
      tls: pki,
      handle: (req, res) => {
        // One TLS server, two names (SNI + Host): the front door moves sign-in to the pod.
        if (req.host.startsWith('online.tableau.test') && req.url.endsWith('/auth/signin')) {
          return redirect(res, 302, `https://10ay.online.tableau.test:${req.host.split(':')[1]}${req.url}`);
        }
        return false;
      },
    });
    const c = await connect(`https://online.tableau.test:${server.port}`, { agents: agents() });
    expect(c.serverUrl).toBe(`https://10ay.online.tableau.test:${server.port}`);
    await c.listAll('projects');
    const withSecret = server.seen.filter((s) => s.body.includes(SECRET));
    expect(withSecret.map((s) => s.host)).toEqual([`online.tableau.test:${server.port}`, `10ay.online.tableau.test:${server.port}`]);
    expect(server.seen.filter((s) => s.auth === TOKEN).map((s) => s.host)).toEqual([`10ay.online.tableau.test:${server.port}`]);
  });

  it('a redirect to another domain over https on the same port is refused', async () => {
    const server = await standIn({
      tls: pki,
      handle: (req, res) =>
        req.host.startsWith('tableau.test') &&
        req.url.endsWith('/auth/signin') &&
        redirect(res, 302, `https://evil.test:${server.port}${req.url}`),
    });
    const err = await connect(`https://tableau.test:${server.port}`, { agents: agents() }).catch((e) => e);
    expect(err).toMatchObject({ code: 'redirect-refused' });
    expect(err.message).toBe(
      `Tableau at https://tableau.test:${server.port} redirected to https://evil.test:${server.port}; the credentials were not sent there.`,
    );
    expect(server.seen.filter((s) => s.host.startsWith('evil.test'))).toEqual([]);
  });
});
