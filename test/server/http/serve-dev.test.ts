/**
 * `npm run dev`: Vite in middleware mode inside the companion server (server/http/static.ts), with
 * `server.fs` limited to the add-in's sources, common/ and node_modules (vite.config.ts). Every
 * other file of the checkout, the data directory, and data or key files even inside the allowed
 * directories are refused (Vite answers 403), including the query forms of Vite's past file-read
 * advisories (CVE-2025-30208, CVE-2025-31125, CVE-2025-31486, CVE-2025-32395).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type RunningServer, startServer } from '../../../server/main.js';
import { captureLogger, tempDir } from './helpers.js';
import { rawGet } from './raw-get.js';

const ROOT = process.cwd();

describe('npm run dev: Vite serves the add-in and nothing else of the checkout', () => {
  let server: RunningServer;
  let dataDir: string;
  // Inside an allowed directory (node_modules) but matched by server.fs.deny.
  const planted = join(ROOT, 'node_modules', `.serve-dev-test-${process.pid}`);

  beforeAll(async () => {
    dataDir = tempDir();
    mkdirSync(planted, { recursive: true });
    for (const name of ['companion.sqlite', 'secret.key', '.env', 'localhost.key']) writeFileSync(join(planted, name), 'PLANTED');
    server = await startServer({ dataDir, port: 0, protocol: 'http', logger: captureLogger('warn').logger, addin: 'dev' });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    rmSync(planted, { recursive: true, force: true });
  });

  it("serves the pane from source, loading office.js from Microsoft's CDN", async () => {
    const pane = await rawGet(server.url, '/taskpane.html');
    expect(pane.status).toBe(200);
    expect(pane.body).toContain('/@vite/client');
    expect(pane.body).toContain('https://appsforoffice.microsoft.com/lib/1/hosted/office.js');
    expect((await rawGet(server.url, `/@fs${ROOT}/addin/main.tsx`)).status).toBe(200);
    expect((await rawGet(server.url, '/api/client.ts')).status).toBe(200);
  });

  it('keeps /api answers in JSON', async () => {
    const api = await fetch(`${server.url}/api/unknown`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('not-found');
  });

  it('refuses files outside the add-in, the data directory, and data or key files anywhere', async () => {
    const refused = [
      `/@fs${dataDir}/companion.sqlite`,
      `/@fs${dataDir}/secret.key`,
      `/@fs${ROOT}/package.json`,
      `/@fs${ROOT}/vite.config.ts`,
      `/@fs${ROOT}/server/main.ts`,
      `/@fs${ROOT}/server/main.ts?raw`,
      `/@fs${ROOT}/server/main.ts?import`,
      `/@fs${ROOT}/server/main.ts?raw??`,
      `/@fs${ROOT}/server/main.ts?import&raw??`,
      `/@fs${ROOT}/server/main.ts?import&?inline=1.wasm?init`,
      `/@fs${ROOT}/.git/config`,
      `/@fs${ROOT}/addin/../package.json`,
      `/@fs${ROOT}/addin/..%2fpackage.json`,
      `/@fs${planted}/companion.sqlite`,
      `/@fs${planted}/companion.sqlite?raw`,
      `/@fs${planted}/secret.key`,
      `/@fs${planted}/.env`,
      `/@fs${planted}/localhost.key?raw??`,
      '/@fs/etc/passwd',
    ];
    for (const path of refused) {
      const res = await rawGet(server.url, path);
      expect([403, 404], `${path} → ${res.status}`).toContain(res.status);
      expect(res.body, path).not.toContain('PLANTED');
      expect(res.body, path).not.toContain('"name": "tableau-excel"');
    }
  });
});
