/**
 * The connect-time guard (server/net/guard.ts) with an injected resolver: only checked addresses
 * reach the socket, a name that rebinds to loopback between check and connect is refused, literals
 * are checked without DNS, and TLS keeps the host name.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { classifyAddress } from '../../../server/net/addresses.js';
import { findTargetRefusal, type NetworkPolicy, type Resolve, TargetGuard, TargetRefusedError } from '../../../server/net/guard.js';
import { parseHostList } from '../../../server/net/hosts.js';
import { testPki } from '../tableau/standin.js';

let plain: http.Server;
let secure: https.Server;
let plainPort: number;
let securePort: number;
let ca: string;
const hits: string[] = [];

beforeAll(async () => {
  const pki = await testPki(['tableau.test']);
  ca = pki.ca;
  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    hits.push(`${req.headers.host}${req.url}`);
    res.end('ok');
  };
  plain = http.createServer(answer);
  secure = https.createServer({ key: pki.key, cert: pki.cert }, answer);
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
  plainPort = (plain.address() as AddressInfo).port;
  securePort = (secure.address() as AddressInfo).port;
});

afterAll(async () => {
  plain.closeAllConnections();
  secure.closeAllConnections();
  await Promise.all([new Promise((r) => plain.close(r)), new Promise((r) => secure.close(r))]);
});

const team: NetworkPolicy = {
  publicOnly: true,
  allowed: { tableau: parseHostList('ALLOWED_TABLEAU_SERVERS', 'tableau.test,rebind.test,127.0.0.1'), webhook: [] },
};

/** Answers from a script, one per call, so a test can make a name change between calls. */
function scripted(answers: Record<string, string[]>): Resolve & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    const list = answers[hostname];
    if (!list?.length) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const address = list.length > 1 ? list.shift()! : list[0]!;
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
  return Object.assign(resolve, { calls });
}

/** 127.0.0.1 plays a public server here; everything else is judged as in the product. */
const trustLoopbackForTest = (address: string) => (address === '127.0.0.1' ? { public: true, range: 'unicast' } : classifyAddress(address));

function get(url: string, agent: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    mod
      .get(url, { agent }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('TargetGuard at connect time', () => {
  it('connects to a listed name through exactly the checked address, TLS checked against the name', async () => {
    const resolve = scripted({ 'tableau.test': ['127.0.0.1'] });
    const guard = new TargetGuard(team, { resolve, classify: trustLoopbackForTest });
    const agents = guard.agents('tableau');
    expect(await get(`http://tableau.test:${plainPort}/a`, agents.http)).toBe('ok');
    // The certificate names tableau.test: SNI and the check use the name, not 127.0.0.1.
    expect(await get(`https://tableau.test:${securePort}/b`, guard.agents('tableau', { ca }).https)).toBe('ok');
    expect(hits).toContain(`tableau.test:${plainPort}/a`);
    expect(resolve.calls).toEqual(['tableau.test', 'tableau.test']);
  });

  it('refuses a name that resolved to a public address when saved and to loopback when connected (DNS rebinding)', async () => {
    const resolve = scripted({ 'rebind.test': ['93.184.215.14', '127.0.0.5'] });
    const guard = new TargetGuard(team, { resolve });
    await expect(guard.checkUrl('tableau', `http://rebind.test:${plainPort}/`)).resolves.toBeUndefined();
    const before = hits.length;
    const err = await get(`http://rebind.test:${plainPort}/secret`, guard.agents('tableau').http).catch((e: unknown) => e);
    expect(findTargetRefusal(err)).toMatchObject({ host: 'rebind.test', reason: 'not-public', detail: '127.0.0.5 (loopback)' });
    expect((err as Error).message).toBe(
      "The companion server may not connect to rebind.test: it resolves to this computer (loopback), and a team server connects only to public addresses. Use the server's public name, or ask your administrator.",
    );
    expect(hits.length).toBe(before);
  });

  it('refuses when any one of several addresses is internal', async () => {
    const guard = new TargetGuard(team, {
      resolve: async () => [
        { address: '8.8.8.8', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    });
    await expect(guard.checkedAddresses('tableau', 'tableau.test')).rejects.toMatchObject({ detail: '169.254.169.254 (linkLocal)' });
  });

  it('checks IP literals without DNS (Node does not call lookup for them)', async () => {
    const resolve = scripted({});
    const guard = new TargetGuard(team, { resolve });
    const err = await get(`http://127.0.0.1:${plainPort}/x`, guard.agents('tableau').http).catch((e: unknown) => e);
    expect(findTargetRefusal(err)).toMatchObject({ host: '127.0.0.1', reason: 'not-public' });
    expect(resolve.calls).toEqual([]);
    for (const literal of ['0.0.0.0', '[::]', '[::ffff:127.0.0.1]', '169.254.169.254', '100.64.0.1', '[fd00::1]', '10.0.0.5'])
      expect(guard.refusal('webhook', literal) ?? guard.refusal('tableau', literal), literal).toBeInstanceOf(TargetRefusedError);
  });

  it('refuses a host that is not on the list before resolving it, naming the setting', async () => {
    const resolve = scripted({ 'evil.example': ['8.8.8.8'] });
    const guard = new TargetGuard(team, { resolve });
    const err = await get(`http://evil.example:${plainPort}/`, guard.agents('tableau').http).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      "The companion server may not connect to evil.example: it is not on this server's list of allowed Tableau servers. Ask your administrator to add evil.example to ALLOWED_TABLEAU_SERVERS.",
    );
    expect(resolve.calls).toEqual([]);
    await expect(guard.checkUrl('webhook', 'https://hooks.example.com/x')).rejects.toThrow(/ALLOWED_WEBHOOK_HOSTS/);
  });

  it('without publicOnly (single-analyst mode with a list) only the list counts', async () => {
    const guard = new TargetGuard(
      { publicOnly: false, allowed: { tableau: parseHostList('X', 'tableau.test') } },
      {
        resolve: scripted({ 'tableau.test': ['127.0.0.1'] }),
      },
    );
    expect(await get(`http://tableau.test:${plainPort}/c`, guard.agents('tableau').http)).toBe('ok');
    expect(guard.refusal('webhook', '10.0.0.5')).toBeUndefined();
  });

  it('a name that does not resolve is not a refusal at save time', async () => {
    const guard = new TargetGuard(team, { resolve: scripted({}) });
    await expect(guard.checkUrl('tableau', 'https://tableau.test/')).resolves.toBeUndefined();
  });
});
