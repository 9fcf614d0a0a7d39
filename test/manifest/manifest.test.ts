import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { readPngSize } from '../../scripts/icons/png.js';
import { checkProjectRules, checkSchema, validateManifest } from '../../scripts/manifest/validate.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = readFileSync(`${root}manifest.xml`, 'utf8');

/** A broken copy of the manifest: `from` must occur, so a stale test cannot pass vacuously. */
function broken(from: string | RegExp, to: string): string {
  const out = manifest.replace(from, to);
  expect(out, `pattern ${from} not found in manifest.xml`).not.toBe(manifest);
  return out;
}

describe('manifest.xml', () => {
  it('is valid against the Office manifest schemas and the project rules', async () => {
    const result = await validateManifest(manifest, { allowLocalhost: true });
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is an Excel task pane add-in that may read and write the workbook', () => {
    expect(manifest).toMatch(/xsi:type="TaskPaneApp"/);
    expect(manifest).toMatch(/<Hosts>\s*<Host Name="Workbook"\/>\s*<\/Hosts>/);
    expect(manifest).toContain('<Permissions>ReadWriteDocument</Permissions>');
    expect(manifest).toMatch(/<Id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}<\/Id>/);
  });

  it('requires ExcelApi 1.13 to activate and SharedRuntime 1.1 for the ribbon', () => {
    const [base, overrides] = manifest.split('<VersionOverrides').map((part) => part.match(/<Requirements>[\s\S]*?<\/Requirements>/)![0]);
    expect(base).toMatch(/<Set Name="ExcelApi" MinVersion="1.13"\/>/);
    // Not in the base: a client without a shared runtime still gets the plain task pane.
    expect(base).not.toContain('SharedRuntime');
    expect(overrides).toMatch(/<bt:Set Name="SharedRuntime" MinVersion="1.1"\/>/);
  });

  it('runs pane, commands and timers in one long-lived runtime on /taskpane.html', () => {
    expect(manifest).toMatch(/<Runtime resid="Taskpane.Url" lifetime="long"\/>/);
    expect(manifest).toContain('<FunctionFile resid="Taskpane.Url"/>');
    expect(manifest).toContain('<bt:Url id="Taskpane.Url" DefaultValue="https://localhost:3000/taskpane.html"/>');
    expect(manifest).toContain('<SourceLocation DefaultValue="https://localhost:3000/taskpane.html"/>');
  });

  it('has Show pane and Refresh all buttons on the Home tab', () => {
    expect(manifest).toMatch(/<OfficeTab id="TabHome">/);
    expect(manifest).toMatch(/id="ShowPane">[\s\S]*?<Action xsi:type="ShowTaskpane">/);
    expect(manifest).toMatch(/id="RefreshAll">[\s\S]*?<FunctionName>refreshAll<\/FunctionName>/);
    expect(manifest).toContain('DefaultValue="Show pane"');
    expect(manifest).toContain('DefaultValue="Refresh all"');
  });

  it('points every image at a real PNG of the size it claims, served by Vite from addin/public', () => {
    const images = [...manifest.matchAll(/<bt:Image id="[^"]*?(\d+)x(\d+)" DefaultValue="https:\/\/localhost:3000\/([^"]+)"/g)];
    const icons = [...manifest.matchAll(/<(?:High\w*)?IconUrl DefaultValue="https:\/\/localhost:3000\/([^"]+)"/g)];
    expect(images.length).toBeGreaterThanOrEqual(6);
    expect(icons).toHaveLength(2);
    for (const [, w, h, path] of images) {
      const file = `${root}addin/public/${path}`;
      expect(existsSync(file), file).toBe(true);
      expect(readPngSize(readFileSync(file)), path).toEqual({ width: Number(w), height: Number(h) });
    }
    for (const [, path] of icons) expect(readPngSize(readFileSync(`${root}addin/public/${path}`)), path).not.toBeNull();
    expect(existsSync(`${root}addin/public/support.html`)).toBe(true);
  });
});

describe('schema validation fails on a broken manifest', () => {
  it('rejects elements out of schema order', async () => {
    const xml = broken(/(<DefaultSettings>[\s\S]*?<\/DefaultSettings>)\s*(<Permissions>ReadWriteDocument<\/Permissions>)/, '$2\n  $1');
    const problems = await checkSchema(xml);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ kind: 'schema' });
    expect(problems[0].message).toMatch(/not expected/);
    expect(problems[0].line).toBeGreaterThan(0);
  });

  it('rejects an Id that is not a GUID', async () => {
    const problems = await checkSchema(broken(/<Id>[^<]+<\/Id>/, '<Id>tableau-excel</Id>'));
    expect(problems.map((p) => p.message).join('\n')).toMatch(/Id/);
  });

  it('rejects a missing required element', async () => {
    expect(await checkSchema(broken(/<Permissions>[^<]+<\/Permissions>/, ''))).not.toEqual([]);
  });

  it('rejects a label longer than the schema allows', async () => {
    const problems = await checkSchema(broken('DefaultValue="Refresh all"', `DefaultValue="${'x'.repeat(126)}"`));
    expect(problems.map((p) => p.message).join('\n')).toMatch(/length|maxLength/i);
  });

  it('reports XML that does not parse instead of throwing', async () => {
    const problems = await checkSchema(broken('</OfficeApp>', '</OfficeAp>'));
    expect(problems.length).toBeGreaterThan(0);
  });
});

describe('project rules the schemas cannot express', () => {
  it('finds a resid with no resource, with its line', () => {
    const xml = broken('<Title resid="RefreshAll.Label"/>', '<Title resid="Refresh.Label"/>');
    const problems = checkProjectRules(xml, { allowLocalhost: true });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'resid' });
    expect(problems[0].message).toContain('"Refresh.Label"');
    expect(xml.split('\n')[problems[0].line! - 1]).toContain('Refresh.Label');
  });

  it('rejects plain http URLs and AppDomains', () => {
    const xml = broken('<AppDomain>https://localhost:3000</AppDomain>', '<AppDomain>http://localhost:3000</AppDomain>').replace(
      'https://localhost:3000/support.html"/>\n',
      'http://localhost:3000/support.html"/>\n',
    );
    const kinds = checkProjectRules(xml, { allowLocalhost: true }).map((p) => p.kind);
    expect(kinds).toEqual(['url', 'url']);
  });

  it('rejects localhost unless explicitly allowed (production manifests)', () => {
    const problems = checkProjectRules(manifest);
    expect(problems.length).toBeGreaterThan(5);
    expect(problems.every((p) => p.kind === 'url' && /this machine/.test(p.message))).toBe(true);
  });

  it('rejects a function file that is not the shared runtime page', () => {
    const xml = broken('<FunctionFile resid="Taskpane.Url"/>', '<FunctionFile resid="Support.Url"/>');
    const problems = checkProjectRules(xml, { allowLocalhost: true });
    expect(problems).toEqual([expect.objectContaining({ kind: 'runtime' })]);
  });

  it('ignores resids and URLs inside comments', () => {
    const xml = manifest.replace('<Hosts>', '<!-- <Foo resid="Nope" DefaultValue="http://x"/> -->\n  <Hosts>');
    expect(checkProjectRules(xml, { allowLocalhost: true })).toEqual([]);
  });
});
