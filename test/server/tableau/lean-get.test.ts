/**
 * The lean GET paths (server/tableau/lean-get.ts: read whole, and streamed for the view export)
 * answer exactly what the axios instance answers for the same request, send the same headers, and
 * fail in the same words (network-errors.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createAxios, type HttpRequest, sendOnce, withDefaultAgents } from '../../../server/tableau/http.js';
import { createLeanGet, createLeanStream, proxyConfigured } from '../../../server/tableau/lean-get.js';
import { classifyNetworkError, StreamInterruptedError } from '../../../server/tableau/network-errors.js';
import { memoryLogger } from './fake.js';

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
      case '/stall':
        res.writeHead(200, { 'content-type': 'text/csv' });
        return res.write('a,b\n'); // then nothing more
      case '/reset':
        res.writeHead(200, { 'content-type': 'text/csv', 'content-length': '1000' });
        res.write('a,b\n');
        return setTimeout(() => res.socket?.resetAndDestroy(), 20);
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

  it('tells when a 2xx answer is in (status and headers) before its body has come, and never for another status', async () => {
    const events: string[] = [];
    // '/cut' sends its status and headers, then part of the body, then breaks off.
    await sendOnce(ax, { ...get('/cut'), onAnswered: () => events.push('answered') }, undefined, lean).then(
      () => events.push('settled'),
      () => events.push('failed'),
    );
    expect(events).toEqual(['answered', 'failed']);
    let calls = 0;
    for (const path of ['/html-503', '/moved', '/missing'])
      await sendOnce(ax, { ...get(path), onAnswered: () => calls++ }, undefined, lean);
    expect(calls).toBe(0);
    await sendOnce(ax, { ...get('/plain'), onAnswered: () => calls++ }, undefined, lean);
    expect(calls).toBe(1);
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

const leanStream = createLeanStream(5_000, agents);
const streamGet = (path: string): HttpRequest => ({
  ...get(path),
  stream: true,
  headers: { 'X-Tableau-Auth': 'token-1', Accept: 'text/csv, */*' },
});
const guard = { idleTimeoutMs: 2_000, logger: memoryLogger() };

async function readAll(res: { body: string; stream?: NodeJS.ReadableStream }): Promise<string> {
  if (!res.stream) return res.body;
  const chunks: Buffer[] = [];
  for await (const c of res.stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

describe('lean streamed GET (the view data export)', () => {
  it.each(['/plain', '/utf8-bom', '/gzip', '/deflate', '/deflate-raw', '/br', '/empty', '/html-503', '/moved', '/missing'])(
    '%s: the same status, body bytes and headers as axios',
    async (path) => {
      const viaAxios = await sendOnce(ax, streamGet(path), guard);
      const viaLean = await sendOnce(ax, streamGet(path), guard, undefined, leanStream);
      expect(viaLean.status).toBe(viaAxios.status);
      expect(!!viaLean.stream).toBe(!!viaAxios.stream);
      expect(await readAll(viaLean)).toBe(await readAll(viaAxios));
      expect(stable(viaLean.headers)).toEqual(stable(viaAxios.headers));
    },
  );

  it('sends the headers axios sends for the export', async () => {
    seen.length = 0;
    await readAll(await sendOnce(ax, streamGet('/plain'), guard));
    await readAll(await sendOnce(ax, streamGet('/plain'), guard, undefined, leanStream));
    const [a, b] = seen.map(({ connection: _c, ...h }) => h);
    expect(b).toEqual(a);
    expect(b.accept).toBe('text/csv, */*');
  });

  it.each([
    ['/cut', 'cut'],
    ['/reset', 'reset'],
  ])('%s: a body that breaks off fails as axios’ does (%s)', async (path, kind) => {
    const failure = async (res: Awaited<ReturnType<typeof sendOnce>>) =>
      readAll(res).then(
        () => undefined,
        (e: unknown) => e,
      );
    const viaAxios = await failure(await sendOnce(ax, streamGet(path), guard));
    const viaLean = await failure(await sendOnce(ax, streamGet(path), guard, undefined, leanStream));
    expect(viaAxios).toBeInstanceOf(StreamInterruptedError);
    expect(viaLean).toBeInstanceOf(StreamInterruptedError);
    expect((viaLean as StreamInterruptedError).failure).toBe(kind);
    expect((viaLean as StreamInterruptedError).failure).toBe((viaAxios as StreamInterruptedError).failure);
  });

  it('no answer within the timeout fails in axios words; a body that stops sending fails as stalled', async () => {
    const quick = createLeanStream(100, agents);
    const err = await quick(`${base}/silent`, {}).catch((e: unknown) => e);
    expect(String((err as Error).message)).toBe('timeout of 100ms exceeded');
    expect(classifyNetworkError(err)).toMatchObject({ kind: 'response-timeout', code: 'ECONNABORTED' });
    const stalled = await sendOnce(ax, streamGet('/stall'), { idleTimeoutMs: 100, logger: memoryLogger() }, undefined, leanStream);
    const stall = await readAll(stalled).catch((e: unknown) => e);
    expect(stall).toBeInstanceOf(StreamInterruptedError);
    expect((stall as StreamInterruptedError).failure).toBe('stalled');
  });
});
