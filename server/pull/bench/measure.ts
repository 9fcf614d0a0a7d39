/**
 * Timing for the pull benchmarks on a busy machine: runs A and B alternately and keeps the best of
 * each, in wall time and in CPU time (process.cpuUsage, which other processes' load does not inflate).
 */
export interface Timing {
  wallMs: number;
  cpuMs: number;
}

export async function timeOnce(fn: () => unknown): Promise<Timing> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const cpu = process.cpuUsage();
  const t = performance.now();
  await fn();
  const wallMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

export async function bestOfAlternating(a: () => unknown, b: () => unknown, runs = 3): Promise<[Timing, Timing]> {
  const best = (x: Timing, y: Timing): Timing => ({ wallMs: Math.min(x.wallMs, y.wallMs), cpuMs: Math.min(x.cpuMs, y.cpuMs) });
  let ta: Timing = { wallMs: Infinity, cpuMs: Infinity };
  let tb: Timing = { wallMs: Infinity, cpuMs: Infinity };
  for (let i = 0; i < runs; i++) {
    ta = best(ta, await timeOnce(a));
    tb = best(tb, await timeOnce(b));
  }
  return [ta, tb];
}
