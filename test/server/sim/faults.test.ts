import { afterEach, describe, expect, it } from 'vitest';

import { FaultController } from '../../../server/sim/faults.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';

describe('FaultController (pure)', () => {
  it('targets by path (substring or glob) and method, skips `after`, stops after `count`', () => {
    const f = new FaultController();
    f.add({ kind: 'badGateway', path: '/sites/*/workbooks', method: 'GET', after: 1, count: 2 });
    const hit = (m: string, url: string) => f.plan(m, url, true).terminal?.kind;
    expect(hit('GET', '/api/3.28/sites/s1/workbooks')).toBeUndefined(); // skipped (after: 1)
    expect(hit('POST', '/api/3.28/sites/s1/workbooks')).toBeUndefined(); // wrong method
    expect(hit('GET', '/api/3.28/sites/s1/views')).toBeUndefined(); // wrong path
    expect(hit('GET', '/api/3.28/sites/s1/workbooks?pageNumber=2')).toBe('badGateway');
    expect(f.list()[0]).toMatchObject({ remaining: 1, seen: 2 });
    expect(hit('GET', '/api/3.28/sites/s1/workbooks')).toBe('badGateway');
    expect(f.list()).toEqual([]);
    expect(hit('GET', '/api/3.28/sites/s1/workbooks')).toBeUndefined();
  });

  it('validates specs, replaces with set() and resets with clear()', () => {
    const f = new FaultController([{ kind: 'latency', ms: 5 }]);
    expect(f.list()).toHaveLength(1);
    expect(() => f.add({ kind: 'latency', ms: -1 })).toThrow();
    expect(() => f.add({ kind: 'explode' } as never)).toThrow();
    f.set([{ kind: 'reset' }, { kind: 'malformedJson', path: '/jobs' }]);
    expect(f.list().map((x) => x.kind)).toEqual(['reset', 'malformedJson']);
    f.clear();
    expect(f.list()).toEqual([]);
    expect(f.plan('GET', '/x', false)).toEqual({ delayMs: 0, expireToken: false, malformedJson: false });
  });
});

describe('faults over real HTTP', () => {
  let sim: Simulator;
  afterEach(async () => sim?.close());

  const signIn = async () => {
    const res = await fetch(`${sim.url}/api/3.28/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        credentials: {
          personalAccessTokenName: sim.demo.patName,
          personalAccessTokenSecret: sim.demo.patSecret,
          site: { contentUrl: sim.demo.siteContentUrl },
        },
      }),
    });
    return ((await res.json()) as { credentials: { token: string } }).credentials.token;
  };
  const get = (path: string, token?: string, signal?: AbortSignal) =>
    fetch(`${sim.url}/api/3.28/sites/${sim.demo.siteId}/${path}`, {
      headers: { accept: 'application/json', ...(token ? { 'x-tableau-auth': token } : {}) },
      signal,
    });

  it('adds latency per request', async () => {
    sim = await createSimulator({ faults: [{ kind: 'latency', ms: 150, path: '/serverinfo' }] });
    const t0 = performance.now();
    expect((await fetch(`${sim.url}/api/3.28/serverinfo`)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('expires the token after N calls (401002), a new sign-in works again', async () => {
    sim = await createSimulator();
    sim.faults.add({ kind: 'expireToken', after: 2, count: 1 });
    const token = await signIn();
    expect((await get('projects', token)).status).toBe(200);
    expect((await get('projects', token)).status).toBe(200);
    const third = await get('projects', token);
    expect(third.status).toBe(401);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('401002');
    expect((await get('projects', await signIn())).status).toBe(200);
  });

  it('answers 429 with an HTML body and Retry-After for the next 2 requests to /workbooks only', async () => {
    sim = await createSimulator();
    sim.faults.add({ kind: 'rateLimit', path: '/workbooks', count: 2, retryAfter: 7 });
    const token = await signIn();
    expect((await get('projects', token)).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await get('workbooks', token);
      expect(res.status).toBe(429);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.text()).toMatch(/^<html>/);
    }
    expect((await get('workbooks', token)).status).toBe(200);
  });

  it.each([
    ['badGateway', 502],
    ['unavailable', 503],
    ['gatewayTimeout', 504],
  ] as const)('%s answers %i with an HTML page', async (kind, status) => {
    sim = await createSimulator({ faults: [{ kind, count: 1 }] });
    const res = await fetch(`${sim.url}/api/3.28/serverinfo`);
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(`<h1>${status}`);
    expect((await fetch(`${sim.url}/api/3.28/serverinfo`)).status).toBe(200);
  });

  it('resets the connection', async () => {
    sim = await createSimulator({ faults: [{ kind: 'reset', count: 1 }] });
    await expect(fetch(`${sim.url}/api/3.28/serverinfo`)).rejects.toThrow();
    expect((await fetch(`${sim.url}/api/3.28/serverinfo`)).status).toBe(200);
  });

  it('never answers (client timeout), and close() still returns', async () => {
    sim = await createSimulator({ faults: [{ kind: 'timeout', count: 1 }] });
    await expect(fetch(`${sim.url}/api/3.28/serverinfo`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await fetch(`${sim.url}/api/3.28/serverinfo`)).status).toBe(200);
  });

  it('answers after a long delay', async () => {
    sim = await createSimulator({ faults: [{ kind: 'timeout', ms: 250, count: 1 }] });
    const t0 = performance.now();
    expect((await fetch(`${sim.url}/api/3.28/serverinfo`)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
  });

  it('sends malformed JSON with status 200', async () => {
    sim = await createSimulator({ faults: [{ kind: 'malformedJson', path: '/serverinfo', count: 1 }] });
    const res = await fetch(`${sim.url}/api/3.28/serverinfo`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('removes items between pages, so sequential paging misses one', async () => {
    sim = await createSimulator();
    const token = await signIn();
    const all = (
      (await (await get('workbooks?pageSize=1000', token)).json()) as { workbooks: { workbook: Array<{ id: string }> } }
    ).workbooks.workbook.map((w) => w.id);
    sim.faults.add({ kind: 'mutate', path: '/workbooks', remove: 1, count: 1 });
    const seen: string[] = [];
    // TSC Pager's rule: stop when pageSize * pageNumber >= totalAvailable.
    for (let page = 1; ; page++) {
      const body = (await (await get(`workbooks?pageSize=3&pageNumber=${page}`, token)).json()) as {
        pagination: { totalAvailable: string };
        workbooks: { workbook?: Array<{ id: string }> };
      };
      seen.push(...(body.workbooks.workbook ?? []).map((w) => w.id));
      expect(body.pagination.totalAvailable).toBe(String(page === 1 ? all.length : all.length - 1));
      if (page * 3 >= Number(body.pagination.totalAvailable)) break;
    }
    expect(seen).toHaveLength(all.length - 1);
    expect(seen).not.toContain(all[3]); // shifted onto page 1 after page 1 was served
  });

  it('adds items between pages', async () => {
    sim = await createSimulator({ faults: [{ kind: 'mutate', path: '/datasources', add: 2, count: 1 }] });
    const token = await signIn();
    const p1 = (await (await get('datasources?pageSize=2', token)).json()) as { pagination: { totalAvailable: string } };
    const p2 = (await (await get('datasources?pageSize=2&pageNumber=2', token)).json()) as { pagination: { totalAvailable: string } };
    expect(Number(p2.pagination.totalAvailable)).toBe(Number(p1.pagination.totalAvailable) + 2);
  });

  it('is controlled over /_sim/faults', async () => {
    sim = await createSimulator();
    const post = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'unavailable', path: '/serverinfo', count: 1 }),
    });
    expect(post.status).toBe(201);
    const listed = (await (await fetch(`${sim.url}/_sim/faults`)).json()) as { faults: Array<{ kind: string; remaining: number }> };
    expect(listed.faults).toEqual([expect.objectContaining({ kind: 'unavailable', remaining: 1 })]);
    expect((await fetch(`${sim.url}/api/3.28/serverinfo`)).status).toBe(503);
    expect((await fetch(`${sim.url}/api/3.28/serverinfo`)).status).toBe(200);
    const bad = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'latency', ms: 'slow' }),
    });
    expect(bad.status).toBe(400);
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ kind: 'badGateway' }]),
    });
    expect((await fetch(`${sim.url}/api/3.28/serverinfo`)).status).toBe(502);
    expect((await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${sim.url}/api/3.28/serverinfo`)).status).toBe(200);
  });
});
