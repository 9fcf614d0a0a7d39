import { Readable } from 'node:stream';

import { afterEach, describe, expect, it } from 'vitest';

import { Limiter, SessionCache, TableauClient, viewDataQuery } from '../../../server/tableau/index.js';
import { bomEdit } from '../../../server/tableau/views.js';
import { type Fake, fakeClock, PAT, readAll, startFake } from './fake.js';

let fakes: Fake[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

async function setup(extra: (f: Fake) => void, sessions = new SessionCache()) {
  const f = await startFake({}, extra);
  fakes.push(f);
  const c = await TableauClient.connect({ serverUrl: f.url, siteContentUrl: '', auth: PAT, sessions, clock: fakeClock() });
  return { f, c };
}

describe('view data query', () => {
  it('prefixes filters with vf_ and parameters with vf_Parameters., encodes spaces as %20', () => {
    expect(
      viewDataQuery({ filters: { Region: 'East', 'Order Date': '2024-01-02' }, parameters: { 'Top N': '10' }, maxAgeMinutes: 5 }),
    ).toBe('vf_Region=East&vf_Order%20Date=2024-01-02&vf_Parameters.Top%20N=10&maxAge=5');
    expect(viewDataQuery({ filters: { vf_Region: 'West' }, parameters: { 'Parameters.Rate': '0.5' } })).toBe(
      'vf_Region=West&vf_Parameters.Rate=0.5',
    );
    expect(() => viewDataQuery({ maxAgeMinutes: 0 })).toThrow(/maxAge/);
  });
});

describe('BOM', () => {
  // What the read-ahead passes on: each chunk through the edit as it arrives, then its end (read-ahead.ts).
  const bytes = async (...chunks: Buffer[]) => {
    const edit = bomEdit();
    const out = [...chunks.map((c) => edit.chunk(c)), edit.end()].filter((b): b is Buffer => b !== undefined);
    return Buffer.concat(out).toString('utf8');
  };
  it('strips a leading BOM, also when split over chunks', async () => {
    expect(await bytes(Buffer.from('\uFEFFa,b\n1,2\n'))).toBe('a,b\n1,2\n');
    expect(await bytes(Buffer.from([0xef]), Buffer.from([0xbb]), Buffer.from([0xbf, 0x41]))).toBe('A');
  });
  it('keeps data without a BOM (and a BOM in the middle)', async () => {
    expect(await bytes(Buffer.from('x'), Buffer.from('\uFEFFy'))).toBe('x\uFEFFy');
    expect(await bytes(Buffer.from([0xef, 0xbb]))).toBe(Buffer.from([0xef, 0xbb]).toString('utf8'));
  });
});

describe('streamViewData', () => {
  it('streams the CSV with filters and parameters in the query and without the BOM', async () => {
    let seen = '';
    const { c } = await setup((x) =>
      x.app.get('/api/:v/sites/:site/views/:id/data', async (req, reply) => {
        if (!x.authed(req, reply)) return;
        seen = req.url.split('?')[1];
        return reply.type('text/csv').send(Buffer.from('\uFEFFRegion,Sales\nEast,"$45,047"\n'));
      }),
    );
    const s = await c.streamViewData('view-1', { filters: { Region: 'East' }, parameters: { Year: '2024' }, maxAgeMinutes: 1 });
    expect(await readAll(s)).toBe('Region,Sales\nEast,"$45,047"\n');
    expect(seen).toBe('vf_Region=East&vf_Parameters.Year=2024&maxAge=1');
  });

  it('streams custom view data from /customviews/{id}/data', async () => {
    const { c } = await setup((x) =>
      x.app.get('/api/:v/sites/:site/customviews/:id/data', async (req, reply) =>
        x.authed(req, reply) ? reply.type('text/csv').send('a\n1\n') : undefined,
      ),
    );
    expect(await readAll(await c.streamCustomViewData('cv-1', { filters: { a: '1' } }))).toBe('a\n1\n');
  });

  it('reads a small error body and throws a TableauError (not-found, forbidden)', async () => {
    const { c } = await setup((x) => {
      x.app.get('/api/:v/sites/:site/views/missing/data', async (_q, r) =>
        r.code(404).send({ error: { code: '404011', summary: 'Resource Not Found', detail: 'View not found' } }),
      );
      x.app.get('/api/:v/sites/:site/views/locked/data', async (_q, r) => r.code(403).type('text/html').send('<html>Forbidden</html>'));
    });
    await expect(c.streamViewData('missing')).rejects.toMatchObject({ code: 'not-found', tableauCode: '404011', httpStatus: 404 });
    await expect(c.streamViewData('locked')).rejects.toMatchObject({ code: 'forbidden', httpStatus: 403 });
  });

  it('re-signs in when the export answers 401002', async () => {
    const { f, c } = await setup((x) =>
      x.app.get('/api/:v/sites/:site/views/:id/data', async (req, reply) =>
        x.authed(req, reply) ? reply.type('text/csv').send('ok\n') : undefined,
      ),
    );
    f.expireAll();
    expect(await readAll(await c.streamViewData('v'))).toBe('ok\n');
    expect(f.signIns).toHaveLength(2);
  });
});

describe('export concurrency', () => {
  it('lets at most 20 exports per site run at once; the rest wait in order and run when a stream ends', async () => {
    let active = 0;
    let peak = 0;
    const order: string[] = [];
    const finishers: Array<() => void> = [];
    const { c } = await setup((x) =>
      x.app.get('/api/:v/sites/:site/views/:id/data', async (req, reply) => {
        if (!x.authed(req, reply)) return;
        active++;
        peak = Math.max(peak, active);
        order.push((req.params as { id: string }).id);
        const body = new Readable({ read() {} });
        body.push('h\n');
        finishers.push(() => {
          active--;
          body.push(null);
        });
        return reply.type('text/csv').send(body);
      }),
    );
    const ids = Array.from({ length: 25 }, (_, i) => `v${i}`);
    const streams = ids.map((id) => c.streamViewData(id));
    await waitFor(() => order.length === 20);
    await new Promise((r) => setTimeout(r, 50));
    expect(order.length).toBe(20);
    // Finish the first five exports: the five waiting ones start, in FIFO order.
    const first = await Promise.all(streams.slice(0, 5));
    finishers.splice(0, 5).forEach((fin) => fin());
    await Promise.all(first.map(readAll));
    await waitFor(() => order.length === 25);
    expect(order.slice(20)).toEqual(ids.slice(20));
    expect(peak).toBe(20);
    finishers.forEach((fin) => fin());
    await Promise.all((await Promise.all(streams.slice(5))).map(readAll));
  });

  it('frees the slot when the consumer destroys the stream or the request fails', async () => {
    const sessions = new SessionCache(1);
    const { c } = await setup((x) => {
      x.app.get('/api/:v/sites/:site/views/ok/data', async (_q, r) => r.type('text/csv').send('x'.repeat(100_000)));
      x.app.get('/api/:v/sites/:site/views/bad/data', async (_q, r) => r.code(404).send({ error: { code: '404011' } }));
    }, sessions);
    const s = await c.streamViewData('ok');
    s.destroy();
    await expect(c.streamViewData('bad')).rejects.toMatchObject({ code: 'not-found' });
    // With a limit of 1 this would hang if either slot leaked.
    expect(await readAll(await c.streamViewData('ok'))).toHaveLength(100_000);
  });

  it("frees the slot once Tableau's body has ended, while its reader has not read it (read-ahead.ts)", async () => {
    const sessions = new SessionCache(1);
    const { c } = await setup((x) => {
      x.app.get('/api/:v/sites/:site/views/:id/data', async (req, r) =>
        r.type('text/csv').send((req.params as { id: string }).id.repeat(200_000)),
      );
    }, sessions);
    const unread = await c.streamViewData('a');
    // With one slot, this waits until the first body has arrived whole: it was never read.
    const next = await c.streamViewData('b');
    expect(await readAll(next)).toBe('b'.repeat(200_000));
    expect(await readAll(unread)).toBe('a'.repeat(200_000));
  });

  it('Limiter hands slots over in FIFO order', async () => {
    const l = new Limiter(1);
    const r1 = await l.acquire();
    const got: number[] = [];
    const p2 = l.acquire().then((r) => (got.push(2), r));
    const p3 = l.acquire().then((r) => (got.push(3), r));
    expect(l.queued).toBe(2);
    r1();
    r1(); // idempotent
    (await p2)();
    (await p3)();
    expect(got).toEqual([2, 3]);
    expect(l.inFlight).toBe(0);
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
