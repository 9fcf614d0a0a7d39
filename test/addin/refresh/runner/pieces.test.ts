import { describe, expect, it, vi } from 'vitest';

import { createSchedulesClient } from '../../../../addin/api/schedules.js';
import { createSessionStore } from '../../../../addin/api/sessionStore.js';
import { collectStream } from '../../../../addin/refresh/runner/collect.js';
import { identityKey, matchConnection } from '../../../../addin/refresh/runner/connections.js';
import { createRefreshLog } from '../../../../addin/refresh/runner/log.js';
import { createSignInGate } from '../../../../addin/refresh/runner/signin.js';
import { describeOutcome } from '../../../../addin/refresh/runner/words.js';
import { columns, connectionInfo, ok, rows, streamOf } from './fixtures.js';

describe('collectStream', () => {
  it('collects a complete result', async () => {
    const r = await collectStream(streamOf(ok(columns, rows(3), true)));
    expect(r).toMatchObject({ columns, rowCount: 3, truncated: true, source: 'Superstore / Overview' });
  });

  it.each([
    [
      'rows before meta',
      [
        { kind: 'rows', rows: [[1]] },
        { kind: 'end', rowCount: 1, truncated: false },
      ],
      'stream-damaged',
    ],
    ['end without meta', [{ kind: 'end', rowCount: 0, truncated: false }], 'stream-damaged'],
    [
      'row count mismatch',
      [
        { kind: 'meta', columns },
        { kind: 'rows', rows: rows(2) },
        { kind: 'end', rowCount: 5, truncated: false },
      ],
      'stream-damaged',
    ],
    ['no terminal message', [{ kind: 'meta', columns }], 'stream-cut'],
    [
      'error message',
      [
        { kind: 'meta', columns },
        { kind: 'error', error: { code: 'vds-disabled', message: 'VDS is off' } },
      ],
      'vds-disabled',
    ],
  ] as const)('refuses %s', async (_, messages, code) => {
    await expect(collectStream(streamOf([...messages] as never))).rejects.toMatchObject({ body: { code } });
  });

  it('says cancelled when aborted', async () => {
    const c = new AbortController();
    c.abort();
    await expect(collectStream(streamOf(ok(columns, rows(1)), c.signal), c.signal)).rejects.toMatchObject({ body: { code: 'cancelled' } });
  });
});

describe('connection matching', () => {
  it('matches by normalised server URL and site, case-insensitively', () => {
    expect(identityKey({ serverUrl: 'HTTPS://Tableau.Example.com/', siteContentUrl: 'Finance' })).toBe(
      'https://tableau.example.com|finance',
    );
    const list = [connectionInfo('a', { siteContentUrl: '' }), connectionInfo('b')];
    expect(matchConnection({ serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' }, list)?.id).toBe('b');
    expect(matchConnection({ serverUrl: 'https://tableau.example.com', siteContentUrl: '' }, list)?.id).toBe('a');
    expect(matchConnection({ serverUrl: 'https://elsewhere.example.com', siteContentUrl: 'finance' }, list)).toBeNull();
  });

  it('a definition naming the Cloud pod matches the connection that was redirected there', () => {
    const pod = 'https://10ay.online.tableau.com';
    const list = [connectionInfo('a', { serverUrl: 'https://online.tableau.com', resolvedServerUrl: pod })];
    expect(matchConnection({ serverUrl: `${pod}/`, siteContentUrl: 'finance' }, list)?.id).toBe('a');
    expect(matchConnection({ serverUrl: 'https://online.tableau.com', siteContentUrl: 'finance' }, list)?.id).toBe('a');
    expect(matchConnection({ serverUrl: pod, siteContentUrl: 'other' }, list)).toBeNull();
  });
});

describe('sign-in gate', () => {
  const site = { serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' };
  it('one request per site; cancelling one waiter keeps the prompt for the others', async () => {
    const gate = createSignInGate();
    const onRequest = vi.fn();
    gate.onRequest = onRequest;
    const c = new AbortController();
    const a = gate.request(site, 'expired', 'A', c.signal);
    const b = gate.request(site, 'expired', 'B');
    expect(onRequest).toHaveBeenCalledTimes(1);
    c.abort();
    expect(await a).toBeNull();
    expect(gate.pending()).toEqual([expect.objectContaining({ tables: ['B'] })]);
    gate.resolve(site, connectionInfo('n'));
    expect((await b)?.id).toBe('n');
    expect(gate.pending()).toEqual([]);
  });
});

describe('refresh log', () => {
  it('keeps the last N entries in storage and reloads them; a damaged store starts empty', () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
    };
    const log = createRefreshLog({ storage, keep: 2 });
    for (const table of ['A', 'B', 'C'])
      log.add({ at: '2026-01-01T00:00:00Z', table, definitionId: 'x', trigger: 'manual', outcome: 'ok', durationMs: 1, message: 'ok' });
    expect(log.entries().map((e) => e.table)).toEqual(['C', 'B', 'A']);
    expect(
      createRefreshLog({ storage, keep: 2 })
        .entries()
        .map((e) => e.table),
    ).toEqual(['C', 'B']);
    data.set('tableau-excel:refresh-log', '{not json');
    expect(createRefreshLog({ storage }).entries()).toEqual([]);
  });
});

describe('outcome words', () => {
  it('describes success, truncation, snapshots and failures', () => {
    const base = { definitionId: 'x', table: 'T', rows: 1200, durationMs: 2300, addedColumns: [], removedColumns: [], warnings: [] };
    expect(describeOutcome({ ...base, status: 'ok' })).toBe('1,200 rows in 2.3 s.');
    expect(describeOutcome({ ...base, status: 'truncated', truncated: true })).toMatch(
      /Incomplete: a row limit cut the result at 1,200 rows/,
    );
    expect(
      describeOutcome({
        ...base,
        status: 'error',
        error: { code: 'rate-limited', message: 'Tableau is busy', hint: 'Try again in a minute.' },
      }),
    ).toBe('Failed: Tableau is busy. Try again in a minute. The table was left as it was.');
  });
});

describe('schedules client', () => {
  it('sends the session token, unwraps answers and reads X-Data-As-Of with the snapshot stream', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const body = ok(columns, rows(2))
      .map((m) => JSON.stringify(m) + '\n')
      .join('');
    const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(url), init: init ?? {} });
      if (String(url).includes('/snapshots/latest'))
        return new Response(body, { headers: { 'content-type': 'application/x-ndjson', 'x-data-as-of': '2026-03-01T07:30:00.000Z' } });
      if (init?.method === 'POST') return new Response(JSON.stringify({ schedule: { id: 's1' } }), { status: 201 });
      return new Response(JSON.stringify({ error: { code: 'not-found', message: 'No such schedule. It may have been deleted.' } }), {
        status: 404,
      });
    }) as unknown as typeof globalThis.fetch;
    const store = createSessionStore(undefined, undefined);
    store.set('tok');
    const client = createSchedulesClient({ baseUrl: 'https://localhost:3000', fetch, session: store });
    const created = await client.create({
      connectionId: 'c1',
      definitionId: 'd1',
      name: 'Sales',
      source: { kind: 'view', viewId: 'v' },
      spec: { kind: 'daily', time: '07:30', timeZone: 'Europe/Berlin' },
    });
    expect(created.id).toBe('s1');
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    const snap = await client.latestSnapshot('s 1');
    expect(calls[1].url).toBe('https://localhost:3000/api/snapshots/latest?scheduleId=s%201');
    expect(snap.dataAsOf).toBe('2026-03-01T07:30:00.000Z');
    expect((await collectStream(snap.messages)).rowCount).toBe(2);
    await expect(client.runs('gone')).rejects.toMatchObject({ body: { code: 'not-found' }, status: 404 });
  });
});
