import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { normalizeBaseUrl, rewriteManifest } from '../../scripts/manifest/rewrite.js';
import { validateManifest } from '../../scripts/manifest/validate.js';
import { buildProdManifest, parseArgs } from '../../scripts/manifest-prod.js';

const manifestPath = fileURLToPath(new URL('../../manifest.xml', import.meta.url));
const manifest = readFileSync(manifestPath, 'utf8');
const tmp = () => mkdtempSync(join(tmpdir(), 'manifest-prod-'));

describe('normalizeBaseUrl', () => {
  it('keeps origin and path, drops trailing slashes', () => {
    expect(normalizeBaseUrl('https://excel.example.com/')).toBe('https://excel.example.com');
    expect(normalizeBaseUrl(' https://example.com:8443/addin// ')).toBe('https://example.com:8443/addin');
  });

  it.each([
    ['excel.example.com', /not a URL/],
    ['http://excel.example.com', /https:\/\//],
    ['https://localhost:3000', /this machine/],
    ['https://127.0.0.1', /this machine/],
    ['https://a.com/?x=1', /query/],
    ['https://user:pw@a.com', /password/],
  ])('refuses %s in plain words', (input, message) => {
    expect(() => normalizeBaseUrl(input)).toThrow(message);
  });
});

describe('rewriteManifest', () => {
  it('moves every URL to the production host and AppDomains to its origin', () => {
    const xml = rewriteManifest(manifest, 'https://example.com/excel');
    expect(xml).not.toContain('localhost');
    expect(xml).toContain('<AppDomain>https://example.com</AppDomain>');
    expect(xml).toContain('<bt:Url id="Taskpane.Url" DefaultValue="https://example.com/excel/taskpane.html"/>');
    expect(xml.match(/<Id>[^<]+<\/Id>/)![0]).toBe(manifest.match(/<Id>[^<]+<\/Id>/)![0]);
  });
});

describe('npm run manifest:prod', () => {
  it('parses --url, --in and --out (both spellings)', () => {
    const args = parseArgs(['--url', 'https://a.com', '--out=x/m.xml']);
    expect(args.url).toBe('https://a.com');
    expect(args.out.endsWith(join('x', 'm.xml'))).toBe(true);
    expect(args.in.endsWith('manifest.xml')).toBe(true);
    expect(() => parseArgs(['--url'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--bogus'])).toThrow(/Unknown argument/);
  });

  it('writes a production manifest that passes the same validation with localhost forbidden', async () => {
    const out = join(tmp(), 'dist', 'manifest.prod.xml');
    await buildProdManifest({ url: 'https://excel.example.com', in: manifestPath, out });
    const xml = readFileSync(out, 'utf8');
    expect(xml).toContain('https://excel.example.com/taskpane.html');
    expect(await validateManifest(xml, { allowLocalhost: false })).toEqual({ valid: true, problems: [] });
  });

  it('refuses to write when the result would not be valid', async () => {
    const dir = tmp();
    const input = join(dir, 'manifest.xml');
    writeFileSync(input, manifest.replace('<Permissions>ReadWriteDocument</Permissions>', ''));
    const out = join(dir, 'out.xml');
    await expect(buildProdManifest({ url: 'https://excel.example.com', in: input, out })).rejects.toThrow(/not valid:[\s\S]*line \d+/);
    expect(() => readFileSync(out)).toThrow();
  });

  it('refuses a URL a production manifest cannot use', async () => {
    await expect(buildProdManifest({ url: 'http://excel.example.com', in: manifestPath, out: join(tmp(), 'm.xml') })).rejects.toThrow(
      /https/,
    );
  });
});

describe('the manifest:prod command line', () => {
  const script = fileURLToPath(new URL('../../scripts/manifest-prod.ts', import.meta.url));
  const runCli = async (args: string[]) => {
    const { execFile } = await import('node:child_process');
    return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', script, ...args],
        { env: { ...process.env, ADDIN_PROD_URL: '' } },
        (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  };

  it('writes the file and says where', async () => {
    const out = join(tmp(), 'manifest.prod.xml');
    const r = await runCli(['--url', 'https://excel.example.com', '--out', out]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`Wrote ${out}`);
    expect(readFileSync(out, 'utf8')).toContain('https://excel.example.com/taskpane.html');
  });

  it('exits 1 with a plain message on bad input', async () => {
    const r = await runCli(['--url', 'http://excel.example.com', '--out', join(tmp(), 'm.xml')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('http://excel.example.com must start with https:// (Office only loads add-ins over SSL).');
    expect((await runCli([])).stderr).toMatch(/Missing --url/);
  });
});
