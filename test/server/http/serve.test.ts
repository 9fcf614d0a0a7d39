/**
 * startServer itself: HTTPS with the office-addin-dev-certs files (verified against their own CA,
 * hostname localhost), and the add-in's files: the built bundle and nothing else (static mode,
 * what `npm start` runs), the `/` redirect, the data directory never under a served root, Vite's
 * file allow-list in dev mode (serve-dev.test.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import { precompressBuild } from '../../../scripts/precompress.js';
import { loadDevCertificates } from '../../../server/certs.js';
import { type RunningServer, startServer } from '../../../server/main.js';
import { captureLogger, tempDir } from './helpers.js';
import { rawGet, rawRequest } from './raw-get.js';

const quiet = () => captureLogger('warn').logger;

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, family: 4 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startServer over HTTPS', () => {
  let server: RunningServer | undefined;
  afterEach(async () => server?.close());

  it('answers /health on https://localhost with the generated developer certificate', async () => {
    const certDir = tempDir('certs-');
    await loadDevCertificates({ dir: certDir });
    server = await startServer({ dataDir: tempDir(), port: 0, protocol: 'https', certs: { dir: certDir }, logger: quiet() });
    expect(server.url).toMatch(/^https:\/\/localhost:\d+$/);
    const ca = readFileSync(join(certDir, 'ca.crt'), 'utf8');
    const res = await httpsGet(`${server.url}/health`, ca);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, version: expect.any(String) });
  });

  it('reports the demo site in /health when given one', async () => {
    const demo = { serverUrl: 'http://127.0.0.1:1', siteContentUrl: 'superstore-demo', patName: 'sim-pat', patSecret: 'fixture' };
    server = await startServer({ dataDir: tempDir(), port: 0, protocol: 'http', logger: quiet(), demo });
    const body = await (await fetch(`${server.url}/health`)).json();
    expect(body.demo).toEqual(demo);
  });
});

describe('serving the built add-in (static mode, as npm start runs it)', () => {
  let server: RunningServer | undefined;
  afterEach(async () => server?.close());

  /** A stand-in build: the pages, a hashed chunk, its map, an icon, and files that must stay private. */
  function fakeBuild(): string {
    const dist = tempDir('dist-');
    mkdirSync(join(dist, 'assets'));
    mkdirSync(join(dist, '.vite'));
    writeFileSync(join(dist, 'taskpane.html'), '<!doctype html><title>built pane</title>');
    writeFileSync(join(dist, 'assets', 'taskpane-AbC12_-9.js'), 'console.log(1)');
    writeFileSync(join(dist, 'assets', 'taskpane-AbC12_-9.js.map'), '{"version":3}');
    writeFileSync(join(dist, 'assets', 'icon-32.png'), 'png');
    writeFileSync(join(dist, '.addin-build-hash'), 'abc');
    writeFileSync(join(dist, '.env'), 'SECRET=1');
    writeFileSync(join(dist, '.vite', 'manifest.json'), '{}');
    return dist;
  }

  it('redirects / to the task pane and serves the pages and assets of the build', async () => {
    server = await startServer({ dataDir: tempDir(), port: 0, protocol: 'http', logger: quiet(), addin: 'static', distDir: fakeBuild() });
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/taskpane.html');
    expect(await (await fetch(`${server.url}/taskpane.html`)).text()).toContain('built pane');
    for (const path of ['/assets/taskpane-AbC12_-9.js', '/assets/taskpane-AbC12_-9.js.map', '/assets/icon-32.png']) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(200);
    }
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('lets the browser keep hashed chunks for good and revalidate pages and icons', async () => {
    server = await startServer({ dataDir: tempDir(), port: 0, protocol: 'http', logger: quiet(), addin: 'static', distDir: fakeBuild() });
    expect((await fetch(`${server.url}/assets/taskpane-AbC12_-9.js`)).headers.get('cache-control')).toBe(
      'public, max-age=31536000, immutable',
    );
    const page = await fetch(`${server.url}/taskpane.html`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('etag')).toBeTruthy();
    expect((await fetch(`${server.url}/assets/icon-32.png`)).headers.get('cache-control')).toBe('no-cache');
  });

  it("sends the build's brotli or gzip copy when the browser takes it, the file itself otherwise", async () => {
    const dist = fakeBuild();
    const js = `console.log(${JSON.stringify('x'.repeat(3000))});`;
    writeFileSync(join(dist, 'assets', 'taskpane-AbC12_-9.js'), js);
    expect(precompressBuild(dist)).toBe(1);
    server = await startServer({ dataDir: tempDir(), port: 0, protocol: 'http', logger: quiet(), addin: 'static', distDir: dist });
    const url = `${server.url}/assets/taskpane-AbC12_-9.js`;
    for (const [accept, encoding, decode] of [
      ['br', 'br', brotliDecompressSync],
      ['gzip', 'gzip', gunzipSync],
    ] as const) {
      const res = await rawRequest(url, { 'accept-encoding': accept });
      expect(res.headers['content-encoding'], accept).toBe(encoding);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(decode(res.body).toString()).toBe(js);
    }
    const plain = await rawRequest(url, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(js);
  });

  it('answers 404 for everything that is not a built page or asset', async () => {
    const dataDir = tempDir();
    server = await startServer({ dataDir, port: 0, protocol: 'http', logger: quiet(), addin: 'static', distDir: fakeBuild() });
    const repo = process.cwd();
    const paths = [
      '/office-js/office.js',
      `/@fs${dataDir}/companion.sqlite`,
      `/@fs${dataDir}/secret.key`,
      `/@fs${repo}/package.json`,
      '/@id/react',
      '/@vite/client',
      '/..%2f..%2fpackage.json',
      '/%2e%2e/package.json',
      '/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/taskpane.html',
      '/taskpane.html/..%2f.addin-build-hash',
      '/addin/main.tsx',
      '/addin/main.tsx?raw',
      '/main.tsx?import',
      '/server/main.ts',
      '/vite.config.ts',
      '/package.json',
      '/node_modules/react/package.json',
      '/.data/companion.sqlite',
      '/.addin-build-hash',
      '/.build-hash',
      '/.env',
      '/.vite/manifest.json',
      '/assets/',
      '/assets',
      '/missing.js',
    ];
    for (const path of paths) {
      const res = await rawGet(server.url, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toMatch(/SECRET|abc$|"version"/);
    }
  });

  it('refuses static mode without a built bundle, with a hint', async () => {
    await expect(
      startServer({ dataDir: tempDir(), port: 0, protocol: 'http', logger: quiet(), addin: 'static', distDir: join(tempDir(), 'nope') }),
    ).rejects.toThrow(/npm run build/);
  });

  it('refuses to start with the data directory inside the served build, before creating anything there', async () => {
    const dist = fakeBuild();
    for (const dataDir of [dist, join(dist, 'data'), join(dist, 'assets', 'x', 'y')]) {
      await expect(startServer({ dataDir, port: 0, protocol: 'http', logger: quiet(), addin: 'static', distDir: dist })).rejects.toThrow(
        /DATA_DIR .* lies inside .*serves to browsers/,
      );
    }
    expect(existsSync(join(dist, 'data'))).toBe(false);
    expect(existsSync(join(dist, 'companion.sqlite'))).toBe(false);
  });
});
