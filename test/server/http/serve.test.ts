/**
 * startServer itself: HTTPS with the office-addin-dev-certs files (verified against their own CA,
 * hostname localhost), and the add-in's files (office.js, the `/` redirect, Vite in dev mode).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { loadDevCertificates } from '../../../server/certs.js';
import { startServer, type RunningServer } from '../../../server/main.js';
import { captureLogger, tempDir } from './helpers.js';

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

describe('serving the add-in', () => {
  let server: RunningServer | undefined;
  afterEach(async () => server?.close());

  it('redirects / to the task pane and serves office.js locally', async () => {
    server = await startServer({ dataDir: tempDir(), port: 0, protocol: 'http', logger: quiet(), addin: 'off' });
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/taskpane.html');
    const office = await fetch(`${server.url}/office-js/office.js`);
    expect(office.status).toBe(200);
    expect(office.headers.get('content-type')).toMatch(/javascript/);
    expect((await office.text()).length).toBeGreaterThan(1000);
  });

  it('serves the built bundle in static mode', async () => {
    const dist = tempDir('dist-');
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'taskpane.html'), '<!doctype html><title>built pane</title>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    server = await startServer({ dataDir: tempDir(), port: 0, protocol: 'http', logger: quiet(), addin: 'static', distDir: dist });
    expect(await (await fetch(`${server.url}/taskpane.html`)).text()).toContain('built pane');
    expect((await fetch(`${server.url}/assets/app.js`)).status).toBe(200);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
  });

  it('refuses static mode without a built bundle, with a hint', async () => {
    await expect(
      startServer({ dataDir: tempDir(), port: 0, protocol: 'http', logger: quiet(), addin: 'static', distDir: join(tempDir(), 'nope') }),
    ).rejects.toThrow(/npm run build/);
  });

  it('serves the pane through Vite in dev mode and keeps /api answers in JSON', async () => {
    server = await startServer({ dataDir: tempDir(), port: 0, protocol: 'http', logger: quiet(), addin: 'dev' });
    const pane = await fetch(`${server.url}/taskpane.html`);
    expect(pane.status).toBe(200);
    const html = await pane.text();
    expect(html).toContain('/office-js/office.js');
    expect(html).toContain('/@vite/client');
    const api = await fetch(`${server.url}/api/unknown`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('not-found');
  });
});
