import net from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { backoffDelay, DEFAULT_RETRY, parseRetryAfter } from '../../../server/tableau/http.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { type Fake, fakeClock, memoryLogger, PAT, startFake } from './fake.js';

let fakes: Fake[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

const HTML = (s: number) => `<html><head><title>${s}</title></head><body><h1>${s} Too Many Requests</h1></body></html>`;

/** A fake whose GET /workbooks/:id answers the scripted statuses in order, then 200. */
async function scripted(script: Array<number | 'reset' | { status: number; retryAfter?: string }>) {
  let i = 0;
  const f = await startFake({}, (x) =>
    x.app.get('/api/:v/sites/:site/workbooks/:id', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      const step = script[i++];
      if (step === undefined) return { workbook: { id: 'wb-1', name: 'OK' } };
      if (step === 'reset') {
        req.raw.socket.destroy();
        return reply;
      }
      const { status, retryAfter } = typeof step === 'number' ? { status: step, retryAfter: undefined } : step;
      if (retryAfter) void reply.header('retry-after', retryAfter);
      return reply.code(status).type('text/html').send(HTML(status));
    }),
  );
  fakes.push(f);
  return { f, calls: () => i };
}

async function client(f: Fake, clock = fakeClock(), extra: object = {}) {
  return TableauClient.connect({ serverUrl: f.url, siteContentUrl: '', auth: PAT, sessions: new SessionCache(), clock, ...extra });
}

describe('retries', () => {
  it('retries 429/502/503/504 HTML answers with backoff and succeeds', async () => {
    const { f, calls } = await scripted([429, 502, 503, 504]);
    const clock = fakeClock();
    const c = await client(f, clock);
    await expect(c.getWorkbook('wb-1')).resolves.toMatchObject({ name: 'OK' });
    expect(calls()).toBe(5);
    // full jitter with random()=0.5: 0.5 × min(30 s, 500 ms × 2^n)
    expect(clock.sleeps).toEqual([250, 500, 1000, 2000]);
  });

  it('retries a connection reset (socket hang up)', async () => {
    const { f, calls } = await scripted(['reset', 'reset']);
    const c = await client(f);
    await expect(c.getWorkbook('wb-1')).resolves.toMatchObject({ name: 'OK' });
    expect(calls()).toBe(3);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const clock = fakeClock();
    const date = new Date(clock.now() + 7_000).toUTCString();
    const { f } = await scripted([
      { status: 429, retryAfter: '3' },
      { status: 503, retryAfter: date },
    ]);
    const c = await client(f, clock);
    await c.getWorkbook('wb-1');
    expect(clock.sleeps[0]).toBe(3000);
    // The date is 7 s after the start; 3 s have passed in the first wait.
    expect(clock.sleeps[1]).toBe(4000);
  });

  it('stops after the attempt budget and keeps the status of the HTML page', async () => {
    const { f, calls } = await scripted([429, 429, 429, 429, 429, 429, 429]);
    const logger = memoryLogger();
    const c = await client(f, fakeClock(), { logger });
    const err = await c.getWorkbook('wb-1').catch((e) => e);
    expect(err).toMatchObject({ name: 'TableauError', code: 'rate-limited', httpStatus: 429 });
    expect(calls()).toBe(DEFAULT_RETRY.maxAttempts);
    expect(logger.lines.join('\n')).not.toMatch(/tok-\d|s3cr3t/);
  });

  it('stops at the overall deadline even with attempts left', async () => {
    const { f, calls } = await scripted([{ status: 503, retryAfter: '50' }, { status: 503, retryAfter: '50' }, 503, 503]);
    const c = await client(f, fakeClock(), { retry: { deadlineMs: 60_000 } });
    await expect(c.getWorkbook('wb-1')).rejects.toMatchObject({ code: 'server-unavailable', httpStatus: 503 });
    expect(calls()).toBe(2);
  });

  it('does not retry a 404 or a 500', async () => {
    const { f, calls } = await scripted([500]);
    const c = await client(f);
    await expect(c.getWorkbook('wb-1')).rejects.toMatchObject({ code: 'server-error', httpStatus: 500 });
    expect(calls()).toBe(1);
  });

  it('turns a request that never answers into a timeout after the retries', async () => {
    const f = await startFake({}, (x) => x.app.get('/api/:v/sites/:site/workbooks/:id', () => new Promise(() => {})));
    fakes.push(f);
    const c = await client(f, fakeClock(), { timeoutMs: 50, retry: { maxAttempts: 2 } });
    await expect(c.getWorkbook('wb-1')).rejects.toMatchObject({ code: 'timeout' });
    await f.app.server.closeAllConnections();
  });

  it('reports an unreachable server as server-unavailable', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await expect(
      TableauClient.connect({
        serverUrl: `http://127.0.0.1:${port}`,
        siteContentUrl: '',
        auth: PAT,
        sessions: new SessionCache(),
        clock: fakeClock(),
      }),
    ).rejects.toMatchObject({ code: 'server-unavailable' });
  });

  it('answers a 200 with an HTML body as invalid-response, not a crash', async () => {
    const f = await startFake({}, (x) =>
      x.app.get('/api/:v/sites/:site/workbooks/:id', async (_q, r) => r.type('text/html').send('<html>login</html>')),
    );
    fakes.push(f);
    const c = await client(f);
    await expect(c.getWorkbook('wb-1')).rejects.toMatchObject({ code: 'invalid-response' });
  });
});

describe('retry helpers', () => {
  it('parses Retry-After', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });

  it('caps the full-jitter backoff', () => {
    expect(backoffDelay(0, DEFAULT_RETRY, () => 0.999)).toBeLessThan(500);
    expect(backoffDelay(20, DEFAULT_RETRY, () => 0.999)).toBeLessThan(DEFAULT_RETRY.maxDelayMs);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0)).toBe(0);
  });
});

describe('secrets in errors', () => {
  it('never carries the axios config (token, PAT secret) in a network error or its cause', async () => {
    const f = await startFake({}, (x) =>
      x.app.addHook('onRequest', async (req) => {
        if (req.url.endsWith('/auth/signin')) req.raw.socket.destroy();
      }),
    );
    fakes.push(f);
    const err = await TableauClient.connect({
      serverUrl: f.url,
      siteContentUrl: '',
      auth: PAT,
      sessions: new SessionCache(),
      clock: fakeClock(),
    }).catch((e) => e);
    expect(err).toMatchObject({ code: 'server-unavailable' });
    const dump = JSON.stringify({
      err,
      cause: err.cause,
      props: Object.getOwnPropertyNames(err.cause).map((k) => (err.cause as Record<string, unknown>)[k]),
    });
    expect(dump).not.toContain('s3cr3t-value');
    expect(err.cause).not.toHaveProperty('config');
  });
});
