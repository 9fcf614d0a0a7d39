/**
 * Putting a new build in place of the served one (scripts/ensure-build.ts builds into a directory
 * of its own first, so a running server never serves a half-written or emptied dist/addin).
 *
 * The previous build's chunks stay for one more build: a task pane that is open in Excel while the
 * server restarts on new sources still has the old taskpane.html, which imports the old chunk
 * names lazily (a screen opened later) and would get 404s otherwise. Chunks carried over are
 * listed in dist/.addin-carried-assets, so the build after next drops them: at most one old
 * generation is kept.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Vite's chunk names: `<name>-<8-character hash>.<ext>`, plus the build's compressed copies. */
const HASHED_CHUNK = /-[A-Za-z0-9_-]{8}\.(?:js|css)(?:\.map|\.br|\.gz)?$/;

export interface SwapPaths {
  /** The served directory (dist/addin). */
  outDir: string;
  /** The finished new build. */
  nextDir: string;
  /** Names carried over from the build before (outside the served directory). */
  carriedFile: string;
}

export function swapInBuild(paths: SwapPaths): void {
  const carried = carryOverPreviousChunks(paths);
  const old = `${paths.outDir}.old-${process.pid}`;
  if (existsSync(paths.outDir)) renameSync(paths.outDir, old);
  renameSync(paths.nextDir, paths.outDir);
  rmSync(old, { recursive: true, force: true });
  writeFileSync(paths.carriedFile, `${JSON.stringify(carried)}\n`);
}

function carryOverPreviousChunks(paths: SwapPaths): string[] {
  const oldAssets = join(paths.outDir, 'assets');
  const newAssets = join(paths.nextDir, 'assets');
  if (!existsSync(oldAssets) || !existsSync(newAssets)) return [];
  const carriedBefore = new Set(readCarried(paths.carriedFile));
  const carried: string[] = [];
  for (const name of readdirSync(oldAssets)) {
    if (!HASHED_CHUNK.test(name) || carriedBefore.has(name) || existsSync(join(newAssets, name))) continue;
    renameSync(join(oldAssets, name), join(newAssets, name));
    carried.push(name);
  }
  return carried;
}

function readCarried(file: string): string[] {
  try {
    const names: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}
