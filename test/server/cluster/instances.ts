/**
 * Real server instances for the cluster test: `node --import tsx server/main.ts`, configured only
 * through the environment as an operator would (docs/deploy.md), each logging pino JSON lines to
 * its stdout. The port is the one the banner prints (PORT=0: a free port); an instance counts as
 * up when GET /health/ready answers 200 — what a proxy or orchestrator would ask.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
  /** Everything it printed so far (the banner, then JSON log lines). */
  output(): string;
  /** Its JSON log lines, parsed. */
  logs(): Array<Record<string, unknown>>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

const BANNER_URL = /Open the task pane:\s+http:\/\/127\.0\.0\.1:(\d+)\//;

export async function startInstance(name: string, env: Record<string, string>, timeoutMs = 60_000): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', HTTP: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const instance: Instance = {
    name,
    port: 0,
    child,
    output: () => out,
    logs: () =>
      out
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  const end = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`instance ${name} exited (${child.exitCode}): ${out}`);
      const port = BANNER_URL.exec(out)?.[1];
      if (port) {
        instance.port = Number(port);
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ready) return instance;
      }
      if (Date.now() > end) throw new Error(`instance ${name} not ready after ${timeoutMs} ms: ${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await instance.kill('SIGKILL');
    throw err;
  }
}
