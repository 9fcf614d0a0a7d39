import { describe, expect, it, vi } from 'vitest';

import { createApiClient } from '../../../addin/api/client.js';
import { ApiError } from '../../../addin/api/errors.js';
import { createSessionStore, type KeyValueStorage, sessionKey } from '../../../addin/api/sessionStore.js';
import type { StreamMessage } from '../../../common/stream.js';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function ndjsonBody(lines: string[], chunkSize = 7): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(lines.join(''));
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

function setup(handler: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const storage = memoryStorage();
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return handler(String(url), init ?? {});
  }) as unknown as typeof globalThis.fetch;
  const client = createApiClient({ baseUrl: 'https://localhost:3000/', fetch, session: createSessionStore(storage, 'pk1') });
  return { client, calls, storage };
}

const connection = {
  id: 'c1',
  label: 'demo',
  serverUrl: 'https://t',
  siteContentUrl: 's',
  authKind: 'pat' as const,
  principal: 'me',
  createdAt: '2026-01-01',
};

describe('api client', () => {
  it('stores the session token under the partition key and sends it afterwards', async () => {
    const { client, calls, storage } = setup((url) =>
      url.endsWith('/api/connections') && calls.length === 1
        ? json({ sessionToken: 'tok', connection })
        : json({ connections: [connection] }),
    );
    expect(client.hasSession()).toBe(false);
    expect(await client.listConnections()).toEqual([]); // no session → no request
    expect(calls).toHaveLength(0);
    await client.connect({ serverUrl: 'https://t', siteContentUrl: 's', auth: { kind: 'pat', patName: 'me', patSecret: 'x' } });
    expect(storage.data.get(sessionKey('pk1'))).toBe('tok');
    expect(sessionKey('pk1')).toMatch(/^pk1:/);
    expect(await client.listConnections()).toEqual([connection]);
    expect((calls[1].init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(calls[0].url).toBe('https://localhost:3000/api/connections');
    expect(JSON.parse(String(calls[0].init.body)).auth.patSecret).toBe('x');
  });

  it('builds paged list URLs with encoded ids and optional query params', async () => {
    const { client, calls } = setup(() => json({ items: [], page: 2, pageSize: 50, total: 0, nextPage: null }));
    await client.workbooks('c/1', { projectId: 'p 1', page: 2, pageSize: 50 });
    await client.datasources('c1');
    await client.search('c1', 'sales & more', 3);
    expect(calls.map((c) => c.url.replace('https://localhost:3000', ''))).toEqual([
      '/api/connections/c%2F1/workbooks?projectId=p+1&page=2&pageSize=50',
      '/api/connections/c1/datasources',
      '/api/connections/c1/search?q=sales+%26+more&page=3',
    ]);
  });

  it('turns server error bodies into ApiError with their plain words and hint', async () => {
    const { client } = setup(() =>
      json({ error: { code: 'bad-credentials', message: 'Tableau did not accept the token', hint: 'Check the PAT name' } }, 401),
    );
    const failure = await client.projects('c1').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).body).toEqual({
      code: 'bad-credentials',
      message: 'Tableau did not accept the token',
      hint: 'Check the PAT name',
    });
    expect((failure as ApiError).status).toBe(401);
  });

  it('says "Cannot reach the companion server" when the network is down', async () => {
    const { client } = setup(() => {
      throw new TypeError('Failed to fetch');
    });
    await expect(client.health()).rejects.toMatchObject({ body: { code: 'network', message: 'Cannot reach the companion server' } });
  });

  it('maps HTML gateway pages to plain words by status', async () => {
    const { client } = setup(() => new Response('<html>502 Bad Gateway</html>', { status: 502 }));
    await expect(client.views('c1', 'w1')).rejects.toMatchObject({ body: { code: 'gateway' } });
  });

  const unauthorized = (code: string, message: string) =>
    new Response(JSON.stringify({ error: { code, message } }), { status: 401, headers: { 'Content-Type': 'application/json' } });

  it('clears the stored session when the server no longer knows it (401 unauthorized)', async () => {
    const { client, storage } = setup((url) =>
      url.endsWith('/api/connections') ? json({ sessionToken: 'tok', connection }) : unauthorized('unauthorized', 'Session unknown'),
    );
    await client.connect({ serverUrl: 'https://t', siteContentUrl: '', auth: { kind: 'password', username: 'u', password: 'p' } });
    await expect(client.projects('c1')).rejects.toMatchObject({ body: { code: 'unauthorized' } });
    expect(storage.data.size).toBe(0);
    expect(client.hasSession()).toBe(false);
  });

  it("a 401 without a body means the same as the server's own: the companion session ended (unauthorized)", async () => {
    const { client, storage } = setup((url) =>
      url.endsWith('/api/connections') ? json({ sessionToken: 'tok', connection }) : new Response('<html>401</html>', { status: 401 }),
    );
    await client.connect({ serverUrl: 'https://t', siteContentUrl: '', auth: { kind: 'password', username: 'u', password: 'p' } });
    await expect(client.projects('c1')).rejects.toMatchObject({ status: 401, body: { code: 'unauthorized', hint: 'Connect again.' } });
    expect(storage.data.size).toBe(0);
  });

  it("keeps the session when the 401 is Tableau's verdict on the connection (revoked PAT)", async () => {
    const { client } = setup((url) =>
      url.endsWith('/api/connections')
        ? json({ sessionToken: 'tok', connection })
        : unauthorized('bad-credentials', 'Tableau rejected the token'),
    );
    await client.connect({ serverUrl: 'https://t', siteContentUrl: '', auth: { kind: 'password', username: 'u', password: 'p' } });
    await expect(client.projects('c1')).rejects.toMatchObject({ body: { code: 'bad-credentials' } });
    expect(client.hasSession()).toBe(true);
  });

  it('pull decodes NDJSON as bytes arrive and yields typed messages', async () => {
    const messages: StreamMessage[] = [
      { kind: 'meta', columns: [{ name: 'Sales', type: 'currency', format: '$#,##0' }] },
      { kind: 'rows', rows: [[1], [2]] },
      { kind: 'end', rowCount: 2, truncated: false },
    ];
    const { client, calls } = setup(() => new Response(ndjsonBody(messages.map((m) => JSON.stringify(m) + '\n')), { status: 200 }));
    const got: StreamMessage[] = [];
    for await (const m of client.pull('c1', { source: { kind: 'view', viewId: 'v1' }, options: { limit: 100 } })) got.push(m);
    expect(got).toEqual(messages);
    expect(calls[0].init.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ source: { kind: 'view', viewId: 'v1' }, options: { limit: 100 } });
  });

  it('pull ends with an error message when the stream stops before its end', async () => {
    const { client } = setup(() => new Response(ndjsonBody([JSON.stringify({ kind: 'meta', columns: [] }) + '\n']), { status: 200 }));
    const got: StreamMessage[] = [];
    for await (const m of client.pull('c1', { source: { kind: 'view', viewId: 'v1' } })) got.push(m);
    expect(got.at(-1)).toMatchObject({ kind: 'error', error: { code: 'stream-cut' } });
  });

  it('pull throws the server error before any message when the request fails', async () => {
    const { client } = setup(() =>
      json({ error: { code: 'vds-disabled', message: 'VizQL Data Service is turned off on this server' } }, 404),
    );
    const it = client.pull('c1', { source: { kind: 'view', viewId: 'v1' } });
    await expect(it.next()).rejects.toMatchObject({ body: { code: 'vds-disabled' } });
  });

  it('pull reports cancellation as cancelled, not as a network failure', async () => {
    const controller = new AbortController();
    const { client } = setup((_url, init) => {
      controller.abort();
      const err = new DOMException('aborted', 'AbortError');
      if (init.signal?.aborted) throw err;
      return json({});
    });
    const it = client.pull('c1', { source: { kind: 'view', viewId: 'v1' } }, { signal: controller.signal });
    await expect(it.next()).rejects.toMatchObject({ body: { code: 'cancelled' } });
  });
});
