/** Parent side of bench/child.ts: fork, wait for `ready`, request/response over IPC, stop. */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { SimulatorDemo, SimulatorOptions } from '../server/sim/index.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export interface BenchChild {
  url: string;
  /** The child's process id (bench/proc-cpu.ts reads its CPU time). */
  pid: number;
  demo?: SimulatorDemo;
  /** Sends `message` and resolves with the first reply of type `replyType`. */
  ask<T>(message: object, replyType: string): Promise<T>;
  stop(): Promise<void>;
}

export type ChildSpec =
  | { role: 'sim'; options: SimulatorOptions }
  | {
      role: 'server';
      addin: 'off' | 'static';
      distDir?: string;
      /** The store on PostgreSQL (and scheduled pulls on its job queue) instead of SQLite. */
      databaseUrl?: string;
      /** A data directory the parent owns (instances of one store share its key file); default a fresh one. */
      dataDir?: string;
      /** 'off': the pulls' turn budget (server/pull/turn-budget.ts) lets every slice run at once (bench/load.ts A/B). */
      turnBudget?: 'off';
    };

export async function startChild(spec: ChildSpec): Promise<BenchChild> {
  // --expose-gc: the heap baseline is taken right after a full collection.
  // BENCH_CPU_PROF=<dir>: every bench process writes a V8 CPU profile there (open in Chrome DevTools).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}/${spec.role}`] : [];
  const child: ChildProcess = fork(CHILD, [JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...prof],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ url: string; demo?: SimulatorDemo }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; demo?: SimulatorDemo }));
    child.once('exit', (code) => reject(new Error(`bench ${spec.role} process exited (${code}) before it was ready`)));
  });
  return {
    url: ready.url,
    pid: child.pid!,
    demo: ready.demo,
    ask: <T>(message: object, replyType: string) =>
      new Promise<T>((resolve) => {
        const on = (m: unknown) => {
          if ((m as { type?: string }).type !== replyType) return;
          child.off('message', on);
          resolve(m as T);
        };
        child.on('message', on);
        child.send(message);
      }),
    stop: async () => {
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
