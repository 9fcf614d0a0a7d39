/**
 * CPU time of processes from Linux's /proc (proc(5): /proc/<pid>/stat fields 14–17, utime, stime,
 * cutime, cstime, in clock ticks of sysconf(_SC_CLK_TCK), 100 on Linux x86-64 and arm64). The team
 * bench reads it for its instances, the simulator and PostgreSQL, whose backends are processes of
 * their own: wall figures are noisy on a shared machine, CPU per run is not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TICK_MS = 10;

interface Stat {
  ppid: number;
  /** utime + stime */
  own: number;
  /** cutime + cstime: children that ended and were waited for */
  reaped: number;
}

function stat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone
  }
  // The command name (field 2) is in parentheses and may hold spaces: split after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): field n is fields[n - 3].
  const n = (field: number) => Number(fields[field - 3]);
  return { ppid: n(4), own: (n(14) + n(15)) * TICK_MS, reaped: (n(16) + n(17)) * TICK_MS };
}

/** CPU ms one process has used so far (its own threads only). */
export function processCpuMs(pid: number): number {
  return stat(pid)?.own ?? Number.NaN;
}

/**
 * CPU ms a PostgreSQL cluster has used so far: the postmaster, its live children (backends,
 * background workers) and the children that ended (reaped into the postmaster's cutime).
 */
export function postgresCpuMs(dataDir: string): number {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const main = stat(postmaster);
  if (!main) return Number.NaN;
  let total = main.own + main.reaped;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const child = stat(Number(name));
    if (child?.ppid === postmaster) total += child.own;
  }
  return total;
}

/** Live processes under `root` (its children, their children, …), `root` included. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** The command line of a process ('' when it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * CPU ms of each live thread of the processes `pids` that `pick` chooses by its name
 * (/proc/<pid>/task/<tid>/comm: Chromium names a worker's thread "DedicatedWorker"; a process's
 * main thread has tid = pid), keyed by thread id.
 */
export function threadsCpuMs(pids: number[], pick: (name: string, pid: number, tid: number) => boolean): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        if (!pick(readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(), pid, Number(tid))) continue;
        const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
        out.set(Number(tid), (Number(fields[14 - 3]) + Number(fields[15 - 3])) * TICK_MS);
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return out;
}
