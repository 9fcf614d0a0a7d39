/**
 * The lean GET path (server/tableau/lean-get.ts) answers exactly what the axios instance answers for
 * the same request, sends the same headers, and fails in the same words (network-errors.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createAxios, type HttpRequest, sendOnce, withDefaultAgents } from '../../../server/tableau/http.js';
import { createLeanGet, proxyConfigured } from '../../../server/tableau/lean-get.js';
import { classifyNetworkError } from '../../../server/tableau/network-errors.js';

const JSON_TEXT = JSON.stringify({
  workbooks: {
    workbook: [
      { id: 'wb-1', name: 'Übersicht – 売上' },
      { id: 'wb-2', name: 'plain' },
    ],
  },
});
const ASCII_TEXT = JSON.stringify({ pagination: { totalAvailable: '2' }, workbooks: { workbook: [{ id: 'wb-3', name: 'ascii' }] } });

const seen: http.IncomingHttpHeaders[] = [];
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    const body = Buffer.from(JSON_TEXT);
    switch (req.url?.split('?')[0]) {
      case '/plain':
        return res.writeHead(200, { 'content-type': 'application/json' }).end(ASCII_TEXT);
      case '/utf8-bom':
        return res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]));
      case '/gzip':
        return res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(body));
      case '/deflate':
        return res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateSync(body));
      case '/deflate-raw':
        return res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateRawSync(body));
      case '/br':
        return res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync(body));
      case '/empty':
        return res.writeHead(204).end();
      case '/html-503':
        return res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '3' }).end('<html><body>busy</body></html>');
      case '/moved':
        return res.writeHead(302, { location: 'https://elsewhere.example/api' }).end();
      case '/cut':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"workbooks":');
        return setTimeout(() => res.socket?.destroy(), 20);
      case '/silent':
        return; // never answers
      default:
        return res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const agents = withDefaultAgents();
const ax = createAxios(5_000, agents);
const lean = createLeanGet(5_000, agents);
const get = (path: string): HttpRequest => ({
  method: 'GET',
  url: `${base}${path}`,
  query: 'pageSize=1',
  headers: { 'X-Tableau-Auth': 'token-1' },
});
/** Headers that differ between any two answers (the clock, the connection). */
const stable = (h: Record<string, string | undefined>) => {
  const { date: _date, connection: _connection, 'keep-alive': _keepAlive, ...rest } = h;
  return rest;
};

describe('lean GET', () => {
  it.each(['/plain', '/utf8-bom', '/gzip', '/deflate', '/deflate-raw', '/br', '/empty', '/html-503', '/moved', '/missing'])(
    '%s: the same status, body and headers as axios',
    async (path) => {
      const viaAxios = await sendOnce(ax, get(path));
      const viaLean = await sendOnce(ax, get(path), undefined, lean);
      expect(viaLean.status).toBe(viaAxios.status);
      expect(viaLean.body).toBe(viaAxios.body);
      expect(stable(viaLean.headers)).toEqual(stable(viaAxios.headers));
    },
  );

  it('decodes non-ASCII UTF-8 and drops a byte order mark', async () => {
    const res = await sendOnce(ax, get('/utf8-bom'), undefined, lean);
    expect(res.body).toBe(JSON_TEXT);
    expect((await sendOnce(ax, get('/gzip'), undefined, lean)).body).toBe(JSON_TEXT);
  });

  it('sends the headers axios sends (token, Accept, Accept-Encoding, User-Agent) and follows no redirect', async () => {
    seen.length = 0;
    await sendOnce(ax, get('/moved'));
    const moved = await sendOnce(ax, get('/moved'), undefined, lean);
    expect(moved.status).toBe(302);
    expect(moved.headers.location).toBe('https://elsewhere.example/api');
    const [a, b] = seen.map(({ connection: _c, ...h }) => h);
    expect(b).toEqual(a);
    expect(b['x-tableau-auth']).toBe('token-1');
    expect(b.accept).toBe('application/json');
  });

  it('a body that breaks off fails as a reset, like any connection reset', async () => {
    const err = await sendOnce(ax, get('/cut'), undefined, lean).catch((e: unknown) => e);
    expect(classifyNetworkError(err)).toMatchObject({ kind: 'reset', retryable: true });
  });

  it('no answer within the timeout fails in axios words: a response timeout', async () => {
    const quick = createLeanGet(100, agents);
    const err = await quick(`${base}/silent`, {}).catch((e: unknown) => e);
    expect(String((err as Error).message)).toBe('timeout of 100ms exceeded');
    expect(classifyNetworkError(err)).toMatchObject({ kind: 'response-timeout', code: 'ECONNABORTED' });
  });

  it('is not used where axios may go through a proxy (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY in either case)', () => {
    expect(proxyConfigured({})).toBe(false);
    expect(proxyConfigured({ NO_PROXY: '*' })).toBe(false);
    expect(proxyConfigured({ HTTPS_PROXY: 'http://proxy:3128' })).toBe(true);
    expect(proxyConfigured({ http_proxy: 'http://proxy:3128' })).toBe(true);
    expect(proxyConfigured({ all_proxy: 'socks5://proxy:1080' })).toBe(true);
  });
});
