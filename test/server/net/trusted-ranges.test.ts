/**
 * TRUSTED_PRIVATE_RANGES (server/net/trusted-ranges.ts, server/config.ts): a listed Tableau server
 * at an internal address in a trusted range is reached, still checked at connect time; webhooks and
 * unlisted hosts gain nothing; link-local, 0.0.0.0/8 and ranges written in IPv6 around IPv4 are
 * refused at start-up.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../../server/config.js';
import { findTargetRefusal, type Resolve, TargetGuard } from '../../../server/net/guard.js';
import { inTrustedRange, parseTrustedRanges } from '../../../server/net/trusted-ranges.js';

let server: http.Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.headers.host}${req.url}`);
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const team = (env: Record<string, string>) =>
  loadConfig({ TEAM: '1', ALLOWED_TABLEAU_SERVERS: 'tableau.corp.test,127.0.0.1', ALLOWED_WEBHOOK_HOSTS: 'hooks.corp.test', ...env })
    .network!;

/** Each name → its addresses, one answer per call (the last repeats): a name can move between calls. */
function answers(table: Record<string, string[]>): Resolve {
  return async (hostname) => {
    const list = table[hostname];
    if (!list?.length) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const address = list.length > 1 ? list.shift()! : list[0]!;
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
}

function get(url: string, agent: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('TRUSTED_PRIVATE_RANGES', () => {
  it('lets a listed Tableau server at a trusted loopback address be reached, by name and by address', async () => {
    const guard = new TargetGuard(team({ TRUSTED_PRIVATE_RANGES: '127.0.0.1/32' }), {
      resolve: answers({ 'tableau.corp.test': ['127.0.0.1'] }),
    });
    expect(await get(`http://tableau.corp.test:${port}/a`, guard.agents('tableau').http)).toBe('ok');
    expect(await get(`http://127.0.0.1:${port}/b`, guard.agents('tableau').http)).toBe('ok');
    expect(hits).toEqual([`tableau.corp.test:${port}/a`, `127.0.0.1:${port}/b`]);
  });

  it('still checks at connect time: a listed name that moves out of the range is refused', async () => {
    const guard = new TargetGuard(team({ TRUSTED_PRIVATE_RANGES: '10.20.0.0/16' }), {
      resolve: answers({ 'tableau.corp.test': ['10.20.3.4', '10.30.0.1'] }),
    });
    await expect(guard.checkedAddresses('tableau', 'tableau.corp.test')).resolves.toEqual([{ address: '10.20.3.4', family: 4 }]);
    const err = await guard.checkedAddresses('tableau', 'tableau.corp.test').catch((e: unknown) => e);
    expect(findTargetRefusal(err)).toMatchObject({ reason: 'not-public', detail: '10.30.0.1 (private)' });
  });

  it('gives nothing to unlisted hosts, webhooks or addresses outside the ranges', async () => {
    const guard = new TargetGuard(team({ TRUSTED_PRIVATE_RANGES: '10.20.0.0/16,127.0.0.1' }), {
      resolve: answers({ 'evil.test': ['10.20.0.9'], 'hooks.corp.test': ['10.20.0.9'] }),
    });
    await expect(guard.checkedAddresses('tableau', 'evil.test')).rejects.toMatchObject({ reason: 'not-listed' });
    await expect(guard.checkedAddresses('webhook', 'hooks.corp.test')).rejects.toMatchObject({ reason: 'not-public' });
    expect(guard.refusal('tableau', '127.0.0.2')).toMatchObject({ reason: 'not-listed' });
    expect(guard.refusal('tableau', '127.0.0.1')).toBeUndefined();
    expect(guard.refusal('webhook', '127.0.0.1')).toMatchObject({ reason: 'not-listed' });
  });

  it('without the setting a team server refuses the same listed internal address', async () => {
    const guard = new TargetGuard(team({}), { resolve: answers({ 'tableau.corp.test': ['10.20.3.4'] }) });
    await expect(guard.checkedAddresses('tableau', 'tableau.corp.test')).rejects.toMatchObject({ reason: 'not-public' });
    expect(guard.refusal('tableau', '127.0.0.1')).toMatchObject({ reason: 'not-public' });
  });

  it('judges IPv4-mapped and NAT64 addresses by the IPv4 address inside', () => {
    const ranges = parseTrustedRanges('10.20.0.0/16, fd12:3456::/32');
    expect(inTrustedRange(ranges, '::ffff:10.20.1.1')).toBe(true);
    expect(inTrustedRange(ranges, '64:ff9b::a14:101')).toBe(true);
    expect(inTrustedRange(ranges, '[fd12:3456::7]')).toBe(true);
    expect(inTrustedRange(ranges, '10.21.0.1')).toBe(false);
    expect(inTrustedRange(ranges, 'not an address')).toBe(false);
  });

  it('refuses at start-up any range touching link-local, the metadata service or 0.0.0.0/8, naming the entry', () => {
    for (const bad of [
      '169.254.0.0/16',
      '169.254.169.254',
      '169.0.0.0/8',
      '0.0.0.0/0',
      '0.0.0.0/8',
      'fe80::/64',
      '::/0',
      'fd00:ec2::/32',
    ]) {
      expect(() => team({ TRUSTED_PRIVATE_RANGES: `10.0.0.0/8,${bad}` }), bad).toThrow(
        new RegExp(
          `^Invalid server settings: TRUSTED_PRIVATE_RANGES: "${bad.replace(/[.*/]/g, '\\$&')}" overlaps .* which is never trusted\\.$`,
        ),
      );
    }
    expect(() => team({ TRUSTED_PRIVATE_RANGES: '::ffff:10.0.0.0/104' })).toThrow(/IPv4-mapped IPv6: write the IPv4 range instead/);
    expect(() => team({ TRUSTED_PRIVATE_RANGES: '10.0.0.0/33, corp' })).toThrow(
      /"10\.0\.0\.0\/33" is not an address range .* "corp" is not an address range/,
    );
  });

  it('is part of the team policy only', () => {
    expect(team({ TRUSTED_PRIVATE_RANGES: '10.20.0.0/16' }).trustedTableauRanges).toHaveLength(1);
    expect(loadConfig({ ALLOWED_TABLEAU_SERVERS: 'a.corp.test', TRUSTED_PRIVATE_RANGES: '10.20.0.0/16' }).network).toEqual(
      expect.not.objectContaining({ trustedTableauRanges: expect.anything() }),
    );
  });
});
