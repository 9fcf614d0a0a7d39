/**
 * How the simulator sends query results per version (vds_create_queries.html "Results handling and
 * error checking", "Server-sent event support"): 2026.1 streams JSON or server-sent events (METADATA,
 * DATA, ERROR), with no 1 GB cap; older servers assemble the answer first and cap it. Faults stop a
 * stream after some rows, with an error or by closing it.
 */
import { createParser } from 'eventsource-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { FaultController, type FaultPlan } from '../../../../server/sim/faults.js';
import { buildApp, type FakeState } from './fake-host.js';

const state: FakeState = { version: '2026.1.0', vds: true };
let plan: FaultPlan | undefined;
const app = buildApp(state, { datasources: [{ id: 'ds1', name: 'Superstore', dataKey: 'superstore-orders', apiAccess: true }] });
// What the simulator's fault hook (hooks.ts) hands the routes.
app.addHook('onRequest', async (request) => {
  request.simFaults = plan;
});

/** 10,000 order lines, one row each (Row ID is unique). */
const ROW_QUERY = { fields: [{ fieldCaption: 'Row ID', sortPriority: 1 }, { fieldCaption: 'Region' }, { fieldCaption: 'Sales' }] };
const query = (options: Record<string, unknown>, q: object = ROW_QUERY) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/vizql-data-service/query-datasource',
    headers: { 'x-tableau-auth': 'good' },
    payload: { datasource: { datasourceLuid: 'ds1' }, query: q, options },
  });

/** The events of an SSE body as the standard frames them: each one's data parsed as JSON. */
function eventsOf(body: string): Array<{ event: string; data: unknown }> {
  const events: Array<{ event: string; data: unknown }> = [];
  const parser = createParser({ onEvent: (e) => events.push(JSON.parse(e.data) as { event: string; data: unknown }) });
  parser.feed(body);
  return events;
}

const stop = (kind: 'error' | 'cut', afterRows: number): FaultPlan => ({
  delayMs: 0,
  expireToken: false,
  malformedJson: false,
  vdsStream: kind === 'error' ? { kind, afterRows, errorCode: '500000' } : { kind, afterRows },
});

beforeEach(() => {
  state.version = '2026.1.0';
  plan = undefined;
});
afterEach(async () => {
  await app.inject({ method: 'POST', url: '/_sim/data/vds/limits/reset' });
});

describe('VDS results as server-sent events (2026.1)', () => {
  it('sends METADATA with the row count, then DATA events holding the same rows as the JSON answer', async () => {
    const sse = await query({ returnFormat: 'ARRAYS', returnServerSentEvents: true });
    expect(sse.statusCode).toBe(200);
    expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
    // Every frame is one `data:` line and a blank line, nothing else.
    expect(sse.body).toMatch(/^(data: [^\n]+\n\n)+$/);
    const events = eventsOf(sse.body);
    expect(events[0]).toEqual({ event: 'METADATA', data: { rowCount: 10_000 } });
    const batches = events.slice(1);
    expect(batches.every((e) => e.event === 'DATA')).toBe(true);
    // A small first batch (the first rows leave at once), then full ones.
    expect((batches[0].data as unknown[]).length).toBeLessThan((batches[1].data as unknown[]).length);
    const json = await query({ returnFormat: 'ARRAYS' });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(batches.flatMap((e) => e.data as unknown[])).toEqual(json.json().data);
  });

  it('ends with an ERROR event after the rows already sent when the query fails mid-stream', async () => {
    plan = stop('error', 2_500);
    const res = await query({ returnServerSentEvents: true });
    expect(res.statusCode).toBe(200);
    const events = eventsOf(res.body);
    expect(events.filter((e) => e.event === 'DATA').flatMap((e) => e.data as unknown[])).toHaveLength(2_500);
    expect(events.at(-1)).toMatchObject({ event: 'ERROR', data: { errorCode: '500000', debug: null } });
  });

  it('appends an `error` key to a streamed JSON answer that fails mid-stream', async () => {
    plan = stop('error', 3);
    const res = await query({});
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data).toHaveLength(3);
    expect(body.error).toMatchObject({ errorCode: '500000' });
  });

  it('a cut stream just stops: fewer rows than announced, no ERROR (SSE); an unfinished body (JSON)', async () => {
    plan = stop('cut', 2_100);
    const events = eventsOf((await query({ returnServerSentEvents: true })).body);
    expect(events.map((e) => e.event)).not.toContain('ERROR');
    expect(events.filter((e) => e.event === 'DATA').flatMap((e) => e.data as unknown[])).toHaveLength(2_100);
    plan = stop('cut', 10);
    const json = await query({});
    expect(() => JSON.parse(json.body)).toThrow();
  });

  it('does not serve or keep a faulty answer in the query cache', async () => {
    const whole = eventsOf((await query({ returnServerSentEvents: true })).body);
    plan = stop('cut', 5);
    const cut = eventsOf((await query({ returnServerSentEvents: true })).body);
    plan = undefined;
    const again = eventsOf((await query({ returnServerSentEvents: true })).body);
    expect(cut.length).toBeLessThan(whole.length);
    expect(again).toEqual(whole);
  });

  it('turns the fault kinds into a plan for the matching request only', () => {
    const faults = new FaultController([
      { kind: 'vdsStreamError', afterRows: 7, path: '/query-datasource', count: 1 },
      { kind: 'vdsStreamCut', afterRows: 3, path: '/query-datasource', after: 1 },
    ]);
    const url = '/api/v1/vizql-data-service/query-datasource';
    expect(faults.plan('POST', '/api/v1/vizql-data-service/read-metadata', true).vdsStream).toBeUndefined();
    expect(faults.plan('POST', url, true).vdsStream).toEqual({ kind: 'error', afterRows: 7, errorCode: '500000' });
    expect(faults.plan('POST', url, true).vdsStream).toEqual({ kind: 'cut', afterRows: 3 });
  });
});

describe('VDS results before 2026.1', () => {
  beforeEach(() => {
    state.version = '2025.3.0';
  });

  it('rejects returnServerSentEvents, which the 20253.0 schema does not have', async () => {
    const res = await query({ returnServerSentEvents: true });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ errorCode: '400802' });
  });

  it('answers a failure with an error status: nothing was sent before the query was done', async () => {
    plan = stop('error', 5);
    const res = await query({});
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ errorCode: '500000' });
  });

  it('caps an answer at the byte limit (1 GB by default); 2026.1 streams it (the cap was lifted)', async () => {
    await app.inject({ method: 'POST', url: '/_sim/data/vds/limits', payload: { maxBytes: 10_000 } });
    const old = await query({});
    expect(old.statusCode).toBe(400);
    expect(old.json()).toMatchObject({ errorCode: '400804' });
    state.version = '2026.1.0';
    const streamed = await query({});
    expect(streamed.statusCode).toBe(200);
    expect(streamed.json().data).toHaveLength(10_000);
  });
});
