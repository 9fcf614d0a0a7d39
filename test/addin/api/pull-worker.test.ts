import { MessageChannel, type MessagePort } from 'node:worker_threads';

import { describe, expect, it, vi } from 'vitest';

import { createApiClient } from '../../../addin/api/client.js';
import { fromColumnar, summarize, toColumnar } from '../../../addin/api/columnar.js';
import type { WorkerLike } from '../../../addin/api/pull-in-worker.js';
import { type PortLike, servePull, WINDOW } from '../../../addin/api/pull-worker-core.js';
import { createSessionStore, type KeyValueStorage } from '../../../addin/api/sessionStore.js';
import { chunkBytes, OP_OVERHEAD_BYTES, rowBytesOf } from '../../../addin/workbook/chunks.js';
import { toExcelRows, withCellKinds } from '../../../addin/workbook/text.js';
import type { CellValue, StreamMessage } from '../../../common/stream.js';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

/** An NDJSON body that counts how many of its lines were read (one chunk per line). */
function countedBody(messages: StreamMessage[]): { body: ReadableStream<Uint8Array>; read: () => number; cancelled: () => boolean } {
  const lines = messages.map((m) => new TextEncoder().encode(JSON.stringify(m) + '\n'));
  let i = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (i < lines.length) controller.enqueue(lines[i++]);
        else controller.close();
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, read: () => i, cancelled: () => cancelled };
}

/**
 * A stand-in for `new Worker(...)`: the worker's own code (servePull) on the far end of a
 * MessageChannel, so the messages, transfers and acknowledgements are the real protocol's.
 */
function channelWorker(fetchFn: typeof fetch): WorkerLike & { terminated: boolean } {
  const { port1, port2 } = new MessageChannel();
  servePull(port2 as unknown as PortLike, fetchFn);
  const worker = {
    terminated: false,
    onerror: null,
    postMessage: (m: unknown, transfer?: Transferable[]) => port1.postMessage(m, transfer as never),
    set onmessage(f: ((event: MessageEvent) => void) | null) {
      (port1 as MessagePort & { onmessage: unknown }).onmessage = f;
    },
    get onmessage() {
      return null;
    },
    terminate() {
      worker.terminated = true;
      port1.close();
      port2.close();
    },
  };
  return worker;
}

const meta: StreamMessage = {
  kind: 'meta',
  columns: [
    { name: 'Id', type: 'integer', format: '0' },
    { name: 'Name', type: 'text', format: '@' },
    { name: 'Ok', type: 'boolean', format: 'General' },
  ],
};
const batch = (from: number, n: number): CellValue[][] =>
  Array.from({ length: n }, (_, i) => [from + i, i % 3 === 0 ? null : `name ${i % 4}`, i % 2 === 0]);

function setup(handler: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const storage = memoryStorage();
  const session = createSessionStore(storage, 'pk1');
  session.set('tok');
  const workers: ReturnType<typeof channelWorker>[] = [];
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchFn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return handler(String(url), init ?? {});
  }) as unknown as typeof fetch;
  const client = createApiClient({
    baseUrl: 'https://localhost:3000',
    session,
    worker: () => {
      const w = channelWorker(fetchFn);
      workers.push(w);
      return w;
    },
  });
  return { client, calls, workers, storage, session };
}

const pull = (client: ReturnType<typeof createApiClient>, signal?: AbortSignal) =>
  client.pull('c1', { source: { kind: 'view', viewId: 'v1' } }, { signal });

describe('columnar row batches (columnar.ts)', () => {
  it('give back the very rows, every kind of cell, a repeated string kept once', () => {
    const rows: CellValue[][] = [
      [1, 'a', true, null, -0, 1.5e300],
      [-2.25, 'a', false, '', Number.MIN_VALUE, 'é😀'],
    ];
    const c = toColumnar(rows, 6)!;
    expect(c.strings).toEqual(['a', '', 'é😀']);
    const back = fromColumnar(c);
    expect(back).toEqual(rows);
    expect(Object.is(back[0][4], -0)).toBe(true);
  });

  it('summarize what the text rules need: a batch marked with it is written exactly as one looked at cell by cell', () => {
    // Random batches of every cell the rules treat apart: empty, a string in a number column, an
    // apostrophe, an over-long string, a non-finite number (a JSON number such as 1e999).
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const cells: CellValue[] = [1, 2.5, true, false, 'text', "'quoted", 'x'.repeat(32_768), null, Infinity, ''];
    let keptWhole = 0;
    for (let round = 0; round < 300; round++) {
      const width = 1 + Math.floor(random() * 4);
      const textColumns = Array.from({ length: width }, () => random() < 0.5);
      // Mostly plain cells (a number, or text in a text column), now and then any other.
      const rows = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
        textColumns.map((text) => (random() < 0.08 ? cells[Math.floor(random() * cells.length)] : text ? 'abc' : 42)),
      );
      const c = toColumnar(rows, width)!;
      const marked = withCellKinds(fromColumnar(c), summarize(c));
      const got = toExcelRows(marked, textColumns);
      expect(got).toEqual(toExcelRows(fromColumnar(c), textColumns));
      if (got.rows === marked) keptWhole++;
    }
    // Both ways taken: batches kept whole by their summary, and batches looked at cell by cell.
    expect(keptWhole).toBeGreaterThan(20);
    expect(keptWhole).toBeLessThan(280);
  });

  it('leave a batch that does not fit the columns as it is (the writer names the bad row)', () => {
    expect(toColumnar([[1, 2]], 3)).toBeNull();
    expect(toColumnar([[1, 2, 3, 4]], 3)).toBeNull();
    expect(toColumnar(['not a row'], 1)).toBeNull();
    expect(toColumnar([[{ a: 1 }]], 1)).toBeNull();
  });
});

describe('pulls read in a worker (pull-in-worker.ts, pull-worker-core.ts)', () => {
  it('yield the same messages as the pane would decode, with the request sent by the worker', async () => {
    const messages: StreamMessage[] = [
      meta,
      { kind: 'progress', stage: 'vds', message: 'Tableau is sending 7 rows', totalRows: 7 },
      { kind: 'rows', rows: batch(1, 4) },
      { kind: 'rows', rows: [[5, 'x'] as CellValue[]] }, // a short row goes through unchanged
      { kind: 'rows', rows: batch(6, 2) },
      { kind: 'end', rowCount: 7, truncated: false },
    ];
    const { client, calls, workers } = setup(() => new Response(countedBody(messages).body, { status: 200 }));
    const got: StreamMessage[] = [];
    for await (const m of pull(client)) got.push(m);
    expect(got).toEqual(messages);
    // Full batches come with each row's JSON bytes, counted in the worker as the chunk planner would (chunks.ts withRowBytes).
    const counts = (rows: CellValue[][]) => rows.map((r) => chunkBytes([r]) - OP_OVERHEAD_BYTES - 2);
    expect([...(rowBytesOf((got[2] as { rows: CellValue[][] }).rows) ?? [])]).toEqual(counts(batch(1, 4)));
    expect(rowBytesOf((got[3] as { rows: CellValue[][] }).rows)).toBeUndefined();
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('https://localhost:3000/api/connections/c1/pull');
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ source: { kind: 'view', viewId: 'v1' } });
    expect(workers[0].terminated).toBe(true);
  });

  it('mark each batch with the summary the worker counted, so the writer keeps a plain batch whole', async () => {
    const plain: CellValue[][] = [
      [1, 'a', true],
      [2, 'b', false],
    ];
    const messages: StreamMessage[] = [meta, { kind: 'rows', rows: plain }, { kind: 'end', rowCount: 2, truncated: false }];
    const { client } = setup(() => new Response(countedBody(messages).body, { status: 200 }));
    const got: StreamMessage[] = [];
    for await (const m of pull(client)) got.push(m);
    const rows = (got[1] as { rows: CellValue[][] }).rows;
    expect(rows).toEqual(plain);
    // Kept whole (the batch itself, not a map of it) only by the mark: Name is a text column.
    expect(toExcelRows(rows, [false, true, false]).rows).toBe(rows);
    // A string in a column that is not text gets its apostrophe, as without the mark.
    expect(toExcelRows(rows, [false, false, false]).rows).toEqual([
      [1, "'a", true],
      [2, "'b", false],
    ]);
  });

  it('read no more than a few batches ahead of the writer, and go on when it takes them', async () => {
    const messages: StreamMessage[] = [meta, ...Array.from({ length: 40 }, (_, i) => ({ kind: 'rows' as const, rows: batch(i * 3, 3) }))];
    messages.push({ kind: 'end', rowCount: 120, truncated: false });
    const counted = countedBody(messages);
    const { client } = setup(() => new Response(counted.body, { status: 200 }));
    const it = pull(client);
    expect((await it.next()).value).toMatchObject({ kind: 'meta' });
    expect((await it.next()).value).toMatchObject({ kind: 'rows' });
    // Many turns of the event loop: the worker's side runs on the channel's messages.
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    // meta + the batch taken + WINDOW posted ahead + the one the worker holds while it waits; the stream reads one line ahead of it.
    expect(counted.read()).toBeLessThanOrEqual(WINDOW + 4);
    let rows = 3;
    for await (const m of it) if (m.kind === 'rows') rows += m.rows.length;
    expect(rows).toBe(120);
  });

  it('stop at Cancel while the worker waits, and end the worker', async () => {
    const messages: StreamMessage[] = [meta, ...Array.from({ length: 20 }, (_, i) => ({ kind: 'rows' as const, rows: batch(i, 1) }))];
    const { client, workers } = setup(() => new Response(countedBody(messages).body, { status: 200 }));
    const controller = new AbortController();
    const it = pull(client, controller.signal);
    await it.next();
    const waiting = (async () => {
      for (;;) await it.next();
    })();
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ body: { code: 'cancelled' } });
    expect(workers[0].terminated).toBe(true);
  });

  it("turn the server's refusal into its error and drop a session the server no longer knows", async () => {
    const { client, session } = setup(
      () =>
        new Response(JSON.stringify({ error: { code: 'unauthorized', message: 'Your session with the companion server has ended' } }), {
          status: 401,
          headers: { 'content-type': 'application/json' },
        }),
    );
    await expect(pull(client).next()).rejects.toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect(session.get()).toBeNull();
  });

  it('say the companion server cannot be reached when the request itself fails', async () => {
    const { client } = setup(() => {
      throw new TypeError('Failed to fetch');
    });
    await expect(pull(client).next()).rejects.toMatchObject({ body: { code: 'network' } });
  });

  it('end with stream-cut when the body stops before its end', async () => {
    const { client } = setup(() => new Response(countedBody([meta, { kind: 'rows', rows: batch(0, 2) }]).body, { status: 200 }));
    const got: StreamMessage[] = [];
    for await (const m of pull(client)) got.push(m);
    expect(got.map((m) => m.kind)).toEqual(['meta', 'rows', 'error']);
    expect(got.at(-1)).toMatchObject({ error: { code: 'stream-cut' } });
  });

  it('send the request from the pane when the worker fails before sending it (its script did not load)', async () => {
    const messages: StreamMessage[] = [meta, { kind: 'end', rowCount: 0, truncated: false }];
    const storage = memoryStorage();
    const fetchFn = vi.fn(async () => new Response(countedBody(messages).body, { status: 200 }));
    let dead: WorkerLike | null = null;
    const client = createApiClient({
      session: createSessionStore(storage, 'pk1'),
      fetch: fetchFn as unknown as typeof fetch,
      worker: () => {
        dead = {
          onmessage: null,
          onerror: null,
          postMessage: () => queueMicrotask(() => dead!.onerror?.({ preventDefault() {} } as ErrorEvent)),
          terminate: vi.fn(),
        };
        return dead;
      },
    });
    const got: StreamMessage[] = [];
    for await (const m of pull(client)) got.push(m);
    expect(got).toEqual(messages);
    expect(fetchFn).toHaveBeenCalledTimes(1);
  });
});
