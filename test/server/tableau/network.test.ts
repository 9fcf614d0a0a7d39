/**
 * Failures underneath HTTP, in words that name the cause — through the real HTTP API
 * (POST /api/connections → TableauClient → the network) and at the client:
 *  - a name that does not resolve (`.invalid`, RFC 2606: never resolves, no network needed);
 *  - TLS spoken to a plain-HTTP port (https:// against the simulator, which speaks http);
 *  - a server address typed without a scheme (https:// is added, so the same words);
 *  - an untrusted certificate (self-signed; issued by an unknown CA);
 *  - the port-probe rule: refused, reset, not HTTP, HTTP but not Tableau, no answer in time — ONE
 *    code and ONE message, the exact cause only in the log (once, at warn, no secret).
 */
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { serverUrlSchema } from '../../../server/http/schemas.js';
import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { classifyNetworkError } from '../../../server/tableau/network-errors.js';
import { apiClient, captureLogger, tempDir } from '../http/helpers.js';
import { fakeClock } from './fake.js';
import { type TestPki, testPki } from './standin.js';

const SECRET = 'network-test-secret-value';
const auth = { kind: 'pat' as const, patName: 'robot', patSecret: SECRET };

let sim: Simulator;
let server: RunningServer;
let log: ReturnType<typeof captureLogger>;
let api: ReturnType<typeof apiClient>;
let pki: TestPki;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  pki = await testPki(['tableau.test']);
  sim = await createSimulator();
  log = captureLogger('info');
  server = await startServer({
    dataDir: tempDir(),
    port: 0,
    protocol: 'http',
    logger: log.logger,
    tableau: { retry: { maxAttempts: 1 }, timeoutMs: 1_000 },
  });
  api = apiClient(server.url);
}, 120_000);

afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
  await server?.close();
  await sim?.close();
});

const connect = (serverUrl: string) => api.call('POST', '/api/connections', { body: { serverUrl, siteContentUrl: '', auth } });

/** A listening socket that counts connections; `onConnection` decides what it does. */
async function listener(onConnection: (s: net.Socket) => void): Promise<{ port: number; connections: () => number }> {
  let n = 0;
  const open = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    n++;
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => undefined);
    onConnection(s);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        srv.close(() => resolve());
      }),
  );
  return { port: (srv.address() as AddressInfo).port, connections: () => n };
}

async function tlsServer(material: { key: string; cert: string }): Promise<{ port: number; connections: () => number }> {
  let n = 0;
  const srv = https.createServer(material, (_q, r) => r.end('{}'));
  srv.on('connection', () => n++);
  srv.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  );
  return { port: (srv.address() as AddressInfo).port, connections: () => n };
}

async function httpServer(handler: http.RequestListener): Promise<number> {
  const srv = http.createServer(handler);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  );
  return (srv.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('failures with their own words (through POST /api/connections)', () => {
  it('a name that does not resolve: DNS, check the server address', async () => {
    const res = await connect('https://tableau-companion-check.invalid');
    expect(res.status).toBe(502);
    // ENOTFOUND where a resolver answers; EAI_AGAIN where none does (a sandbox without DNS).
    if (res.json.error.code === 'dns-unavailable') {
      expect(res.json.error.message).toMatch(/"tableau-companion-check\.invalid" could not be looked up/);
    } else {
      expect(res.json.error).toMatchObject({
        code: 'dns-not-found',
        message: 'The server name "tableau-companion-check.invalid" was not found (DNS). Check the server address.',
      });
    }
  });

  it('https:// against a plain-HTTP port: TLS spoken to a plain-HTTP port', async () => {
    const port = new URL(sim.url).port;
    const res = await connect(`https://127.0.0.1:${port}`);
    expect(res.status).toBe(502);
    expect(res.json.error).toMatchObject({
      code: 'tls-to-plain-http',
      message: `https://127.0.0.1:${port} answered in plain HTTP: https:// was used on a port that does not speak TLS.`,
    });
    expect(res.json.error.hint).toContain(`http://127.0.0.1:${port}`);
  });

  it('an address without a scheme means https:// (so the simulator, plain http, gets the TLS words)', async () => {
    const port = new URL(sim.url).port;
    expect(serverUrlSchema.parse('tableau.example.com')).toBe('https://tableau.example.com');
    expect(serverUrlSchema.parse(' tableau.example.com:8443/prefix/ ')).toBe('https://tableau.example.com:8443/prefix');
    expect(serverUrlSchema.parse('http://tableau.example.com')).toBe('http://tableau.example.com');
    const res = await connect(`127.0.0.1:${port}`);
    expect(res.json.error).toMatchObject({
      code: 'tls-to-plain-http',
      message: expect.stringContaining(`https://127.0.0.1:${port} answered in plain HTTP`),
    });
    // And http:// written out works.
    const ok = await api.call('POST', '/api/connections', {
      body: {
        serverUrl: `http://127.0.0.1:${port}`,
        siteContentUrl: sim.demo.siteContentUrl,
        auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
      },
    });
    expect(ok.status, ok.text).toBe(201);
  });

  it('a self-signed certificate: not trusted, it is self-signed, what to do', async () => {
    const { port } = await tlsServer(pki.selfSigned);
    const res = await connect(`https://127.0.0.1:${port}`);
    expect(res.status).toBe(502);
    expect(res.json.error).toMatchObject({
      code: 'certificate-untrusted',
      message: 'The certificate of 127.0.0.1 is not trusted: it is self-signed. Nothing was sent to it.',
    });
    expect(res.json.error.hint).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('a certificate from a CA this computer does not trust', async () => {
    const { port } = await tlsServer(pki);
    const res = await connect(`https://127.0.0.1:${port}`);
    expect(res.json.error).toMatchObject({
      code: 'certificate-untrusted',
      message: expect.stringMatching(
        /^The certificate of 127\.0\.0\.1 is not trusted: it was issued by a certificate authority this computer does not trust/,
      ),
    });
  });
});

describe('no port-probe oracle: every connection-level failure answers the same', () => {
  it('closed, reset, not HTTP, HTTP but not Tableau, no answer: one code, one message; the causes only in the log', async () => {
    const before = log.text().length;
    const targets: Array<[string, number]> = [
      ['refused', await closedPort()],
      ['reset', (await listener((s) => s.resetAndDestroy())).port],
      ['not-http', (await listener((s) => s.end('SSH-2.0-OpenSSH_9.6\r\n'))).port],
      ['not-tableau 404', await httpServer((_q, r) => r.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'))],
      ['not-tableau 200', await httpServer((_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Welcome</h1>'))],
      ['not-tableau json', await httpServer((_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'))],
      ['no answer in time', (await listener(() => undefined)).port],
    ];
    const answers = [];
    for (const [, port] of targets) {
      const res = await connect(`http://127.0.0.1:${port}`);
      answers.push({ status: res.status, ...res.json.error, message: res.json.error.message.replace(`:${port}`, ':PORT') });
    }
    const first = answers[0];
    expect(first).toEqual({
      status: 502,
      code: 'server-unavailable',
      message: 'Could not reach Tableau at http://127.0.0.1:PORT.',
      hint: expect.stringContaining("The companion server's log has the exact cause. The address starts with http://"),
    });
    for (const a of answers) expect(a).toEqual(first);

    // The log tells them apart: one warn line per failure, the cause in it, no secret.
    const lines = log
      .text()
      .slice(before)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { code?: string; cause?: { message?: string; code?: string } } });
    const warned = lines.filter((l) => l.level === 40);
    expect(warned).toHaveLength(targets.length);
    const causes = warned.map((l) => `${l.err?.cause?.code} ${l.err?.cause?.message}`);
    expect(causes[0]).toMatch(/^ECONNREFUSED refused/);
    expect(causes[1]).toMatch(/^ECONNRESET reset/);
    expect(causes[2]).toMatch(/^HPE_\w+ not-http/);
    expect(causes[3]).toMatch(/^NOT_TABLEAU not-tableau .*HTTP 404 text\/html/);
    expect(causes[4]).toMatch(/^NOT_TABLEAU not-tableau .*HTTP 200 text\/html/);
    expect(causes[5]).toMatch(/^NOT_TABLEAU not-tableau .*without server info/);
    expect(causes[6]).toMatch(/^ECONNABORTED response-timeout/);
    expect(log.text()).not.toContain(SECRET);
  }, 30_000);
});

describe('what is not retried (it would fail the same way)', () => {
  const direct = (serverUrl: string, clock = fakeClock()) =>
    TableauClient.connect({ serverUrl, siteContentUrl: '', auth, sessions: new SessionCache(), clock, retry: { maxAttempts: 5 } });

  it('an untrusted certificate and TLS to an http port: one attempt, no backoff', async () => {
    const tls = await tlsServer(pki.selfSigned);
    const clock = fakeClock();
    await expect(direct(`https://127.0.0.1:${tls.port}`, clock)).rejects.toMatchObject({ code: 'certificate-untrusted' });
    expect(tls.connections()).toBe(1);
    const plain = await listener((s) => s.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n'));
    await expect(direct(`https://127.0.0.1:${plain.port}`, clock)).rejects.toMatchObject({ code: 'tls-to-plain-http' });
    expect(plain.connections()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('a name that does not exist: one lookup, no backoff', async () => {
    const clock = fakeClock();
    const err = await direct('https://tableau-companion-check.invalid', clock).catch((e) => e);
    if (err.code === 'dns-not-found') expect(clock.sleeps).toEqual([]);
    else expect(err.code).toBe('dns-unavailable'); // no resolver at all: that one may heal, so it is retried
  });

  it('a refused connection is retried (it may come back), then named like any connection failure', async () => {
    const clock = fakeClock();
    const port = await closedPort();
    await expect(direct(`http://127.0.0.1:${port}`, clock)).rejects.toMatchObject({
      code: 'server-unavailable',
      message: `Could not reach Tableau at http://127.0.0.1:${port}.`,
    });
    expect(clock.sleeps).toHaveLength(4);
  });
});

describe('classifyNetworkError (the codes, wherever they sit in the chain)', () => {
  const wrap = (inner: object) =>
    Object.assign(new Error('outer'), { code: 'ERR_BAD_REQUEST', cause: Object.assign(new Error('inner'), inner) });

  it.each([
    [{ code: 'ENOTFOUND' }, 'dns-not-found', false],
    [{ code: 'EAI_AGAIN' }, 'dns-unavailable', true],
    [{ code: 'ECONNREFUSED' }, 'refused', true],
    [{ code: 'ECONNRESET' }, 'reset', true],
    [{ code: 'ETIMEDOUT' }, 'connect-timeout', true],
    [{ code: 'EHOSTUNREACH' }, 'unreachable', true],
    [{ code: 'ENETUNREACH' }, 'unreachable', true],
    [
      { code: 'EPROTO', message: 'write EPROTO 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number' },
      'tls-to-plain-http',
      false,
    ],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'tls-to-plain-http', false],
    [{ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'certificate', false],
    [{ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, 'certificate', false],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'certificate', false],
    [{ code: 'CERT_HAS_EXPIRED' }, 'certificate', false],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'certificate', false],
    [{ code: 'HPE_INVALID_CONSTANT' }, 'not-http', false],
  ])('%o → %s (retryable: %s)', (inner, kind, retryable) => {
    expect(classifyNetworkError(wrap(inner))).toMatchObject({ kind, retryable });
  });

  it('reads AggregateError members (happy eyeballs) and keeps query strings out of the detail', () => {
    const agg = Object.assign(
      new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:80'), { code: 'ECONNREFUSED' })], 'x'),
      { code: undefined },
    );
    expect(classifyNetworkError(agg).kind).toBe('refused');
    const q = classifyNetworkError(
      Object.assign(new Error('Invalid URL https://t.example.com/api/x?vf_Region=Secret%20Plan'), { code: 'ERR_INVALID_URL' }),
    );
    expect(q.detail).toContain('https://t.example.com/api/x');
    expect(q.detail).not.toContain('Secret');
  });
});
