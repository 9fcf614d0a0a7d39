/**
 * e2e_*: a million rows from the click to the table (issue #18), in the product as a user runs it:
 * the simulator (a remote Tableau) → the companion server (static add-in) → the pane in headless
 * Chromium, in the browser preview, i.e. the one gateway over the in-memory Excel. The pane builds a
 * VDS query of 'Superstore Large' (ten fields, Row ID among them, so 1,000,000 rows × 10 columns),
 * previews it and inserts it on a new sheet.
 *  - e2e_1m_vs_slowest_stage: the click on Insert (the click event's own timestamp) to the success
 *    message (a MutationObserver), divided by the slowest of the insert's stages, each measured
 *    alone in the same pane right before (addin/app/insertStages.ts): the server's stream read whole,
 *    the decode of those bytes, the add-in's own work on every chunk (Excel left out), and the
 *    in-memory Excel applying those requests. ≤ 1.3 means the stages overlap instead of adding up.
 *  - e2e_1m_longest_task_ms: the longest main-thread task of the pane between the click and the
 *    message (PerformanceObserver 'longtask': tasks over 50 ms).
 *  - e2e_1m_heap_vs_values: the pane's JS heap peak during the insert (CDP Runtime.getHeapUsage
 *    every 20 ms, after a forced GC before the click) over the size of the table's values as an
 *    engine must hold them at the least (insertStages.ts decodeAlone: 8 bytes a number, 1–2 a character).
 *  - e2e_cancel_ms: another insert of the same query, cancelled once 100,000 rows are in: the Cancel
 *    click's timestamp to "Insert cancelled." on screen, with the workbook as before (no new sheet,
 *    no new table).
 * A warm-up insert first (the simulator computes and caches the query, both processes JIT the path);
 * its sheet is deleted before anything is measured. Then BENCH_E2E_ROUNDS (default 3) rounds of:
 * the stages alone, the insert, the cancelled insert, the inserted sheet deleted; each figure is the
 * median of the rounds' own (ratios within a round, so the machine's load, shared with others,
 * moves both sides of a ratio alike). BENCH_CPU_PROF=<dir>: a CPU profile of the first round's
 * insert (CDP Profiler) is written there and its top functions by self time printed;
 * BENCH_E2E_SCREENSHOT=<file.png>: the pane right after that insert; BENCH_TRACE=<file.json>: a
 * Chromium trace of that insert with V8's GC events (each event's `tdur` is its thread's CPU time,
 * `dur` its wall time: a thread waiting for a core shows as dur ≫ tdur).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';

import { ensureAddinBuild } from '../scripts/ensure-build.js';
import { startChild } from './children.js';
import { commandLine, processCpuMs, processTree, threadsCpuMs } from './proc-cpu.js';
import type { Figure } from './report.js';
import { median } from './report.js';
import { VDS_FIELDS } from './vds.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const OFFICE_JS_CDN = 'https://appsforoffice.microsoft.com/lib/1/hosted/';
const ROWS = 1_000_000;

/** Installed before any page script: long tasks, click timestamps, and when a text first shows. */
const PROBE = `(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration }); })
    .observe({ type: 'longtask', buffered: true });
  window.__clicks = [];
  document.addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest('button') : null;
    if (b) window.__clicks.push({ text: b.textContent.trim(), at: e.timeStamp });
  }, true);
  window.__seen = {};
  // Only the nodes each mutation adds are read (the grid re-renders thousands of cells; reading the
  // whole page's text on every mutation, or Playwright's text polling, would be the pane's longest task).
  window.__watch = (key, text) => {
    const observer = new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) {
        if (window.__seen[key] === undefined && (n.textContent || '').includes(text)) { window.__seen[key] = performance.now(); observer.disconnect(); return; }
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  };
})();`;

interface Round {
  wallMs: number;
  stages: Record<string, number>;
  longest: number;
  longTasks: number;
  blockedMs: number;
  heapPeak: number;
  heapBaseline: number;
  cancelMs: number;
  /** CPU during the insert, and during the stream stage alone. */
  cpu: CpuUse;
  streamCpu: CpuUse;
  /** Main-thread CPU of the stages that run on it, each alone. */
  stageCpu: Record<string, number>;
}

interface PageState {
  longTasks: { start: number; ms: number }[];
  clicks: { text: string; at: number }[];
  seen: Record<string, number>;
}
const state = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __longTasks: PageState['longTasks']; __clicks: PageState['clicks']; __seen: PageState['seen'] };
    return { longTasks: w.__longTasks, clicks: w.__clicks, seen: w.__seen };
  });

async function officeJsFromPackage(context: BrowserContext): Promise<void> {
  const { existsSync, readFileSync } = await import('node:fs');
  const dir = join(process.cwd(), 'node_modules/@microsoft/office-js/dist');
  await context.route(`${OFFICE_JS_CDN}**`, async (route) => {
    const file = join(dir, new URL(route.request().url()).pathname.slice(new URL(OFFICE_JS_CDN).pathname.length));
    if (!file.startsWith(`${dir}/`) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    await route.fulfill({ status: 200, contentType: 'application/javascript; charset=utf-8', body: readFileSync(file) });
  });
}

/** Samples the page's used JS heap until stopped; the peak in bytes. */
function heapSampler(cdp: CDPSession): { stop(): Promise<{ peak: number; samples: number }> } {
  let peak = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      peak = Math.max(peak, usedSize);
      samples++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peak, samples };
    },
  };
}

/** CPU ms used while it runs, by: the pane's main thread, its workers, the server, the simulator. */
interface CpuUse {
  main: number;
  workers: number;
  server: number;
  sim: number;
}

/**
 * CPU time (/proc, proc-cpu.ts) of the pane's main thread and its worker threads (Chromium's thread
 * names), the companion server and the simulator, sampled every 100 ms so a worker thread's time is
 * kept after it ends: what shows whether the stages overlap on the cores or wait for them.
 */
function cpuSampler(pids: { server: number; sim: number }): { stop(): CpuUse } {
  // The browser's renderers (one page: the pane's, and perhaps a spare one doing nothing).
  const renderers = processTree(process.pid).filter((p) => commandLine(p).includes('--type=renderer'));
  const pick = {
    main: (_name: string, pid: number, tid: number) => tid === pid,
    workers: (name: string) => name.startsWith('DedicatedWorker'),
  };
  const take = (k: keyof typeof pick) => threadsCpuMs(renderers, pick[k]);
  const start = { main: take('main'), workers: take('workers'), server: processCpuMs(pids.server), sim: processCpuMs(pids.sim) };
  const last = { main: new Map(start.main), workers: new Map(start.workers) };
  const sample = () => {
    for (const k of ['main', 'workers'] as const) for (const [tid, ms] of take(k)) last[k].set(tid, ms);
  };
  const timer = setInterval(sample, 100);
  const used = (k: 'main' | 'workers') => [...last[k]].reduce((a, [tid, ms]) => a + ms - (start[k].get(tid) ?? 0), 0);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return {
        main: used('main'),
        workers: used('workers'),
        server: processCpuMs(pids.server) - start.server,
        sim: processCpuMs(pids.sim) - start.sim,
      };
    },
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
/** Self time by function of a CDP CPU profile, the top `n`, as "name (file:line) ms". */
function topSelfTime(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, n: number): string[] {
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0;
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} (${f.url.split('/').pop() || 'native'}:${f.lineNumber + 1})`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  return [...byFn.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${k} ${(us / 1000).toFixed(0)} ms`);
}

async function connectAndQuery(page: Page, sim: { url: string; demo: { siteContentUrl: string; patName: string; patSecret: string } }) {
  await page.getByLabel('Server URL').fill(sim.url);
  await page.getByLabel('Site ID').fill(sim.demo.siteContentUrl);
  await page.getByLabel('Token name').fill(sim.demo.patName);
  await page.getByLabel('Token secret').fill(sim.demo.patSecret);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('tab', { name: 'Data sources' }).click({ timeout: 30_000 });
  await page.getByRole('button', { name: /^Superstore Large/ }).click();
  const add = page.getByLabel('Add a field');
  await add.waitFor({ timeout: 30_000 });
  for (const f of VDS_FIELDS) await add.selectOption(f);
  await page.getByRole('button', { name: 'Preview data' }).click();
  await page.getByLabel('Table name').waitFor({ timeout: 120_000 });
}

/** Fills the table name, clicks Insert; resolves with the pull request the insert sent. */
async function startInsert(page: Page, name: string): Promise<{ url: string; token: string; body: unknown }> {
  await page.getByLabel('Table name').fill(name);
  const pull = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/pull'), { timeout: 60_000 });
  await page.getByRole('button', { name: 'Insert', exact: true }).click();
  const req = await pull;
  return { url: req.url(), token: (req.headers().authorization ?? '').replace(/^Bearer /, ''), body: req.postDataJSON() as unknown };
}

/** Waits (polling twice a second: cheap for the pane) until the watched text has shown. */
const seen = (page: Page, key: string) =>
  page.waitForFunction((k) => (window as unknown as { __seen: Record<string, number> }).__seen[k] !== undefined, key, {
    timeout: 600_000,
    polling: 500,
  });

const inserted = (name: string) => `Inserted ${ROWS.toLocaleString('en-US')} rows into ${name}`;

export async function benchE2e(): Promise<Figure[]> {
  const { outDir } = await ensureAddinBuild();
  const sim = await startChild({ role: 'sim', options: {} });
  const server = await startChild({ role: 'server', addin: 'static', distDir: outDir });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await officeJsFromPackage(context);
    await context.addInitScript(PROBE);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await page.goto(`${server.url}/taskpane.html`, { timeout: 60_000 });
    await connectAndQuery(page, { url: sim.url, demo: sim.demo! });

    // Warm-up insert; then its sheet goes and the heap is collected.
    await page.evaluate(() =>
      (window as unknown as { __watch(k: string, t: string): void }).__watch('warm', 'Inserted 1,000,000 rows into Warm'),
    );
    const pull = await startInsert(page, 'Warm');
    await page.getByText(inserted('Warm')).first().waitFor({ timeout: 600_000 });
    await page.evaluate(() => {
      const wb = (window as unknown as { __previewWorkbook: { deleteSheet(n: string): void; notify(): void } }).__previewWorkbook;
      wb.deleteSheet('Warm');
      wb.notify();
    });

    // Each stage alone, in the pane, on the same pull.
    type Stages = {
      streamAlone(u: string, t: string, b: unknown): Promise<{ ms: number; bytes: number }>;
      decodeAlone(): Promise<{ ms: number; rows: number; valueBytes: number }>;
      addinAlone(): Promise<{ ms: number; requests: number }>;
      excelAlone(): Promise<{ ms: number }>;
    };
    const stage = <K extends keyof Stages>(k: K, ...args: Parameters<Stages[K]>) =>
      page.evaluate(
        async ([key, a]) => {
          const load = (window as unknown as { __previewStages(): Promise<Record<string, (...x: unknown[]) => Promise<unknown>>> })
            .__previewStages;
          return (await load())[key as string](...(a as unknown[]));
        },
        [k, args] as const,
      ) as ReturnType<Stages[K]>;
    const workbookState = () =>
      page.evaluate(() => {
        const wb = (window as unknown as { __previewWorkbook: { sheets: { name: string }[]; tables: { name: string }[] } })
          .__previewWorkbook;
        return JSON.stringify({ sheets: wb.sheets.map((s) => s.name), tables: wb.tables.map((t) => t.name) });
      });
    const watch = (key: string, text: string) =>
      page.evaluate(([k, t]) => (window as unknown as { __watch(k: string, t: string): void }).__watch(k, t), [key, text] as const);

    const prof = process.env.BENCH_CPU_PROF;
    const rounds = Number(process.env.BENCH_E2E_ROUNDS ?? 3);
    const results: Round[] = [];
    let valueBytes = 0;
    let wireBytes = 0;
    let requests = 0;
    for (let i = 1; i <= rounds; i++) {
      const withCpu = async <T>(run: () => Promise<T>): Promise<[T, CpuUse]> => {
        const c = cpuSampler({ server: server.pid, sim: sim.pid });
        const out = await run();
        return [out, c.stop()];
      };
      const [stream, streamUse] = await withCpu(() => stage('streamAlone', pull.url, pull.token, pull.body));
      const [decode, decodeUse] = await withCpu(() => stage('decodeAlone'));
      if (decode.rows !== ROWS) throw new Error(`e2e bench: the pull had ${decode.rows} rows, expected ${ROWS}`);
      const [addin, addinUse] = await withCpu(() => stage('addinAlone'));
      const [excel, excelUse] = await withCpu(() => stage('excelAlone'));
      valueBytes = decode.valueBytes;
      wireBytes = stream.bytes;
      requests = addin.requests;
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize: baseline } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };

      // The measured insert (profiled in the first round when asked).
      if (prof && i === 1) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
        await cdp.send('Profiler.start');
      }
      const table = `Orders${i}`;
      await watch(`done${i}`, inserted(table));
      const trace = process.env.BENCH_TRACE;
      if (trace && i === 1)
        await cdp.send('Tracing.start', {
          categories: 'devtools.timeline,v8,blink,toplevel,disabled-by-default-v8.gc,disabled-by-default-devtools.timeline',
          transferMode: 'ReturnAsStream',
        });
      const sampler = heapSampler(cdp);
      const cpu = cpuSampler({ server: server.pid, sim: sim.pid });
      await startInsert(page, table);
      await seen(page, `done${i}`);
      if (trace && i === 1) await saveTrace(cdp, trace);
      const cpuUse = cpu.stop();
      const heap = await sampler.stop();
      if (prof && i === 1) {
        const { profile } = (await cdp.send('Profiler.stop')) as { profile: Parameters<typeof topSelfTime>[0] };
        mkdirSync(prof, { recursive: true });
        writeFileSync(join(prof, 'e2e-insert.cpuprofile'), JSON.stringify(profile));
        process.stderr.write(`e2e insert, self time by function:\n  ${topSelfTime(profile, 25).join('\n  ')}\n`);
      }
      if (process.env.BENCH_E2E_SCREENSHOT && i === 1) await page.screenshot({ path: process.env.BENCH_E2E_SCREENSHOT });
      const s1 = await state(page);
      const clickAt = s1.clicks.filter((c) => c.text === 'Insert').at(-1)!.at;
      const wallMs = s1.seen[`done${i}`] - clickAt;
      const during = s1.longTasks.filter((t) => t.start + t.ms > clickAt && t.start < clickAt + wallMs);

      // Cancel: the same insert again, cancelled once 100,000 rows are written.
      const before = await workbookState();
      await watch(`cancelled${i}`, 'Insert cancelled.');
      await startInsert(page, `Cancelled${i}`);
      await page.waitForFunction(
        () => {
          // The visible count is the progress bar's field label (the live region says only tenths).
          const field = document.querySelector('[role="progressbar"]')?.parentElement?.textContent ?? '';
          const m = /Writing rows… ([\d,]+)/.exec(field);
          return m !== null && Number(m[1].replace(/,/g, '')) >= 100_000;
        },
        undefined,
        { timeout: 120_000, polling: 50 },
      );
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      await seen(page, `cancelled${i}`);
      const s2 = await state(page);
      const cancelMs = s2.seen[`cancelled${i}`] - s2.clicks.filter((c) => c.text === 'Cancel').at(-1)!.at;
      const after = await workbookState();
      if (after !== before) throw new Error(`e2e bench: Cancel changed the workbook: before ${before}, after ${after}`);

      const stages = { stream: stream.ms, decode: decode.ms, 'add-in': addin.ms, Excel: excel.ms };
      results.push({
        wallMs,
        stages,
        longest: Math.max(0, ...during.map((t) => t.ms)),
        longTasks: during.length,
        blockedMs: during.reduce((a, t) => a + t.ms, 0),
        heapPeak: heap.peak,
        heapBaseline: baseline,
        cancelMs,
        cpu: cpuUse,
        streamCpu: streamUse,
        stageCpu: { decode: decodeUse.main, 'add-in': addinUse.main, Excel: excelUse.main },
      });
      process.stderr.write(`e2e round ${i}: ${JSON.stringify(results.at(-1))}\n`);
      // The next round starts from the same workbook.
      await page.evaluate((name) => {
        const wb = (window as unknown as { __previewWorkbook: { deleteSheet(n: string): void; notify(): void } }).__previewWorkbook;
        wb.deleteSheet(name);
        wb.notify();
      }, table);
    }

    const slowest = (r: Round) => Object.entries(r.stages).sort((a, b) => b[1] - a[1])[0];
    const each = (f: (r: Round) => string) => results.map(f).join('; ');
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const cpuText = (c: CpuUse) => `${ms(c.main)} + ${ms(c.workers)} + ${ms(c.server)} + ${ms(c.sim)}`;
    const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
    return [
      {
        name: 'e2e_1m_vs_slowest_stage',
        value: median(results.map((r) => r.wallMs / slowest(r)[1])),
        target: 1.3,
        goal: 'max',
        unit: '×',
        note: `median of ${rounds} rounds; click to "Inserted 1,000,000 rows" vs the slowest stage alone, per round: ${each(
          (r) =>
            `${ms(r.wallMs)} vs ${slowest(r)[0]} (${Object.entries(r.stages)
              .map(([k, v]) => `${k} ${ms(v)}`)
              .join(', ')})`,
        )}; ${mb(wireBytes)} of NDJSON, ${requests} requests; CPU in the insert (pane main thread, its workers, server, simulator) per round: ${each(
          (r) => `${cpuText(r.cpu)} in ${ms(r.wallMs)}`,
        )}; in the stream stage alone: ${each((r) => cpuText(r.streamCpu))}; main-thread CPU of the other stages alone: ${each((r) =>
          Object.entries(r.stageCpu)
            .map(([k, v]) => `${k} ${ms(v)}`)
            .join(', '),
        )}`,
      },
      {
        name: 'e2e_1m_longest_task_ms',
        value: median(results.map((r) => r.longest)),
        target: 100,
        goal: 'max',
        unit: 'ms',
        note: `median of ${rounds} rounds; per round the longest, the number of long tasks (> 50 ms) and their share of the insert: ${each(
          (r) => `${ms(r.longest)}, ${r.longTasks}, ${((100 * r.blockedMs) / r.wallMs).toFixed(0)} %`,
        )}`,
      },
      {
        name: 'e2e_1m_heap_vs_values',
        value: median(results.map((r) => r.heapPeak)) / valueBytes,
        target: 3,
        goal: 'max',
        unit: '×',
        note: `JS heap peak, median of ${rounds} rounds (${each((r) => `${mb(r.heapPeak)} over ${mb(r.heapBaseline)} after a GC`)}), vs ${mb(valueBytes)} of values`,
      },
      {
        name: 'e2e_cancel_ms',
        value: median(results.map((r) => r.cancelMs)),
        target: 200,
        goal: 'max',
        unit: 'ms',
        note: `median of ${rounds}: ${each((r) => ms(r.cancelMs))}; Cancel click to "Insert cancelled." after ≥ 100,000 rows, the workbook's sheets and tables as before each time`,
      },
    ];
  } finally {
    await browser.close();
    await server.stop();
    await sim.stop();
  }
}

/** BENCH_TRACE=<file>: a Chromium trace of the first round's insert, GC events included (CDP Tracing). */
async function saveTrace(cdp: CDPSession, file: string): Promise<void> {
  const done = new Promise<{ stream: string }>((resolve) => cdp.once('Tracing.tracingComplete', resolve as never));
  await cdp.send('Tracing.end');
  const { stream } = await done;
  const parts: string[] = [];
  for (;;) {
    const { data, eof } = (await cdp.send('IO.read', { handle: stream })) as { data: string; eof: boolean };
    parts.push(data);
    if (eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  writeFileSync(file, parts.join(''));
}
