/**
 * What every answer passes through (server/http/security.ts): the Host allow-list (DNS rebinding),
 * the security headers an Office add-in can live with, and one debug log line per request.
 * In-process through inject, then over real HTTP with the add-in's static files mounted.
 */
import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';

import type { FastifyInstance } from 'fastify';

import { loadConfig } from '../../../server/config.js';
import { buildApp } from '../../../server/http/app.js';
import { hostName, isHostAllowed, parsePublicHosts } from '../../../server/http/security.js';
import { type RunningServer, startServer } from '../../../server/main.js';
import type { TableauConnector } from '../../../server/services/tableau.js';
import { openStore, type Store } from '../../../server/store/index.js';
import { captureLogger, tempDir } from './helpers.js';

let store: Store;
let app: FastifyInstance;
let logs: () => string;

async function setup(options: { publicHosts?: string[]; level?: string } = {}) {
  store = openStore(tempDir());
  const cap = captureLogger(options.level ?? 'debug');
  logs = cap.text;
  ({ app } = await buildApp({
    store,
    tableau: (async () => {
      throw new Error('no Tableau in this test');
    }) as TableauConnector,
    logger: cap.logger,
    allowedOrigins: new Set(['https://localhost:3000']),
    version: 'test',
    publicHosts: options.publicHosts,
  }));
  await app.ready();
}

afterEach(async () => {
  await app?.close();
  store?.close();
});

describe('Host allow-list', () => {
  it('reads host names from Host headers and refuses malformed ones', () => {
    expect(hostName('LocalHost:3000')).toBe('localhost');
    expect(hostName('[::1]:3000')).toBe('::1');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
    for (const bad of [undefined, '', 'localhost/evil', 'user@localhost', '[nothex]:1', 'localhost:3000:1', 'local host', '[::1']) {
      expect(hostName(bad), String(bad)).toBeUndefined();
    }
  });

  it('allows localhost, IP addresses and configured names, on any port; nothing else', () => {
    const pub = new Set(['excel.example.com']);
    for (const ok of [
      'localhost',
      'localhost:3000',
      '127.0.0.1:3000',
      '[::1]:3000',
      '192.168.1.5:3000',
      'excel.example.com',
      'EXCEL.example.com:443',
    ]) {
      expect(isHostAllowed(ok, pub), ok).toBe(true);
    }
    for (const no of [
      'evil.example',
      'evil.example:3000',
      'localhost.evil.example',
      'excel.example.com.evil.example',
      'sub.excel.example.com',
      'localhost.',
      undefined,
    ]) {
      expect(isHostAllowed(no, pub), String(no)).toBe(false);
    }
  });

  it('parses PUBLIC_HOSTS written as names, host:port or URLs, and rejects junk', () => {
    expect(parsePublicHosts(' excel.example.com, https://Excel2.example.com:8443/ ,proxy.example:8443,')).toEqual([
      'excel.example.com',
      'excel2.example.com',
      'proxy.example',
    ]);
    expect(parsePublicHosts(undefined)).toEqual([]);
    expect(() => parsePublicHosts('bad host')).toThrow(/PUBLIC_HOSTS/);
    expect(() => parsePublicHosts('.example.com')).toThrow(/PUBLIC_HOSTS/);
  });

  it('reads PUBLIC_HOSTS and DEMO_PORT from the environment, and refuses bad values before starting', () => {
    expect(loadConfig({}, [], '/srv')).toMatchObject({ publicHosts: [], demoPort: 3001 });
    expect(loadConfig({ PUBLIC_HOSTS: 'excel.example.com, https://b.example/', DEMO_PORT: '8101' }, [], '/srv')).toMatchObject({
      publicHosts: ['excel.example.com', 'b.example'],
      demoPort: 8101,
    });
    expect(() => loadConfig({ PUBLIC_HOSTS: 'not a host' })).toThrow(/Invalid server settings: PUBLIC_HOSTS/);
    expect(() => loadConfig({ DEMO_PORT: '70000' })).toThrow(/DEMO_PORT/);
  });

  it('answers a foreign Host 421 with the error body on the API, /health, preflights and unknown paths', async () => {
    await setup();
    const requests = [
      { method: 'GET', url: '/health' },
      { method: 'GET', url: '/api/connections' },
      { method: 'POST', url: '/api/connections', payload: { serverUrl: 'https://x.example' } },
      {
        method: 'OPTIONS',
        url: '/api/connections',
        headers: { origin: 'https://localhost:3000', 'access-control-request-method': 'POST' },
      },
      { method: 'GET', url: '/taskpane.html' },
    ] as const;
    for (const r of requests) {
      const res = await app.inject({ ...r, headers: { ...('headers' in r ? r.headers : {}), host: 'evil.example:3000' } });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(421);
      expect(res.json()).toEqual({ error: { code: 'host-not-allowed', message: expect.stringContaining('"evil.example:3000"') } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    const ok = await app.inject({ url: '/health', headers: { host: 'localhost:3000' } });
    expect(ok.statusCode).toBe(200);
    expect((await app.inject({ url: '/health', headers: { host: '[::1]:3000' } })).statusCode).toBe(200);
  });

  it('answers configured public names', async () => {
    await setup({ publicHosts: ['excel.example.com'] });
    expect((await app.inject({ url: '/health', headers: { host: 'excel.example.com' } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/health', headers: { host: 'evil.example' } })).statusCode).toBe(421);
  });
});

describe('security headers', () => {
  it('sends nosniff, a CSP Office can frame, no X-Frame-Options, on answers, errors and refusals', async () => {
    await setup();
    for (const [url, host, status] of [
      ['/health', 'localhost', 200],
      ['/nope', 'localhost', 404],
      ['/health', 'evil.example', 421],
    ] as const) {
      const res = await app.inject({ url, headers: { host } });
      expect(res.statusCode).toBe(status);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBeUndefined();
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      const csp = String(res.headers['content-security-policy']);
      const directive = (name: string) =>
        csp
          .split(';')
          .map((d) => d.trim())
          .find((d) => d.startsWith(`${name} `));
      expect(directive('frame-ancestors')).toContain('https://*.officeapps.live.com');
      expect(directive('frame-ancestors')).toContain("'self'");
      expect(directive('script-src')).toBe("script-src 'self' https://appsforoffice.microsoft.com");
      expect(directive('connect-src')).toMatch(/^connect-src 'self'/);
      expect(directive('img-src')).toBe("img-src 'self' data:");
      expect(directive('object-src')).toBe("object-src 'none'");
      expect(directive('frame-src')).toBe("frame-src 'self' https://telemetryservice.firstpartyapps.oaspapps.com");
      expect(csp).not.toContain('upgrade-insecure-requests');
    }
  });
});

describe('request log', () => {
  it('writes one debug line per request: method, path without query, status, ms', async () => {
    await setup();
    await app.inject({ url: '/health?secret-ish=filter-value', headers: { host: 'localhost' } });
    const lines = logs()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const requestLines = lines.filter((l) => l.path === '/health');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      level: 20,
      msg: 'GET /health 200',
      method: 'GET',
      path: '/health',
      status: 200,
      ms: expect.any(Number),
    });
    expect(logs()).not.toContain('filter-value');
    expect(lines.filter((l) => l.level === 30)).toEqual([]); // nothing at info for a plain request
  });

  it('writes nothing per request at the default level (info)', async () => {
    await setup({ level: 'info' });
    for (let i = 0; i < 5; i++) await app.inject({ url: '/health', headers: { host: 'localhost' } });
    await app.inject({ url: '/nope', headers: { host: 'localhost' } });
    expect(logs()).toBe('');
  });
});

describe('over real HTTP, with the add-in files mounted', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const distDir = tempDir('addin-dist-');
    writeFileSync(join(distDir, 'taskpane.html'), '<!doctype html><title>pane</title>');
    server = await startServer({
      dataDir: tempDir(),
      distDir,
      port: 0,
      protocol: 'http',
      addin: 'static',
      logger: captureLogger('warn').logger,
    });
  });
  afterAll(async () => server?.close());

  const get = (path: string, host: string) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('refuses a rebinding name for the API, /health and static files, and serves localhost', async () => {
    for (const path of ['/health', '/api/connections', '/taskpane.html', '/']) {
      const refused = await get(path, `evil.example:${server.port}`);
      expect(refused.status, path).toBe(421);
      expect(JSON.parse(refused.body).error.code).toBe('host-not-allowed');
    }
    const pane = await get('/taskpane.html', `localhost:${server.port}`);
    expect(pane.status).toBe(200);
    expect(pane.body).toContain('<title>pane</title>');
    expect(pane.headers['x-content-type-options']).toBe('nosniff');
    expect(String(pane.headers['content-security-policy'])).toContain('frame-ancestors');
    expect((await get('/health', `127.0.0.1:${server.port}`)).status).toBe(200);
  });

  it('serves a configured public name, and lets its pages call the API (CORS)', async () => {
    const pub = await startServer({
      dataDir: tempDir(),
      port: 0,
      protocol: 'http',
      publicHosts: ['excel.example.com'],
      logger: captureLogger('warn').logger,
    });
    try {
      const preflight = (origin: string) =>
        pub.app.inject({
          method: 'OPTIONS',
          url: '/api/connections',
          headers: { host: 'excel.example.com', origin, 'access-control-request-method': 'POST' },
        });
      expect((await preflight('https://excel.example.com')).headers['access-control-allow-origin']).toBe('https://excel.example.com');
      expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
      expect((await pub.app.inject({ url: '/health', headers: { host: 'excel.example.com' } })).statusCode).toBe(200);
    } finally {
      await pub.close();
    }
  });
});
