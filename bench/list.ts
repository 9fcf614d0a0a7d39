/**
 * list_10k_*: listing 10,000 workbooks with 50 ms simulated latency per request (simulator
 * `latency` fault), our TableauClient.listAll against a TSC-style sequential pager (pageSize 100)
 * and against the floor ⌈N/1000⌉ × latency ÷ pool (pageSize ≤ 1000, `pool` pages in flight).
 * Both sides sign in before the clock starts; runs alternate so load drifts hit both alike.
 * The simulator runs in its own process, like a remote Tableau: its work (sorting and serialising
 * 1,000-item pages) must not queue on the event loop of the client being measured.
 */
import { SessionCache, TableauClient } from '../server/tableau/index.js';
import { DEFAULT_PAGE_POOL } from '../server/tableau/paging.js';
import { startChild } from './children.js';
import type { Figure } from './report.js';
import { median } from './report.js';
import { listSequential, signInPat } from './sequential-pager.js';

export interface ListBenchOptions {
  workbooks?: number;
  latencyMs?: number;
  runs?: number;
  oursPerRun?: number;
}

/** A simulator in its own process (like a remote Tableau) with `workbooks` workbooks and `latencyMs` per request. */
export function startLargeSite(workbooks: number, latencyMs: number): ReturnType<typeof startChild> {
  return startChild({ role: 'sim', options: { site: { largeWorkbooks: workbooks }, faults: [{ kind: 'latency', ms: latencyMs }] } });
}

/** Our client, signed in to that site with its first PAT. */
export function connectTo(sim: Awaited<ReturnType<typeof startChild>>): Promise<TableauClient> {
  const demo = sim.demo!;
  return TableauClient.connect({
    serverUrl: sim.url,
    siteContentUrl: demo.siteContentUrl,
    auth: { kind: 'pat', patName: demo.patName, patSecret: demo.patSecret },
    sessions: new SessionCache(),
  });
}

export async function benchList(o: ListBenchOptions = {}): Promise<Figure[]> {
  const workbooks = o.workbooks ?? 10_000;
  const latencyMs = o.latencyMs ?? 50;
  const runs = o.runs ?? 3;
  const oursPerRun = o.oursPerRun ?? 3;
  const sim = await startLargeSite(workbooks, latencyMs);
  const demo = sim.demo!;
  try {
    const ours = await connectTo(sim);
    // A second PAT: signing in again with the same one would end our client's session (docs/tableau-rest.md#sessions).
    const seq = await signInPat(sim.url, ours.serverInfo.restApiVersion, demo.siteContentUrl, demo.otherPatName, demo.otherPatSecret);

    // A first listing warms both sides: JIT, keep-alive sockets, the simulator's serialized pages and
    // what our client remembers of the list's length (paging.ts expectedPages). Not timed.
    await ours.listAll('workbooks');
    // CPU time of one warm listing in the simulator (its own process); our client's is summed over
    // every timed listing below (one listing alone moved by ±30 ms with GC and JIT).
    await sim.ask({ type: 'heap-start' }, 'heap-started');
    await ours.listAll('workbooks');
    const simCpu = await sim.ask<{ cpuMs: number }>({ type: 'heap-stop' }, 'heap');
    let oursCpuMs = 0;

    const oursMs: number[] = [];
    const seqMs: number[] = [];
    let count = 0;
    let seqRequests = 0;
    const timed = async <R>(into: number[], run: () => Promise<R>): Promise<R> => {
      const t = performance.now();
      const r = await run();
      into.push(performance.now() - t);
      return r;
    };
    for (let i = 0; i < runs; i++) {
      const s = await timed(seqMs, () => listSequential(seq));
      // Ours is a few hundred ms against seconds: several runs per sequential one, still interleaved.
      for (let j = 0; j < oursPerRun; j++) {
        const cpu0 = process.cpuUsage();
        const items = await timed(oursMs, () => ours.listAll('workbooks'));
        const cpu = process.cpuUsage(cpu0);
        oursCpuMs += (cpu.user + cpu.system) / 1000;
        if (items.length !== s.ids.length || new Set(items.map((w) => w.id)).size !== items.length) {
          throw new Error(`list bench: our client listed ${items.length} workbooks, the sequential pager ${s.ids.length}`);
        }
        count = items.length;
      }
      seqRequests = s.requests;
    }
    const cpuNote = `CPU per listing: simulator ${simCpu.cpuMs.toFixed(0)} ms, our client ${(oursCpuMs / oursMs.length).toFixed(0)} ms (mean of ${oursMs.length})`;
    const oursMedian = median(oursMs);
    const seqMedian = median(seqMs);
    const floor = (Math.ceil(count / 1000) * latencyMs) / DEFAULT_PAGE_POOL;
    const detail = `${count.toLocaleString('en-US')} workbooks, ${latencyMs} ms latency, median of ${oursMs.length}: ours ${oursMedian.toFixed(0)} ms (pool ${DEFAULT_PAGE_POOL}, pageSize 1000)`;
    return [
      {
        name: 'list_10k_vs_sequential',
        value: seqMedian / oursMedian,
        target: 20,
        goal: 'min',
        unit: '×',
        note: `${detail}, sequential ${seqMedian.toFixed(0)} ms (median of ${seqMs.length}, ${seqRequests} requests of 100)`,
      },
      {
        name: 'list_10k_vs_floor',
        value: oursMedian / floor,
        target: 1.15,
        goal: 'max',
        unit: '×',
        note: `${detail}, floor ⌈${count}/1000⌉ × ${latencyMs} ÷ ${DEFAULT_PAGE_POOL} = ${floor.toFixed(0)} ms; ${cpuNote}`,
      },
    ];
  } finally {
    await sim.stop();
  }
}
