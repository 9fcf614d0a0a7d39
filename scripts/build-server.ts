/**
 * The companion server as `npm start` runs it: one ES module, dist/server/main.mjs, bundled from
 * server/ and common/ by esbuild (packages stay in node_modules), rebuilt only when its inputs'
 * hash changed (like the add-in, scripts/ensure-build.ts). Plain `node` then runs it, without
 * tsx's loader: that loader compiles TypeScript on a thread of its own with its own V8 heap, ~45 MB
 * of the idle server's resident memory (measured: 145–151 MB under tsx, 101–109 MB bundled).
 *
 * Every `import.meta.url` in our sources is replaced by that source file's own URL, so the paths
 * the server reads relative to its modules (package.json, the VDS OpenAPI schemas, dist/addin)
 * resolve exactly as when the sources run directly. Names are kept (no minification), so stack
 * traces in the log still name our functions.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

import { build, type Plugin } from 'esbuild';

import { acquireLock, hashBuildInputs, REPO_ROOT } from './ensure-build.js';

export const SERVER_INPUTS = [
  'server',
  'common',
  'scripts/ensure-build.ts',
  'scripts/precompress.ts',
  'scripts/swap-build.ts',
  'scripts/build-server.ts',
  'scripts/server-entry.ts',
  'scripts/build.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
];

/** Relative to the repository root: what package.json "start" runs. */
export const SERVER_BUNDLE = 'dist/server/main.mjs';

const sourceUrls = (root: string): Plugin => ({
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, (args) => {
      if (relative(root, args.path).startsWith('..') || args.path.includes('node_modules')) return undefined;
      const text = readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents: text, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
});

export async function bundleServer(root: string, outFile: string): Promise<void> {
  await build({
    entryPoints: [join(root, 'scripts', 'server-entry.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    plugins: [sourceUrls(root)],
  });
}

export interface EnsureServerBuildOptions {
  root?: string;
  force?: boolean;
  report?: (line: string) => void;
  lockTimeoutMs?: number;
}

/** Makes dist/server/main.mjs the bundle of the current sources; bundles only when they changed. */
export async function ensureServerBuild(options: EnsureServerBuildOptions = {}): Promise<{ file: string; built: boolean }> {
  const root = options.root ?? REPO_ROOT;
  const file = join(root, SERVER_BUNDLE);
  const hashFile = join(root, 'dist', '.server-build-hash');
  const report = options.report ?? ((line: string) => process.stderr.write(`${line}\n`));
  const current = () => {
    const hash = hashBuildInputs(root, SERVER_INPUTS);
    try {
      return { hash, ok: !options.force && readFileSync(hashFile, 'utf8').trim() === hash && readFileSync(file).length > 0 };
    } catch {
      return { hash, ok: false };
    }
  };
  if (current().ok) return { file, built: false };
  const release = await acquireLock(join(root, 'dist', '.server-build-lock'), options.lockTimeoutMs ?? 300_000, report);
  try {
    const { hash, ok } = current();
    if (ok) return { file, built: false };
    const started = Date.now();
    rmSync(hashFile, { force: true });
    const next = `${file}.next-${process.pid}`;
    await bundleServer(root, next);
    renameSync(next, file); // whole, so a start reading the file never sees half of it
    writeFileSync(hashFile, `${hash}\n`);
    report(`Bundled the server into ${SERVER_BUNDLE} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return { file, built: true };
  } finally {
    release();
  }
}
