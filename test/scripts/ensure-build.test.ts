/**
 * scripts/ensure-build.ts: `npm start` rebuilds the add-in only when an input of the bundle
 * changed, keeps the hash outside the served directory, and never reuses a failed build.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { buildPaths, ensureAddinBuild, hashBuildInputs } from '../../scripts/ensure-build.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A checkout in miniature: every kind of build input, and a server file that is not one. */
function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'ensure-build-'));
  roots.push(root);
  for (const dir of ['addin/ui', 'addin/public', 'common', 'server']) mkdirSync(join(root, dir), { recursive: true });
  const files: Record<string, string> = {
    'addin/main.tsx': 'main',
    'addin/ui/Screen.tsx': 'screen',
    'addin/public/support.html': 'help',
    'common/api.ts': 'api',
    'vite.config.ts': 'config',
    'tsconfig.json': '{}',
    'package.json': '{}',
    'package-lock.json': '{"lockfileVersion":3}',
    'server/main.ts': 'server',
  };
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  return root;
}

/** A stand-in for `vite build` that writes a page and one hashed chunk per run, and counts its runs. */
function fakeVite() {
  let runs = 0;
  return {
    runs: () => runs,
    build: async (_root: string, outDir: string) => {
      runs++;
      mkdirSync(join(outDir, 'assets'), { recursive: true });
      writeFileSync(join(outDir, 'taskpane.html'), `<!doctype html><p>build ${runs}</p>`);
      writeFileSync(join(outDir, 'assets', `lazy-${String(runs).repeat(8)}.js`), `chunk ${runs}`);
      writeFileSync(join(outDir, 'assets', 'icon-32.png'), `icon ${runs}`);
    },
  };
}

const assets = (root: string) => readdirSync(join(buildPaths(root).outDir, 'assets')).sort();

const quiet = () => undefined;

describe('the content hash of the build inputs', () => {
  it('changes with any input of the bundle, and not with server code', () => {
    const root = fixture();
    const base = hashBuildInputs(root);
    writeFileSync(join(root, 'server/main.ts'), 'server changed');
    expect(hashBuildInputs(root)).toBe(base);
    for (const input of [
      'addin/ui/Screen.tsx',
      'addin/public/support.html',
      'common/api.ts',
      'vite.config.ts',
      'tsconfig.json',
      'package.json',
      'package-lock.json',
    ]) {
      const before = hashBuildInputs(root);
      writeFileSync(join(root, input), `${readFileSync(join(root, input), 'utf8')} `);
      expect(hashBuildInputs(root), input).not.toBe(before);
    }
  });

  it('changes when a file is added, removed or renamed', () => {
    const root = fixture();
    const base = hashBuildInputs(root);
    writeFileSync(join(root, 'addin/ui/New.tsx'), '');
    const added = hashBuildInputs(root);
    expect(added).not.toBe(base);
    rmSync(join(root, 'addin/ui/New.tsx'));
    expect(hashBuildInputs(root)).toBe(base);
    rmSync(join(root, 'addin/ui/Screen.tsx'));
    writeFileSync(join(root, 'addin/ui/Renamed.tsx'), 'screen');
    expect(hashBuildInputs(root)).not.toBe(base);
  });
});

describe('ensureAddinBuild', () => {
  it('builds when there is no build, then not again while the inputs are unchanged', async () => {
    const root = fixture();
    const vite = fakeVite();
    expect((await ensureAddinBuild({ root, build: vite.build, report: quiet })).built).toBe(true);
    expect((await ensureAddinBuild({ root, build: vite.build, report: quiet })).built).toBe(false);
    expect(vite.runs()).toBe(1);
    writeFileSync(join(root, 'server/main.ts'), 'server changed');
    expect((await ensureAddinBuild({ root, build: vite.build, report: quiet })).built).toBe(false);
    writeFileSync(join(root, 'addin/main.tsx'), 'main changed');
    expect((await ensureAddinBuild({ root, build: vite.build, report: quiet })).built).toBe(true);
    expect(vite.runs()).toBe(2);
    expect((await ensureAddinBuild({ root, build: vite.build, report: quiet, force: true })).built).toBe(true);
  });

  it('keeps the hash beside the served directory, never inside it', async () => {
    const root = fixture();
    const { hash, outDir } = await ensureAddinBuild({ root, build: fakeVite().build, report: quiet });
    const paths = buildPaths(root);
    expect(readFileSync(paths.hashFile, 'utf8').trim()).toBe(hash);
    expect(paths.hashFile.startsWith(`${outDir}/`)).toBe(false);
  });

  it('rebuilds when the served build was deleted, even with a matching hash', async () => {
    const root = fixture();
    const vite = fakeVite();
    await ensureAddinBuild({ root, build: vite.build, report: quiet });
    rmSync(buildPaths(root).outDir, { recursive: true });
    expect((await ensureAddinBuild({ root, build: vite.build, report: quiet })).built).toBe(true);
  });

  it('does not take a failed build for a current one', async () => {
    const root = fixture();
    const vite = fakeVite();
    await ensureAddinBuild({ root, build: vite.build, report: quiet });
    writeFileSync(join(root, 'addin/main.tsx'), 'broken');
    const failing = async () => {
      throw new Error('vite build exited with 1');
    };
    await expect(ensureAddinBuild({ root, build: failing, report: quiet })).rejects.toThrow(/exited with 1/);
    expect((await ensureAddinBuild({ root, build: vite.build, report: quiet })).built).toBe(true);
  });

  it('lets concurrent starts build once', async () => {
    const root = fixture();
    const vite = fakeVite();
    const slow = async (r: string, outDir: string) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await vite.build(r, outDir);
    };
    const results = await Promise.all([1, 2, 3].map(() => ensureAddinBuild({ root, build: slow, report: quiet })));
    expect(vite.runs()).toBe(1);
    expect(results.filter((r) => r.built)).toHaveLength(1);
  });

  it("keeps the previous build's chunks for one more build, for panes still open on it", async () => {
    const root = fixture();
    const vite = fakeVite();
    await ensureAddinBuild({ root, build: vite.build, report: quiet });
    expect(assets(root)).toEqual(['icon-32.png', 'lazy-11111111.js']);
    for (const [n, expected] of [
      [2, ['icon-32.png', 'lazy-11111111.js', 'lazy-22222222.js']],
      [3, ['icon-32.png', 'lazy-22222222.js', 'lazy-33333333.js']],
    ] as const) {
      writeFileSync(join(root, 'addin/main.tsx'), `main ${n}`);
      await ensureAddinBuild({ root, build: vite.build, report: quiet });
      expect(assets(root)).toEqual(expected);
    }
    expect(readFileSync(join(buildPaths(root).outDir, 'assets', 'icon-32.png'), 'utf8')).toBe('icon 3');
    expect(readdirSync(join(root, 'dist')).filter((n) => n.includes('next') || n.includes('old'))).toEqual([]);
  });

  it('leaves the served build in place when a build fails', async () => {
    const root = fixture();
    const vite = fakeVite();
    await ensureAddinBuild({ root, build: vite.build, report: quiet });
    writeFileSync(join(root, 'addin/main.tsx'), 'broken');
    const halfWritten = async (_root: string, outDir: string) => {
      mkdirSync(outDir, { recursive: true });
      throw new Error('vite build exited with 1');
    };
    await expect(ensureAddinBuild({ root, build: halfWritten, report: quiet })).rejects.toThrow(/exited with 1/);
    expect(readFileSync(join(buildPaths(root).outDir, 'taskpane.html'), 'utf8')).toContain('build 1');
    expect(readdirSync(join(root, 'dist')).filter((n) => n.includes('next'))).toEqual([]);
  });

  it('takes over the lock of a process that is gone', async () => {
    const root = fixture();
    const { lockDir } = buildPaths(root);
    mkdirSync(lockDir, { recursive: true });
    writeFileSync(join(lockDir, 'pid'), '999999999');
    expect((await ensureAddinBuild({ root, build: fakeVite().build, report: quiet, lockTimeoutMs: 2_000 })).built).toBe(true);
  });
});
