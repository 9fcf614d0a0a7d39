/**
 * A trace of list_10k (bench/list.ts) for finding where a listing's time goes: our client lists
 * 10,007 workbooks LISTINGS times (default 12) against a simulator in its own process (50 ms
 * latency), and prints for each listing when pages 9–11 went out and came back and when the
 * listing resolved, then the whole timeline of the last one: each page's request written
 * (`send`, when its socket takes it), its status and headers in (`head`), its body in (`end`), and
 * V8's GC pauses (kind 1 scavenge, 4 mark-compact, 8 incremental). Last: every listing's wall time
 * after two warm-ups, their median, our client's CPU per listing, and how long after the latest
 * answer's headers each request of pages 5 on went out (the pool's turnaround).
 *
 *   npx tsx --expose-gc bench/list-trace.ts            (add --cpu-prof for a profile)
 *
 * An A/B of two versions: run it in two checkouts, alternating, several times each; on a shared
 * machine compare medians and CPU within one alternation (docs/performance.md, List).
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { PerformanceObserver } from 'node:perf_hooks';

import { connectTo, startLargeSite } from './list.js';

const events: Array<{ t: number; what: string }> = [];
let t0 = 0;
const log = (what: string, at = performance.now()) => events.push({ t: at - t0, what });

diagnostics.subscribe('http.client.request.start', (message) => {
  const { request } = message as { request: ClientRequest };
  const page = /pageNumber=(\d+)/.exec(request.path)?.[1];
  if (!page) return;
  log(`send p${page}`);
  request.once('response', (res: IncomingMessage) => {
    log(`head p${page}`);
    res.once('end', () => log(`end  p${page}`));
  });
});
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    log(`gc ${(e as unknown as { detail: { kind: number } }).detail.kind} ${e.duration.toFixed(2)} ms`, e.startTime);
}).observe({ entryTypes: ['gc'] });

const sim = await startLargeSite(10_000, 50);
try {
  const ours = await connectTo(sim);
  const listings = Number(process.env.LISTINGS ?? 12);
  const wall: number[] = [];
  // How long after an answer came in (its headers) the request that took its place went out.
  const lags: number[] = [];
  let cpuMs = 0;
  for (let i = 0; i < listings; i++) {
    events.length = 0;
    t0 = performance.now();
    const cpu = process.cpuUsage();
    const items = await ours.listAll('workbooks');
    log(`resolved ${items.length}`);
    const used = process.cpuUsage(cpu);
    if (i > 1) {
      wall.push(performance.now() - t0);
      cpuMs += (used.user + used.system) / 1000;
    }
    for (const sent of events.filter((e) => /^send p([5-9]|\d\d)/.test(e.what))) {
      const heads = events.filter((e) => e.what.startsWith('head') && e.t <= sent.t);
      if (heads.length) lags.push(sent.t - Math.max(...heads.map((e) => e.t)));
    }
    // The GC entries of this listing come in on a later turn.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const at = (what: string) => events.find((e) => e.what.startsWith(what))?.t.toFixed(1) ?? '-';
    const gcs = events.filter((e) => e.what.startsWith('gc')).map((e) => `${e.t.toFixed(0)}: ${e.what}`);
    console.log(
      `#${i} p1 out ${at('send p1')}, p9/p10/p11 out ${at('send p9')}/${at('send p10')}/${at('send p11')},`,
      `in ${at('head p9')}/${at('head p10')}/${at('head p11')}, resolved ${at('resolved')} | ${gcs.join(', ')}`,
    );
  }
  for (const e of events.sort((a, b) => a.t - b.t)) console.log(e.t.toFixed(2).padStart(8), e.what);
  wall.sort((a, b) => a - b);
  console.log(
    `listings ${wall.map((ms) => ms.toFixed(0)).join(' ')}; median ${wall[wall.length >> 1].toFixed(1)} ms;`,
    `CPU per listing ${(cpuMs / wall.length).toFixed(1)} ms;`,
    `a request out after the answer before it: median ${[...lags].sort((a, b) => a - b)[lags.length >> 1].toFixed(2)} ms`,
  );
} finally {
  await sim.stop();
}
