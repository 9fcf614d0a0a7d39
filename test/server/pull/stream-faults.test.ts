/**
 * Streams that break off, through the real HTTP API: companion server → fault proxy (node:net) →
 * simulator. The proxy cuts (FIN), resets (RST) or stalls (open socket, no bytes) the answer to one
 * view export or VDS query after some bytes; each ends the pull with its own words, the row count
 * and the advice, and is logged once at warn with its cause and no secret.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { StreamMessage } from '../../../common/stream.js';
import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { apiClient, captureLogger, connectDemo, parseNdjson as parse, rowsOf, tempDir } from '../http/helpers.js';
import { type FaultProxy, startFaultProxy } from '../tableau/fault-proxy.js';

const ROWS = 20_000;
const IDLE_MS = 400;

let sim: Simulator;
let proxy: FaultProxy;
let server: RunningServer;
let log: ReturnType<typeof captureLogger>;
let api: ReturnType<typeof apiClient>;
let token: string;
let cid: string;
let viewId: string;
let viewRows: number;
let datasourceId: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faults-'));
  const file = join(dir, 'Fault Orders.csv');
  const lines = ['Region,Order ID,Sales,Quantity'];
  const regions = ['East', 'West', 'Central', 'South'];
  for (let i = 0; i < ROWS; i++) lines.push(`${regions[i % 4]},ORD-${String(i).padStart(6, '0')},${(i * 1.37).toFixed(2)},${(i % 9) + 1}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  sim = await createSimulator({ csvDatasets: [file] });
  const direct = await TableauClient.connect({
    serverUrl: sim.url,
    siteContentUrl: sim.demo.siteContentUrl,
    auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    sessions: new SessionCache(),
  });
  // The largest of the simulator's own views, ~10 kB.
  viewId = (await direct.listAll('views')).find((v) => v.contentUrl === 'LargeOrdersExplorer/sheets/AllOrders')!.id;
  datasourceId = (await direct.listAll('datasources')).find((d) => d.name === 'Fault Orders')!.id;
  proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(new URL(sim.url).port) });
  log = captureLogger('info');
  server = await startServer({
    dataDir: tempDir(),
    port: 0,
    protocol: 'http',
    logger: log.logger,
    tableau: { retry: { maxAttempts: 1 }, idleTimeoutMs: IDLE_MS },
  });
  api = apiClient(server.url);
  ({ token, cid } = await connectDemo(api, sim, proxy.url));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await proxy?.close();
  await sim?.close();
});

async function pull(body: unknown) {
  const res = await api.call('POST', `/api/connections/${cid}/pull`, { token, body });
  expect(res.status, res.text).toBe(200);
  return parse(res.text);
}

const viewPull = () => pull({ source: { kind: 'view', viewId, name: 'All Orders' } });
const vdsPull = () =>
  pull({
    source: {
      kind: 'datasource',
      datasourceId,
      query: { fields: [{ fieldCaption: 'Order ID' }, { fieldCaption: 'Region' }, { fieldCaption: 'Sales' }] },
    },
  });

/** The final error message and the row count its words give. */
function failure(messages: StreamMessage[]) {
  const last = messages.at(-1)!;
  expect(last.kind, JSON.stringify(last)).toBe('error');
  const error = (last as Extract<StreamMessage, { kind: 'error' }>).error;
  const count = /after ([\d,]+) rows?/.exec(error.message)?.[1];
  return { error, rows: count === undefined ? undefined : Number(count.replace(/,/g, '')) };
}

const warnLines = (since: number, msg: string) =>
  log
    .text()
    .slice(since)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { level: number; msg: string; [k: string]: unknown })
    .filter((l) => l.level === 40 && l.msg === msg);

describe('a stream that breaks off', () => {
  it('the full pulls work through the proxy (the baseline)', async () => {
    viewRows = rowsOf(await viewPull()).length;
    expect(viewRows).toBeGreaterThan(50);
    expect(rowsOf(await vdsPull())).toHaveLength(ROWS);
  });

  it('a view export cut by Tableau (FIN mid-body): "Tableau cut the data stream after N rows", logged once at warn', async () => {
    const before = log.text().length;
    proxy.arm({ kind: 'cut', match: /^GET \S+\/views\/\S+\/data/, afterBytes: 5_000 });
    const messages = await viewPull();
    // The CSV is typed whole before any row goes out: the error is the only message.
    expect(messages).toHaveLength(1);
    const { error, rows } = failure(messages);
    expect(error.code).toBe('stream-interrupted');
    expect(error.message).toMatch(/^Tableau cut the data stream after [\d,]+ rows; the previous data in your table is kept\. Try again\.$/);
    // About half of the ~10 kB export arrived: some rows, surely not all of them.
    expect(rows).toBeGreaterThan(viewRows / 5);
    expect(rows).toBeLessThan(viewRows);
    const warned = warnLines(before, 'tableau data stream broke off');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ failure: 'cut', target: proxy.url.replace('http://', 'http://') });
    expect(String(warned[0].request)).toMatch(/^GET \/api\/[\d.]+\/sites\/[^/]+\/views\/[^/?]+\/data$/);
    expect(log.text()).not.toContain(sim.demo.patSecret);
  });

  it('a VDS answer cut mid-body: the words count the rows that had arrived', async () => {
    proxy.arm({ kind: 'cut', match: /^POST \S+\/query-datasource/, afterBytes: 200_000 });
    const messages = await vdsPull();
    expect(messages[0].kind).toBe('meta');
    const { error, rows } = failure(messages);
    expect(error.code).toBe('stream-interrupted');
    expect(error.message).toMatch(/^Tableau cut the data stream after [\d,]+ rows; the previous data in your table is kept\. Try again\.$/);
    expect(rows).toBeGreaterThanOrEqual(rowsOf(messages).length);
    expect(rows).toBeGreaterThan(1_000);
    expect(rows).toBeLessThan(ROWS);
  });

  it('a reset (RST) mid-body says the connection was reset', async () => {
    const before = log.text().length;
    proxy.arm({ kind: 'reset', match: /^GET \S+\/views\/\S+\/data/, afterBytes: 5_000 });
    const { error, rows } = failure(await viewPull());
    expect(error.code).toBe('stream-interrupted');
    expect(error.message).toMatch(
      /^The connection to Tableau was reset after [\d,]+ rows \(by Tableau or by the network in between\); the previous data in your table is kept\. Try again\.$/,
    );
    expect(rows).toBeGreaterThan(viewRows / 5);
    expect(rows).toBeLessThan(viewRows);
    expect(warnLines(before, 'tableau data stream broke off')).toMatchObject([{ failure: 'reset' }]);
  });

  it('a stall (socket open, no bytes) ends after the idle timeout with its own words', async () => {
    const before = log.text().length;
    proxy.arm({ kind: 'stall', match: /^POST \S+\/query-datasource/, afterBytes: 100_000 });
    const started = Date.now();
    const messages = await vdsPull();
    const { error, rows } = failure(messages);
    expect(error.code).toBe('stream-stalled');
    expect(error.message).toMatch(
      /^Tableau stopped sending data for 400 ms after [\d,]+ rows; the previous data in your table is kept\. Try again\.$/,
    );
    expect(rows).toBeGreaterThan(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(warnLines(before, 'tableau stopped sending data')).toMatchObject([{ failure: 'stalled', idleMs: IDLE_MS }]);
  });

  it('a stalled view export too (the CSV is read whole before typing: no row was sent yet)', async () => {
    proxy.arm({ kind: 'stall', match: /^GET \S+\/views\/\S+\/data/, afterBytes: 5_000 });
    const messages = await viewPull();
    expect(messages).toHaveLength(1);
    const { error, rows } = failure(messages);
    expect(error.code).toBe('stream-stalled');
    expect(rows).toBeGreaterThan(viewRows / 5);
    expect(rows).toBeLessThan(viewRows);
  });

  it('after all that, the same pulls work again (the faults hit once)', async () => {
    expect(rowsOf(await viewPull())).toHaveLength(viewRows);
    expect(rowsOf(await vdsPull())).toHaveLength(ROWS);
    expect(proxy.fired()).toBe(5);
  });
});
