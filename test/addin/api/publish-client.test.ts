import { describe, expect, it, vi } from 'vitest';

import { createApiClient } from '../../../addin/api/client.js';
import { createSessionStore, type KeyValueStorage, sessionKey } from '../../../addin/api/sessionStore.js';
import type { PublishTable } from '../../../common/publish.js';

const storage = (): KeyValueStorage => {
  const data = new Map<string, string>([[sessionKey('pk'), 'tok']]);
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
};

const table: PublishTable = { kind: 'users', headers: ['User'], columns: { userName: 'User' }, rows: [{ index: 0, cells: ['ana'] }] };

describe('api client: publish', () => {
  it('posts the dry run and the apply to the connection’s publish routes and returns their answers', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(url), init: init ?? {} });
      const body = String(url).endsWith('/dry-run') ? { planId: 'p1' } : { planId: 'p1', summary: { done: 1 } };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }) as unknown as typeof globalThis.fetch;
    const client = createApiClient({ fetch, session: createSessionStore(storage(), 'pk') });
    expect(await client.publishDryRun('c/1', table)).toEqual({ planId: 'p1' });
    expect(await client.publishApply('c/1', { table, planId: 'p1', confirm: true })).toEqual({ planId: 'p1', summary: { done: 1 } });
    expect(calls.map((c) => [c.init.method, c.url])).toEqual([
      ['POST', '/api/connections/c%2F1/publish/dry-run'],
      ['POST', '/api/connections/c%2F1/publish/apply'],
    ]);
    expect(JSON.parse(String(calls[0].init.body))).toEqual(table);
    expect(JSON.parse(String(calls[1].init.body))).toEqual({ table, planId: 'p1', confirm: true });
  });

  it('turns a 409 plan-changed into an ApiError with its code, for the pane to plan again', async () => {
    const fetch = vi.fn(
      async () =>
        new Response(JSON.stringify({ error: { code: 'plan-changed', message: 'The site changed since the dry run' }, plan: {} }), {
          status: 409,
          headers: { 'Content-Type': 'application/json' },
        }),
    ) as unknown as typeof globalThis.fetch;
    const client = createApiClient({ fetch, session: createSessionStore(storage(), 'pk') });
    await expect(client.publishApply('c1', { table, planId: 'p1', confirm: true })).rejects.toMatchObject({
      status: 409,
      body: { code: 'plan-changed' },
    });
  });
});
