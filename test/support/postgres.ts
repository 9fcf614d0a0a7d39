/**
 * A throwaway PostgreSQL for the tests: one cluster per test run, in a temp directory, on a free
 * loopback port, with no system service (initdb + pg_ctl, as .ci/run and docs/store.md describe).
 * Each test file then gets its own database (`testDatabase`), so files run in parallel.
 *
 * PostgreSQL refuses to run as root (https://www.postgresql.org/docs/15/app-initdb.html), so as
 * root both programs run through `runuser -u postgres --` on a directory owned by postgres.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const DIR_PREFIX = 'tableau-excel-pg-';
const USER = 'tester';

export interface TestCluster {
  /** postgres://tester@127.0.0.1:PORT/postgres: the maintenance database, for CREATE DATABASE. */
  url: string;
  stop(): Promise<void>;
}

/** initdb of PATH, or of the newest Debian install (/usr/lib/postgresql/<major>/bin). */
export function findPostgresBin(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  const debian = '/usr/lib/postgresql';
  if (!existsSync(debian)) return undefined;
  const majors = readdirSync(debian)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  return majors.map((v) => join(debian, v, 'bin')).find((bin) => existsSync(join(bin, 'initdb')));
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL program, as the postgres user when we are root. */
function pgRun(bin: string, program: string, args: string[]) {
  const file = join(bin, program);
  return isRoot() ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Clusters left by a test run that was killed before its teardown: stopped and removed. */
async function removeOrphans(bin: string): Promise<void> {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(DIR_PREFIX))) {
    const dir = join(tmpdir(), name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
    } catch {
      // No owner file yet: a run that is starting right now, or one cut before it got that far.
      if (Date.now() - statSync(dir).mtimeMs < 60_000) continue;
      owner = 0;
    }
    if (owner && alive(owner)) continue;
    await pgRun(bin, 'pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a cluster; throws with PostgreSQL's own words when it cannot. */
/** `settings`: extra `-c name=value` server settings (the team bench loads pg_stat_statements). */
export async function startCluster(bin: string, settings: Record<string, string> = {}): Promise<TestCluster & { dataDir: string }> {
  await removeOrphans(bin);
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  if (isRoot()) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  const stop = async () => {
    await pgRun(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // --no-sync and fsync=off: a test cluster is thrown away, durability buys nothing here.
    await pgRun(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', USER, '-E', 'UTF8', '--no-locale', '--no-sync']);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200${Object.entries(
        settings,
      )
        .map(([name, value]) => ` -c ${name}=${value}`)
        .join('')}`;
      try {
        await pgRun(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
        return { url: `postgres://${USER}@127.0.0.1:${port}/postgres`, stop, dataDir: data };
      } catch (err) {
        // Another process may have taken the port between freePort and the start: try another.
        if (attempt >= 3) throw err;
      }
    }
  } catch (err) {
    const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000) : '';
    await stop();
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new Error(`PostgreSQL did not start: ${detail}${log ? `\n${log}` : ''}`);
  }
}
