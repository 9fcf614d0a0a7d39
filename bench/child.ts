/**
 * A bench process of its own: the simulator (`sim`, standing in for a remote Tableau) or the
 * companion server (`server`), so neither shares an event loop or a heap with the side that
 * measures. Started by fork() (bench/children.ts); talks over IPC:
 *   → parent  {type:'ready', url, demo?}
 *   ← parent  {type:'heap-start'}  : gc, remember heapUsed as the baseline, sample every 5 ms
 *   ← parent  {type:'heap-stop'}   → {type:'heap', baselineMb, peakMb, samples, cpuMs}
 *   ← parent  {type:'rss'}         : gc → {type:'rss', rssMb, heapMb} (bench/load.ts)
 *   ← parent  {type:'loop-start'}  : start measuring this process's event-loop delay
 *   ← parent  {type:'loop-stop'}   → {type:'loop', p50Ms, p99Ms, maxMs, utilization} (bench/load.ts)
 * (cpuMs: this process's CPU time, user + system, between start and stop.)
 * It exits when the parent disconnects. BENCH_SERVER_LOG=info (or debug) sets the server's log level (default warn).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLogger } from '../server/log.js';
import { startServer } from '../server/main.js';
import { pullWork } from '../server/pull/turn-budget.js';
import { createSimulator } from '../server/sim/index.js';
import type { ChildSpec } from './children.js';
import { loopDelaySampler } from './loop-delay.js';

const MB = 1024 * 1024;

function heapSampler() {
  let timer: NodeJS.Timeout | undefined;
  let baseline = 0;
  let peak = 0;
  let samples = 0;
  let cpu = process.cpuUsage();
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    samples++;
  };
  return {
    start() {
      (globalThis as { gc?: () => void }).gc?.();
      baseline = process.memoryUsage().heapUsed;
      peak = baseline;
      samples = 0;
      cpu = process.cpuUsage();
      clearInterval(timer);
      timer = setInterval(sample, 5);
    },
    stop() {
      clearInterval(timer);
      sample();
      const used = process.cpuUsage(cpu);
      return { type: 'heap', baselineMb: baseline / MB, peakMb: peak / MB, samples, cpuMs: (used.user + used.system) / 1000 };
    },
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ChildSpec;
  const heap = heapSampler();
  const loop = loopDelaySampler();
  let close: () => Promise<void>;
  if (spec.role === 'sim') {
    const sim = await createSimulator(spec.options);
    close = () => sim.close();
    process.send!({ type: 'ready', url: sim.url, demo: sim.demo });
  } else {
    if (spec.turnBudget === 'off') pullWork.setBudgetMs(Infinity);
    const dataDir = spec.dataDir ?? mkdtempSync(join(tmpdir(), 'bench-server-'));
    const server = await startServer({
      dataDir,
      port: 0,
      protocol: 'http',
      addin: spec.addin,
      distDir: spec.distDir,
      ...(spec.databaseUrl ? { databaseUrl: spec.databaseUrl } : {}),
      logger: createLogger({ level: (process.env.BENCH_SERVER_LOG as 'warn' | undefined) ?? 'warn' }),
    });
    close = async () => {
      await server.close();
      if (!spec.dataDir) rmSync(dataDir, { recursive: true, force: true });
    };
    process.send!({ type: 'ready', url: server.url });
  }
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'heap-start') {
      heap.start();
      process.send!({ type: 'heap-started' });
    }
    if (m.type === 'heap-stop') process.send!(heap.stop());
    if (m.type === 'loop-start') {
      loop.start();
      process.send!({ type: 'loop-started' });
    }
    if (m.type === 'loop-stop') process.send!(loop.stop());
    if (m.type === 'rss') {
      (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      process.send!({ type: 'rss', rssMb: rss / MB, heapMb: heapUsed / MB });
    }
  });
  process.on('disconnect', () => void close().finally(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
