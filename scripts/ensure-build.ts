/**
 * The built add-in that `npm start` serves (dist/addin), rebuilt only when its inputs changed.
 *
 * The inputs are hashed (SHA-256 over the paths and bytes of every file the bundle can depend on:
 * the add-in's sources and public files, the shared contracts in common/, the Vite and TypeScript
 * configs, package.json and package-lock.json, which pins every bundled dependency, and the build
 * scripts themselves). The hash of the
 * last good build is kept in dist/.addin-build-hash, beside the served directory and never inside
 * it. Same hash: nothing to do, and Vite is never loaded. Otherwise `vite build` runs in a child
 * process, so the server process never holds Vite's memory (~1 GB while it pre-bundles); then
 * its text files get brotli and gzip copies (scripts/precompress.ts).
 *
 * Concurrent starts (several checkouts' tests, a bench) take a lock directory first and look at
 * the hash again once they hold it, so one builds and the others reuse its result.
 *
 * `npm start` and `npm run build` run it through scripts/build.ts, with the server bundle.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { precompressBuild } from './precompress.js';
import { swapInBuild } from './swap-build.js';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Directories and files whose content goes into the bundle (relative to the repository root),
 * this build procedure included.
 */
export const BUILD_INPUTS = [
  'addin',
  'common',
  'vite.config.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  'scripts/ensure-build.ts',
  'scripts/precompress.ts',
  'scripts/swap-build.ts',
];

export interface BuildPaths {
  root: string;
  /** The served directory (vite.config.ts build.outDir). */
  outDir: string;
  /** Hash of the inputs of the build in outDir; outside outDir so it is never served. */
  hashFile: string;
  lockDir: string;
  /** Chunks kept from the build before (scripts/swap-build.ts). */
  carriedFile: string;
}

export function buildPaths(root: string = REPO_ROOT): BuildPaths {
  return {
    root,
    outDir: join(root, 'dist', 'addin'),
    hashFile: join(root, 'dist', '.addin-build-hash'),
    lockDir: join(root, 'dist', '.addin-build-lock'),
    carriedFile: join(root, 'dist', '.addin-carried-assets'),
  };
}

function filesUnder(path: string, out: string[]): void {
  if (!existsSync(path)) return;
  const entries = readdirSync(path, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) filesUnder(full, out);
    else if (entry.isFile()) out.push(full);
  }
}

/** SHA-256 of every input file's relative path and bytes, in a fixed order. */
export function hashBuildInputs(root: string = REPO_ROOT, inputs: readonly string[] = BUILD_INPUTS): string {
  const hash = createHash('sha256');
  for (const input of inputs) {
    const full = join(root, input);
    const files: string[] = [];
    if (!existsSync(full)) hash.update(`missing:${input}\0`);
    else if (statSync(full).isDirectory()) filesUnder(full, files);
    else files.push(full);
    for (const file of files) {
      hash.update(`${relative(root, file).split(sep).join('/')}\0`);
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

export function isBuildCurrent(paths: BuildPaths, hash: string): boolean {
  if (!existsSync(join(paths.outDir, 'taskpane.html')) || !existsSync(paths.hashFile)) return false;
  return readFileSync(paths.hashFile, 'utf8').trim() === hash;
}

/** Runs `vite build` (the local binary) into `outDir` in a child process; rejects with its output on failure. */
export function viteBuildInChild(root: string, outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const vite = join(root, 'node_modules', '.bin', 'vite');
    // NODE_ENV=production whatever the caller's: under Vitest it is `test`, and Vite would then
    // bundle React's development build (https://vite.dev/guide/env-and-mode#node-env-and-modes).
    const env = { ...process.env, NODE_ENV: 'production' };
    const args = ['build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'];
    const child = spawn(vite, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => reject(new Error(`Could not run ${vite}: ${err.message}. Run \`npm install\` first.`)));
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`Building the add-in failed (vite build exited with ${code ?? signal}):\n${output.trim()}`)),
    );
  });
}

export interface EnsureBuildOptions {
  root?: string;
  /** Build even when the hash matches (`npm run build`). */
  force?: boolean;
  /** Replaces the child `vite build` (tests). */
  build?: (root: string, outDir: string) => Promise<void>;
  /** Progress lines (default: stderr). */
  report?: (line: string) => void;
  /** How long to wait for another process's build (default 5 minutes). */
  lockTimeoutMs?: number;
}

export interface EnsureBuildResult {
  outDir: string;
  hash: string;
  built: boolean;
}

/** Makes dist/addin the build of the current sources; builds only when the input hash changed. */
export async function ensureAddinBuild(options: EnsureBuildOptions = {}): Promise<EnsureBuildResult> {
  const paths = buildPaths(options.root);
  const report = options.report ?? ((line: string) => process.stderr.write(`${line}\n`));
  const hash = hashBuildInputs(paths.root);
  if (!options.force && isBuildCurrent(paths, hash)) return { outDir: paths.outDir, hash, built: false };
  const release = await acquireLock(paths.lockDir, options.lockTimeoutMs ?? 300_000, report);
  try {
    // Another process may have built these very sources while we waited for the lock.
    const current = hashBuildInputs(paths.root);
    if (!options.force && isBuildCurrent(paths, current)) return { outDir: paths.outDir, hash: current, built: false };
    report(`Building the add-in into ${relative(process.cwd(), paths.outDir) || paths.outDir} (its sources changed since the last build)…`);
    const started = Date.now();
    rmSync(paths.hashFile, { force: true }); // a failed build must not look current next time
    // Built beside the served directory and swapped in whole: a running server never serves a
    // half-written build (the served directory's path stays the same).
    const nextDir = join(paths.root, 'dist', `.addin-next-${process.pid}`);
    try {
      await (options.build ?? viteBuildInChild)(paths.root, nextDir);
      if (!existsSync(join(nextDir, 'taskpane.html'))) throw new Error(`The build wrote no taskpane.html into ${nextDir}.`);
      precompressBuild(nextDir);
      swapInBuild({ outDir: paths.outDir, nextDir, carriedFile: paths.carriedFile });
    } finally {
      rmSync(nextDir, { recursive: true, force: true });
    }
    writeFileSync(paths.hashFile, `${current}\n`);
    report(`Built the add-in in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return { outDir: paths.outDir, hash: current, built: true };
  } finally {
    release();
  }
}

/** A lock directory holding the owner's pid; a lock whose owner is gone is taken over. */
export async function acquireLock(lockDir: string, timeoutMs: number, report: (line: string) => void): Promise<() => void> {
  mkdirSync(join(lockDir, '..'), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!lockOwnerAlive(lockDir)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`Another process has been building the add-in for too long (lock ${lockDir}); remove it if no build is running.`);
    if (!told) report('Waiting for another process that is building the add-in…');
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function lockOwnerAlive(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
  } catch {
    // Just created and the pid not written yet, or its owner died in between: stale after 10 s.
    try {
      return Date.now() - statSync(lockDir).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
