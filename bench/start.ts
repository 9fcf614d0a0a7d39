/**
 * start_idle_rss_mb: the resident memory of the server process that `npm start` runs (package.json
 * "start": the build step, then `node dist/server/main.mjs`: companion server over HTTPS, the built
 * add-in, the embedded demo site), once it answered /health and then sat idle for a few seconds.
 * The add-in and the server bundle are built first (scripts/ensure-build.ts, build-server.ts), as
 * a second start finds them; that step runs in processes of its own and is not part of this
 * figure. Read from /proc/<pid>/status (VmRSS now, VmHWM the peak since the process began; proc(5)).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureServerBuild, SERVER_BUNDLE } from '../scripts/build-server.js';
import { ensureAddinBuild } from '../scripts/ensure-build.js';
import type { Figure } from './report.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const IDLE_MS = 5_000;

/** One field of /proc/<pid>/status in MB (the kernel reports kB). */
function procStatusMb(status: string, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!m) throw new Error(`/proc status has no ${field}`);
  return Number(m[1]) / 1024;
}

function healthOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    get(`${url}/health`, { agent: new Agent({ rejectUnauthorized: false }) }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', () => resolve(false));
  });
}

export async function benchStart(): Promise<Figure[]> {
  await ensureAddinBuild();
  await ensureServerBuild();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  const child = spawn(process.execPath, [SERVER_BUNDLE], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DEMO_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const started = Date.now();
    let url: string | undefined;
    while (!url) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}: ${out}`);
      if (Date.now() - started > 60_000) throw new Error(`npm start printed no URL within 60 s: ${out}`);
      url = /Open the task pane:\s+(\S+)\/taskpane\.html/.exec(out)?.[1];
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!(await healthOk(url))) throw new Error('npm start did not answer /health');
    const readyMs = Date.now() - started;
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rss = procStatusMb(status, 'VmRSS');
    return [
      {
        name: 'start_idle_rss_mb',
        value: rss,
        target: 150,
        goal: 'max',
        unit: 'MB',
        note: `server process of \`npm start\` (add-in already built; demo site in-process), ${IDLE_MS / 1000} s idle after /health; peak RSS while starting ${procStatusMb(status, 'VmHWM').toFixed(0)} MB; /health answered ${readyMs} ms after spawn`,
      },
    ];
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
