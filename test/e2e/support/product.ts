import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import os from 'node:os';
import path from 'node:path';

import axios from 'axios';

import type { HealthResponse } from '../../../common/api.js';

/**
 * Runs the product exactly as `npm start` does (package.json "start", through a shell as npm runs
 * it: the add-in and the server bundle rebuilt first if their sources changed, then the bundled
 * companion server over HTTPS, the built add-in and the embedded demo Tableau site), on a free port
 * and a throw-away data directory (or `dataDir`, kept, to start again on the same data), and reads
 * the URL it prints.
 */
export interface RunningProduct {
  url: string;
  health: HealthResponse;
  /** Base URL of the embedded demo Tableau site (the simulator), for its /_sim control routes. */
  simUrl: string;
  startupMs: number;
  /** The process group of `npm start` (the shell, the build step, the server). */
  pid: number;
  output(): string;
  close(): Promise<void>;
}

/** The dev certificate is not trusted on this machine (its CA cannot be installed without sudo). */
export const insecureAgent = new Agent({ rejectUnauthorized: false });

/** package.json "start". */
export const NPM_START = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;

export async function startProduct(
  opts: { timeoutMs?: number; env?: Record<string, string>; dataDir?: string } = {},
): Promise<RunningProduct> {
  const started = Date.now();
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'tableau-excel-e2e-'));
  const child = spawn('/bin/sh', ['-c', NPM_START], {
    // DEMO_PORT 0: a free port, so test files and checkouts running at once do not collide.
    env: {
      ...process.env,
      PATH: `${path.resolve('node_modules/.bin')}${path.delimiter}${process.env.PATH}`,
      PORT: '0',
      DEMO_PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));

  const close = async () => {
    await stop(child);
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await waitFor(
      () => /Open the task pane:\s+(\S+)\/taskpane\.html/.exec(out)?.[1],
      opts.timeoutMs ?? 60_000,
      () => out,
      child,
    );
    const { data: health } = await axios.get<HealthResponse>(`${url}/health`, { httpsAgent: insecureAgent });
    if (!health.demo) throw new Error('npm start did not report its demo site');
    return { url, health, simUrl: health.demo.serverUrl, startupMs: Date.now() - started, pid: child.pid!, output: () => out, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, log: () => string, child: ChildProcess): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${log()}`);
    if (Date.now() > deadline) throw new Error(`npm start did not print its URL within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM'); // the whole group: the server and a `vite build` it may run
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}
