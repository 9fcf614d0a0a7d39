/**
 * Issue #14: the server as `npm start` runs it serves the built add-in and nothing else. Files of
 * the checkout, the database and the key file, Vite's routes and every traversal spelling answer
 * 404; a second start with unchanged sources does not build again.
 */
import { readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BUILD_INPUTS, buildPaths } from '../../scripts/ensure-build.js';
import { rawGet } from '../server/http/raw-get.js';
import { launchBrowser, OFFICE_JS_CDN } from './support/browser.js';
import { NPM_START, type RunningProduct, startProduct } from './support/product.js';

const ROOT = process.cwd();

describe('npm start serves the built add-in and nothing else', () => {
  let product: RunningProduct;
  let dataDir: string;
  beforeAll(async () => {
    // Inside the checkout, as the default .data is (.scratch* is git-ignored).
    dataDir = path.join(ROOT, '.scratch-serving-e2e', String(process.pid));
    product = await startProduct({ dataDir });
  });
  afterAll(async () => {
    await product?.close();
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('runs the bundled server with plain node: no tsx, no Vite in the server process', () => {
    expect(NPM_START).toMatch(/&& node dist\/server\/main\.mjs$/);
    const group = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return (
            readFileSync(`/proc/${p}/stat`, 'utf8')
              .replace(/^.*\) /, '')
              .split(' ')[2] === String(product.pid)
          );
        } catch {
          return false;
        }
      });
    const commands = group.map((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').trim());
    const server = commands.filter((c) => c.includes('dist/server/main.mjs') && !c.startsWith('/bin/sh'));
    expect(server, commands.join('\n')).toHaveLength(1);
    expect(server[0]).not.toMatch(/tsx|--import|vite/);
    // Nor is a build tool bundled into it (scripts/build.ts keeps esbuild out).
    const bundle = readFileSync('dist/server/main.mjs', 'utf8');
    expect(bundle).not.toMatch(/from "(?:esbuild|vite|rolldown|tsx)"/);
  });

  it("serves the built pane, which loads office.js from Microsoft's CDN", async () => {
    const page = await rawGet(product.url, '/taskpane.html', { rejectUnauthorized: false });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js"></script>');
    expect(page.body).toMatch(/src="\/assets\/taskpane-[\w-]{8}\.js"/);
    expect(page.body).not.toContain('/@vite/client');
  });

  it('answers 404 for the database, the key file, sources, configs, Vite routes and traversals', async () => {
    const paths = [
      `/@fs${dataDir}/companion.sqlite`,
      `/@fs${dataDir}/secret.key`,
      `/@fs${ROOT}/.data/companion.sqlite`,
      `/@fs${ROOT}/package.json`,
      `/@fs${ROOT}/server/main.ts?raw`,
      '/@id/react',
      '/@id/__x00__virtual',
      '/@vite/client',
      '/@react-refresh',
      '/..%2f..%2fpackage.json',
      '/%2e%2e/package.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/main.tsx?raw',
      '/main.tsx?import',
      '/addin/main.tsx',
      '/addin/main.tsx?raw',
      '/server/main.ts',
      '/server/main.ts?import',
      '/vite.config.ts',
      '/package.json',
      '/package-lock.json',
      '/.data/companion.sqlite',
      '/.scratch-serving-e2e/',
      '/.addin-build-hash',
      '/.build-hash',
      '/../.addin-build-hash',
      '/%2e%2e/.addin-build-hash',
      '/office-js/office.js',
      '/node_modules/@microsoft/office-js/dist/office.js',
    ];
    const answers: string[] = [];
    for (const p of paths) {
      const res = await rawGet(product.url, p, { rejectUnauthorized: false });
      answers.push(`${res.status} ${p}`);
      expect(res.body, p).not.toMatch(/SQLite format|"name": "tableau-excel"|import /);
    }
    expect(answers.filter((a) => !a.startsWith('404 '))).toEqual([]);
  });

  it('builds only from the inputs it hashes: every source in the maps is one of them or a package', () => {
    const { outDir } = buildPaths();
    // node_modules may be a link to a shared install (a worktree): the maps name its real place.
    const roots = BUILD_INPUTS.map((input) => path.join(ROOT, input)).concat(
      path.join(ROOT, 'node_modules'),
      realpathSync(path.join(ROOT, 'node_modules')),
    );
    const maps = readdirSync(path.join(outDir, 'assets')).filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const outside: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(path.join(outDir, 'assets', map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        if (source.startsWith('\0') || source.startsWith('vite/') || source.startsWith('\u0000')) continue; // virtual modules
        const file = path.resolve(outDir, 'assets', source);
        if (!roots.some((r) => file === r || file.startsWith(`${r}${path.sep}`))) outside.push(`${map}: ${source}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it("starts the in-memory preview in a browser that cannot reach Microsoft's CDN", async () => {
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      let asked = 0;
      await context.route(`${OFFICE_JS_CDN}**`, (route) => {
        asked++;
        return route.abort('namenotresolved');
      });
      const page = await context.newPage();
      await page.goto(`${product.url}/taskpane.html`, { waitUntil: 'domcontentloaded' });
      await page.getByRole('button', { name: 'Connect', exact: true }).waitFor({ timeout: 15_000 });
      expect(asked).toBe(1);
      expect(await page.evaluate(() => typeof (window as { Office?: unknown }).Office)).toBe('undefined');
      expect(await page.evaluate(() => typeof (window as { __previewWorkbook?: unknown }).__previewWorkbook)).toBe('object');
    } finally {
      await browser.close();
    }
  });

  it('starts a second time without building, the sources being unchanged', async () => {
    const again = await startProduct();
    try {
      expect(again.output()).not.toContain('Building the add-in');
      expect(again.output()).not.toContain('Bundled the server');
      expect((await rawGet(again.url, '/taskpane.html', { rejectUnauthorized: false })).status).toBe(200);
    } finally {
      await again.close();
    }
  });
});
