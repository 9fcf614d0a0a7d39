/**
 * The Tableau client of a team server (server/net/guard.ts agents, server/tableau/http.ts and
 * auth.ts): a server that is not on ALLOWED_TABLEAU_SERVERS, a listed name that resolves to an
 * internal address, and a redirect that leads to either, are refused before a byte is sent there,
 * with the code target-not-allowed and words that name the host and the setting.
 */
import type { ServerResponse } from 'node:http';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { PLAYS_PUBLIC, testGuard } from '../net/test-guard.js';
import { fakeClock } from './fake.js';
import { type StandIn, startStandIn, type TestPki, testPki } from './standin.js';

const SECRET = 'pat-secret-must-not-travel';

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

const redirect = (res: ServerResponse, location: string) => {
  res.writeHead(302, { location });
  res.end();
  return true;
};

const connect = (serverUrl: string, agents: Parameters<typeof TableauClient.connect>[0]['agents']) =>
  TableauClient.connect({
    serverUrl,
    siteContentUrl: '',
    auth: { kind: 'pat', patName: 'robot', patSecret: SECRET },
    sessions: new SessionCache(),
    clock: fakeClock(),
    retry: { maxAttempts: 3 },
    agents,
  });

const NAMES = {
  'tableau.test': PLAYS_PUBLIC,
  'online.tableau.test': PLAYS_PUBLIC,
  'pod.online.tableau.test': PLAYS_PUBLIC,
  'inside.tableau.test': '10.0.0.5',
  'local.tableau.test': '127.0.0.1',
  'other.tableau.test': PLAYS_PUBLIC,
};
const guard = () =>
  testGuard(
    { ALLOWED_TABLEAU_SERVERS: 'tableau.test,online.tableau.test,*.online.tableau.test,inside.tableau.test,local.tableau.test' },
    NAMES,
  );

describe('a team server connects only to allowed Tableau servers at public addresses', () => {
  it('an allowed name at a public address connects, signs in and lists', async () => {
    const server = await standIn({ host: PLAYS_PUBLIC });
    const client = await connect(`http://tableau.test:${server.port}`, guard().agents('tableau'));
    await client.listAll('projects');
    expect(server.seen.map((s) => s.host)).toEqual(Array(server.seen.length).fill(`tableau.test:${server.port}`));
  });

  it('a loopback address is refused, as a literal or behind a listed name; nothing reaches it', async () => {
    const server = await standIn();
    const literal = await connect(server.url, guard().agents('tableau')).catch((e) => e);
    expect(literal).toMatchObject({ code: 'target-not-allowed' });
    expect(literal.message).toBe(
      "The companion server may not connect to 127.0.0.1: it is not on this server's list of allowed Tableau servers. Ask your administrator to add 127.0.0.1 to ALLOWED_TABLEAU_SERVERS.",
    );
    const named = await connect(`http://local.tableau.test:${server.port}`, guard().agents('tableau')).catch((e) => e);
    expect(named).toMatchObject({ code: 'target-not-allowed' });
    expect(named.message).toMatch(
      /^The companion server may not connect to local\.tableau\.test: it resolves to this computer \(loopback\)/,
    );
    // The log line (the error's cause) has the address; the analyst's words do not.
    expect(String(named.cause?.message)).toMatch(/127\.0\.0\.1 \(loopback\)/);
    expect(named.message).not.toContain('127.0.0.1');
    expect(server.seen).toEqual([]);
  });

  it('a listed name at a private address is refused, not retried', async () => {
    const err = await connect('http://inside.tableau.test:8080', guard().agents('tableau')).catch((e) => e);
    expect(err).toMatchObject({ code: 'target-not-allowed' });
    expect(err.message).toMatch(/inside\.tableau\.test: it resolves to a private network address/);
    expect(String(err.cause?.message)).toMatch(
      /^target refused \(GET \/api\/3\.4\/serverinfo to http:\/\/inside\.tableau\.test:8080\): 10\.0\.0\.5/,
    );
  });
});

describe('redirects of a team server (https, Cloud-style pods: redirectVerdict allows them, the operator may not)', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await testPki(Object.keys(NAMES));
  }, 120_000);

  it('a pod under an allowed *.online pattern is followed', async () => {
    const server = await standIn({
      host: PLAYS_PUBLIC,
      tls: pki,
      handle: (req, res) =>
        req.host.startsWith('online.') &&
        req.url.endsWith('/auth/signin') &&
        redirect(res, `https://pod.online.tableau.test:${req.host.split(':')[1]}${req.url}`),
    });
    const client = await connect(`https://online.tableau.test:${server.port}`, guard().agents('tableau', { ca: pki.ca }));
    expect(client.serverUrl).toBe(`https://pod.online.tableau.test:${server.port}`);
  });

  it('a redirect to a host not on the list is refused before the credentials go there, naming it and the setting', async () => {
    const server = await standIn({
      host: PLAYS_PUBLIC,
      tls: pki,
      handle: (req, res) =>
        req.host.startsWith('tableau.test') &&
        req.url.endsWith('/auth/signin') &&
        redirect(res, `https://other.tableau.test:${server.port}${req.url}`),
    });
    const err = await connect(`https://tableau.test:${server.port}`, guard().agents('tableau', { ca: pki.ca })).catch((e) => e);
    expect(err).toMatchObject({ code: 'target-not-allowed' });
    expect(err.message).toBe(
      `Tableau at https://tableau.test:${server.port} redirected to https://other.tableau.test:${server.port}; nothing was sent there. The companion server may not connect to other.tableau.test: it is not on this server's list of allowed Tableau servers. Ask your administrator to add other.tableau.test to ALLOWED_TABLEAU_SERVERS.`,
    );
    expect(server.seen.filter((s) => s.host.startsWith('other.'))).toEqual([]);
  });

  it('a redirect to a listed name at an internal address is refused', async () => {
    const server = await standIn({
      host: PLAYS_PUBLIC,
      tls: pki,
      handle: (req, res) =>
        req.host.startsWith('tableau.test') &&
        req.url.endsWith('/serverinfo') &&
        redirect(res, `https://inside.tableau.test:${server.port}${req.url}`),
    });
    const err = await connect(`https://tableau.test:${server.port}`, guard().agents('tableau', { ca: pki.ca })).catch((e) => e);
    expect(err).toMatchObject({ code: 'target-not-allowed' });
    expect(err.message).toMatch(
      /redirected to https:\/\/inside\.tableau\.test:\d+; nothing was sent there\. .* resolves to a private network address/,
    );
  });
});
